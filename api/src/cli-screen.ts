// `yingcha screen ROLL.{xlsx,csv} --matter public_bidding --reference ZB-2026-01 -o RESULT.xlsx`: sends a bidder roll
// to POST /v1/screenings of a running server (so every bidder gets a receipt under the caller's key) and writes the
// screened roll. The counts go to stderr.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { clientTarget } from './cli-import.js';

export const SCREEN_USAGE =
  'screen ROLL.{xlsx,csv} --matter TYPE --reference REF [--title T] -o RESULT.{xlsx,csv} [--encoding utf-8|gb18030|gbk] [--output-encoding utf-8|gb18030] [--url http://127.0.0.1:3000] [--key yc_…]';

const ROLL_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const MAX_BYTES = 16 * 1024 * 1024;

export class ScreenUsageError extends Error {}

/** Exit code: 0 the result was written, 1 any failure (the server's problem is printed). */
export async function screenCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: Record<string, string | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        matter: { type: 'string' },
        reference: { type: 'string' },
        title: { type: 'string' },
        output: { type: 'string', short: 'o' },
        encoding: { type: 'string' },
        'output-encoding': { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new ScreenUsageError((err as Error).message);
  }
  const roll = positionals[0];
  if (!roll || positionals.length > 1 || !values.matter || !values.reference || !values.output)
    throw new ScreenUsageError(`usage: yingcha ${SCREEN_USAGE}`);
  const type = ROLL_TYPES[extname(roll).toLowerCase()];
  if (!type) throw new ScreenUsageError('the roll must be a .xlsx or .csv file');
  const output = extname(values.output).toLowerCase().slice(1);
  if (output !== 'xlsx' && output !== 'csv') throw new ScreenUsageError('-o must name a .xlsx or .csv file');
  // --encoding is the roll's (as for import); --output-encoding the CSV result's.
  const outputEncoding = values['output-encoding']?.toLowerCase();
  if (outputEncoding !== undefined && (output !== 'csv' || !['utf-8', 'gb18030'].includes(outputEncoding))) {
    throw new ScreenUsageError('--output-encoding is utf-8 or gb18030, for a .csv result');
  }
  const { key, endpoint } = clientTarget(values, env, 'check', (m) => new ScreenUsageError(m));
  let size: number;
  try {
    size = statSync(roll).size;
  } catch {
    throw new ScreenUsageError(`cannot read ${roll}`);
  }
  if (size > MAX_BYTES)
    throw new ScreenUsageError(`${roll} is larger than ${MAX_BYTES} bytes; a roll is a tender's bidders`);

  const url = endpoint('v1/screenings');
  url.searchParams.set('matter', values.matter);
  url.searchParams.set('reference', values.reference);
  url.searchParams.set('output', output);
  if (values.title) url.searchParams.set('title', values.title);
  if (values.encoding) url.searchParams.set('encoding', values.encoding.toLowerCase());
  if (outputEncoding) url.searchParams.set('outputEncoding', outputEncoding);
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': type },
    body: readFileSync(roll),
  });
  const body = Buffer.from(await res.arrayBuffer());
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status !== 200) {
    process.stderr.write(`yingcha: the server answered ${res.status}: ${body.toString('utf8')}\n`);
    return 1;
  }
  writeFileSync(values.output, body);
  process.stderr.write(
    `screen: ${res.headers.get('x-yingcha-screening') ?? ''} in ${seconds} s; batch ${res.headers.get('x-yingcha-batch-id') ?? ''}; wrote ${values.output}\n`,
  );
  return 0;
}
