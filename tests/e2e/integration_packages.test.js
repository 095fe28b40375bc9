// Integrations > Packages, through the browser's own file handling: the "Service Level Agreements" sample
// package (packages/service_level_agreements.json) is picked with the file picker (<input type=file>),
// checked and previewed (its name, version and change list), installed, and its fields are then on Case
// (fields.list through window.crm) and its components listed with it. Uninstall asks first; while the
// demo's Cases hold values in its fields it is refused, and the refusal names the field.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, pickFile, crm, done } = require('./lib');

const integ = st => st.integrations || {};
const pkgs = st => integ(st).packages || {};
const PACKAGE = path.resolve(__dirname, '../../packages/service_level_agreements.json');
const NAME = 'service_level_agreements';
const installed = st => (pkgs(st).installed || []).find(p => p.name === NAME);

async function caseFields(page) {
  const answer = await crm(page, { cmd: 'fields.list', as: 'admin', args: { object: 'Case' } });
  check(answer.ok, 'the fields of Case are listed');
  return answer.result.map(f => f.api_name);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-integration-packages-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    check(!(await caseFields(page)).includes('SLA_Level__c'), 'before the install Case has no SLA fields');

    // [1] The Integrations page, its Packages tab.
    await click(page, 'nav.integrations', st => st.page === 'integrations', 'the Integrations page');
    let s = await click(page, 'integrations.tab.packages', st => integ(st).tab === 'packages', 'the packages tab');
    check(!installed(s), 'the package is not installed yet');

    // [2] Pick the package file: it is checked and previewed, nothing installed yet.
    await pickFile(page, 'integrations.packages.choose', PACKAGE);
    s = await waitUi(page, st => pkgs(st).previewed || !!pkgs(st).preview_error, 'the package previewed');
    check(!pkgs(s).preview_error, `the package file is accepted (${pkgs(s).preview_error || 'ok'})`);
    const preview = pkgs(s).preview;
    check(preview.name === NAME && preview.version === '1.0.0' && !preview.upgrade,
      `the preview names the package and its version (${preview.name} ${preview.version}), a new install`);
    check(preview.changes > 0, `the preview lists the changes (${preview.changes})`);
    check(!!(s.items || {})['integrations.packages.changes.row.0'] ||
      !!(s.offscreen || {})['integrations.packages.changes.row.0'], 'the change list is drawn');
    check(!(await caseFields(page)).includes('SLA_Level__c'), 'the preview changed nothing');
    await page.screenshot({ path: path.join(OUT, 'integration_packages_preview.png') });

    // [3] Install: the package is listed with its components, and its fields are on Case.
    s = await click(page, 'integrations.packages.install', st => !!installed(st) || !!pkgs(st).preview_error,
      'the package installed', { attempts: 1, timeout: 180000 });
    check(!pkgs(s).preview_error, `the install succeeded (${pkgs(s).preview_error || 'ok'})`);
    check(installed(s).version === '1.0.0' && installed(s).components > 0,
      `the installed list shows it, version ${installed(s).version}, ${installed(s).components} components`);
    check(/1\.0\.0/.test(pkgs(s).installed_note), `the install is confirmed (${pkgs(s).installed_note})`);
    const fields = await caseFields(page);
    check(fields.includes('SLA_Level__c') && fields.includes('SLA_Due__c'),
      'Case has the package\'s fields (SLA_Level__c, SLA_Due__c)');
    await page.screenshot({ path: path.join(OUT, 'integration_packages_installed.png') });
    s = await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'the console in Chinese');
    check(installed(s) && /已安装/.test(pkgs(s).installed_note),
      `in Chinese the package is listed and the install note follows the language (${pkgs(s).installed_note})`);
    await page.screenshot({ path: path.join(OUT, 'integration_packages_installed_zh.png') });

    // [4] Uninstall asks first; confirmed, the package and its fields go.
    s = await click(page, 'integrations.packages.uninstall.' + NAME,
      st => !!(st.items || {})['integrations.packages.confirm.ok'], 'the confirmation');
    check(installed(s), 'asking changes nothing');
    s = await click(page, 'integrations.packages.confirm.ok', st => !installed(st) || !!pkgs(st).uninstall_error,
      'the package uninstalled', { attempts: 1, timeout: 180000 });
    if (pkgs(s).uninstall_error) {
      // The demo's Cases hold values in the package's fields: the refusal is shown, naming the component.
      check(/SLA_[A-Za-z_]+__c/.test(pkgs(s).uninstall_error),
        `the refusal names what still uses the package (${pkgs(s).uninstall_error})`);
      check(!!((s.errors || {})['integrations.packages.uninstall_error']), 'the refusal is shown under the package');
      check(installed(s) && (await caseFields(page)).includes('SLA_Level__c'), 'the refused uninstall changed nothing');
      await page.screenshot({ path: path.join(OUT, 'integration_packages_refused.png') });
    } else {
      check(!(await caseFields(page)).includes('SLA_Level__c'), 'after the uninstall Case has no SLA fields');
    }
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
