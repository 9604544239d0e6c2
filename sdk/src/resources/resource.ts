import type { Transport } from '../transport.js';

export abstract class APIResource {
  constructor(protected readonly transport: Transport) {}
}

/** One path segment, escaped, so an id with a slash cannot reach another route. */
export const seg = (value: string): string => encodeURIComponent(value);
