// The memoranda/measure/list catalogue: read by any department key (scope check), grown by admins (scope admin).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CATEGORIES, CATEGORY_CODES, MATTER_TYPE_CODES, MATTER_TYPES } from '../../domain/codes.js';
import { normalizeDocNo } from '../../domain/docno.js';
import { measuresFor } from '../../domain/measures.js';
import { ApiError, inBody } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import {
  addMeasure,
  createList,
  createMemorandum,
  updateList,
  updateMeasure,
  updateMemorandum,
} from '../../services/catalog-edits.js';
import { currentCatalog, filterMeasures, filterMemoranda, findMemorandum } from '../../services/catalog-snapshot.js';
import {
  CATALOG_SCHEMAS,
  type CatalogMemorandum,
  type CatalogMemorandumSummary,
  CategoryListResponse,
  CreateListBody,
  CreateMeasureBody,
  CreateMemorandumBody,
  ListListResponse,
  ListParams,
  ListPatchBody,
  ListResponse,
  ListsQuery,
  MatterTypeListResponse,
  MeasureParams,
  MeasurePatchBody,
  MeasureQueryResponse,
  MeasureResponse,
  MeasuresQuery,
  MemorandaQuery,
  MemorandumListResponse,
  MemorandumParams,
  MemorandumPatchBody,
  MemorandumResponse,
} from './schemas.js';

const summary = ({ measures, noDuty: _noDuty, ...m }: CatalogMemorandum): CatalogMemorandumSummary => ({
  ...m,
  measureCount: measures.length,
});

