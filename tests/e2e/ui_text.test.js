// Every character the console draws has a glyph.
// 1. Every page of the sidebar, in English and in Chinese, over the demo company: no character is
//    drawn as the placeholder box (the console counts them: state.glyphs.fallback), and the full
//    font was never fetched: every catalog string and the demo data are in the shipped UI font, in
//    every font size (headings and help text carry the same glyphs as body text).
//    An English console's first atlas holds no CJK character beyond the English catalog's (each
//    waits as an invisible stand-in); the demo's Chinese names, once drawn, have them all built.
// 2. A rare character the UI font lacks (龘) is loaded from the full font, fetched on first use: it
//    then draws as itself.
// 3. Typed text is stored exactly as typed, characters outside the Basic Multilingual Plane
//    included: "Acme 😀 红灯笼" typed into the company name is saved and read back through
//    window.crm unchanged; the emoji draws as a placeholder box (no font has it), never "?".
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, frames, click, type, crm, done } = require('./lib');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-ui-text-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1280, height: 800 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    // The UI font comes after the first frame (fetched beside the page, not preloaded): it has arrived
    // once nothing waits for a glyph.
    s = await waitUi(page, st => st.glyphs && st.glyphs.pending === 0, 'the UI font in place');
    check(s.lang !== 'en' || s.glyphs.first_lean === true,
      'the English console\'s first atlas held no CJK character beyond the English catalog\'s');
    const navs = Object.keys({ ...s.items, ...s.offscreen }).filter(id => /^nav\.[a-z_]+$/.test(id)).sort();
    check(navs.length >= 5, `the sidebar lists ${navs.length} pages`);
    for (const lang of ['en', 'zh-CN']) {
      if (s.lang !== lang) s = await click(page, 'topbar.lang', st => st.lang === lang, 'the language ' + lang);
      for (const nav of navs) {
        const slug = nav.slice(4);
        s = await click(page, nav, st => st.page === slug || st.modal !== '', 'the page ' + slug);
        // A few frames for the page's lists to load, then the count of the frame drawn last.
        await frames(page, 4);
        s = await waitUi(page, st => st.page === slug && st.glyphs, 'the glyph count on ' + slug);
        check(s.glyphs.fallback === 0, `${lang} ${slug}: every character has a glyph` +
          (s.glyphs.fallback ? ` (${s.glyphs.fallback} drawn as boxes)` : ''));
      }
      check(s.glyphs.han === true, `${lang}: the CJK characters are built (the demo's Chinese names showed)`);
    }
    const fetched = await page.evaluate(() => !!(window.Module && Module.__crmFetched && Module.__crmFetched['/assets/crm_font_full.ttc']));
    check(!fetched, 'the catalogs and the demo data needed no glyph from the full font (it was not fetched)');
    if (s.lang !== 'en') s = await click(page, 'topbar.lang', st => st.lang === 'en', 'English');
    await click(page, 'nav.company', st => st.page === 'company', 'the company page');

    // A character outside the UI font's subset: fetched from the full font, then drawn.
    const rare = 'Acme 龘';
    s = await type(page, 'company.name', rare, st => st.form['company.name'] === rare, 'the rare character typed');
    s = await waitUi(page, st => st.glyphs && st.glyphs.fallback === 0 && st.glyphs.pending === 0,
      'the rare character drawn from the full font');
    check(s.glyphs.fallback === 0, '龘 is drawn with a glyph loaded from the full font at run time');
    check(await page.evaluate(() => Module.__crmFetched && (Module.__crmFetched['/assets/crm_font_full.ttc'] || {}).state === 2),
      'the full font was fetched on first use');
    // Typed outside the Basic Multilingual Plane: stored exactly.
    const name = 'Acme 😀 红灯笼';
    s = await type(page, 'company.name', name, st => st.form['company.name'] === name, 'the typed name in the form');
    check(s.form['company.name'] === name, 'the form holds the name exactly as typed (the emoji is not U+FFFD)');
    await click(page, 'company.save', st => st.dirty === false, 'the form saved');
    const saved = await crm(page, { cmd: 'company.get' });
    check(saved.ok && saved.result.name === name, 'window.crm reads the name back exactly: ' + JSON.stringify(saved.result.name));
    s = await waitUi(page, st => st.glyphs && st.glyphs.fallback > 0 && st.glyphs.pending === 0,
      'the emoji drawn as a placeholder');
    check(s.glyphs.placeholder === 0xFFFD, 'a character no font has is drawn as the placeholder box (U+FFFD), not "?"');

    await page.screenshot({ path: path.join(OUT, 'ui_text.png') });
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
