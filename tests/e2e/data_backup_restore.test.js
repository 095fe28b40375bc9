// Data > Backup & restore, through the browser's own file handling: a backup is created and downloaded, a
// record is changed, the downloaded file is picked again (<input type=file>), checked (its manifest and the
// counts now beside the counts in the backup), restored after the confirmation, and the workspace reopens
// on the Data page with the record as it was.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, pickFile, crm, done } = require('./lib');

const data = st => st.data || {};
const backup = st => data(st).backup || {};
const NAME = 'E2E Backup ' + Date.now().toString(36) + ' 备份前';

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-data-backup-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const created = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account',
      values: { Name: NAME } } });
    check(created.ok, 'an Account to change later');
    const id = created.result.Id;

    // [1] Create and download.
    await click(page, 'nav.data', st => st.page === 'data', 'the Data page');
    await click(page, 'data.tab.backup', st => data(st).tab === 'backup', 'the backup tab');
    const downloading = page.waitForEvent('download');
    let s = await click(page, 'data.backup.create', st => backup(st).created || !!backup(st).create_error,
      'the backup made');
    check(!backup(s).create_error, `the backup was made (${backup(s).created_name})`);
    const download = await downloading;
    const file = path.join(OUT, 'e2e-' + download.suggestedFilename());
    await download.saveAs(file);
    const head = fs.readFileSync(file).subarray(0, 12).toString('latin1');
    check(head === 'CRM-BACKUP 1', `the download is a backup file (${download.suggestedFilename()}, ` +
      `${fs.statSync(file).size} bytes)`);

    // [2] The record changes after the backup.
    const changed = await crm(page, { cmd: 'records.update', as: 'admin', args: { object: 'Account', id,
      values: { Name: NAME + ' changed' } } });
    check(changed.ok, 'the Account is renamed after the backup');

    // [3] Pick the downloaded file: it is checked and the counts are shown.
    await pickFile(page, 'data.backup.choose', file);
    s = await waitUi(page, st => backup(st).checked || !!backup(st).check_error, 'the backup checked');
    check(backup(s).checked && !backup(s).check_error, `the backup is checked (${backup(s).check_error || 'ok'})`);
    check(backup(s).backup_counts && backup(s).backup_counts.Account >= 1, 'its record counts are shown');
    await page.screenshot({ path: path.join(OUT, 'data_backup_checked.png') });

    // [4] Restore asks first, then the workspace reopens on the Data page.
    await click(page, 'data.backup.restore', st => !!(st.items || {})['data.backup.confirm.ok'], 'the confirmation');
    s = await click(page, 'data.backup.confirm.ok', st => st.page === 'data' && (backup(st).restored ||
      !!backup(st).restore_error), 'the restore', { attempts: 1, timeout: 180000 });
    check(!backup(s).restore_error, `the restore succeeded (${backup(s).restore_error || 'ok'})`);
    check(backup(s).restored && data(s).tab === 'backup', 'the reopened console shows the restore on the Data page');
    const after = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id } });
    check(after.ok && after.result.Name === NAME, `the Account has its name from the backup (${after.result && after.result.Name})`);
    await page.screenshot({ path: path.join(OUT, 'data_backup_restored.png') });

    // [5] The restored data survives a reload (it was stored, not only shown).
    await page.reload();
    await waitReady(page);
    const reloaded = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id } });
    check(reloaded.ok && reloaded.result.Name === NAME, 'after a reload the Account still has its old name');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
