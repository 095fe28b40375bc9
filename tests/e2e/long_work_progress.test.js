// Long work shows progress: on an object with more than 10,000 records, checking a type change scans
// every value, so the console first shows an overlay naming the work, then runs it and shows the
// result; the records list says "10000+" for a count that stopped early. On a small object the same
// check runs at once, with no overlay.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, type, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });

async function openFieldRetype(page, object, field) {
  await click(page, 'nav.objects', st => st.page === 'objects' && st.objects && st.objects.object === '' &&
    st.objects.listed.length > 0, 'the object list');
  await type(page, 'objects.search', object, st => st.objects.listed.length === 1 &&
    st.objects.listed[0] === object + '__c', 'the search narrowed to ' + object);  // replaces an earlier search
  await click(page, 'objects.row.' + object + '__c', st => st.objects.object === object + '__c' &&
    st.objects.tab === 'fields', 'the fields tab');
  await click(page, 'fields.edit.' + field, st => st.objects.dialog === 'field_editor' &&
    st.items['field.editor.type'], 'the field editor');
  await click(page, 'field.editor.type', st => drawn(st, 'field.editor.type.option.number'), 'the type list');
  await click(page, 'field.editor.type.option.number', st => st.form['field.editor.type'] === 'number' &&
    st.items['field.retype.check'], 'the type change with its check');
}

async function makeObject(page, name, count) {
  let r = await crm(page, { cmd: 'objects.create', as: 'admin',
                            args: { api_name: name, label: name, plural_label: name + 's' } });
  check(r.ok, 'objects.create ' + name + ': ' + JSON.stringify(r.error || ''));
  r = await crm(page, { cmd: 'fields.create', as: 'admin',
                        args: { object: name + '__c', field: { api_name: 'Code', label: 'Code', type: 'text' } } });
  check(r.ok, 'fields.create Code on ' + name);
  const records = [];
  for (let i = 0; i < count; ++i) records.push({ Name: name + ' ' + i, Code__c: i % 97 === 0 ? 'n/a' : String(i) });
  r = await crm(page, { cmd: 'records.create', as: 'admin', args: { object: name + '__c', records } });
  check(r.ok, count + ' records of ' + name + ' saved in one batch: ' + JSON.stringify(r.error || ''));
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-progress-'));
  const server = await serve();
  const { ctx, page } = await launch(profile);
  try {
    await page.goto(server.url);
    await waitReady(page);
    await makeObject(page, 'Small', 50);
    await makeObject(page, 'Big', 10050);

    const list = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Big__c', columns: ['Name'] } });
    check(list.ok && list.result.total === 10000 && list.result.total_capped === true,
          'the count stops at 10000 and says so: ' + JSON.stringify(list.result && list.result.total));

    // Small: the check runs at once, no overlay.
    await openFieldRetype(page, 'Small', 'Code__c');
    let s = await click(page, 'field.retype.check', st => st.form['field.retype.failures'] !== undefined,
      'the small check result');
    check(s.form['field.retype.failures'] === 1, 'one of 50 small values does not convert');
    check(s.busy_last === '', 'no overlay for 50 records: "' + s.busy_last + '"');
    await click(page, 'field.editor.cancel', st => st.objects.dialog === '', 'the editor closed');
    await click(page, 'objects.back', st => st.objects.object === '', 'the object list');

    // Big: the overlay names the work, then the result shows and the overlay is gone.
    await openFieldRetype(page, 'Big', 'Code__c');
    await click(page, 'field.retype.check', st => st.busy !== '' || st.form['field.retype.failures'] !== undefined,
      'the check started');
    s = await waitUi(page, st => st.form['field.retype.failures'] !== undefined && st.busy === '',
                     'the big check result');
    check(s.busy_last === 'Checking every value of Code', 'the overlay named the work: "' + s.busy_last + '"');
    check(s.form['field.retype.failures'] === 104, '104 of 10,050 values do not convert: ' +
          s.form['field.retype.failures']);
    await shot(page, 'progress_after_check.png');
    await click(page, 'field.editor.cancel', st => st.objects.dialog === '', 'the editor closed');

    // The records list of the big object says 10000+.
    s = await click(page, 'objects.tab.records', st => st.objects.tab === 'records', 'the records tab');
    s = await waitUi(page, st => st.objects.tab === 'records' && st.objects.records.total === 10000, 'the records list');
    check(s.objects.records.total_capped === true, 'the list knows there are more than 10000');
    await shot(page, 'progress_records_10000_plus.png');
  } finally {
    await ctx.close();
    server.close();
  }
  done();
})().catch(e => { console.error(e); process.exit(1); });
