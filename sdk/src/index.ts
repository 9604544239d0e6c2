// @yingcha/sdk entry. The types come from openapi/openapi.json (see schema.d.ts); the client is built on them.
export type { components, operations, paths } from './schema.js';
export { Yingcha, type ClientOptions, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './client.js';
export {
  APIPromise,
  PagePromise,
  type CursorPage,
  type RequestOptions,
  type ResponseInfo,
  type WithResponse,
} from './transport.js';
export { USER_AGENT } from './transport.js';
export { VERSION } from './version.js';
export * from './errors.js';
export { mustCheck, type Decision, type GuardResult, type Logger, type MustCheckOptions } from './guard.js';
export { ChangeStream, type ChangesListParams } from './resources/changes.js';
export type { ImportParams } from './resources/imports.js';
export {
  SIGNATURE_HEADER,
  signWebhook,
  verifyWebhook,
  type EntryEventData,
  type ObjectionEventData,
  type RepairEventData,
  type WatchHitData,
  type VerifyWebhookParams,
  type WebhookEvent,
  type WebhookEventData,
  type WebhookEventType,
} from './webhooks.js';
export type * from './types.js';
