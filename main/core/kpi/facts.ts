/**
 * The facts a KPI profile scores: one month of one agent, each number carrying where it
 * came from, so the scorecard can show "answered 412 (call log, read 09:14)" instead of a
 * bare number nobody can trace.
 *
 * Facts are aggregates (counts, sums), never rows: the store's providers
 * (./facts/*.ts) reduce a month of calls to a handful of numbers with SQL, and the
 * engine stays a pure function over those numbers, cheap enough to re-run on every call
 * end or what-if.
 */
import { KPI_SOURCES, type KpiSource } from '../../common/constants';

/** Where a fact is provided from; the profile names one per metric as its data source. */
export const FACT_SOURCES = KPI_SOURCES;
export type FactSource = KpiSource;

/**
 * Every fact a profile may name, with the provider that fills it. A profile naming any
 * other fact is refused on load: a typo must not silently score as "unavailable".
 */
export const FACT_REGISTRY = {
  // call_log (Zuoxi's own calls table)
  offeredCalls: 'call_log',
  answeredCalls: 'call_log',
  ringToAnswerSecondsSum: 'call_log',
  ringToAnswerCount: 'call_log',
  // team (imported: this seat only has its own calls)
  teamMaxAnsweredCalls: 'team',
  // agent_state (state log against the shift schedule)
  scheduledShifts: 'agent_state',
  absences: 'agent_state',
  // callbacks (work-order callbacks by their 24 h deadline)
  callbacksRequired: 'callbacks',
  callbacksMade: 'callbacks',
  callbacksEffective: 'callbacks',
  // work_orders
  workOrders: 'work_orders',
  wrongWorkOrders: 'work_orders',
  // survey (post-call evaluations)
  evaluations: 'survey',
  validEvaluations: 'survey',
  satisfiedEvaluations: 'survey',
  // complaints (escalated, by level; handling on time)
  complaintsHotline: 'complaints',
  complaintsCity: 'complaints',
  complaintsProvince: 'complaints',
  complaintsHandled: 'complaints',
  complaintsClosedOnTime: 'complaints',
  // qa
  qaReviewsDone: 'qa',
  // exams, training
  examScore: 'exams',
  trainingsAttended: 'training',
  trainingsRequired: 'training',
  // supervisor entries
  reportErrors: 'supervisor',
  adoptedSuggestions: 'supervisor',
  executionScore: 'supervisor',
  // sales (customer-service marketing tasks, and the securities account manager's book)
  salesCompleted: 'sales',
  salesTarget: 'sales',
  monthlyPoints: 'sales',
  annualisedPoints: 'sales',
  clientAssets: 'sales',
  probationCumulativePoints: 'sales',
  probationNewClientAssets: 'sales',
  probationMonth4ClientAssets: 'sales',
} as const satisfies Record<string, FactSource>;

export type FactName = keyof typeof FACT_REGISTRY;
export const FACT_NAMES = Object.keys(FACT_REGISTRY) as FactName[];

/** Sources Zuoxi computes from its own store; their facts are never taken from a file. */
const COMPUTED_SOURCES: ReadonlySet<FactSource> = new Set(['call_log', 'agent_state', 'callbacks']);

/** Figures of the whole team, not of one agent: imported with agent "*". */
export const TEAM_FACTS: ReadonlySet<FactName> = new Set(FACT_NAMES.filter((name) => FACT_REGISTRY[name] === 'team'));

/**
 * Whether a CSV or REST import may supply this fact. What Zuoxi counts itself (calls,
 * attendance, callbacks) is not overridden by a file: two truths for one number would
 * make the scorecard untraceable.
 */
export function isImportableFact(name: FactName): boolean {
  return !COMPUTED_SOURCES.has(FACT_REGISTRY[name]);
}

export function isFactName(name: string): name is FactName {
  return Object.prototype.hasOwnProperty.call(FACT_REGISTRY, name);
}

export interface Provenance {
  source: FactSource;
  /** When the number was read or imported (ISO 8601). */
  importedAt: string;
  /** What it was read from, for the drill-down: a query window, a CSV file and row, a URL. */
  ref: string;
}

export interface Fact {
  value: number;
  provenance: Provenance;
}

/** One agent's month. A fact that is absent is unknown (not zero): the profile decides how that scores. */
export interface MonthFacts {
  agent: string;
  /** YYYY-MM, the agent's local calendar month. */
  month: string;
  facts: Partial<Record<FactName, Fact>>;
}

/** A fact as it was used for a metric, shown beside the metric's points. */
export interface FactUse {
  fact: FactName;
  value: number;
  provenance: Provenance;
}
