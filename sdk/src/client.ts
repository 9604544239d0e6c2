// The client: options validated once, one transport, and the resources hung off it as `client.checks.create(…)`.
import type { Dispatcher } from 'undici';
import { YingchaConfigError } from './errors.js';
import { type GuardResult, type Logger, mustCheck, type MustCheckOptions } from './guard.js';
import { Admin } from './resources/admin.js';
import { Catalog } from './resources/catalog.js';
import { Changes } from './resources/changes.js';
import { Checks } from './resources/checks.js';
import { Entries } from './resources/entries.js';
import { Health } from './resources/health.js';
import { Imports } from './resources/imports.js';
import { Notices, Screenings } from './resources/notices.js';
import { Objections } from './resources/objections.js';
import { Repairs } from './resources/repairs.js';
import { Stats } from './resources/stats.js';
import { Subscriptions } from './resources/subscriptions.js';
import { Watches } from './resources/watches.js';
import { Transport, validateCallOptions } from './transport.js';
import type { CheckParams } from './types.js';

export interface ClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:3000`. Default: `YINGCHA_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** The department's API key, sent as `Authorization: Bearer …`. Default: `YINGCHA_API_KEY`. */
  apiKey?: string;
  /** Milliseconds one attempt may take before APIConnectionTimeoutError. Default 30 000. */
  timeout?: number;
  /** Retries of a failed idempotent call (connection error, timeout, 408, 429, 5xx). Default 2. */
  maxRetries?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** An undici Dispatcher (Agent, Pool, ProxyAgent) to send requests through. Default: undici's global one. */
  dispatcher?: Dispatcher;
  /** Where fail-open guard decisions are reported. Default: console. */
  logger?: Logger;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

export class Yingcha {
  readonly baseUrl: string;
  readonly checks: Checks;
  readonly entries: Entries;
  readonly imports: Imports;
  readonly notices: Notices;
  readonly screenings: Screenings;
  readonly objections: Objections;
  readonly repairs: Repairs;
  /** The change feed; `for await (const e of client.changes.list())`. */
  readonly changes: Changes;
  readonly subscriptions: Subscriptions;
  readonly watches: Watches;
  readonly catalog: Catalog;
  readonly stats: Stats;
  readonly admin: Admin;
  readonly health: Health;
  private readonly logger: Logger | undefined;

  constructor(options: ClientOptions = {}) {
    const baseUrl = options.baseUrl ?? process.env.YINGCHA_BASE_URL ?? 'http://127.0.0.1:3000';
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new YingchaConfigError(`baseUrl is not a URL: ${baseUrl}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new YingchaConfigError(`baseUrl must be http(s): ${baseUrl}`);
    if (parsed.search || parsed.hash)
      throw new YingchaConfigError(`baseUrl must not carry a query or fragment: ${baseUrl}`);
    const apiKey = options.apiKey ?? process.env.YINGCHA_API_KEY;
    if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey))
      throw new YingchaConfigError('apiKey must be printable ASCII without spaces');
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    validateCallOptions(maxRetries, timeout);

    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.logger = options.logger;
    const transport = new Transport({
      baseUrl: this.baseUrl,
      apiKey,
      timeout,
      maxRetries,
      headers: options.headers ?? {},
      dispatcher: options.dispatcher,
    });
    this.checks = new Checks(transport);
    this.entries = new Entries(transport);
    this.imports = new Imports(transport);
    this.notices = new Notices(transport);
    this.screenings = new Screenings(transport);
    this.objections = new Objections(transport);
    this.repairs = new Repairs(transport);
    this.changes = new Changes(transport);
    this.subscriptions = new Subscriptions(transport);
    this.watches = new Watches(transport);
    this.catalog = new Catalog(transport);
    this.stats = new Stats(transport);
    this.admin = new Admin(transport);
    this.health = new Health(transport);
  }

  /** The fail-closed approval gate; see `mustCheck` in guard.ts. */
  mustCheck(params: CheckParams, options: MustCheckOptions = {}): Promise<GuardResult> {
    return mustCheck(this.checks, params, { ...(this.logger ? { logger: this.logger } : {}), ...options });
  }
}
