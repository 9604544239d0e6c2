-- Custom migration: the feed's safe horizon. Events are ordered by (xid, id) and a reader may only pass xids below
-- every transaction that could still commit an event. pg_snapshot_xmin() alone is cluster-wide: a long transaction in
-- another database on the same server would hold every feed back. So the horizon is the lowest xid in the snapshot's
-- in-progress list that is not known to run in another database, or the snapshot's xmax when there is none. A
-- transaction is bound to one database, so excluding those is safe; one that ended after the snapshot was taken is
-- kept in (it may have been ours), which only delays the feed by one read. STABLE, so it sees the calling statement's
-- snapshot (the transaction's, under REPEATABLE READ).
CREATE FUNCTION yingcha_feed_horizon() RETURNS xid8 LANGUAGE sql STABLE AS $$
  SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
  FROM pg_snapshot_xip(pg_current_snapshot()) AS x
  WHERE NOT EXISTS (
    SELECT 1 FROM pg_stat_activity a
    WHERE a.backend_xid = x::xid
      AND a.datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database())
  )
$$;
