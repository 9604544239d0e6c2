-- The receipt chain heads (api/src/services/receipts.ts): 8 independent hash chains, each starting at the genesis
-- hash, so concurrent checks append to different chains instead of queueing on one lock.
INSERT INTO "check_chain" ("chain", "seq", "hash")
SELECT g, 0, repeat('0', 64) FROM generate_series(0, 7) AS g
ON CONFLICT DO NOTHING;
