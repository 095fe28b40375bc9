// Objects & Fields beyond the company page, on the canvas: the list view's column picker (choose,
// filter, reorder, sort by a header, saved with the view and restored with it); the unsaved-changes
// question guarding the record form (closing it, leaving the page, leaving the object) and the
// layout editor (quick find, the sidebar), in both languages; and the layout preview as a profile,
// which leaves out the fields the profile cannot read and marks those it cannot edit.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, focusedOn, press, type, hover, drawn, crm, done } = require('./lib');

const shot = (page, name) => page.screenshot({ path: path.join(OUT, name) });
const records = st => st.objects && st.objects.records;

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-columns-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    let s = await waitReady(page);

    // [1] The records list of Opportunity.
    await click(page, 'nav.objects', st => st.page === 'objects' && st.objects.listed.includes('Opportunity'),
      'the object list');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    s = await click(page, 'objects.tab.records', st => st.objects.tab === 'records' && records(st).mode === 'list' &&
      records(st).total > 0, 'the records list');
    const defaults = s.objects.records.columns;
    check(defaults[0] === 'Name' && defaults.includes('Probability') && !defaults.includes('LeadSource'),
      `the list starts with the default columns (${defaults.join(', ')})`);

    // [2] The column picker: the filter finds a field, Enter adds it; a tick hides one; up moves one.
    s = await click(page, 'records.columns', (st, p) => st.items['records.columns.field.Name'] &&
      focusedOn('records.columns.filter')(st, p),
      'the column picker, its filter focused', { focus: true });
    check(s.items['records.columns.field.Amount'] && s.items['records.columns.Name.up'],
      'the picker lists the readable fields and the shown columns with their order buttons');
    s = await type(page, null, 'lead', st => st.items['records.columns.field.LeadSource'] &&
      !st.items['records.columns.field.Amount'], 'the filtered field list');
    check(true, 'typing "lead" leaves Lead Source in the list');
    s = await press(page, 'Enter', st => records(st).columns.slice(-1)[0] === 'LeadSource', 'Lead Source added');
    check(records(s).columns.length === defaults.length + 1, 'Enter adds the first match as the last column');
    await waitUi(page, st => st.items['records.columns.field.Amount'] || st.offscreen['records.columns.field.Amount'],
      'the whole list again');
    // (the click scrolls the list to Probability first)
    s = await click(page, 'records.columns.field.Probability', st => !records(st).columns.includes('Probability'),
      'Probability hidden');
    check(true, 'unticking Probability hides its column');
    s = await click(page, 'records.columns.LeadSource.up', st => {
      const c = records(st).columns;
      return c.indexOf('LeadSource') === c.length - 2;
    }, 'Lead Source moved up');
    const chosen = records(s).columns;
    check(true, `the up button moves Lead Source one place (${chosen.join(', ')})`);
    await shot(page, 'records_columns_picker.png');
    s = await click(page, 'records.columns.done', st => !st.items['records.columns.filter'] &&
      JSON.stringify(records(st).shown_columns) === JSON.stringify(chosen), 'the table with the chosen columns');
    check(!!s.items['records.header.LeadSource'] && !s.items['records.header.Probability'],
      'the table shows the chosen columns, in order');

    // [3] Sorting by a header still works with the chosen columns. (The sort is published in the
    // frame of the click, its rows a frame later: wait for the rows the core lists in that order.)
    const coreOrder = async desc => {
      const r = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Opportunity', columns: chosen,
        sort_field: 'LeadSource', sort_desc: desc, limit: 50 } });
      check(r.ok, 'the core lists the records by Lead Source' + (desc ? ', descending' : ''));
      return JSON.stringify(r.result.rows.map(row => row.Id));
    };
    const ascending = await coreOrder(false), descending = await coreOrder(true);
    await click(page, 'records.header.LeadSource', st => records(st).sort === 'LeadSource' && records(st).desc === false &&
      JSON.stringify(records(st).ids) === ascending, 'the rows sorted by Lead Source, as the core sorts');
    s = await click(page, 'records.header.LeadSource', st => records(st).sort === 'LeadSource' &&
      records(st).desc === true && JSON.stringify(records(st).ids) === descending, 'the rows sorted descending');
    check(true, 'a second click sorts descending, as the core sorts');

    // [4] Saved with the view, restored with it.
    // (records.save_as publishes no value: type() waits until the console has taken every key)
    await type(page, 'records.save_as', 'E2E Lead sources');
    s = await click(page, 'records.save_view', st => records(st).view === 'E2E Lead sources', 'the saved view');
    const views = await crm(page, { cmd: 'listviews.list', as: 'admin', args: { object: 'Opportunity' } });
    const saved = views.ok && (views.result.views || views.result).find(v => v.name === 'E2E Lead sources');
    check(saved && JSON.stringify(saved.query.columns) === JSON.stringify(chosen) &&
      saved.query.sort_field === 'LeadSource' && saved.query.sort_desc === true,
      'the view is saved with its columns, in order, and its sort');
    await click(page, 'records.view', st => drawn(st, 'records.view.option.all'), 'the views');
    s = await click(page, 'records.view.option.all', st => records(st).view === '' &&
      JSON.stringify(records(st).columns) === JSON.stringify(defaults), 'all records');
    check(true, '"All records" shows the default columns again');
    await click(page, 'records.view', st => drawn(st, 'records.view.option.E2E Lead sources'), 'the views');
    s = await click(page, 'records.view.option.E2E Lead sources', st => records(st).view === 'E2E Lead sources' &&
      JSON.stringify(records(st).shown_columns) === JSON.stringify(chosen), 'the view again');
    check(records(s).sort === 'LeadSource' && records(s).desc === true && !s.items['records.view.modified'],
      'picking the view restores its columns, order and sort, unmodified');
    await click(page, 'records.columns', st => st.items['records.columns.reset'], 'the picker');
    await click(page, 'records.columns.reset', st => JSON.stringify(records(st).columns) === JSON.stringify(defaults),
      'the default columns');
    s = await click(page, 'records.columns.done', st => !st.items['records.columns.reset'] &&
      JSON.stringify(records(st).columns) === JSON.stringify(defaults) && st.items['records.view.modified'],
      'the modified mark');
    check(true, 'changing the columns of a saved view marks it modified');

    // [5] The record form is guarded: "Back to the list" with edits asks; Stay keeps them.
    await click(page, 'records.new', st => records(st).mode === 'new' && st.form['record.values'], 'a new record');
    s = await type(page, 'record.form.Name', 'E2E unsaved deal', st => st.form['record.values'].Name === 'E2E unsaved deal' &&
      st.dirty === true, 'the form dirty');
    check(s.page === 'objects', 'the console knows the record form has unsaved changes');
    s = await click(page, 'record.cancel', st => st.modal === 'unsaved_changes', 'the question');
    check(/new Opportunity record/.test(s.unsaved_what), `closing the form asks first (${s.unsaved_what})`);
    await shot(page, 'record_unsaved_question.png');
    s = await click(page, 'unsaved.stay', st => st.modal === '', 'the question closed');
    check(records(s).mode === 'new' && s.form['record.values'].Name === 'E2E unsaved deal', '"Stay" keeps the form and its values');
    // Leaving the page through the sidebar asks too; Discard leaves, nothing is saved.
    s = await click(page, 'nav.audit', st => st.modal === 'unsaved_changes', 'the question on leaving');
    check(s.page === 'objects', 'leaving the page with an unsaved record asks first');
    s = await click(page, 'unsaved.discard', st => st.page === 'audit' && st.modal === '', 'the audit page');
    const none = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Opportunity', columns: ['Name'],
      filters: [{ field: 'Name', op: '=', value: 'E2E unsaved deal' }] } });
    check(none.ok && none.result.total === 0, '"Discard" leaves and saves nothing');

    // Leaving the object with an edited record: Save saves it, then leaves.
    await click(page, 'nav.objects', st => st.page === 'objects' && st.objects.object === '', 'the object list');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    s = await click(page, 'objects.tab.records', st => st.objects.tab === 'records' && records(st).mode === 'list' &&
      records(st).ids.length > 0, 'the records list');
    const id = records(s).ids[0];
    s = await click(page, 'records.row.' + id, st => records(st).mode === 'edit' && st.form['record.values'],
      'the record form');
    const before = s.form['record.values'].Name;
    await type(page, 'record.form.Name', ' (E2E)', st => st.dirty === true &&
      st.form['record.values'].Name === before + ' (E2E)', 'the edited record', { append: true });
    s = await click(page, 'objects.back', st => st.modal === 'unsaved_changes', 'the question on leaving the object');
    check(s.unsaved_what.includes(before), `leaving the object names the record (${s.unsaved_what})`);
    s = await click(page, 'unsaved.save', st => st.modal === '' && st.objects.object === '',
      'the object list after saving');
    const got = await crm(page, { cmd: 'records.get', as: 'admin', args: { object: 'Opportunity', id } });
    check(got.ok && got.result.Name === before + ' (E2E)', '"Save" saves the record, then leaves the object');

    // [6] The layout editor is guarded too, in Chinese: quick find and the sidebar ask.
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    s = await click(page, 'objects.tab.layouts', st => st.objects.tab === 'layouts' && st.form['layouts.sections'],
      'the layout editor');
    const layoutName = s.form['layouts.name'];
    const firstField = s.form['layouts.sections'][0].fields[1];
    s = await click(page, `layouts.item.${firstField}.read_only`, st => st.form['layouts.dirty'] === true &&
      st.dirty === true, 'the layout draft');
    check(true, `ticking read-only on ${firstField} makes the layout draft unsaved`);
    await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    await press(page, 'Control+K', focusedOn('topbar.quickfind'), 'the quick find box focused', { focus: true });
    await type(page, null, 'audit', st => st.quickfind && st.quickfind.query === 'audit' &&
      st.quickfind.results.includes('page.audit'), 'the audit page in results');
    s = await press(page, 'Enter', st => st.modal === 'unsaved_changes', 'the question from quick find');
    check(s.page === 'objects' && s.unsaved_what === `布局“${layoutName}”`,
      `quick find asks first, naming the layout in Chinese (${s.unsaved_what})`);
    await shot(page, 'layout_unsaved_question_zh.png');
    s = await press(page, 'Escape', st => st.modal === '', 'the question closed');
    check(s.page === 'objects' && s.form['layouts.dirty'] === true, 'Escape stays, with the draft');
    await click(page, 'nav.company', st => st.modal === 'unsaved_changes', 'the question from the sidebar');
    s = await click(page, 'unsaved.discard', st => st.page === 'company' && st.modal === '', 'the company page');
    const layout = await crm(page, { cmd: 'layouts.get', args: { object: 'Opportunity', name: layoutName } });
    const item = layout.ok && layout.result.sections[0].items.find(i => (i.field || i) === firstField);
    check(item && !item.read_only, '"Discard" leaves the saved layout as it was');
    await click(page, 'topbar.lang', st => st.lang === 'en', 'English');

    // [7] The preview as a profile honours its field-level security.
    for (const args of [
      { cmd: 'profiles.create', args: { name: 'E2E Field Sales' } },
      { cmd: 'profiles.set_object', args: { name: 'E2E Field Sales', object: 'Opportunity', permissions: ['edit'] } },
      { cmd: 'profiles.set_field', args: { name: 'E2E Field Sales', object: 'Opportunity', field: 'Amount', read: false, edit: false } },
      { cmd: 'profiles.set_field', args: { name: 'E2E Field Sales', object: 'Opportunity', field: 'Probability', read: true, edit: false } },
    ]) {
      const r = await crm(page, { ...args, as: 'admin' });
      check(r.ok, `${args.cmd} ${args.args.field || args.args.name}`);
    }
    await click(page, 'nav.objects', st => st.page === 'objects' && st.objects.object === '', 'the object list');
    await click(page, 'objects.row.Opportunity', st => st.objects.object === 'Opportunity', 'Opportunity');
    s = await click(page, 'objects.tab.layouts', st => st.objects.tab === 'layouts' && st.form['layouts.preview'],
      'the preview');
    check(s.form['layouts.preview'].profile === '' && s.form['layouts.preview.fields'].some(f => f.field === 'Amount'),
      'the preview starts with the layout as edited, every field on it');
    await click(page, 'layouts.preview_profile', (st, p) => focusedOn('layouts.preview_profile.filter')(st, p),
      'the profile picker, its filter focused', { focus: true });
    s = await type(page, null, 'e2e field', st => st.items['layouts.preview_profile.option.E2E Field Sales'] &&
      !st.items['layouts.preview_profile.option.System Administrator'], 'the filtered profiles');
    check(true, 'the profile picker filters the profiles');
    s = await click(page, 'layouts.preview_profile.option.E2E Field Sales', st => st.form['layouts.preview'] &&
      st.form['layouts.preview'].profile === 'E2E Field Sales', 'the preview as E2E Field Sales');
    const fields = s.form['layouts.preview.fields'];
    const of = name => fields.find(f => f.field === name);
    check(!of('Amount') && s.form['layouts.preview.hidden'].includes('Amount') && !s.items['layouts.preview.field.Amount'],
      'a field the profile cannot read is absent from the preview');
    check(of('Probability') && of('Probability').read_only && of('Probability').reason === 'record.read_only.fls' &&
      !!s.items['layouts.preview.field.Probability.read_only'],
      'a field it can read but not edit is read-only, marked with the reason');
    check(of('Name') && !of('Name').read_only, 'a field it can edit stays editable');
    // The mark's tooltip, in both languages.
    await hover(page, 'layouts.preview.field.Probability.read_only');
    await shot(page, 'layout_preview_as_profile.png');
    await click(page, 'topbar.lang', st => st.lang === 'zh-CN', 'Chinese');
    await hover(page, 'layouts.preview.field.Probability.read_only');
    await shot(page, 'layout_preview_as_profile_zh.png');
    await click(page, 'topbar.lang', st => st.lang === 'en', 'English');
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
