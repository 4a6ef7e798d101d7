import type { Migration } from '../migrations';

/**
 * The lookup chain's cache of CRM connector answers (main/core/directory/connector-cache.ts):
 * one row per caller and connector, holding what the connector said and when. A screen
 * pop reads every connector's row for a caller with one primary-key range, so a caller
 * the CRM knew yesterday pops with those facts even while the CRM is down. Answers of
 * "not known" are kept too (matched = 0), so an unknown caller does not ask again within
 * the TTL.
 */
export const connectorCacheSchema: Migration = {
  version: 4,
  name: 'connector-cache',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE connector_cache (
        -- The caller's number in E.164, or 'raw:' + the number as signalled when it is no
        -- phone number (an internal extension the corporate directory may know).
        lookup_key TEXT NOT NULL,
        -- The connector's name from settings (crmConnectors[].name).
        connector TEXT NOT NULL,
        matched INTEGER NOT NULL CHECK (matched IN (0, 1)),
        -- The connector's record (JSON, text already cut to length) when matched, else NULL.
        record TEXT CHECK (record IS NULL OR json_valid(record)),
        -- UTC ISO 8601 with milliseconds: when the connector gave this answer.
        fetched_at TEXT NOT NULL,
        CHECK ((matched = 1) = (record IS NOT NULL)),
        PRIMARY KEY (lookup_key, connector)
      ) WITHOUT ROWID;
      -- Pruning answers nobody asked for in a long time goes by age.
      CREATE INDEX connector_cache_fetched ON connector_cache (fetched_at);
    `);
  },
};
