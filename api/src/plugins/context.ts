import fp from 'fastify-plugin';
import type { Database } from '../db/index.js';

export interface AppContext {
  database: Database;
  /** HMAC key for ID numbers */
  secret: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    yc: AppContext;
  }
}

/** Makes the database and secret available to every route; the caller owns the database and closes it. */
export const contextPlugin = fp<AppContext>(
  async (app, ctx) => {
    app.decorate('yc', { database: ctx.database, secret: ctx.secret });
  },
  { name: 'yingcha-context', fastify: '5.x' },
);
