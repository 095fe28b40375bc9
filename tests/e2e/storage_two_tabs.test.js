// Two tabs of one browser profile on the same workspace: writes go one at a time (a Web Lock
// around each IndexedDB write, which also checks that the store is still at the commit the tab
// built on), each stored commit is announced on a BroadcastChannel, and the other tab applies it
// and shows it within a second. Edits made in turn in both tabs are all kept.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, crm, done } = require('./lib');

const nameOf = async page => (await crm(page, { cmd: 'company.get' })).result.name;
const accounts = async page => (await crm(page, { cmd: 'records.list', as: 'admin',
  args: { object: 'Account', filters: [{ field: 'Name', op: 'starts_with', value: 'Tab ' }], limit: 100 } })).result.total;

// Once `page` answers `expect` (polled; at most 10 s), how long it took from the other tab's write
// completing to this tab's workspace reopened over the commit (measured in the pages themselves:
// the test's own round trips on a loaded machine are not the tab's delay).
async function seenWithin(page, probe, expect) {
  const t0 = Date.now();
  while (Date.now() - t0 < 10000) {
    if (await probe(page) === expect) return page.evaluate(() => (Module.crmPages.lastApplied || {}).lagMs);
    await new Promise(r => setTimeout(r, 20));
  }
  return Infinity;
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-two-tabs-'));
  const server = await serve();
  let { ctx, page: a } = await launch(profile);
  try {
    await a.goto(server.url);
    await waitReady(a);
    await waitUi(a, s => s.save === 'saved', 'the first tab stored the new workspace');
    const b = await ctx.newPage();
    await b.goto(server.url);
    await waitReady(b);

    for (let i = 0; i < 3; i++) {
      // A setting changed in tab A appears in tab B within a second.
      const name = `Set In A ${i}`;
      check((await crm(a, { cmd: 'company.update', as: 'admin', args: { name } })).ok, `tab A changes the name (${i})`);
      await waitUi(a, s => s.save === 'saved', 'tab A stored it');
      const ms = await seenWithin(b, nameOf, name);
      check(ms <= 1000, `tab B shows it within a second (${Math.round(ms)} ms after A stored it)`);
      // And tab B's change appears in A, with A's change kept.
      check((await crm(b, { cmd: 'records.create', as: 'admin',
        args: { object: 'Account', records: [{ Name: `Tab B account ${i}` }] } })).ok, `tab B adds an account (${i})`);
      await waitUi(b, s => s.save === 'saved', 'tab B stored it');
      const ms2 = await seenWithin(a, accounts, i + 1);
      check(ms2 <= 1000, `tab A shows it within a second (${Math.round(ms2)} ms after B stored it)`);
      check(await nameOf(b) === name, 'tab B kept tab A\'s name');
    }
    await ctx.close();

    // Nothing lost: a new visit has every change of both tabs.
    ({ ctx, page: a } = await launch(profile));
    await a.goto(server.url);
    await waitReady(a);
    check(await nameOf(a) === 'Set In A 2', 'reopened: the last name set in tab A');
    check(await accounts(a) === 3, 'and the three accounts added in tab B');
    check(await a.evaluate(() => Module.ccall('crm_web_integrity_check', 'string', [], [])) === 'ok',
      'integrity_check ok');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
