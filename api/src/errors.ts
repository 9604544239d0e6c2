// The one registry of API errors. Every error response is application/problem+json (RFC 9457) with a stable `code`
// that clients branch on; titles and details are for people and may change.

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: 'The request does not match the schema' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, title: 'The request cannot be processed' },
  INVALID_USCC: { status: 400, title: 'Invalid 统一社会信用代码 (unified social credit code)' },
  INVALID_ID_NUMBER: { status: 400, title: 'Invalid 居民身份证号 (resident ID number)' },
  MALFORMED_ROW: { status: 400, title: 'A row of the import file cannot be read' },
  INVALID_CSV_HEADER: { status: 400, title: 'The CSV header does not name the import columns' },
  INVALID_ENCODING: { status: 400, title: 'The import file is not in the declared text encoding' },
  EMPTY_IMPORT: { status: 400, title: 'The import file has no data rows' },
  INVALID_XLSX: { status: 400, title: 'The file is not a readable .xlsx workbook' },
  NOTICE_LINK_INVALID: { status: 403, title: 'The notice link is incomplete or was altered' },
  NOTICE_LINK_EXPIRED: { status: 410, title: 'The notice link has expired' },
  IMPORT_REJECTED: { status: 422, title: 'Rows of the import were rejected; nothing was written' },
  INVALID_CURSOR: { status: 400, title: 'The feed cursor is malformed' },
  UNAUTHENTICATED: { status: 401, title: 'An API key is required' },
  MALFORMED_KEY: { status: 401, title: 'The Authorization header is not a well-formed bearer key' },
  UNKNOWN_KEY: { status: 401, title: 'The API key is not known' },
  REVOKED_KEY: { status: 401, title: 'The API key has been revoked' },
  EXPIRED_KEY: { status: 401, title: 'The API key has expired (or its rotation overlap has ended)' },
  FORBIDDEN_SCOPE: { status: 403, title: 'The API key lacks the scope this operation needs' },
  FORBIDDEN_LIST: { status: 403, title: 'This department may not publish to that list' },
  FORBIDDEN_WEBHOOK_TARGET: { status: 400, title: 'Webhooks may not be sent to that address' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'The route does not accept this method' },
  NOT_ACCEPTABLE: { status: 406, title: 'The requested media type cannot be produced' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  LAST_ADMIN_KEY: { status: 409, title: 'The last active admin key cannot be revoked' },
  INVALID_TRANSITION: { status: 409, title: 'The record cannot move to that status from its current one' },
  NOT_DECIDING_DEPARTMENT: { status: 403, title: 'Only the deciding department (认定部门) may do this' },
  NOT_ENTITLED_TO_FILE: {
    status: 403,
    title:
      'Only the deciding department, a department whose own check hit the record, or the credit office of its region may file this',
  },
  CHECK_NOT_OURS: { status: 403, title: 'The check named is not one of this department’s checks' },
  CHECK_DID_NOT_HIT: { status: 403, title: 'The check named did not hit this record' },
  ID_NUMBER_IN_URL: {
    status: 400,
    title: 'An ID number may not travel in a URL; look it up with POST /v1/entries/search',
  },
  OBJECTION_ALREADY_OPEN: { status: 409, title: 'An objection (异议) on this record is already being handled' },
  REPAIR_ALREADY_OPEN: {
    status: 409,
    title: 'A credit repair (信用修复) request on this record is already being handled',
  },
  REPAIR_LOCKED: { status: 409, title: 'Credit repair is not yet allowed for this record' },
  REPAIR_NOT_ALLOWED: { status: 409, title: 'Credit repair is never allowed for this record' },
  MEASURE_NOT_IN_CHECK: { status: 422, title: 'The measure is not one this check required' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'A path segment of the URL is too long' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request line and headers are too large' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  INVALID_DATA: {
    status: 400,
    title: 'A value in the request cannot be stored or compared (out of range or malformed)',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request content type is not supported' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  DEPARTMENT_BUSY: { status: 429, title: 'The department already runs as many batch or import jobs as it may' },
  INTERNAL: { status: 500, title: 'Internal error' },
  UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export interface FieldError {
  /**
   * JSON pointer. A service points into its own input (`/subject/uscc`, `/after`); the route that handed it the
   * request body or query string puts that under `/body` (`inBody`) or `/querystring` (`inQuery`), so the answer points
   * into the request (`/body/subject/uscc`, `/querystring/after`).
   */
  path: string;
  message: string;
}

/** The detail of an error that only lists its fields: `path message; path message`. */
const listed = (errors: readonly FieldError[]) => errors.map((e) => `${e.path} ${e.message}`).join('; ');

/**
 * `detail` and `errors` with every path under `prefix`. A detail that lists the fields (ApiError.invalidFields) lists
 * them again with their new paths; any other detail is kept as it is.
 */
export function fieldsUnder<T extends { detail: string; errors?: FieldError[] | undefined }>(prefix: string, e: T): T {
  if (!e.errors) return e;
  const errors = e.errors.map((f) => ({ path: `${prefix}${f.path}`, message: f.message }));
  return { ...e, detail: e.detail === listed(e.errors) ? listed(errors) : e.detail, errors };
}

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = ERRORS[code].status;
  }

  /** 400 VALIDATION_FAILED naming one field: `path` is a JSON pointer into the service's input, e.g. /list. */
  static invalid(path: string, message: string): ApiError {
    return ApiError.invalidFields([{ path, message }]);
  }

  /** 400 VALIDATION_FAILED naming each field; the detail lists them all, `path message; path message`. */
  static invalidFields(errors: FieldError[]): ApiError {
    return new ApiError('VALIDATION_FAILED', listed(errors), { errors });
  }

  /** The same error with its field paths under `prefix` (fieldsUnder); itself when it names no field. */
  under(prefix: string): ApiError {
    if (!this.extra.errors) return this;
    const { detail, errors } = fieldsUnder(prefix, { detail: this.detail, errors: this.extra.errors });
    return new ApiError(this.code, detail, { ...this.extra, errors });
  }
}

/** A `.catch` handler that rethrows an ApiError with its field paths under `prefix`, and anything else as it is. */
export const fieldsIn =
  (prefix: string) =>
  (err: unknown): never => {
    throw err instanceof ApiError ? err.under(prefix) : err;
  };

/**
 * For a route that handed a service the request body: `await service(request.body).catch(inBody)` answers the
 * service's field errors with paths into the request (`/list` → `/body/list`). Anything else is rethrown as it is.
 */
export const inBody = fieldsIn('/body');

/** The same for a route that handed a service its query string: `/after` → `/querystring/after`. */
export const inQuery = fieldsIn('/querystring');

export const problemType = (code: ErrorCode) => `urn:yingcha:problem:${code.toLowerCase().replaceAll('_', '-')}`;
