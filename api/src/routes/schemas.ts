// Small shared schema pieces. The ones with a $id are registered once with addSchema and referenced as `Name#`, so
// OpenAPI components are named after them.
import { type Static, type TSchema, Type } from 'typebox';
import { CATEGORIES, CATEGORY_CODES } from '../domain/codes.js';
import { ERROR_CODES } from '../errors.js';

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Enum(ERROR_CODES, {
      description: 'Stable machine-readable error code; branch on this, never on title or detail',
    }),
    requestId: Type.Optional(Type.String({ description: 'Quote this when reporting a problem' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String({ description: 'JSON pointer into the request, e.g. /body/uscc' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  {
    $id: 'Problem',
    title: 'Problem',
    description: 'RFC 9457 problem details, served as application/problem+json',
    examples: [
      {
        type: 'urn:yingcha:problem:invalid-uscc',
        title: 'Invalid 统一社会信用代码 (unified social credit code)',
        status: 400,
        detail: 'the check character (position 18) does not match the first 17 characters',
        code: 'INVALID_USCC',
        requestId: '5f0c6a0e-3c1f-4f5e-9a39-1f2d7b1f9a10',
      },
    ],
  },
);

export const ProblemRef = Type.Unsafe<import('typebox').Static<typeof Problem>>({ $ref: 'Problem#' });

/**
 * `{ $ref: '<its $id>' }` to a schema registered with addSchema, keeping the schema's static type: Type.Ref alone is
 * `unknown` to Static and to the type provider, so a service result typed from a schema with a Type.Ref in it would
 * not be checked there.
 */
export function Ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('Ref needs a schema with an $id');
  return Type.Unsafe<Static<T>>({ $ref: id });
}

export const Uuid = Type.String({ format: 'uuid', examples: ['0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23'] });
export const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-22T08:30:00.000Z'] });
export const Region = Type.String({
  pattern: '^\\d{6}$',
  description: '6-digit 行政区划代码 (administrative division code); 000000 = national',
  examples: ['230400'],
});
export const UsccString = Type.String({
  minLength: 1,
  maxLength: 64,
  description: '统一社会信用代码 (GB 32100-2015); surrounding spaces and lowercase are accepted',
  examples: ['11230400MB12345677'],
});

export const Category = Type.Enum(CATEGORY_CODES, {
  description: `部门类别: ${CATEGORY_CODES.map((c) => `${c} ${CATEGORIES[c]}`).join(', ')}`,
});

/**
 * `schema` or null, as `type: [T, "null"]`. Not anyOf: with coerceTypes on, ajv would turn a null into "" (or false
 * into null) inside the first anyOf branch it tries; with a type list it coerces only values of neither type.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const { type } = schema as { type?: unknown };
  if (typeof type !== 'string') throw new Error('Nullable needs a schema with a single type');
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
}

/**
 * preValidation for a POST whose body fields are all optional: no body at all (`curl -X POST`) reads as `{}`, instead
 * of VALIDATION_FAILED for a missing object. A body that is sent is validated as usual.
 */
export async function absentBodyIsEmpty(request: { body: unknown }): Promise<void> {
  if (request.body === undefined) request.body = {};
}

export const SHARED_SCHEMAS = [Problem];
