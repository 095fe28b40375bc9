// A long duplicate scan shows its progress and can be cancelled: on Accounts made numerous through the bridge
// (records.create in batches), a scan in Data > Duplicates runs a slice per frame behind an overlay with a
// progress line ("12,000 of about 40,000 records read") and a Cancel button. Cancel stops it: the overlay
// goes, the tab says the scan was cancelled and nothing changed (no groups shown, the records and rules as
// they were), and the console stays usable: the next scan completes and finds the planted pair. A scan may
// end before the Cancel click lands on a fast machine: then it is started and cancelled again, a bounded
// number of times.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, drawn, crm, done } = require('./lib');

const data = st => st.data || {};
const dd = st => data(st).dedup || {};
const RECORDS = Number(process.env.CRM_E2E_DEDUP_RECORDS || 40000);
const BATCH = 10000;
const TAG = Date.now().toString(36);
const RULE = 'E2E_scan_names_' + TAG;
const CANCELLED = /scan was cancelled|扫描已取消/;

/// A name of ten pseudo-random letters and a number: records share their first two letters (the fuzzy
/// rule's blocking key) in blocks of about 60, and hardly ever look alike.
function bulkName(i) {
  let x = (Math.imul(i + 1, 2654435761) ^ 0x5bd1e995) >>> 0;
  let name = '';
  for (let k = 0; k < 10; ++k) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    name += String.fromCharCode(97 + (x >>> 16) % 26);
  }
  return `${name} ${TAG} ${i}`;
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-data-dedup-cancel-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);

    // [0] Many Accounts (two of them near duplicates) and a fuzzy-name rule. The demo's alerting rule rests
    // meanwhile: a save checks every active alert or block rule against every Account (dedup.h).
    const demo = await crm(page, { cmd: 'dedup.rules.list', as: 'admin', args: { object: 'Account' } });
    check(demo.ok, 'the demo rules are listed');
    for (const r of demo.result.rules.filter(r => r.active && r.action !== 'scan_only')) {
      const off = await crm(page, { cmd: 'dedup.rules.save', as: 'admin', args: { rule: { ...r, active: false } } });
      check(off.ok, `the demo rule ${r.name} rests: ${JSON.stringify(off.error || '')}`);
    }
    const t0 = Date.now();
    for (let from = 0; from < RECORDS; from += BATCH) {
      const records = [];
      for (let i = from; i < Math.min(RECORDS, from + BATCH); ++i)
        records.push({ Name: bulkName(i) });
      const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', records } });
      check(r.ok && r.result.ids.length === records.length, `${records.length} Accounts saved in one batch`);
    }
    const pairName = `Planted Twin ${TAG} Trading`;
    const made = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Account', records: [
      { Name: pairName }, { Name: pairName.replace('Trading', 'Tradinq') }] } });
    check(made.ok, 'the planted pair is saved');
    const pair = made.result.ids;
    console.log(`  (${RECORDS} Accounts made in ${Date.now() - t0} ms)`);
    const rule = await crm(page, { cmd: 'dedup.rules.save', as: 'admin', args: { rule: { object: 'Account',
      name: RULE, action: 'scan_only', conditions: [{ field: 'Name', method: 'fuzzy', threshold: 0.95 }] } } });
    check(rule.ok, 'the rule is saved: ' + JSON.stringify(rule.error || ''));
    const before = await crm(page, { cmd: 'records.list', as: 'admin',
      args: { object: 'Account', columns: ['Id'], limit: 1, exact_total: true } });
    check(before.ok, 'the Accounts are counted');

    // [1] Data > Duplicates, the rule chosen.
    await click(page, 'nav.data', st => st.page === 'data' && !!data(st).tab, 'the Data page');
    await click(page, 'data.tab.dedup', st => data(st).tab === 'dedup' && (dd(st).rules || []).some(r => r.name === RULE),
      'the duplicates tab with the rule');
    await click(page, 'data.dedup.scan_rule', st => drawn(st, `data.dedup.scan_rule.option.${RULE}`), 'the rules');
    await click(page, `data.dedup.scan_rule.option.${RULE}`, st => drawn(st, 'data.dedup.scan'), 'the rule chosen');

    // [2] A scan, cancelled while it runs.
    let cancelled = null;
    for (let attempt = 1; attempt <= 4 && !cancelled; ++attempt) {
      // The first scan shows its groups when it ends; a later one is seen by its overlay only.
      let s;
      try {
        s = await click(page, 'data.dedup.scan', st => st.busy !== '' || (attempt === 1 && dd(st).scanned),
          'the scan started');
      } catch (e) {
        console.log(`  (attempt ${attempt}: no overlay seen; again)`);
        continue;
      }
      if (s.busy !== '')
        s = await waitUi(page, st => st.busy === '' || (/[0-9]/.test(st.busy_progress || '') &&
          !!(st.items || {})['busy.cancel']), 'the progress of the scan');
      if (s.busy === '') {
        console.log(`  (attempt ${attempt}: the scan ended before Cancel; again)`);
        continue;
      }
      check(/[Dd]uplicates|重复/.test(s.busy), `the overlay names the scan ("${s.busy}")`);
      check(/[0-9,]+ of (about )?[0-9,]+ records (read|compared)/.test(s.busy_progress),
        `the scan shows its progress ("${s.busy_progress}")`);
      try {
        s = await click(page, 'busy.cancel', st => st.busy === '', 'the scan stopped', { timeout: 20000 });
      } catch (e) {  // the scan ended (and its overlay went) before the click
        s = await waitUi(page, st => st.busy === '', 'the scan ended');
      }
      if (!CANCELLED.test(dd(s).message || '')) {
        console.log(`  (attempt ${attempt}: the scan ended before Cancel landed; again)`);
        continue;
      }
      cancelled = s;
    }
    check(!!cancelled, 'a scan was cancelled');
    let s = cancelled;
    check(!dd(s).error && CANCELLED.test(dd(s).message), `the tab says it was cancelled ("${dd(s).message}")`);
    check(!(s.items || {})['busy.cancel'], 'the overlay is gone');
    await page.screenshot({ path: path.join(OUT, 'data_dedup_cancelled.png') });
    const after = await crm(page, { cmd: 'records.list', as: 'admin',
      args: { object: 'Account', columns: ['Id'], limit: 1, exact_total: true } });
    check(after.ok && after.result.total === before.result.total, `the Accounts are as they were (${after.result.total})`);
    const rules = await crm(page, { cmd: 'dedup.rules.list', as: 'admin', args: { object: 'Account' } });
    check(rules.ok && rules.result.rules.some(r => r.name === RULE), 'the rule is as it was');
    const merges = await crm(page, { cmd: 'dedup.merges', as: 'admin', args: { object: 'Account' } });
    check(merges.ok && merges.result.merges.length === 0, 'nothing was merged');

    // [3] The console stays usable: the next scan completes and finds the planted pair.
    await click(page, 'data.dedup.scan', st => st.busy !== '' || dd(st).scanned, 'the next scan started');
    s = await waitUi(page, st => st.busy === '' && dd(st).scanned, 'the next scan finished', 240000);
    const found = (dd(s).groups || []).find(g => g.ids.includes(pair[0]));
    check(!!found && found.ids.includes(pair[1]), `the scan finds the planted pair (${(dd(s).groups || []).length} groups)`);
    check(!CANCELLED.test(dd(s).message || ''), 'the cancelled note is gone once a scan completes');
    await page.screenshot({ path: path.join(OUT, 'data_dedup_scanned.png') });
  } finally {
    await ctx.close();
    server.close();
  }
  done();
})().catch(e => { console.error(e); process.exit(1); });
