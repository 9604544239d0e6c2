// exceljs, loaded on first use: it is the heaviest module the service depends on (about 0.3 s to load on two cores,
// more than Fastify), and only .xlsx imports and screening results need it. Every process that starts the service or
// the command line would otherwise pay for it, whether it ever reads a workbook or not.
import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | undefined;

export function exceljs(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}
