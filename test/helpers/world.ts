// A small world for check tests: departments of several categories and regions, each with a key, on a database with
// the seed catalogue loaded.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { idCheckChar } from '../../api/src/domain/idcard.js';
import { usccCheckChar } from '../../api/src/domain/uscc.js';
import { type Built, bearer, build } from './app.js';

let serial = 0;
/** A valid 统一社会信用代码 with a distinct body each call. */
export function uscc(prefix = '91', region = '230400'): string {
  const body = `${prefix}${region}MA${String(++serial + Math.floor(Math.random() * 1e6)).padStart(7, '0')}`.slice(
    0,
    17,
  );
  return body + usccCheckChar(body);
}
/** A valid 居民身份证号 born on the given day. */
export function idNumber(birth = '19800101', seq = Math.floor(Math.random() * 900) + 100): string {
  const body = `110105${birth}${seq}`;
  return body + idCheckChar(body);
}

export interface Dept {
  departmentId: string;
  key: string;
}

export async function department(
  app: FastifyInstance,
  adminKey: string,
  category: string,
  region: string,
  scopes = ['check', 'publish', 'review'],
): Promise<Dept> {
  const d = await app.inject({
    method: 'POST',
    url: '/v1/admin/departments',
    headers: bearer(adminKey),
    payload: { uscc: uscc('11', region), name: `${category}-${region}`, category, region },
  });
  if (d.statusCode !== 201) throw new Error(`department: ${d.body}`);
  const k = await app.inject({
    method: 'POST',
    url: '/v1/admin/keys',
    headers: bearer(adminKey),
    payload: { departmentId: d.json().departmentId, scopes },
  });
  if (k.statusCode !== 201) throw new Error(`key: ${k.body}`);
  return { departmentId: d.json().departmentId, key: k.json().secret };
}

/** The app on a copy of the run's seeded template: the seed catalogue and the bootstrap admin key (build()). */
export function world(t: { teardown(fn: () => unknown): void }): Promise<Built> {
  return build(t);
}

export function publish(
  app: FastifyInstance,
  key: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/v1/entries',
    headers: bearer(key),
    payload: {
      decisionDocNo: '测试〔2026〕1号',
      reason: '测试',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 'test',
      sourceRecordId: `r-${++serial}`,
      ...body,
    },
  });
}

export function check(
  app: FastifyInstance,
  key: string,
  subject: Record<string, unknown>,
  matterType: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/v1/checks',
    headers: { ...bearer(key), ...headers },
    payload: { subject, matter: { type: matterType, reference: `ref-${++serial}` }, ...extra },
  });
}
