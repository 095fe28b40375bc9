// Data > Import, the whole wizard on the canvas with files through the browser: a GBK-encoded CSV (as
// spreadsheet programs in China write it, Chinese headers) with one row whose close date is not a date;
// the encoding is found, the columns are mapped from their Chinese labels, the dry run names the row and
// the column, the import takes the valid rows, the rows with errors are downloaded as a CSV, fixed there
// and dropped on the page to be imported again; all three Opportunities are then in the workspace.
'use strict';
const fs = require('fs');
const path = require('path');
const { OUT, check, serve, launch, waitReady, waitUi, click, pickFile, drawn, crm, done } = require('./lib');

const data = st => st.data || {};
const imp = st => data(st).import || {};
const TAG = 'E2E Import ' + Date.now().toString(36);
// The GBK bytes of the Chinese words used (from Python's 'gbk' codec): a fixture, not a decoder.
const GBK = { '商机名称': 'c9ccbbfac3fbb3c6', '阶段': 'bdd7b6ce', '结束日期': 'bde1caf8c8d5c6da', '金额': 'bdf0b6ee',
  '北京商机': 'b1b1bea9c9ccbbfa', '上海商机': 'c9cfbaa3c9ccbbfa', '广州商机': 'b9e3d6ddc9ccbbfa' };
/** `text` encoded as GBK: ASCII as is, the words above by their bytes. */
function gbk(text) {
  const parts = [];
  let rest = text;
  while (rest.length) {
    const word = Object.keys(GBK).find(w => rest.startsWith(w));
    if (word) { parts.push(Buffer.from(GBK[word], 'hex')); rest = rest.slice(word.length); continue; }
    if (rest.charCodeAt(0) > 127) throw new Error('no GBK bytes for ' + rest[0]);
    parts.push(Buffer.from(rest[0], 'latin1'));
    rest = rest.slice(1);
  }
  return Buffer.concat(parts);
}

/** Drops `file` on the page, as a person dragging it from the desktop would. */
async function drop(page, file) {
  await page.evaluate(([name, b64]) => {
    const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'text/csv' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [path.basename(file), fs.readFileSync(file).toString('base64')]);
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const profile = fs.mkdtempSync(path.join(OUT, 'profile-data-import-'));
  const server = await serve();
  const { ctx, page } = await launch(profile, { width: 1440, height: 900 });
  try {
    await page.goto(server.url);
    await waitReady(page);
    const csv = path.join(OUT, 'e2e-import-gbk.csv');
    fs.writeFileSync(csv, gbk('商机名称,阶段,结束日期,金额\r\n' +
      `${TAG} 北京商机,Prospecting,2027-03-01,1000\r\n` +
      `${TAG} 上海商机,Prospecting,2027-13-45,2000\r\n` +
      `${TAG} 广州商机,Prospecting,2027-03-03,3000\r\n`));

    // [1] The file, the object; the encoding is found and the columns mapped from their Chinese labels.
    await click(page, 'nav.data', st => st.page === 'data', 'the Data page');
    await click(page, 'data.tab.import', st => data(st).tab === 'import', 'the import tab');
    await click(page, 'data.import.object', st => drawn(st, 'data.import.object.option.Opportunity'), 'the objects');
    await click(page, 'data.import.object.option.Opportunity', st => imp(st).object === 'Opportunity', 'Opportunity');
    await pickFile(page, 'data.import.choose', csv);
    let s = await waitUi(page, st => imp(st).previewed || !!imp(st).error, 'the preview');
    check(!imp(s).error, `the file is read (${imp(s).error || imp(s).file})`);
    check(imp(s).encoding === 'gb18030', `the encoding is found: ${imp(s).encoding}`);
    check(imp(s).preview_rows === 3, 'the preview shows the three rows');
    const m = imp(s).mapping;
    check(m['商机名称'] === 'Name' && m['阶段'] === 'StageName' && m['结束日期'] === 'CloseDate' && m['金额'] === 'Amount',
      'each Chinese header is mapped to its field: ' + JSON.stringify(m));
    await page.screenshot({ path: path.join(OUT, 'data_import_preview.png') });

    // [2] The dry run names the bad row and its column.
    s = await click(page, 'data.import.dry_run', st => !!imp(st).dry || !!imp(st).error, 'the dry run');
    check(imp(s).dry && imp(s).dry.inserted === 2 && imp(s).dry.failed === 1,
      `the dry run: 2 would go in, 1 has errors (${JSON.stringify(imp(s).dry)})`);
    const err = (imp(s).errors || [])[0] || {};
    check(err.line === 3 && err.column === '结束日期', `the error names line 3, column 结束日期: ${JSON.stringify(err)}`);
    s = await waitUi(page, st => !!(st.items || {})['data.import.dry.error.3.结束日期'], 'the error row on screen');
    check(true, 'the error row is shown in the dry run\'s table');
    await page.screenshot({ path: path.join(OUT, 'data_import_dry_run.png') });

    // [3] Import: it asks first (a row has errors), then the valid rows go in.
    await click(page, 'data.import.run', st => !!(st.items || {})['data.import.confirm.ok'], 'the confirmation');
    s = await click(page, 'data.import.confirm.ok', st => !!imp(st).result || !!imp(st).error, 'the import');
    check(imp(s).result.inserted === 2 && imp(s).result.failed === 1, `2 rows in, 1 back: ${JSON.stringify(imp(s).result)}`);

    // [4] The rows with errors, downloaded, fixed and imported again.
    const downloading = page.waitForEvent('download');
    await click(page, 'data.import.download_errors', st => !!imp(st).download, 'the error file');
    const download = await downloading;
    const errorsFile = path.join(OUT, 'e2e-' + download.suggestedFilename());
    await download.saveAs(errorsFile);
    const text = fs.readFileSync(errorsFile, 'utf8');
    check(text.includes('上海商机') && text.includes('2027-13-45') && !text.includes('北京商机'),
      'the error file holds the bad row only (as UTF-8), with its reason');
    const fixed = path.join(OUT, 'e2e-import-fixed.csv');
    fs.writeFileSync(fixed, text.replace('2027-13-45', '2027-03-02'));
    await drop(page, fixed);  // (dropped on the page this time, instead of picked)
    s = await waitUi(page, st => imp(st).previewed && imp(st).file === 'e2e-import-fixed.csv', 'the fixed file');
    check(imp(s).encoding === 'utf-8', 'the fixed file is read as UTF-8');
    s = await click(page, 'data.import.dry_run', st => !!imp(st).dry || !!imp(st).error, 'the second dry run');
    check(imp(s).dry.failed === 0 && imp(s).dry.inserted === 1, 'the fixed row passes the dry run');
    s = await click(page, 'data.import.run', st => !!imp(st).result || !!imp(st).error, 'the second import');
    check(imp(s).result.inserted === 1 && imp(s).result.failed === 0, 'the fixed row goes in');

    const list = await crm(page, { cmd: 'records.list', as: 'admin', args: { object: 'Opportunity',
      columns: ['Name', 'CloseDate', 'Amount'], filter_formula: `BEGINS(Name, "${TAG}")`, sort_field: 'Amount' } });
    check(list.ok && list.result.total === 3, 'the three Opportunities are in the workspace');
    const shanghai = list.result.rows.find(r => r.Name.includes('上海'));
    check(shanghai && shanghai.CloseDate === '2027-03-02', `the fixed row has its date (${shanghai && shanghai.CloseDate})`);
    await page.screenshot({ path: path.join(OUT, 'data_import_done.png') });
    done();
  } finally {
    await ctx.close().catch(() => {});
    await server.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
