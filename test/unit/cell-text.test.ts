// An .xlsx cell as the import reads it (services/import-xlsx.ts cellText), for the value kinds exceljs gives.
import t from 'tap';
import { cellText } from '../../api/src/services/import-xlsx.js';

t.test('plain values, rich text, hyperlinks and formulas with a saved result', async (t) => {
  t.equal(cellText(null, false), '');
  t.equal(cellText('  鹤岗  ', false), '鹤岗');
  t.equal(cellText(42, false), '42');
  t.equal(cellText(true, false), 'true');
  t.equal(cellText({ richText: [{ text: '鹤岗' }, { text: '市 ' }] }, false), '鹤岗市');
  t.equal(cellText({ text: ' 链接 ', hyperlink: 'https://example.invalid/' }, false), '链接');
  t.equal(cellText({ formula: 'A1', result: 'x', date1904: false }, false), 'x');
  t.same(cellText({ error: '#N/A' }, false), { error: 'holds the Excel error #N/A' });
});

t.test('a formula saved without its value is an error, not "[object Object]"', async (t) => {
  t.same(cellText({ formula: 'A1+1', date1904: false }, false), { error: 'holds a formula with no saved value' });
  t.same(cellText({ sharedFormula: 'B2', date1904: false }, false), { error: 'holds a formula with no saved value' });
});
