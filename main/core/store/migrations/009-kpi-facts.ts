import type { Migration } from '../migrations';

/**
 * KPI facts that live outside Zuoxi (main/core/kpi/facts/imported-facts.ts): survey
 * results, escalated complaints, QA reviews, exam scores, training attendance,
 * supervisor judgements, sales figures and the team's highest answered count (N1).
 *
 * - `kpi_fact_imports`: one per CSV file or REST reply taken in, with where it came
 *   from and when, so every number on the scorecard can say "survey.csv row 12,
 *   imported 11-30 09:14". A checksum lets the screen say a file was already imported.
 * - `kpi_facts`: the figures, one per agent, month and fact per import. Nothing is
 *   overwritten: a newer import of the same fact wins when scoring, the older rows stay
 *   as the record of what was believed before. `agent = '*'` is a team figure (N1).
 */
export const kpiFactsSchema: Migration = {
  version: 9,
  name: 'kpi-facts',
  async up(tx) {
    await tx.exec(`
      CREATE TABLE kpi_fact_imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('csv', 'rest')),
        origin TEXT NOT NULL CHECK (length(origin) BETWEEN 1 AND 2048),
        checksum TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        fact_count INTEGER NOT NULL CHECK (fact_count >= 0)
      );

      CREATE TABLE kpi_facts (
        id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES kpi_fact_imports (id) ON DELETE CASCADE,
        agent TEXT NOT NULL CHECK (length(agent) BETWEEN 1 AND 64),
        month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
        fact TEXT NOT NULL CHECK (length(fact) BETWEEN 1 AND 64),
        value REAL NOT NULL CHECK (value >= 0),
        ref TEXT NOT NULL,
        UNIQUE (import_id, agent, month, fact)
      );
      -- Scoring reads one agent's month (and the team's '*' rows), newest import first.
      CREATE INDEX kpi_facts_agent_month ON kpi_facts (agent, month, fact, import_id DESC);
    `);
  },
};
