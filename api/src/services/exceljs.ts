// exceljs, loaded on first use: it is the heaviest module the service depends on (about 0.3 s to load on two cores,
// more than Fastify), and only .xlsx imports and screening results need it. Every process that starts the service or
// the command line would otherwise pay for it, whether it ever reads a workbook or not. (Node loads a module once;
// later calls get the same one.)
import type ExcelJS from 'exceljs';

export async function exceljs(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}
