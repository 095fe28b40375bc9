// The administrator's flow through Objects & Fields, typing and clicking on the canvas: open the
// object manager, pick Opportunity, add a custom number field with the field editor (placed on the
// layouts), see it on the record form, save a record that breaks the demo's "close date required
// when Closed Won" rule and read the rule's message beside Close Date, with nothing saved; then fix
// it and save. Also: a formula error in the rule editor is marked at its position.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, frames, scrollTo, click, type, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-objects-'));
  const server = await serve();
  const { ctx, page } = await launch(profile);
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // The object manager lists standard and custom objects.
    s = await click(page, 'nav.objects', st => st.page === 'objects' && st.objects && st.objects.listed.length > 0,
      'the object list');
    check(s.objects.object === '', 'the sidebar opens the object list');
    check(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Task'].every(o => s.objects.listed.includes(o)),
      'the list shows the standard objects');
    await shot(page, 'objects_list.png');

    // Search narrows the list.
    s = await type(page, 'objects.search', 'opp', st => st.objects.listed.length === 1, 'the search to narrow the list');
    check(s.objects.listed[0] === 'Opportunity', 'searching "opp" leaves Opportunity');

    s = await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity' &&
      st.objects.tab === 'fields' && st.form['fields.rows'], 'the fields tab');
    check(s.form['fields.rows'].includes('StageName'), 'the fields table lists Stage');

    // A new number field through the field editor.
    await click(page, 'fields.new', st => st.objects.dialog === 'field_editor' && st.items['field.editor.label'],
      'the field editor');
    await click(page, 'field.editor.type', st => drawn(st, 'field.editor.type.option.number'), 'the type list');
    s = await click(page, 'field.editor.type.option.number', st => st.form['field.editor.type'] === 'number',
      'the number type chosen');
    check(!!s.items['field.editor.precision'], 'a number field shows its digits');
    s = await type(page, 'field.editor.label', 'Win Score', st => st.form['field.editor.label'] === 'Win Score',
      'the typed label');
    check(s.form['field.editor.api_name'] === 'Win_Score', 'the API name is derived from the label');
    check(s.form['field.editor.add_to_layouts'] === true, 'new fields go on the layouts by default');
    await shot(page, 'objects_field_editor.png');
    await click(page, 'field.editor.save', st => st.objects.dialog === '' && st.form['fields.rows'] &&
      st.form['fields.rows'].includes('Win_Score__c'), 'the new field in the table');
    check(true, 'the saved field shows in the fields table');
    const fields = await crm(page, { cmd: 'fields.list', as: 'admin', args: { object: 'Opportunity' } });
    const created = fields.ok && (fields.result.fields || fields.result).find(f => f.api_name === 'Win_Score__c');
    check(created && created.type === 'number', 'the core holds Win_Score__c as a number field');

    // The record form shows the new field.
    s = await click(page, 'objects.tab.records', st => st.objects.tab === 'records' &&
      st.objects.records.mode === 'list', 'the records list');
    check(s.objects.records.total > 0, 'the records list shows the demo opportunities');
    await click(page, 'records.new', st => st.objects.records.mode === 'new' && st.form['record.values'],
      'a new record form');
    s = await scrollTo(page, 'record.form.Win_Score__c');
    check(!!s.items['record.form.Win_Score__c'], 'the new field is on the record form');

    const name = 'E2E 测试 Deal ' + (Date.now() % 100000);
    const values = st => st.form['record.values'] || {};
    await type(page, 'record.form.Name', name, st => values(st).Name === name, 'the typed name');
    await click(page, 'record.form.StageName', st => drawn(st, 'record.form.StageName.option.Closed Won'), 'the stages');
    await click(page, 'record.form.StageName.option.Closed Won', st => values(st).StageName === 'Closed Won',
      'Closed Won chosen');
    s = await type(page, 'record.form.Win_Score__c', '42', st => values(st).Win_Score__c === '42' &&
      values(st).StageName === 'Closed Won' && values(st).Name === name, 'the typed values');
    check(true, 'the form holds the typed name, stage and score');

    // Saving breaks the rule: its message shows beside Close Date and nothing is saved.
    s = await click(page, 'record.save', st => st.errors && st.errors['record.error.CloseDate'],
      'the rule message beside Close Date');
    check(s.errors['record.error.CloseDate'] === 'Enter the close date of a won opportunity.',
      'the validation rule\'s message is shown beside Close Date');
    check(s.objects.records.mode === 'new', 'the form stays open on the refused save');
    const none = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Opportunity', columns: ['Name'],
      filters: [{ field: 'Name', op: '=', value: name }] } });
    check(none.ok && none.result.total === 0, 'the refused record was not saved');
    await scrollTo(page, 'record.error.CloseDate.error');
    await shot(page, 'objects_record_rule_error.png');

    // With the close date, it saves.
    await type(page, 'record.form.CloseDate', '2026-12-31', st => values(st).CloseDate === '2026-12-31',
      'the typed close date');
    s = await click(page, 'record.save', st => st.objects.records.mode === 'edit', 'the saved record');
    check(!s.errors['record.error.CloseDate'], 'the message goes once the close date is given');
    const one = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Opportunity', columns: ['Name', 'Win_Score__c'],
      filters: [{ field: 'Name', op: '=', value: name }] } });
    check(one.ok && one.result.total === 1 && one.result.rows[0].Win_Score__c === 42,
      'the record is saved with the new field\'s value');

    // The rule editor marks a formula error at its position.
    await click(page, 'record.cancel', st => st.objects.records.mode === 'list', 'the records list');
    s = await click(page, 'objects.tab.rules', st => st.objects.tab === 'rules' && st.form['rules.rows'], 'the rules tab');
    check(s.form['rules.rows'].some(r => r.name === 'Close_Date_When_Won'), 'the rules list shows the demo rule');
    await click(page, 'rules.new', st => st.items['rule.editor.formula'], 'the rule editor');
    const formula = 'AND(Amount > 10, ISBLANK(CloseDat))';
    s = await type(page, 'rule.editor.formula', formula, st => st.form['rule.editor.formula'] === formula &&
      st.errors['rule.editor.formula'] && st.items['rule.editor.formula.error_marker'],
      'the formula error and its marker');
    check(s.form['rule.editor.formula.error_position'] === 26, 'the error points at the unknown field (position 26)');
    const box = s.items['rule.editor.formula'], marker = s.items['rule.editor.formula.error_marker'];
    check(marker[0] > box[0] + 20 && marker[1] >= box[1] && marker[1] < box[1] + box[3],
      'the marker is drawn inside the box, under the faulty name');
    await shot(page, 'objects_rule_error.png');
    // A line wider than the box: shown wrapped, whole, while another control has the focus; edited as typed.
    const long = 'AND(Amount > 10, ' + Array.from({ length: 8 }, (_, i) => `Amount <> ${1000 + i}`).join(', ') + ')';
    await type(page, 'rule.editor.formula', long, st => st.form['rule.editor.formula'] === long, 'a long formula');
    s = await click(page, 'rule.editor.name', st => st.form['rule.editor.formula.wrapped'] === true,
      'the long formula shown wrapped once the box loses the focus');
    check(!s.errors['rule.editor.formula'], 'the long formula compiles');
    await shot(page, 'objects_rule_wrapped.png');
    s = await click(page, 'rule.editor.formula', st => st.form['rule.editor.formula.wrapped'] === false,
      'the box edited as typed again');
    check(s.form['rule.editor.formula'] === long, 'the text is as typed (wrapping changed nothing)');
    await click(page, 'rule.editor.cancel', st => !st.items['rule.editor.formula'], 'the rule editor closed');

    // Chinese and dark: the same page reads in the other language.
    await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    await click(page, 'topbar.theme', st => st.theme === 'dark', 'dark');
    await click(page, 'objects.tab.fields', st => st.objects.tab === 'fields', 'the fields tab');
    await frames(page, 3);
    await shot(page, 'objects_fields_zh_dark.png');
    await click(page, 'topbar.lang', st => st.lang === 'en', 'English');
    await click(page, 'topbar.theme', st => st.theme === 'light', 'light');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
