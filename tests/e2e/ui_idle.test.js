// Idle costs nothing: with no input and nothing changing, the console stops drawing (a frame
// twice a second keeps clocks and background results current); input brings full-rate frames
// back at once. Prints the frames per second and the main thread's busy share, idle and while
// the mouse moves (the numbers of the closing note: CRM_SITE=<site> node ui_idle.test.js).
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, frames, click, ui, done } = require('./lib');

async function sample(page, cdp, ms, act) {
  const metric = async () => {
    const m = (await cdp.send('Performance.getMetrics')).metrics;
    return Object.fromEntries(m.map(x => [x.name, x.value]));
  };
  const f0 = await page.evaluate(() => Module.__crmFrames || 0), m0 = await metric(), t0 = Date.now();
  if (act) await act(); else await new Promise(r => setTimeout(r, ms));
  const f1 = await page.evaluate(() => Module.__crmFrames || 0), m1 = await metric(), t1 = Date.now();
  const s = (t1 - t0) / 1000;
  return { fps: (f1 - f0) / s, busy: (m1.TaskDuration - m0.TaskDuration) / s, seconds: s };
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-idle-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(server.url);
    await waitReady(page);
    await page.mouse.move(640, 400);
    await new Promise(r => setTimeout(r, 2000));  // the start's work settles
    const idle = await sample(page, cdp, 6000);
    console.log(`  idle: ${idle.fps.toFixed(1)} frames/s, main thread busy ${(idle.busy * 100).toFixed(1)}%`);
    const moving = await sample(page, cdp, 0, async () => {
      for (let i = 0; i < 60; i++) { await page.mouse.move(300 + i * 8, 300 + (i % 7) * 20); await frames(page, 1); }
    });
    console.log(`  mouse moving: ${moving.fps.toFixed(1)} frames/s, main thread busy ${(moving.busy * 100).toFixed(1)}%`);
    check(idle.fps < 5, `idle, the console draws at most a few frames a second (${idle.fps.toFixed(1)})`);
    // Each move waits for a frame, so the moving rate is what the machine can draw: on a busy machine it
    // is low, but still well above the heartbeat's, which is all an idle console draws.
    check(moving.fps > 1.5 * Math.max(idle.fps, 2), `input brings frames back (${moving.fps.toFixed(1)}/s)`);

    // On every page, an idle frame repeats the last one and is not rendered (ConsoleHost::Frame
    // compares the frames' fingerprints). A layout that changes every frame by itself renders them
    // all: the company page did, its body 8 px taller than its room, a scrollbar on and off in turn.
    // Up to three samples of 2 s: a page passes with one that rendered nothing (a reminder's toast
    // may change the screen once; a layout that sways never stops).
    const s0 = await ui(page);
    const navs = Object.keys({ ...s0.items, ...s0.offscreen }).filter(id => /^nav\.[a-z_]+$/.test(id)).sort();
    const swaying = [];
    for (const nav of navs) {
      const slug = nav.slice(4);
      await click(page, nav, st => st.page === slug, 'the page ' + slug);
      await frames(page, 6);
      await page.mouse.move(1275, 795);
      let last = null;
      for (let i = 0; i < 3; i++) {
        await new Promise(r => setTimeout(r, 1000));  // the input's full-rate frames end
        const a = await page.evaluate(() => [Module.__crmFrames || 0, Module.__crmRendered || 0]);
        await new Promise(r => setTimeout(r, 2000));
        const b = await page.evaluate(() => [Module.__crmFrames || 0, Module.__crmRendered || 0]);
        last = { frames: b[0] - a[0], rendered: b[1] - a[1] };
        if (last.rendered === 0) break;
      }
      console.log(`  ${slug}: idle, ${last.frames} frames drawn in 2 s, ${last.rendered} rendered`);
      if (last.rendered > 0) swaying.push(`${slug} (${last.rendered} of ${last.frames})`);
    }
    check(navs.length >= 5 && swaying.length === 0, `idle, no page renders its repeated frames (${navs.length} pages)` +
      (swaying.length ? ': ' + swaying.join(', ') : ''));
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
