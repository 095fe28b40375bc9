// A long report run shows its progress and can be cancelled: on Opportunities made numerous through the
// bridge (window.crm, records.create in batches), a matrix report with COUNT DISTINCT and MEDIAN runs a
// slice per frame behind an overlay with a progress line ("12,000 of 60,000 records") and a Cancel
// button. Cancel stops the run: the overlay goes, the result shown before stays with the "cancelled"
// note, and the console stays usable: the next run completes with the new numbers. A run may end before
// the Cancel click lands on a fast machine: then a new run (the cache dropped by one more record) is
// cancelled instead, a bounded number of times. The records are many enough that a run spans several
// frames on a quiet machine too (a slice takes about 25 ms whatever the machine: ui/shell/busy.h), and
// nothing slow (a screenshot) stands between seeing the progress and clicking Cancel.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const rep = st => st.reports || {};
const result = st => rep(st).result || {};

const RECORDS = Number(process.env.CRM_E2E_REPORT_RECORDS || 180000);
const BATCH = 10000;
const STAGES = ['Prospecting', 'Qualification', 'Proposal', 'Negotiation', 'Closed Won', 'Closed Lost'];
const CANCELLED_KEPT = /result below is the one shown before|下面仍是之前的结果/;

async function addOpportunities(page, from, count) {
  for (let done = 0; done < count; done += BATCH) {
    const records = [];
    for (let i = from + done; i < from + Math.min(count, done + BATCH); ++i) {
      const day = 1 + (i * 7) % 28, month = 1 + (i * 5) % 12;
      records.push({ Name: 'Bulk ' + i, StageName: STAGES[i % STAGES.length], Amount: (i * 37) % 100000,
                     CloseDate: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` });
    }
    const r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: 'Opportunity', records } });
    check(r.ok && r.result.ids.length === records.length,
          `${records.length} opportunities saved in one batch: ${JSON.stringify(r.error || '')}`);
  }
}

async function coreCount(page, report) {
  const r = await crm(page, { cmd: 'reports.run', as: 'admin', args: { report } });
  check(r.ok, 'the core runs the report: ' + JSON.stringify(r.error || ''));
  return r.result.record_count;
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-report-cancel-'));
  const server = await serve();
  const { ctx, page } = await launch(profile);
  try {
    await page.goto(server.url);
    await waitReady(page);

    // [0] Many opportunities, and a report over all of them.
    const t0 = Date.now();
    await addOpportunities(page, 0, RECORDS);
    console.log(`  (${RECORDS} opportunities made in ${Date.now() - t0} ms)`);
    const report = { name: 'E2E Long run', object: 'Opportunity', format: 'matrix', row_groupings: ['StageName'],
      column_groupings: [{ field: 'CloseDate', bucket: 'month' }],
      aggregates: [{ fn: 'sum', field: 'Amount' }, { fn: 'count_distinct', field: 'Name' },
                   { fn: 'median', field: 'Amount' }, { fn: 'count' }] };
    const made = await crm(page, { cmd: 'reports.create', as: 'admin', args: { report } });
    check(made.ok, 'the report is saved: ' + JSON.stringify(made.error || ''));
    const id = made.result.id;
    let expected = await coreCount(page, report);
    check(expected > RECORDS, `the core counts every opportunity (${expected})`);

    // [1] The first run completes, in slices, with progress.
    let s = await click(page, 'nav.reports', st => st.page === 'reports' &&
      (rep(st).reports || []).some(r => r.id === id), 'the report list');
    let sawProgress = '';
    const watch = st => { if (st.busy_progress) sawProgress = st.busy_progress; };
    await click(page, 'reports.row.' + id, st => {
      watch(st);
      return rep(st).mode === 'view' && (st.busy !== '' || result(st).record_count !== undefined);
    }, 'the run started');
    s = await waitUi(page, st => {
      watch(st);
      return st.busy === '' && result(st).record_count !== undefined;
    }, 'the first run finished');
    console.log(`  (the last progress line seen: "${sawProgress}")`);
    check(result(s).record_count === expected, `the first run counts ${expected} records`);
    check(rep(s).run_note === '', 'no note after a finished run');
    const before = result(s).record_count;

    // [2] Another run (one more record: the cached result no longer holds), cancelled while it runs.
    let cancelled = null;
    for (let attempt = 1; attempt <= 4 && !cancelled; ++attempt) {
      await addOpportunities(page, RECORDS + attempt * 10, 1);
      expected += 1;
      s = await click(page, 'report.view.run', st => st.busy !== '' || result(st).record_count === expected,
        'the second run started');
      if (s.busy !== '')
        s = await waitUi(page, st => st.busy === '' || (/[0-9]/.test(st.busy_progress || '') &&
          !!(st.items || {})['busy.cancel']), 'the progress of the run');
      if (s.busy === '') {
        console.log(`  (attempt ${attempt}: the run ended before Cancel; again)`);
        continue;
      }
      check(s.busy.includes('E2E Long run'), `the overlay names the run ("${s.busy}")`);
      check(/[0-9] of about [0-9,]+ records read/.test(s.busy_progress),
        `the run shows its progress ("${s.busy_progress}")`);
      try {
        s = await click(page, 'busy.cancel', st => st.busy === '', 'the run stopped', { timeout: 20000 });
      } catch (e) {  // the run ended (and its overlay went) before the click
        s = await waitUi(page, st => st.busy === '', 'the run ended');
      }
      if (!CANCELLED_KEPT.test(rep(s).run_note || '')) {
        console.log(`  (attempt ${attempt}: the run ended before Cancel landed; again)`);
        continue;
      }
      cancelled = s;
    }
    check(!!cancelled, 'a run was cancelled');
    s = cancelled;
    check(CANCELLED_KEPT.test(rep(s).run_note), `the view says it was cancelled ("${rep(s).run_note}")`);
    check(result(s).record_count !== undefined && result(s).record_count < expected,
      `the result shown before is kept (${result(s).record_count} records, not ${expected})`);
    check(!(s.items || {})['busy.cancel'], 'the overlay is gone');
    await shot(page, 'report_cancelled.png');

    // [3] The console stays usable: the next run completes with the new numbers.
    await click(page, 'report.view.run', st => st.busy !== '' || result(st).record_count === expected,
      'the third run started');
    s = await waitUi(page, st => st.busy === '' && result(st).record_count === expected, 'the third run finished');
    check(rep(s).run_note === '', 'the cancelled note is gone once a run completes');
    check(result(s).record_count === expected && expected > before,
      `the new run counts every record (${expected})`);
    check(expected === await coreCount(page, report), "the view's count is the core's");
    s = await click(page, 'report.view.back', st => rep(st).mode === 'list', 'the report list again');
    check(rep(s).mode === 'list', 'the console goes on');
  } finally {
    await ctx.close();
    server.close();
  }
  done();
})().catch(e => { console.error(e); process.exit(1); });
