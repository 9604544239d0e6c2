import t from 'tap';
import { CATEGORY_CODES, MATTER_TYPE_CODES, EFFECTS } from '../../api/src/domain/codes.js';

t.test('fixed code lists', async (t) => {
  t.equal(MATTER_TYPE_CODES.length, 16);
  t.ok(CATEGORY_CODES.includes('market_regulation'));
  t.ok(CATEGORY_CODES.includes('all'));
  t.same(EFFECTS[0], 'prohibit');
});
