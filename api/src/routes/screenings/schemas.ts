// The screenings area's schemas. A screening answers a file (the roll screened), not JSON; its rows are the batch
// check's results (services/checks.ts runBatch, typed by routes/checks/schemas.ts), and its matter is a check's.
import { type Static, Type } from 'typebox';
import { IMPORT_ENCODINGS } from '../../services/import-parse.js';
import { ROLL_FORMATS, SCREEN_CSV_ENCODINGS, SCREEN_OUTPUTS } from '../../services/screen.js';
import { MatterType } from '../checks/schemas.js';

export const ScreeningQuery = Type.Object(
  {
    matter: MatterType,
    reference: Type.String({
      minLength: 1,
      maxLength: 200,
      description: '办件号: the tender or project number',
    }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    format: Type.Optional(
      Type.Enum(ROLL_FORMATS, { description: 'the roll: csv or xlsx; default from the Content-Type' }),
    ),
    output: Type.Optional(
      Type.Enum(SCREEN_OUTPUTS, {
        default: 'xlsx',
        description: 'xlsx (with a summary sheet) or csv (UTF-8 with BOM)',
      }),
    ),
    encoding: Type.Optional(Type.Enum(IMPORT_ENCODINGS, { description: 'a CSV roll’s encoding; default utf-8' })),
    outputEncoding: Type.Optional(
      Type.Enum(SCREEN_CSV_ENCODINGS, {
        description:
          'the CSV result’s encoding (output=csv only): utf-8 with a BOM (default), or gb18030 (no BOM) for systems set up for the Chinese ANSI code page',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScreeningQuery = Static<typeof ScreeningQuery>;
