// What the two-tab draft tests share (storage_tab_drafts_editors, storage_tab_drafts_more): two tabs of
// one profile on one workspace, a commit through the bridge, and the checks that tab B shows the other
// tab's commit under its unsaved draft and that both tabs hold both changes after B saves.
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');
const { OUT, check, serve, launch, waitUi, waitFor, crm } = lib;

// How long the tab took from the other tab's write completing to its workspace reopened over it.
const lagOf = page => page.evaluate(() => (Module.crmPages.lastApplied || {}).lagMs);

/** Tab A on a fresh profile `name` and a server of its own, its new workspace stored: {server, ctx, page}. */
async function openTabA(name, viewport = { width: 1440, height: 900 }) {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, `profile-${name}-`));
  const server = await serve();
  const { ctx, page } = await launch(profile, viewport);
  await lib.openFirstTab(page, server.url);
  return { server, ctx, page };
}

/** Tab B: another page of the same profile on the same workspace, ready. */
async function openTabB(ctx, server, viewport = { width: 1440, height: 900 }) {
  return (await lib.openAnotherTab(ctx, server.url, viewport)).page;
}

/** A bridge command that must succeed, waited until stored; resolves to its result. */
async function commit(page, request, what) {
  const r = await crm(page, request);
  check(r.ok, what + (r.ok ? '' : ': ' + JSON.stringify(r.error)));
  await waitUi(page, st => st.save === 'saved', what + ', stored');
  return r.result;
}

// B shows A's commit: `shown(st)` holds within a second of A's write, B's edit `kept(st)` still there,
// unsaved, no banner, and the editor's notice (form value `notice`) says it changed in another tab.
async function showsCommit(b, shown, kept, notice, what) {
  const s = await waitUi(b, shown, `A's change in B's ${what}`);
  const lag = await lagOf(b);
  check(lag <= 1000, `the ${what}: tab B shows A's change within a second (${Math.round(lag)} ms after A stored it)`);
  check(kept(s) && s.dirty === true, `the ${what}: B's edit is still there, unsaved`);
  check(!(s.items || {}).store_behind, `the ${what}: no banner holds the reopen back`);
  const text = (s.form || {})[notice] || '';
  check(text.includes('another tab'), `the ${what} says it changed in another tab ("${text}")`);
  return s;
}

/** Each of `pages` ([[label, page]]) answers `probe(page)` truthy (polled: the other tab catches up). */
async function bothHold(pages, probe, what) {
  for (const [tab, page] of pages) {
    const got = await waitFor(`${what} in tab ${tab}`, () => probe(page));
    check(!!got, `tab ${tab} holds ${what}`);
  }
}

/** Neither tab dropped a commit. */
async function noneLost(pages) {
  for (const [tab, page] of pages)
    check(await page.evaluate(() => Module.crmPages.lostCommits) === 0, `tab ${tab} dropped no commit`);
}

module.exports = { lagOf, openTabA, openTabB, commit, showsCommit, bothHold, noneLost };
