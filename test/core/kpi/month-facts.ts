import type { FactName, MonthFacts } from '../../../main/core/kpi/facts';
import { FACT_REGISTRY } from '../../../main/core/kpi/facts';

/** A month of facts from plain numbers, each with a test provenance naming the fact. */
export function monthOf(values: Partial<Record<FactName, number>>, month = '2026-10'): MonthFacts {
  const facts: MonthFacts['facts'] = {};
  for (const [name, value] of Object.entries(values) as [FactName, number][]) {
    facts[name] = { value, provenance: { source: FACT_REGISTRY[name], importedAt: '2026-11-01T00:00:00.000Z', ref: `test:${name}` } };
  }
  return { agent: 'agent-007', month, facts };
}
