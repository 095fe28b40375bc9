// The company name is changed through the console (typing and clicking on the canvas); "saved"
// shows; the new name survives a reload and a browser restart with the same profile; window.crm
// answers; a bad value is refused with the message beside the field.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, crm, done } = require('./lib');

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-company-'));
  const server = await serve();
  let { ctx, page } = await launch(profile);
  try {
    const t0 = Date.now();
    await page.goto(server.url);
    let s = await waitReady(page);
    console.log(`  console ready after ${Date.now() - t0} ms`);
    check(s.page === 'company', 'the console opens on the company profile');

    const info = await crm(page, { cmd: 'company.get' });
    check(info.ok && typeof info.result.name === 'string' && info.result.name.length > 0,
      'window.crm answers company.get with the demo company');
    const bad = await crm(page, { cmd: 'no.such.command' });
    check(!bad.ok && bad.error.code === 'unknown_command', 'window.crm answers an unknown command with an error');
    const malformed = JSON.parse(await page.evaluate(() => window.crm('{"cmd": ')));
    check(!malformed.ok && malformed.error.code === 'bad_json', 'window.crm answers malformed JSON with an error');

    // An empty name is refused beside the field, and Save stays disabled.
    s = await type(page, 'company.name', '', st => st.form['company.name'] === '' && st.errors &&
      st.errors['company.name'], 'an error beside the emptied name');
    check(s.form['company.name'] === '', 'the name field is empty after clearing it');
    check(s.dirty === true, 'the form knows it has unsaved changes');

    const name = 'Acme 测试 ' + Date.now() % 100000;
    s = await type(page, 'company.name', name, st => st.form['company.name'] === name, 'the typed name in the form');
    check(!s.errors || !s.errors['company.name'], 'a valid name clears the error');
    await click(page, 'company.save', st => st.dirty === false, 'the form saved');
    s = await waitUi(page, st => st.dirty === false && st.save === 'saved', 'the saved state');
    check(s.save === 'saved', '"saved" shows after saving');
    const saved = await crm(page, { cmd: 'company.get' });
    check(saved.result.name === name, 'the core holds the new name');
    const audit = await crm(page, { cmd: 'audit.list', args: { area: 'company', text: name } });
    check(audit.ok && audit.result.total >= 1, 'the change is in the audit trail');
    await page.screenshot({ path: path.join(OUT, 'company_profile.png') });

    await page.reload();
    await waitReady(page);
    const afterReload = await crm(page, { cmd: 'company.get' });
    check(afterReload.result.name === name, 'the new name survives a reload');
    s = await waitUi(page, st => st.form && st.form['company.name'] === name, 'the name in the form after reload');
    check(true, 'the form shows the new name after reload');

    await ctx.close();
    ({ ctx, page } = await launch(profile));
    await page.goto(server.url);
    await waitReady(page);
    const afterRestart = await crm(page, { cmd: 'company.get' });
    check(afterRestart.result.name === name, 'the new name survives a browser restart with the same profile');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