const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const s of CATALOG_SCHEMAS) app.addSchema(s);
  const db = () => app.yc.database.db;
  const read = { scope: 'check' as const };
  const admin = { scope: 'admin' as const };
  const tags = ['catalog'];

  app.get(
    '/memoranda',
    {
      config: read,
      schema: {
        operationId: 'listCatalogMemoranda',
        tags,
        summary: 'List memoranda (合作备忘录)',
        description:
          'Without measures; fetch one memorandum for those. `region` keeps the memoranda in force there (national ones and ' +
          'local ones whose region covers it); `category` keeps those under which the category initiates, signed, or ' +
          'implements at least one measure (a measure for all departments counts).',
        querystring: MemorandaQuery,
        response: { 200: MemorandumListResponse },
      },
    },
    async (request) => {
      const snapshot = await currentCatalog(db());
      return { version: snapshot.version, memoranda: filterMemoranda(snapshot, request.query).map(summary) };
    },
  );

  app.get(
    '/memoranda/:id',
    {
      config: read,
      schema: {
        operationId: 'getCatalogMemorandum',
        tags,
        summary: 'Get a memorandum with its measures',
        description:
          'By uuid or by URL-encoded 文号, e.g. `/v1/catalog/memoranda/%E5%8F%91%E6%94%B9%E8%B4%A2%E9%87%91%E3%80%942016%E3%80%952202%E5%8F%B7`.',
        params: MemorandumParams,
        response: { 200: MemorandumResponse },
      },
    },
    async (request) => {
      const snapshot = await currentCatalog(db());
      const memorandum = findMemorandum(snapshot, request.params.id);
      if (!memorandum) throw new ApiError('NOT_FOUND', `no memorandum ${request.params.id} in the catalogue`);
      return { version: snapshot.version, memorandum };
    },
  );

  app.get(
    '/measures',
    {
      config: read,
      schema: {
        operationId: 'listCatalogMeasures',
        tags,
        summary: 'Find measures, or the measures a department applies',
        description:
          'With `matterType`, `category` and `region` together the answer is resolved as the check resolves it: for each ' +
          'memorandum (those of `list`, or `memorandum`, or else every national one), a local document that binds the ' +
          'category in that region replaces the national measures, a 无相关职能 statement yields no measure and is listed ' +
          'in `noDuty`, and a memorandum with neither is listed in `uncovered`. With fewer of the three, every given ' +
          'condition filters plainly.',
        querystring: MeasuresQuery,
        response: { 200: MeasureQueryResponse },
      },
    },
    async (request) => {
      const q = request.query;
      const snapshot = await currentCatalog(db());
      const list = q.list === undefined ? undefined : snapshot.listByCode.get(q.list);
      if (q.list !== undefined && !list) throw new ApiError('NOT_FOUND', `no list ${q.list} in the catalogue`);
      const memorandum = q.memorandum === undefined ? undefined : normalizeDocNo(q.memorandum);
      if (memorandum !== undefined && !snapshot.memorandumByDocNo.has(memorandum)) {
        throw new ApiError('NOT_FOUND', `no memorandum ${q.memorandum} in the catalogue`);
      }
      if (q.matterType !== undefined && q.category !== undefined && q.region !== undefined) {
        let docNos: readonly string[] = list ? list.memoranda : snapshot.roots;
        if (memorandum !== undefined) docNos = list ? docNos.filter((d) => d === memorandum) : [memorandum];
        const r = measuresFor(
          {
            category: q.category,
            matterType: q.matterType,
            region: q.region,
            memoranda: [...docNos],
            list: list?.code,
          },
          snapshot.memoranda,
        );
        return { version: snapshot.version, resolved: true, ...r };
      }
      const measures = filterMeasures(snapshot, { ...q, memorandum, list });
      return { version: snapshot.version, resolved: false, measures, noDuty: [], uncovered: [] };
    },
  );

  app.get(
    '/lists',
    {
      config: read,
      schema: {
        operationId: 'listCatalogLists',
        tags,
        summary: 'List the lists (名单) and the memoranda each triggers',
        querystring: ListsQuery,
        response: { 200: ListListResponse },
      },
    },
    async (request) => {
      const snapshot = await currentCatalog(db());
      const { polarity } = request.query;
      return {
        version: snapshot.version,
        lists: snapshot.lists.filter((l) => polarity === undefined || l.polarity === polarity),
      };
    },
  );

  app.get(
    '/lists/:code',
    {
      config: read,
      schema: {
        operationId: 'getCatalogList',
        tags,
        summary: 'Get one list',
        params: ListParams,
        response: { 200: ListResponse },
      },
    },
    async (request) => {
      const snapshot = await currentCatalog(db());
      const list = snapshot.listByCode.get(request.params.code);
      if (!list) throw new ApiError('NOT_FOUND', `no list ${request.params.code} in the catalogue`);
      return { version: snapshot.version, list };
    },
  );

  app.get(
    '/matter-types',
    {
      config: read,
      schema: {
        operationId: 'listMatterTypes',
        tags,
        summary: 'List matter types (事项类型)',
        description: 'The values of `matter.type` in a check and of `matterTypes` in the catalogue.',
        response: { 200: MatterTypeListResponse },
      },
    },
    async () => {
      const { version } = await currentCatalog(db());
      return { version, matterTypes: MATTER_TYPE_CODES.map((code) => ({ code, label: MATTER_TYPES[code] })) };
    },
  );

  app.get(
    '/categories',
    {
      config: read,
      schema: {
        operationId: 'listCategories',
        tags,
        summary: 'List department categories (部门类别)',
        description:
          'Measures name categories, not offices; a department’s category decides which measures it applies.',
        response: { 200: CategoryListResponse },
      },
    },
    async () => {
      const { version } = await currentCatalog(db());
      return { version, categories: CATEGORY_CODES.map((code) => ({ code, label: CATEGORIES[code] })) };
    },
  );

  // Growing the catalogue. Each change is checked against the whole catalogue, audited and versioned in one
  // transaction (services/catalog-edits.ts).

  app.post(
    '/memoranda',
    {
      config: admin,
      schema: {
        operationId: 'createCatalogMemorandum',
        tags,
        summary: 'Add a memorandum, optionally with its measures',
        description:
          'A local adoption names the memorandum it `adopts` and its region; its measures then replace the adopted ' +
          'ones for the categories that signed it. 409 CONFLICT when the 文号 is already catalogued.',
        body: CreateMemorandumBody,
        response: { 201: MemorandumResponse },
      },
    },
    async (request, reply) => {
      const { version, item } = await createMemorandum(db(), actorOf(request), request.body).catch(inBody);
      return reply.code(201).send({ version, memorandum: item });
    },
  );

  app.patch(
    '/memoranda/:id',
    {
      config: admin,
      schema: {
        operationId: 'updateCatalogMemorandum',
        tags,
        summary: 'Amend a memorandum',
        description:
          'By uuid or URL-encoded 文号. An amended memorandum is the admins’ from then on: later seed upgrades do not ' +
          'overwrite it. 409 CONFLICT when the change would leave other items inconsistent (a list of the other polarity).',
        params: MemorandumParams,
        body: MemorandumPatchBody,
        response: { 200: MemorandumResponse },
      },
    },
    async (request) => {
      const { version, item } = await updateMemorandum(db(), actorOf(request), request.params.id, request.body).catch(
        inBody,
      );
      return { version, memorandum: item };
    },
  );

  app.post(
    '/memoranda/:id/measures',
    {
      config: admin,
      schema: {
        operationId: 'addCatalogMeasure',
        tags,
        summary: 'Add a measure to a memorandum',
        description: '409 CONFLICT when the memorandum already has a measure with this ordinal.',
        params: MemorandumParams,
        body: CreateMeasureBody,
        response: { 201: MeasureResponse },
      },
    },
    async (request, reply) => {
      const { version, item } = await addMeasure(db(), actorOf(request), request.params.id, request.body).catch(inBody);
      return reply.code(201).send({ version, measure: item });
    },
  );

  app.patch(
    '/measures/:measureId',
    {
      config: admin,
      schema: {
        operationId: 'updateCatalogMeasure',
        tags,
        summary: 'Amend a measure',
        params: MeasureParams,
        body: MeasurePatchBody,
        response: { 200: MeasureResponse },
      },
    },
    async (request) => {
      const { version, item } = await updateMeasure(
        db(),
        actorOf(request),
        request.params.measureId,
        request.body,
      ).catch(inBody);
      return { version, measure: item };
    },
  );

  app.post(
    '/lists',
    {
      config: admin,
      schema: {
        operationId: 'createCatalogList',
        tags,
        summary: 'Add a list',
        description: 'Its memoranda must be catalogued and of the list’s polarity. 409 CONFLICT when the code exists.',
        body: CreateListBody,
        response: { 201: ListResponse },
      },
    },
    async (request, reply) => {
      const { version, item } = await createList(db(), actorOf(request), request.body).catch(inBody);
      return reply.code(201).send({ version, list: item });
    },
  );

  app.patch(
    '/lists/:code',
    {
      config: admin,
      schema: {
        operationId: 'updateCatalogList',
        tags,
        summary: 'Amend a list',
        params: ListParams,
        body: ListPatchBody,
        response: { 200: ListResponse },
      },
    },
    async (request) => {
      const { version, item } = await updateList(db(), actorOf(request), request.params.code, request.body).catch(
        inBody,
      );
      return { version, list: item };
    },
  );
};

export default catalogRoutes;
