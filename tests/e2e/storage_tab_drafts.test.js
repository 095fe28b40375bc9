// A draft typed in one tab outlives the other tab's commit: tab B types into a form without saving,
// tab A commits a different change, and B's form still holds the typed text, still unsaved, with A's
// change shown beside it within a second and a notice that the item changed in another tab; B then
// saves and both tabs hold both changes. Once for the company profile, once for a record form.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitUi, waitFor, openFirstTab, openAnotherTab, click, type, crm, done } =
  require('./lib');
const { lagOf } = require('./drafts_lib');

const records = st => st.objects && st.objects.records;


(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-tab-drafts-'));
  const server = await serve();
  const { ctx, page: a } = await launch(profile);
  try {
    await openFirstTab(a, server.url);
    const opened = await openAnotherTab(ctx, server.url, { width: 1280, height: 800 });
    const b = opened.page;
    let s = opened.state;
    check(s.page === 'company', 'tab B opens on the company profile');

    // [1] The company profile: B types a name, A changes the currency.
    const before = (await crm(a, { cmd: 'company.get' })).result;
    const currency = before.currency === 'EUR' ? 'USD' : 'EUR';
    const typed = 'Typed in B ' + Date.now() % 100000;
    await type(b, 'company.name', typed, st => st.form['company.name'] === typed && st.dirty === true,
      'the typed name, unsaved');
    check((await crm(a, { cmd: 'company.update', as: 'admin', args: { currency } })).ok, 'tab A changes the currency');
    await waitUi(a, st => st.save === 'saved', 'tab A stored it');
    s = await waitUi(b, st => st.form && st.form['company.currency'] === currency, "A's currency in B's form");
    const lag = await lagOf(b);
    check(lag <= 1000, `tab B shows A's change within a second (${Math.round(lag)} ms after A stored it)`);
    check(s.form['company.name'] === typed && s.dirty === true, "tab B's typed name is still there, still unsaved");
    check(typeof s.form['company.draft_notice'] === 'string' && s.form['company.draft_notice'].includes('another tab'),
      `tab B's form says it changed in another tab ("${s.form['company.draft_notice']}")`);
    check((await crm(b, { cmd: 'company.get' })).result.name === before.name, 'nothing of the draft is saved yet');

    await click(b, 'company.save', st => st.dirty === false, 'tab B saved');
    await waitUi(b, st => st.save === 'saved', 'tab B stored it');
    for (const [tab, page] of [['A', a], ['B', b]]) {
      const got = await waitFor(`both changes in tab ${tab}`, async () => {
        const p = (await crm(page, { cmd: 'company.get' })).result;
        return p.name === typed && p.currency === currency && p;
      });
      check(got.name === typed && got.currency === currency, `tab ${tab} holds B's name and A's currency`);
    }
    s = await waitUi(a, st => st.form && st.form['company.name'] === typed, "B's name in A's form");
    check(s.form['company.currency'] === currency && s.dirty === false, "and A's form shows both, nothing unsaved");

    // [2] A record form: B edits an account's name, A changes its phone.
    await click(b, 'nav.objects', st => st.page === 'objects' && st.objects.listed.includes('Account'), 'the object list');
    await click(b, 'objects.row.Account', st => st.objects.object === 'Account', 'Account');
    s = await click(b, 'objects.tab.records', st => st.objects.tab === 'records' && records(st).mode === 'list' &&
      records(st).ids.length > 0, 'the records list');
    const id = records(s).ids[0];
    s = await click(b, 'records.row.' + id, st => records(st).mode === 'edit' && st.form['record.values'], 'the record form');
    const name = s.form['record.values'].Name + ' (B)';
    await type(b, 'record.form.Name', ' (B)', st => st.dirty === true && st.form['record.values'].Name === name,
      'the edited name', { append: true });
    const phone = '+1 555 ' + String(Date.now() % 10000).padStart(4, '0');
    const updated = await crm(a, { cmd: 'records.update', as: 'admin', args: { object: 'Account', id, values: { Phone: phone } } });
    check(updated.ok, 'tab A changes the phone of that account' + (updated.ok ? '' : ': ' + JSON.stringify(updated.error)));
    await waitUi(a, st => st.save === 'saved', 'tab A stored it');
    s = await waitUi(b, st => st.form['record.values'] && st.form['record.values'].Phone === phone, "A's phone in B's form");
    const lag2 = await lagOf(b);
    check(lag2 <= 1000, `tab B shows A's change within a second (${Math.round(lag2)} ms after A stored it)`);
    check(records(s).mode === 'edit' && s.form['record.values'].Name === name && s.dirty === true,
      "tab B's record form still holds the typed name, unsaved");
    check((s.form['record.draft_notice'] || '').includes('another tab'), "and says the record changed in another tab");

    await click(b, 'record.save', st => st.dirty === false, 'tab B saved the record');
    await waitUi(b, st => st.save === 'saved', 'tab B stored it');
    for (const [tab, page] of [['A', a], ['B', b]]) {
      const got = await waitFor(`both record changes in tab ${tab}`, async () => {
        const r = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Account', id } });
        const rec = r.ok && (r.result.record || r.result);
        return rec && rec.Name === name && rec.Phone === phone && rec;
      });
      check(!!got, `tab ${tab} holds B's name and A's phone`);
    }
    check(await a.evaluate(() => Module.crmPages.lostCommits) === 0 && await b.evaluate(() => Module.crmPages.lostCommits) === 0,
      'no commit dropped');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
