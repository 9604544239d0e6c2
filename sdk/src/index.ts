// @yingcha/sdk entry. The types come from openapi/openapi.json (see schema.d.ts); the client is built on them.
export type { components, operations, paths } from './schema.js';
