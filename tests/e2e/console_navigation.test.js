// The console as a person uses it: switch to Chinese, find a setting with quick find in either
// language, be stopped by the unsaved-changes guard, read the audit trail, switch the theme.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, frames, click, focusedOn, press, type, crm, done } = require('./lib');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-nav-'));
  const server = await serve();
  const { ctx, page } = await launch(profile);
  try {
    await page.goto(server.url);
    let s = await waitReady(page);
    const original = s.company_name;

    // Language: one click switches every string; the choice is kept.
    const before = s.lang;
    s = await click(page, 'topbar.lang', st => st.lang !== before, 'the language to switch');
    check(s.lang === (before === 'en' ? 'zh-CN' : 'en'), 'the language switch changes the console language');
    if (s.lang !== 'zh-CN') s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    await frames(page, 3);  // the Chinese glyphs drawn
    await page.screenshot({ path: path.join(OUT, 'console_zh.png') });

    // Quick find: Ctrl+K, a Chinese word finds the time-zone setting; Enter goes there.
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    s = await type(page, null, '时区', st => st.quickfind && st.quickfind.query === '时区' &&
      st.quickfind.results.includes('company.time_zone'), 'quick find to list the time zone setting');
    check(s.quickfind.results[0] === 'company.time_zone', 'quick find ranks the time zone setting first for 时区');
    s = await press(page, 'Enter', st => st.page === 'company' && st.highlight === 'company.time_zone',
      'the setting highlighted');
    check(true, 'Enter jumps to the company page and highlights the time zone');

    // An English word finds a page while the console is in Chinese.
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    s = await type(page, null, 'audit', st => st.quickfind && st.quickfind.query === 'audit' &&
      st.quickfind.results.includes('page.audit'), 'the audit page in results');
    s = await press(page, 'Enter', st => st.page === 'audit', 'the audit page');
    check(s.audit_total > 0, `the audit trail lists the demo company's changes (${s.audit_total})`);

    // The unsaved-changes guard.
    await click(page, 'nav.company', st => st.page === 'company', 'the company page');
    s = await type(page, 'company.name', ' X', st => st.dirty === true && st.form['company.name'] === original + ' X',
      'the form to be dirty', { append: true });
    s = await click(page, 'nav.audit', st => st.modal === 'unsaved_changes', 'the unsaved-changes dialog');
    check(s.page === 'company', 'leaving with unsaved edits asks first');
    await page.screenshot({ path: path.join(OUT, 'unsaved_changes.png') });
    s = await click(page, 'unsaved.stay', st => st.modal === '', 'the dialog to close');
    check(s.page === 'company' && s.dirty === true, '"Stay" keeps the page and the edits');
    await click(page, 'nav.audit', st => st.modal === 'unsaved_changes', 'the dialog again');
    s = await click(page, 'unsaved.discard', st => st.page === 'audit', 'the audit page after discarding');
    check((await crm(page, { cmd: 'company.get' })).result.name === original, '"Discard" leaves the saved name as it was');

    // Theme.
    const theme = s.theme;
    s = await click(page, 'topbar.theme', st => st.theme !== theme, 'the theme to switch');
    check(true, `the theme switches from ${theme} to ${s.theme}`);
    await frames(page, 3);
    await page.screenshot({ path: path.join(OUT, 'audit_' + s.theme + '.png') });
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
