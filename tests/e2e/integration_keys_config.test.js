// Integrations > API keys and Configuration. Quick find reaches the API keys tab. A key is created for a user in the console: its secret is
// shown once (never in the test snapshot) and the key is listed as active; revoking asks first, then the key
// is revoked. The configuration is exported as a download; the downloaded file picked again lists no change;
// the same file with another currency lists that change, and applying it (after the confirmation) changes
// the company's currency; a role the file lacks is kept, and removed once "also remove what the file does
// not have" is ticked.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, pickFile, type, press, focusedOn, crm, done } = require('./lib');

const integ = st => st.integrations || {};
const keys = st => integ(st).keys || {};
const conf = st => integ(st).config || {};
const KEY = 'E2E key ' + Date.now().toString(36);
const keyOf = st => (keys(st).keys || []).find(k => k.name === KEY);

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-integration-keys-config-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);

    // [1] API keys: create, the secret once, revoke after the confirmation.
    // Quick find reaches the tab: Ctrl+K, "请求日志" (request log), Enter.
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    let s = await type(page, null, '请求日志', st => st.quickfind && st.quickfind.query === '请求日志' &&
      st.quickfind.results.includes('integrations.keys'), 'quick find to list the API keys tab');
    check(s.quickfind.results[0] === 'integrations.keys', 'quick find ranks the API keys tab first for 请求日志');
    s = await press(page, 'Enter', st => st.page === 'integrations' && integ(st).tab === 'keys', 'the API keys tab');
    await type(page, 'integrations.keys.name', KEY, st => (st.form || {})['integrations.keys.name'] === KEY,
      'the key name typed');
    s = await click(page, 'integrations.keys.create', st => !!keyOf(st) || !!keys(st).create_error, 'the key made');
    check(!keys(s).create_error, `the key is created (${keys(s).create_error || 'ok'})`);
    check(keys(s).secret_shown, 'its secret is shown');
    check(!JSON.stringify(s).includes('"secret":'), 'the secret is not in the test snapshot');
    check(keyOf(s).status === 'active' && keyOf(s).username === 'admin', 'the key is listed, active, as admin');
    await page.screenshot({ path: path.join(OUT, 'integration_keys_created.png') });
    s = await click(page, 'integrations.keys.secret_done', st => !keys(st).secret_shown, 'the secret hidden');
    const keyId = keyOf(s).key_id;
    s = await click(page, 'integrations.keys.revoke.' + keyId,
      st => !!(st.items || {})['integrations.keys.confirm.ok'], 'the confirmation');
    check(keyOf(s).status === 'active', 'asking changes nothing');
    s = await click(page, 'integrations.keys.confirm.ok', st => keyOf(st) && keyOf(st).status === 'revoked',
      'the key revoked');
    const listed = await crm(page, { cmd: 'apikeys.list', as: 'admin', args: {} });
    check(listed.ok && listed.result.keys.find(k => k.key_id === keyId).status === 'revoked',
      'apikeys.list shows the key revoked');

    // [2] Configuration: export as a download.
    s = await click(page, 'integrations.tab.config', st => integ(st).tab === 'config', 'the configuration tab');
    const downloading = page.waitForEvent('download');
    s = await click(page, 'integrations.config.export', st => !!conf(st).export_note || !!conf(st).export_error,
      'the export', { attempts: 1, timeout: 180000 });
    check(!conf(s).export_error, `the configuration is exported (${conf(s).export_error || conf(s).export_note})`);
    const download = await downloading;
    const file = path.join(OUT, 'e2e-' + download.suggestedFilename());
    await download.saveAs(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    check(doc.company && doc.objects && doc.objects.Account, `the download is the configuration (${download.suggestedFilename()})`);

    // [3] The same file compared: nothing to change.
    await pickFile(page, 'integrations.config.choose', file);
    s = await waitUi(page, st => conf(st).compared || !!conf(st).diff_error, 'the file compared');
    check(!conf(s).diff_error && conf(s).changes === 0, `the exported file matches (${conf(s).diff_error || conf(s).changes + ' changes'})`);

    // [4] Another currency: one change, applied after the confirmation.
    const currency = doc.company.currency === 'EUR' ? 'JPY' : 'EUR';
    doc.company.currency = currency;
    const changed = path.join(OUT, 'e2e-config-changed.json');
    fs.writeFileSync(changed, JSON.stringify(doc, null, 2));
    await pickFile(page, 'integrations.config.choose', changed);
    s = await waitUi(page, st => conf(st).file === 'e2e-config-changed.json' && (conf(st).compared || !!conf(st).diff_error),
      'the changed file compared');
    check(!conf(s).diff_error && conf(s).changes === 1 && conf(s).paths[0] === 'company.currency',
      `the change list shows the currency (${JSON.stringify(conf(s).paths)})`);
    await page.screenshot({ path: path.join(OUT, 'integration_config_diff.png') });
    s = await click(page, 'integrations.config.apply', st => !!(st.items || {})['integrations.config.confirm.ok'] ||
      !!conf(st).apply_error, 'the confirmation');
    check(!conf(s).apply_error, `the document is accepted (${conf(s).apply_error || 'ok'})`);
    const before = await crm(page, { cmd: 'company.get', as: 'admin', args: {} });
    check(before.ok && before.result.currency !== currency, 'asking changes nothing');
    s = await click(page, 'integrations.config.confirm.ok', st => !!conf(st).apply_note || !!conf(st).apply_error,
      'the configuration applied', { attempts: 1, timeout: 180000 });
    check(!conf(s).apply_error && conf(s).changes === 0, `applied (${conf(s).apply_error || conf(s).apply_note}); nothing left to change`);
    const after = await crm(page, { cmd: 'company.get', as: 'admin', args: {} });
    check(after.ok && after.result.currency === currency, `the company's currency is now ${currency}`);

    // [5] A role the file does not have: kept by a plain apply, removed once "also remove" is ticked.
    const extra = 'E2E Extra Role';
    const made = await crm(page, { cmd: 'roles.create', as: 'admin', args: { name: extra, parent: '' } });
    check(made.ok, `a role outside the file is created (${JSON.stringify(made.error || '')})`);
    const mirror = path.join(OUT, 'e2e-config-mirror.json');
    fs.copyFileSync(changed, mirror);
    await pickFile(page, 'integrations.config.choose', mirror);
    s = await waitUi(page, st => conf(st).file === 'e2e-config-mirror.json' && conf(st).compared &&
      (conf(st).paths || []).includes('roles.' + extra),
      'the file compared again');
    check(conf(s).removals === 0, `without "also remove", the role is only kept (${conf(s).removals} removals)`);
    s = await click(page, 'integrations.config.remove_missing', st => conf(st).remove_missing && conf(st).removals === 1,
      'also remove ticked');
    check(conf(s).paths.includes('roles.' + extra), `the removal is listed (${JSON.stringify(conf(s).paths)})`);
    s = await click(page, 'integrations.config.apply', st => !!(st.items || {})['integrations.config.confirm.ok'] ||
      !!conf(st).apply_error, 'the confirmation of the removal');
    check(!conf(s).apply_error, `the mirror is accepted (${conf(s).apply_error || 'ok'})`);
    s = await click(page, 'integrations.config.confirm.ok', st => !!conf(st).apply_note || !!conf(st).apply_error,
      'the removal applied', { attempts: 1, timeout: 180000 });
    check(!conf(s).apply_error && conf(s).changes === 0, `applied (${conf(s).apply_error || conf(s).apply_note}); nothing left`);
    const roles = await crm(page, { cmd: 'roles.list', as: 'admin', args: {} });
    check(roles.ok && !JSON.stringify(roles.result).includes(extra), 'the role is gone');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
