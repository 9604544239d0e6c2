// Writing .xlsx files (the screening result, and the fixtures the tests write "with the same library" the import
// reads with). Whole-workbook in memory: a screening answers at most a few thousand rows.
import { exceljs } from './exceljs.js';

export interface SheetSpec {
  name: string;
  rows: unknown[][];
  /** 1-based column → Excel number format, e.g. { 7: 'yyyy"年"m"月"d"日"' } */
  formats?: Record<number, string>;
  /** column widths in characters, in order */
  widths?: number[];
}

export async function writeWorkbook(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new (await exceljs()).Workbook();
  wb.creator = 'Yingcha 应查';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
    for (const [col, fmt] of Object.entries(s.formats ?? {})) ws.getColumn(Number(col)).numFmt = fmt;
    s.widths?.forEach((w, i) => (ws.getColumn(i + 1).width = w));
    if (s.rows.length) ws.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Every sheet's rows as plain values (for reading a result back; small files only). */
export async function readWorkbook(file: Buffer): Promise<Array<{ name: string; rows: unknown[][] }>> {
  const wb = new (await exceljs()).Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { name: ws.name, rows };
  });
}
