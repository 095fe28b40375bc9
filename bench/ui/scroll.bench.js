// A list of 1,000 rows scrolls smoothly at a device pixel ratio of 2: the console at 1920x1080, DPR 2,
// on Permissions > Users with 1,000 users (made through window.crm). The mouse wheel scrolls the
// list continuously for a few seconds; then, as the reference in the same run, the mouse moves over
// the same page without scrolling. For each: the console's frames per second (Module.__crmFrames),
// the main thread's busy share (Chromium's TaskDuration) and the mean frame time (busy time per
// frame). Prints figures only; it never fails on slowness.
//   ui.rows                      users listed
//   ui.scroll_fps / ui.move_fps  frames per second while scrolling / while moving the mouse
//   ui.scroll_busy / ui.move_busy   main thread busy share (0..1)
//   ui.scroll_frame_ms / ui.move_frame_ms   main-thread ms per frame
//   ui.scroll_ui_ms / ui.move_ui_ms   of those, the console's own work per frame (input, the pages drawn
//                                into ImGui's lists, ImGui::Render: Module.__crmUiMs), before the GL
//                                backend draws them; the rest is WebGL, which headless Chromium rasterizes
//                                in software (at 3840x2160 here): on a GPU a frame costs about this
//   ui.scroll_vs_move_ratio      scroll_fps / move_fps (1: scrolling costs no more than moving)
//   ui.idle_fps, ui.idle_busy    the same page with no input: the console draws twice a second (clocks,
//                                timers) and renders only a frame that differs from the last one
//   ui.idle_rendered_fps         of those, frames rendered (Module.__crmRendered; 0 when nothing changes)
//   load_average                 the machine's 1-minute load average at the end
// Usage: CRM_SITE=build/web/site node bench/ui/scroll.bench.js   (CRM_SCROLL_SECONDS: default 5)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { serve, launch, waitReady, waitUi, click, crm, frames } = require('../../tests/e2e/lib');

const W = 1920, H = 1080, ROWS = 1000;
const SECONDS = Number(process.env.CRM_SCROLL_SECONDS || 5);
const figure = (name, value) => console.log(`${name}: ${Number(Number(value).toPrecision(4))}`);

/** Frames, busy share and ms per frame over `act` (or `ms` of nothing). */
async function sample(page, cdp, act) {
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(x => [x.name, x.value]));
  const counts = () => page.evaluate(() => [Module.__crmFrames || 0, Module.__crmUiMs || 0, Module.__crmRendered || 0]);
  const [f0, u0, r0] = await counts(), m0 = await metric(), t0 = Date.now();
  await act();
  const [f1, u1, r1] = await counts(), m1 = await metric(), t1 = Date.now();
  const s = (t1 - t0) / 1000, n = f1 - f0, busy = m1.TaskDuration - m0.TaskDuration;
  return { fps: n / s, renderedFps: (r1 - r0) / s, busy: busy / s, frameMs: n ? busy * 1000 / n : 0,
    uiMs: n ? (u1 - u0) / n : 0 };
}

/** Input for `SECONDS`: each step is sent when the page has drawn the last one (input queues no deeper). */
async function during(page, step) {
  const end = Date.now() + SECONDS * 1000;
  for (let i = 0; Date.now() < end; i++) { await step(i); await frames(page, 1); }
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-scroll-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: W, height: H }, 2);
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(server.url);
    await waitReady(page);
    const have = (await crm(page, { cmd: 'users.list', as: 'admin', args: {} })).result;
    const count = Array.isArray(have) ? have.length : (have.users || []).length;
    const profiles = (await crm(page, { cmd: 'users.get', as: 'admin', args: { username: 'admin' } })).result;
    for (let i = count; i < ROWS; i++) {
      const r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: `bench.${i}`,
        full_name: `Bench User ${i} 测试`, email: `bench.${i}@example.com`, profile: profiles.profile } });
      if (!r.ok) throw new Error('users.create: ' + JSON.stringify(r.error));
    }
    await click(page, 'nav.users', st => st.page === 'users', 'the users page');
    const s = await waitUi(page, st => st.page === 'users' && st.form && (st.form['users.rows'] || []).length >= ROWS,
      ROWS + ' users listed');
    figure('ui.rows', s.form['users.rows'].length);
    // Over the list: its first rows are on screen.
    const row = Object.entries(s.items).find(([id]) => id.startsWith('users.row.'))[1];
    const at = [row[0] + row[2] / 2, Math.min(H - 100, row[1] + 300)];
    await page.mouse.move(at[0], at[1]);
    await new Promise(r => setTimeout(r, 1500));  // the page settles, the console goes idle
    const idle = await sample(page, cdp, () => new Promise(r => setTimeout(r, 3000)));
    // Down the list and back, continuously.
    const scroll = await sample(page, cdp, () => during(page, i => page.mouse.wheel(0, (Math.floor(i / 60) % 2 ? -1 : 1) * 100)));
    const move = await sample(page, cdp, () => during(page, i => page.mouse.move(at[0] + (i % 40) * 6, at[1] - (i % 13) * 9)));
    figure('ui.scroll_fps', scroll.fps);
    figure('ui.scroll_busy', scroll.busy);
    figure('ui.scroll_frame_ms', scroll.frameMs);
    figure('ui.scroll_ui_ms', scroll.uiMs);
    figure('ui.move_fps', move.fps);
    figure('ui.move_busy', move.busy);
    figure('ui.move_frame_ms', move.frameMs);
    figure('ui.move_ui_ms', move.uiMs);
    figure('ui.scroll_vs_move_ratio', move.fps ? scroll.fps / move.fps : 0);
    figure('ui.idle_fps', idle.fps);
    figure('ui.idle_rendered_fps', idle.renderedFps);
    figure('ui.idle_busy', idle.busy);
    figure('load_average', os.loadavg()[0]);
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().catch(e => { console.error(e); process.exit(1); });
