// The memoranda/measure/list catalogue drawn from the policy texts in ./seeds. Data lives in ./data, one module per
// source document group; the loader writes this object into the catalogue tables.
import type { Catalog } from './types.js';
import { hegang } from './data/hegang.js';
import { jiamusi } from './data/jiamusi.js';
import { lists } from './data/lists.js';
import { nationalMemoranda } from './data/national.js';
import { wuhan } from './data/wuhan.js';

export const catalog: Catalog = {
  version: 1,
  memoranda: [...nationalMemoranda, hegang, jiamusi, wuhan],
  lists,
};
