// Nothing out of reach at 1024x640: on every page of the sidebar, every control the console
// publishes (state.items / state.offscreen) can be brought inside the window by scrolling with
// the mouse wheel (vertically or horizontally, over the page or the list that holds it), and then
// lies inside the visible area. (The Access checker did not scroll; "New user" and "New record"
// sat right of the window's edge.)
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, frames, click, ui, done } = require('./lib');

const W = 1024, H = 640;
let CONTENT_LEFT = 250;  // the sidebar's right edge (read from the page)

const inside = r => r && r[0] + r[2] / 2 >= 0 && r[0] + r[2] / 2 <= W && r[1] + r[3] / 2 >= 0 && r[1] + r[3] / 2 <= H &&
  r[0] >= -1 && r[1] >= -1 && r[0] + Math.min(r[2], 40) <= W + 1 && r[1] + Math.min(r[3], 30) <= H + 1;

/** The wheel step that brings the offscreen rectangle `off` nearer, and where the mouse rests for it. */
function wheelFor(s, id, off, stuck) {
  // Rest the mouse on the on-screen item of the same family nearest to it (the list holding it),
  // else on the page's middle.
  const prefix = id.slice(0, id.lastIndexOf('.') + 1);
  let at = [W * 0.6, H * 0.55], best = Infinity;
  for (const [key, r] of Object.entries(s.items || {})) {
    if (!prefix || !key.startsWith(prefix) || /^(nav|topbar)\./.test(key)) continue;
    const d = Math.abs(r[1] - off[1]) + Math.abs(r[0] - off[0]);
    if (d < best) { best = d; at = [r[0] + Math.min(r[2] / 2, 20), r[1] + r[3] / 2]; }
  }
  const cx = off[0] + off[2] / 2, cy = off[1] + off[3] / 2;
  // When the list did not bring it nearer, the page itself must scroll: the wheel goes over the
  // content's left margin (no list there to take it).
  if (stuck) at = [CONTENT_LEFT + 6, H * 0.5];
  const dx = cx > W - 20 ? 120 : off[0] < 0 ? -120 : 0;
  const dy = dx !== 0 ? 0 : cy < at[1] ? -120 : 120;
  return { at, dx, dy };
}

/**
 * Scrolls the page until every control in `ids` has been seen inside the window (a bounded number
 * of wheel steps); resolves to the ids never seen there, with their last rectangle.
 */
async function reachAll(page, ids) {
  const left = new Set(ids);
  let lastKey = '';
  for (let step = 0; step < 120 && left.size; step++) {
    const s = await ui(page);
    for (const id of [...left]) if (inside(s.items && s.items[id])) left.delete(id);
    // Off screen, or on screen only in part (cut by the window's edge): both are scrolled to.
    const rectOf = id => (s.offscreen && s.offscreen[id]) || (s.items && s.items[id]);
    const next = [...left].find(id => rectOf(id));
    if (!next) break;
    const off = rectOf(next), key = next + JSON.stringify(off);
    const stuck = key === lastKey;
    lastKey = key;
    const { at, dx, dy } = wheelFor(s, next, off, stuck);
    await page.mouse.move(at[0], at[1]);
    await page.mouse.wheel(dx, dy);
    await frames(page, 2);
  }
  const s = await ui(page);
  for (const id of [...left]) if (inside(s.items && s.items[id])) left.delete(id);
  return [...left].map(id => id + ' ' + JSON.stringify((s.items || {})[id] || (s.offscreen || {})[id] || null));
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-reach-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: W, height: H });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    const navs = Object.keys({ ...s.items, ...s.offscreen }).filter(id => /^nav\.[a-z_]+$/.test(id)).sort();
    check(navs.length >= 5, `the sidebar lists ${navs.length} pages`);
    CONTENT_LEFT = Math.max(...navs.map(id => { const r = s.items[id] || s.offscreen[id]; return r[0] + r[2]; })) + 8;
    const navMissed = await reachAll(page, navs);
    check(navMissed.length === 0, 'every page of the sidebar is in reach' + (navMissed.length ? ': ' + navMissed.join(', ') : ''));
    const failed = [];
    for (const nav of navs) {
      const slug = nav.slice(4);
      await click(page, nav, st => st.page === slug, 'the page ' + slug);
      await frames(page, 6);
      s = await waitUi(page, st => st.page === slug, slug);
      const ids = Object.keys({ ...s.items, ...s.offscreen }).filter(id => !/^nav\./.test(id)).sort();
      const missed = await reachAll(page, ids);
      await page.screenshot({ path: path.join(OUT, `ui_reach_${slug}.png`) });
      console.log(`  ${missed.length ? 'NOT ' : ''}ok - ${slug}: ${ids.length - missed.length} of ${ids.length} controls scrolled into the window` +
        (missed.length ? '; out of reach: ' + missed.slice(0, 8).join(', ') : ''));
      if (missed.length) failed.push(slug);
      // Back to the top-left for the next page's first look.
      await page.mouse.move(W * 0.6, H * 0.5);
      for (let i = 0; i < 6; i++) { await page.mouse.wheel(-600, -600); }
      await frames(page, 2);
    }
    check(failed.length === 0, 'every control of every page can be reached at 1024x640' +
      (failed.length ? ' (not on: ' + failed.join(', ') + ')' : ''));
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
