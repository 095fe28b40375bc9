// Every UI size, stepped up and down (150% -> 100%, 200% -> 80%, 175% -> 90% blanked the console
// with WebGL "bufferSubData: buffer overflow" until a reload: the font atlas rebuild recreated the
// renderer's buffers while it kept their old sizes). After each step the console draws a frame:
// the canvas is not one flat colour, the top bar's size button shows the new size, and WebGL has
// reported no error. Then: Escape closes a dropdown and the next click is not swallowed.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, frames, click, press, drawn, done } = require('./lib');

/** Distinct colours and the share of pixels unlike the top-left one, in a screenshot of the page. */
async function pixelStats(page) {
  const png = await page.screenshot({ type: 'png' });
  return page.evaluate(async b64 => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let other = 0;
    for (let i = 0; i < d.length; i += 4) {
      const rgb = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      colours.add(rgb);
      if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) ++other;
    }
    return { colours: colours.size, other: other / (d.length / 4) };
  }, png.toString('base64'));
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-scale-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  const glErrors = [];
  page.on('console', m => {
    if (/bufferSubData|GL_INVALID|WebGL: |INVALID_(VALUE|OPERATION)/.test(m.text())) glErrors.push(m.text());
  });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    // Up through every size, down through every size, and the jumps that blanked the console.
    const sizes = [80, 90, 100, 110, 125, 150, 175, 200];
    const steps = [...sizes.slice(1), ...sizes.slice(0, -1).reverse(), 150, 100, 200, 80, 175, 90, 100];
    if (Math.round(s.ui_scale * 100) !== 80) steps.unshift(80);
    for (const size of steps) {
      const id = 'topbar.scale.' + size;
      await click(page, 'topbar.scale', st => drawn(st, id), 'the size menu');
      s = await click(page, id, st => Math.round(st.ui_scale * 100) === size && !drawn(st, id), size + '%');
      const frame = s.frame;
      s = await waitUi(page, st => st.frame > frame + 2, 'frames drawn at ' + size + '%');
      await frames(page, 3);
      const px = await pixelStats(page);
      check(glErrors.length === 0, `${size}%: WebGL reported no error` + (glErrors.length ? ' (' + glErrors[0] + ')' : ''));
      check(px.colours > 20 && px.other > 0.02,
        `${size}%: the canvas shows a drawn frame (${px.colours} colours, ${(px.other * 100).toFixed(1)}% not background)`);
      check(!!(s.items && s.items['topbar.scale'] && s.items['nav.company']),
        `${size}%: the top bar and the sidebar are drawn`);
    }
    await page.screenshot({ path: path.join(OUT, 'ui_scale.png') });

    // Escape closes a dropdown, and the next click goes where it is aimed (one click, no retry).
    await click(page, 'topbar.scale', st => drawn(st, 'topbar.scale.100'), 'the size menu');
    s = await press(page, 'Escape', st => !drawn(st, 'topbar.scale.100'), 'the size menu closed by Escape');
    check(!drawn(s, 'topbar.scale.100'), 'Escape closes the dropdown');
    const theme = s.theme;
    s = await click(page, 'topbar.theme', st => st.theme !== theme, 'the theme switched by the first click',
      { attempts: 1, settle: 30 });
    check(s.theme !== theme, 'the click after Escape is not swallowed');
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
