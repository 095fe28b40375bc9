// No message mixes languages: with the console in Simplified Chinese, every page and every tab of
// every page (and each tab of an object's page) draws no text of the English catalog; in English, no
// text of the Chinese catalog. For each view the console logs one frame's drawn text item by item
// (every row of every list, none clipped: ui/shell/text_log.h) and matches each item against both
// catalogs (a row's parameters stand for any text, so "{object} Number" catches "发票 Number"). An
// item that is also the shown language's catalog text (an abbreviation such as "API") is the shown
// language's. Data never counts: an item that is a value the workspace holds (every text of the
// answers of users.list, objects.list, fields.list, profiles.list, permsets.list, roles.list,
// teams.list, reports.list, dashboards.list: names like the permission set "Export Data", labels,
// descriptions), whole or cut to its column ("..."), is data even when a catalog row reads the same.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, ui, waitUi, frames, click, crm, done } = require('./lib');

let request = 0;

/** Every text value the workspace's lists hold (data), read through window.crm as the administrator. */
async function dataTexts(page) {
  const texts = new Set();
  const walk = v => {
    if (typeof v === 'string') texts.add(v.trim());
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  const lists = ['users.list', 'objects.list', 'profiles.list', 'permsets.list', 'roles.list', 'teams.list',
    'reports.list', 'dashboards.list'];
  for (const cmd of lists) {
    const r = await crm(page, { cmd, as: 'admin', args: {} });
    check(r.ok, `${cmd} answers (the data the check leaves out)`);
    walk(r.result);
  }
  const objects = (await crm(page, { cmd: 'objects.list', as: 'admin', args: {} })).result;
  for (const o of (Array.isArray(objects) ? objects : objects.objects || [])) {
    const r = await crm(page, { cmd: 'fields.list', as: 'admin', args: { object: o.api_name } });
    if (r.ok) walk(r.result);
  }
  return texts;
}

/** Whether a drawn text is data: a held value, or one cut to its column ("Companies and organ..."). */
function isData(text, data) {
  if (data.has(text)) return true;
  const cut = text.endsWith('...') ? text.slice(0, -3) : null;
  return !!cut && cut.length >= 4 && [...data].some(d => d.startsWith(cut));
}

/** The console's check of the frame drawn after this call: {texts, own, foreign: [{text, id}]}. */
async function sweep(page) {
  const n = ++request;
  await page.evaluate(k => { window.__crm_text_log = k; }, n);
  const s = await waitUi(page, st => st.text_log && st.text_log.request === n, 'the drawn text checked');
  if (s.text_log.error) throw new Error('the console could not log its text: ' + s.text_log.error);
  return s.text_log;
}

const ids = s => Object.keys({ ...(s.items || {}), ...(s.offscreen || {}) });
/** The tabs the view shows: items "<page>.tab.<slug>". */
const tabsOf = s => ids(s).filter(id => /^[a-z_]+\.tab\.[a-z_]+$/.test(id) && !/^nav\./.test(id)).sort();
/** Whether a part of the state shows the tab `slug` (TabbedPage, Permissions, Objects, Workflow). */
const showsTab = (st, slug) => Object.values(st).some(v => v && typeof v === 'object' && v.tab === slug);

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-language-sweep-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  const failures = [];
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    const navs = ids(s).filter(id => /^nav\.[a-z_]+$/.test(id)).sort();
    check(navs.length >= 5, `the sidebar lists ${navs.length} pages`);
    const data = await dataTexts(page);
    check(data.size > 50, `the workspace holds ${data.size} texts of data`);

    // One view: the console's check of its drawn text, reported; the foreign texts kept for the end.
    const look = async (lang, where) => {
      const r = await sweep(page);
      const bad = r.foreign.filter(f => !isData(f.text, data)).map(f => `"${f.text}" (${f.id})`);
      console.log(`  ${bad.length ? 'NOT ' : ''}ok - ${lang} ${where}: ${r.texts} texts drawn, ${r.own} of them ` +
        `the console's ${lang} text` + (bad.length ? '; the other language: ' + bad.join(', ') : ''));
      if (r.texts === 0 || r.own === 0) failures.push(`${lang} ${where}: no text of the console's language was drawn`);
      for (const b of bad) failures.push(`${lang} ${where}: ${b}`);
      return r;
    };
    // Every tab the view shows, each swept.
    const sweepTabs = async (lang, where, slug) => {
      const st = await waitUi(page, x => x.page === slug, slug);
      for (const tab of tabsOf(st)) {
        const t = tab.slice(tab.lastIndexOf('.') + 1);
        await click(page, tab, x => x.page === slug && showsTab(x, t), 'the tab ' + t);
        await frames(page, 4);  // the tab's lists loaded
        await look(lang, `${where} / ${t}`);
      }
    };

    let own = { 'zh-CN': 0, en: 0 };
    for (const lang of ['zh-CN', 'en']) {
      if (s.lang !== lang) s = await click(page, 'topbar.lang', st => st.lang === lang, 'the language ' + lang);
      for (const nav of navs) {
        const slug = nav.slice(4);
        await click(page, nav, st => st.page === slug, 'the page ' + slug);
        await frames(page, 4);
        own[lang] += (await look(lang, slug)).own;
        await sweepTabs(lang, slug, slug);
        if (slug === 'objects') {
          // An object's own page and its tabs: a standard object, and a custom one when the demo has one.
          s = await ui(page);
          const rows = ids(s).filter(id => /^objects\.row\./.test(id));
          const pick = [rows.find(id => id === 'objects.row.Account'), rows.find(id => /__c$/.test(id))].filter(Boolean);
          check(pick.length >= 1, `${lang}: the objects list shows ${pick.join(' and ')}`);
          for (const row of pick) {
            const api = row.slice('objects.row.'.length);
            await click(page, row, st => st.objects && st.objects.object === api && ids(st).some(id => /^objects\.tab\./.test(id)),
              'the object ' + api);
            await sweepTabs(lang, `objects ${api}`, 'objects');
            await click(page, 'objects.back', st => st.objects && !st.objects.object, 'the objects list');
          }
        }
      }
    }
    check(own['zh-CN'] > 0 && own.en > 0, `the check recognises the console's own text (${own['zh-CN']} Chinese, ${own.en} English)`);
    check(failures.length === 0, 'no page or tab draws the other language\'s catalog text' +
      (failures.length ? ':\n    ' + failures.join('\n    ') : ''));
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });

