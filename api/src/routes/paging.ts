// The HTTP side of the paged lists (services/paging.ts does the paging): the query parameters and the nextCursor
// field of their schemas, and the answer with its `Link: <…>; rel="next"` header.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inQuery } from '../errors.js';
import type { Page } from '../services/paging.js';

/** `Link: <same URL with after=nextCursor>; rel="next"` when there is a next page. */
export function setNextLink(request: FastifyRequest, reply: FastifyReply, nextCursor: string | null): void {
  if (!nextCursor) return;
  const url = new URL(request.url, 'http://x');
  url.searchParams.set('after', nextCursor);
  reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
}

/** The answer of a paged list route: the page's rows under `key`, its nextCursor, and the Link header. */
export function answerPage<K extends string, T>(
  request: FastifyRequest,
  reply: FastifyReply,
  key: K,
  page: Page<T>,
): { [P in K]: T[] } & { nextCursor: string | null } {
  setNextLink(request, reply, page.nextCursor);
  return { [key]: page.items, nextCursor: page.nextCursor } as { [P in K]: T[] } & { nextCursor: string | null };
}

/**
 * The whole answer of a paged list route: the query string with `limit` defaulted to the list's size, the page the
 * service `list` reads from it (a field error it reports is put under `/querystring`), then answerPage.
 */
export async function answerList<Q extends { limit?: number | undefined }, K extends string, T>(
  request: FastifyRequest & { query: Q },
  reply: FastifyReply,
  key: K,
  size: { default: number },
  list: (query: Q & { limit: number }) => Promise<Page<T>>,
): Promise<{ [P in K]: T[] } & { nextCursor: string | null }> {
  const page = await list({ ...request.query, limit: request.query.limit ?? size.default }).catch(inQuery);
  return answerPage(request, reply, key, page);
}

/** Query parameters every paged list takes. */
export const PageQuery = {
  after: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'a nextCursor from the previous page' }),
  ),
};

/** `limit` of a paged list, with the list's default and maximum (defaults.ts, PAGE_SIZES). */
export const pageLimit = (size: { default: number; max: number }) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: size.max, default: size.default }));

/** `limit` and `after`. */
export const pageParams = (size: { default: number; max: number }) => ({ limit: pageLimit(size), ...PageQuery });

/** The field every paged list answers. */
export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'pass as `after` for the next page; null on the last page (a Link header with rel="next" says the same)',
});
