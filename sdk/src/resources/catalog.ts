import type { APIPromise, RequestOptions } from '../transport.js';
import type {
  ListParams,
  ListPatch,
  ListsQuery,
  MeasureParams,
  MeasurePatch,
  MeasuresQuery,
  MemorandaQuery,
  MemorandumParams,
  MemorandumPatch,
  ResponseBody,
} from '../types.js';
import { APIResource, seg } from './resource.js';

// Catalogue answers carry the catalogue `version` they were read at, beside the record.
class Memoranda extends APIResource {
  /** 合作备忘录, filtered by polarity, region or signatory category. */
  list(query: MemorandaQuery = {}, options?: RequestOptions): APIPromise<ResponseBody<'listCatalogMemoranda'>> {
    return this.transport.request({ method: 'GET', path: '/v1/catalog/memoranda', query }, options);
  }
  get(id: string, options?: RequestOptions): APIPromise<ResponseBody<'getCatalogMemorandum'>> {
    return this.transport.request({ method: 'GET', path: `/v1/catalog/memoranda/${seg(id)}` }, options);
  }
  create(params: MemorandumParams, options?: RequestOptions): APIPromise<ResponseBody<'createCatalogMemorandum'>> {
    return this.transport.request({ method: 'POST', path: '/v1/catalog/memoranda', body: params }, options);
  }
  update(
    id: string,
    patch: MemorandumPatch,
    options?: RequestOptions,
  ): APIPromise<ResponseBody<'updateCatalogMemorandum'>> {
    return this.transport.request({ method: 'PATCH', path: `/v1/catalog/memoranda/${seg(id)}`, body: patch }, options);
  }
  /** Add a measure to a memorandum (`id`: its uuid or 文号). */
  addMeasure(
    id: string,
    params: MeasureParams,
    options?: RequestOptions,
  ): APIPromise<ResponseBody<'addCatalogMeasure'>> {
    return this.transport.request(
      { method: 'POST', path: `/v1/catalog/memoranda/${seg(id)}/measures`, body: params },
      options,
    );
  }
}

class Measures extends APIResource {
  /** Measures, e.g. those a category applies to a matter type in a region. */
  list(query: MeasuresQuery = {}, options?: RequestOptions): APIPromise<ResponseBody<'listCatalogMeasures'>> {
    return this.transport.request({ method: 'GET', path: '/v1/catalog/measures', query }, options);
  }
  update(
    measureId: string,
    patch: MeasurePatch,
    options?: RequestOptions,
  ): APIPromise<ResponseBody<'updateCatalogMeasure'>> {
    return this.transport.request(
      { method: 'PATCH', path: `/v1/catalog/measures/${seg(measureId)}`, body: patch },
      options,
    );
  }
}

class Lists extends APIResource {
  list(query: ListsQuery = {}, options?: RequestOptions): APIPromise<ResponseBody<'listCatalogLists'>> {
    return this.transport.request({ method: 'GET', path: '/v1/catalog/lists', query }, options);
  }
  get(code: string, options?: RequestOptions): APIPromise<ResponseBody<'getCatalogList'>> {
    return this.transport.request({ method: 'GET', path: `/v1/catalog/lists/${seg(code)}` }, options);
  }
  create(params: ListParams, options?: RequestOptions): APIPromise<ResponseBody<'createCatalogList'>> {
    return this.transport.request({ method: 'POST', path: '/v1/catalog/lists', body: params }, options);
  }
  update(code: string, patch: ListPatch, options?: RequestOptions): APIPromise<ResponseBody<'updateCatalogList'>> {
    return this.transport.request({ method: 'PATCH', path: `/v1/catalog/lists/${seg(code)}`, body: patch }, options);
  }
}

export class Catalog extends APIResource {
  readonly memoranda = new Memoranda(this.transport);
  readonly measures = new Measures(this.transport);
  readonly lists = new Lists(this.transport);

  matterTypes(options?: RequestOptions): APIPromise<ResponseBody<'listMatterTypes'>> {
    return this.transport.request({ method: 'GET', path: '/v1/catalog/matter-types' }, options);
  }
  categories(options?: RequestOptions): APIPromise<ResponseBody<'listCategories'>> {
    return this.transport.request({ method: 'GET', path: '/v1/catalog/categories' }, options);
  }
}
