import type { RequestOptions } from '../transport.js';
import type { ImportFormat, ImportList, ImportListQuery, ImportMode, ImportRecord, ImportResult } from '../types.js';
import { APIResource, seg } from './resource.js';

export interface ImportParams {
  /** The file itself: CSV with the entry field names as columns, or one JSON entry per line. */
  file: string | Uint8Array;
  format: ImportFormat;
  /** `all-or-nothing` (default on the server) writes nothing if any row is bad; `accept-valid` keeps the good rows. */
  mode?: ImportMode;
}

const CONTENT_TYPES: Record<ImportFormat, string> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' };

export class Imports extends APIResource {
  /** Bulk publish. Rows are idempotent on (source, sourceRecordId), so re-sending a file after a lost answer is safe. */
  create(params: ImportParams, options?: RequestOptions): Promise<ImportResult> {
    return this.transport.request(
      {
        method: 'POST',
        path: '/v1/imports',
        query: { format: params.format, mode: params.mode },
        raw: { body: params.file, contentType: CONTENT_TYPES[params.format] },
        idempotent: true,
      },
      options,
    );
  }

  list(query: ImportListQuery = {}, options?: RequestOptions): Promise<ImportList> {
    return this.transport.request({ method: 'GET', path: '/v1/imports', query }, options);
  }

  get(importId: string, options?: RequestOptions): Promise<ImportRecord> {
    return this.transport.request({ method: 'GET', path: `/v1/imports/${seg(importId)}` }, options);
  }
}
