import type { APIPromise, PagePromise, RequestOptions } from '../transport.js';
import type { ImportFormat, ImportList, ImportListQuery, ImportQuery, ImportRecord, ImportResult } from '../types.js';
import { APIResource, seg } from './resource.js';

export interface ImportParams extends ImportQuery {
  /** The file itself: CSV with the entry field names as columns, one JSON entry per line, or an .xlsx workbook. */
  file: string | Uint8Array;
  format: ImportFormat;
}

const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export class Imports extends APIResource {
  /**
   * Bulk publish; the answer comes when the import ends. `mode: 'all-or-nothing'` (the default) rejects the whole
   * file when any row is bad: that rejects with UnprocessableEntityError (code IMPORT_REJECTED) whose `body` names
   * the rows. Rows are idempotent on (source, sourceRecordId), so sending the file again after a lost answer writes
   * nothing twice, and the call is retried like a GET.
   */
  create(params: ImportParams, options?: RequestOptions): APIPromise<ImportResult> {
    const { file, ...query } = params;
    return this.transport.request(
      {
        method: 'POST',
        path: '/v1/imports',
        query,
        raw: { body: file, contentType: CONTENT_TYPES[params.format] },
        idempotent: true,
      },
      options,
    );
  }

  /**
   * Imports of this department, newest first, with progress for a running one. Awaited: the first page;
   * `for await`: every import, page after page.
   */
  list(query: ImportListQuery = {}, options: RequestOptions = {}): PagePromise<ImportList, ImportRecord> {
    return this.pages('/v1/imports', query, options, (page: ImportList) => page.imports);
  }

  get(importId: string, options?: RequestOptions): APIPromise<ImportRecord> {
    return this.transport.request({ method: 'GET', path: `/v1/imports/${seg(importId)}` }, options);
  }
}
