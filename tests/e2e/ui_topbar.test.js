// Nothing drawn over anything else at a large UI size in a small window (1024x640):
// 1. At every UI size, in English and in Chinese, the top bar's parts (the company's name, quick find,
//    the save state, the bell, the user, the language, theme and size buttons) do not overlap and lie
//    inside the window (at 200% the top bar had drawn over itself): what does not fit shrinks to its
//    icon (state.topbar_compact says how far).
// 2. View as a user with a very long name: the banner's text stops before its "Return" button, cut with
//    "..." (the whole text is published as viewas_banner).
// 3. The first column of a table is cut to its column too: the user's long name on the Users page, and
//    an object's long label in a profile's permission matrix (window.__crm_ui.clipped).
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, focusedOn, drawn, crm, done } = require('./lib');

const WIDTH = 1024;
const PARTS = ['topbar.name', 'topbar.quickfind', 'topbar.save', 'topbar.notifications', 'topbar.user',
  'topbar.lang', 'topbar.theme', 'topbar.scale'];

const overlap = (a, b) => a[0] < b[0] + b[2] - 0.5 && b[0] < a[0] + a[2] - 0.5 &&
  a[1] < b[1] + b[3] - 0.5 && b[1] < a[1] + a[3] - 0.5;

function checkTopBar(s, what) {
  const rects = PARTS.filter(id => s.items[id]).map(id => [id, s.items[id]]);
  check(rects.length >= PARTS.length - 1, `${what}: the top bar's parts are drawn (${rects.map(r => r[0]).join(', ')})`);
  const bad = [];
  for (let i = 0; i < rects.length; ++i) {
    const [id, r] = rects[i];
    if (r[0] < -0.5 || r[0] + r[2] > WIDTH + 0.5) bad.push(`${id} outside [${r}]`);
    for (let j = i + 1; j < rects.length; ++j) {
      if (overlap(r, rects[j][1])) bad.push(`${id} [${r}] over ${rects[j][0]} [${rects[j][1]}]`);
    }
  }
  check(bad.length === 0, `${what}: no part of the top bar overlaps another or leaves the window` +
    (bad.length ? ' (' + bad.join('; ') + ')' : '') + ` (compact ${s.topbar_compact})`);
}

async function setScale(page, size) {
  const id = 'topbar.scale.' + size;
  await click(page, 'topbar.scale', st => drawn(st, id), 'the size menu');
  await click(page, id, st => Math.round(st.ui_scale * 100) === size && !drawn(st, id), size + '%');
  // Two frames at the new size: the top bar is laid out with the new fonts.
  const f = (await waitUi(page, () => true, 'a frame')).frame;
  return waitUi(page, st => st.frame > f + 2 && st.items['topbar.scale'], 'frames at ' + size + '%');
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-topbar-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: WIDTH, height: 640 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    const longName = 'Maximilian Alexander Montgomery-Fitzgerald Wolfeschlegelsteinhausen the Third';
    let r = await crm(page, { cmd: 'users.create', as: 'admin', args: { username: 'long.name',
      full_name: longName, email: 'long.name@example.com', profile: 'Read Only' } });
    check(r.ok, `a user with a ${longName.length}-character name (${r.ok ? 'created' : JSON.stringify(r.error)})`);
    const longLabel = 'Quarterly Regional Distribution Partner Agreement Amendment Ledger of the Asia Pacific Region';
    r = await crm(page, { cmd: 'objects.create', as: 'admin', args: { api_name: 'Amendment', label: longLabel,
      plural_label: longLabel + 's' } });
    check(r.ok, `an object labelled "${longLabel}" (${r.ok ? 'created' : JSON.stringify(r.error)})`);

    // [1] Every size, both languages.
    for (const lang of ['en', 'zh-CN']) {
      if (s.lang !== lang) s = await click(page, 'topbar.lang', st => st.lang === lang, lang);
      for (const size of [100, 125, 150, 175, 200]) {
        s = await setScale(page, size);
        checkTopBar(s, `${lang} ${size}%`);
      }
      await page.screenshot({ path: path.join(OUT, `ui_topbar_200_${lang}.png`) });
    }
    check(s.topbar_compact > 0, 'at 200% in a 1024-pixel window the top bar shrinks parts to their icons');
    s = await click(page, 'topbar.lang', st => st.lang === 'en', 'English');

    // [2] View as the user with the long name, at 200% and at 100%.
    for (const size of [200, 100]) {
      s = await setScale(page, size);
      await click(page, 'topbar.user', focusedOn('topbar.user.filter'), 'the user menu', { focus: true });
      await type(page, null, 'long.name', st => st.items['topbar.user.option.long.name'], 'the user in the menu');
      s = await click(page, 'topbar.user.option.long.name', st => st.acting_user === 'long.name' &&
        st.items['viewas.return'] && st.items['viewas.text'], 'viewing as the user');
      const text = s.items['viewas.text'];
      const back = s.items['viewas.return'];
      check(text[0] + text[2] <= back[0], `${size}%: the banner's text [${text}] ends before its button [${back}]`);
      check(s.viewas_banner.includes(longName) && s.viewas_banner_shown.endsWith('...') &&
        s.viewas_banner_shown.length < s.viewas_banner.length,
        `${size}%: the banner's text is cut: "${s.viewas_banner_shown}"`);
      checkTopBar(s, `viewing as, ${size}%`);
      if (size === 200) await page.screenshot({ path: path.join(OUT, 'ui_topbar_viewas_200.png') });
      s = await click(page, 'viewas.return', st => st.acting_user === 'admin' && !st.items['viewas.return'],
        'back to admin');
    }

    // [3] First columns cut to their width: the Users page's names, a profile's permission matrix.
    const cut = text => st => (st.clipped || []).find(c => c.text === text);
    await click(page, 'nav.users', st => st.page === 'users' && st.items['users.search'], 'the users');
    s = await type(page, 'users.search', 'long.name', st => !!cut(longName)(st), 'the user with the long name');
    let cell = cut(longName)(s);
    check(cell.shown.endsWith('...') && longName.startsWith(cell.shown.slice(0, -3)),
      `the Users page's first column shows the name cut: "${cell.shown}"`);
    await click(page, 'perm.tab.profiles', st => st.perm.tab === 'profiles' && st.items['perm.profile.Read Only'],
      'the profile list');
    await click(page, 'perm.profile.Read Only', st => st.perm.profiles.selected === 'Read Only' &&
      st.items['perm.matrix.filter'], 'the profile\'s matrix');
    s = await type(page, 'perm.matrix.filter', 'Quarterly', cut(longLabel), 'the long label in the matrix');
    cell = cut(longLabel)(s);
    check(cell.shown.endsWith('...'), `the permission matrix cuts the object's label: "${cell.shown}"`);
    await page.screenshot({ path: path.join(OUT, 'ui_topbar_matrix.png') });
    done();
  } finally {
    await ctx.close();
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
