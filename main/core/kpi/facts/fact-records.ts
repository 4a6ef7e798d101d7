/**
 * One imported figure ("agent 8001's evaluations in 2026-11 were 132"), checked the same
 * way whether it came from a CSV row or a REST reply: a known, importable fact, a real
 * month, an agent, a finite non-negative number. Spreadsheets spell all of these in many
 * ways (2026年11月, １３２, 班组), so the spellings are normalised here, once.
 */
import { FACT_NAMES, FACT_REGISTRY, isImportableFact, TEAM_FACTS, type FactName } from '../facts';

/** The agent column value of a team figure (N1). */
export const TEAM_AGENT = '*';

export interface FactRecord {
  /** The agent's id as the seat knows it (the extension), or TEAM_AGENT. */
  agent: string;
  /** YYYY-MM */
  month: string;
  fact: FactName;
  value: number;
  /** Where in the source: "row 12", "facts[3]". */
  ref: string;
}

/** A record that was refused, with why; nothing of it is stored. */
export interface FactProblem {
  ref: string;
  reason: string;
}

export interface RawFactRecord {
  agent: unknown;
  month: unknown;
  fact: unknown;
  value: unknown;
  ref: string;
}

// Column headers and fact cells as call centers write them; compared after headerKey().
const FACT_ALIASES: Partial<Record<FactName, readonly string[]>> = {
  teamMaxAnsweredCalls: ['n1', '最高接听量', '最高接听数', '班组最高接听量', '全组最高接听量', '最高接听电话数'],
  evaluations: ['评价数', '评价次数', '参评数', '评价量'],
  validEvaluations: ['有效评价数', '有效评价'],
  satisfiedEvaluations: ['满意数', '满意评价数', '满意评价'],
  complaintsHotline: ['热线投诉', '热线层面投诉', '热线投诉数'],
  complaintsCity: ['市级投诉', '市公司投诉', '市级投诉数'],
  complaintsProvince: ['省级投诉', '省公司投诉', '省级投诉数'],
  complaintsHandled: ['投诉处理数', '受理投诉数', '处理投诉数'],
  complaintsClosedOnTime: ['及时办结数', '按时办结数', '投诉及时办结数'],
  qaReviewsDone: ['质检数', '质检完成数', '质检次数'],
  examScore: ['考试成绩', '考试分数', '考试得分'],
  trainingsAttended: ['培训参加次数', '参加培训次数', '参加培训'],
  trainingsRequired: ['应参加培训次数', '应培训次数', '应参加培训'],
  reportErrors: ['报表差错', '报表错误', '报表差错数'],
  adoptedSuggestions: ['采纳建议', '合理化建议', '建议采纳数'],
  executionScore: ['执行力', '执行力评分', '执行力得分'],
  salesCompleted: ['营销完成数', '销售完成数', '营销完成'],
  salesTarget: ['营销任务数', '销售任务数', '营销任务'],
  workOrders: ['工单数'],
  wrongWorkOrders: ['错误工单数', '错单数'],
  monthlyPoints: ['月度积分', '当月积分'],
  annualisedPoints: ['年化积分'],
  clientAssets: ['客户资产', '名下客户资产'],
};

const FACT_BY_KEY = new Map<string, FactName>([
  ...FACT_NAMES.map((name) => [headerKey(name), name] as const),
  ...Object.entries(FACT_ALIASES).flatMap(([name, aliases]) => aliases.map((alias) => [headerKey(alias), name as FactName] as const)),
]);

const TEAM_SPELLINGS = new Set(['*', 'team', '全组', '班组', '团队', '全班组'].map(headerKey));

/** "Valid Evaluations", "valid_evaluations" and "ＶａｌｉｄＥｖａｌｕａｔｉｏｎｓ" compare equal. */
export function headerKey(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:：()（）]/g, '');
}

/** The fact a column header or a fact cell names, or null. */
export function factNamed(title: string): FactName | null {
  return FACT_BY_KEY.get(headerKey(title)) ?? null;
}

/** "2026-11", "2026/11", "2026.11", "202611", "2026年11月", "2026-11-01" → "2026-11". */
export function normaliseMonth(text: string): string | null {
  const match = /^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*\d{1,2}\s*日?)?|(\d{2}))$/.exec(text.normalize('NFKC').trim());
  if (!match) return null;
  const month = Number(match[2] ?? match[3]);
  if (month < 1 || month > 12) return null;
  return `${match[1]}-${String(month).padStart(2, '0')}`;
}

/** Checks one record; `{ problem }` says why it cannot be used. */
export function checkFactRecord(raw: RawFactRecord): { record: FactRecord } | { problem: FactProblem } {
  const refuse = (reason: string) => ({ problem: { ref: raw.ref, reason } });
  const factText = textOf(raw.fact);
  const fact = factText === null ? null : factNamed(factText);
  if (fact === null) return refuse(factText ? `unknown fact "${clip(factText)}"` : 'no fact named');
  if (!isImportableFact(fact)) {
    return refuse(`${fact} is counted by Zuoxi from its own ${FACT_REGISTRY[fact].replace('_', ' ')} and cannot be imported`);
  }

  const monthText = textOf(raw.month);
  const month = monthText === null ? null : normaliseMonth(monthText);
  if (month === null) return refuse(monthText ? `"${clip(monthText)}" is not a month (write 2026-11)` : 'no month');

  const agentText = textOf(raw.agent) ?? '';
  const team = agentText === '' || TEAM_SPELLINGS.has(headerKey(agentText));
  let agent: string;
  if (TEAM_FACTS.has(fact)) agent = TEAM_AGENT;
  else if (team) return refuse(agentText === '' ? `no agent for ${fact}` : `${fact} is one agent's figure, not the team's`);
  else if (agentText.length > 64 || /[\p{Cc}\p{Cf}]/u.test(agentText)) return refuse(`"${clip(agentText)}" is not an agent id`);
  else agent = agentText;

  const value = numberOf(raw.value);
  if (typeof value === 'string') return refuse(value);
  return { record: { agent, month, fact, value, ref: raw.ref } };
}

function numberOf(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : `${value} is not a count or score (it must be 0 or more)`;
  const text = textOf(value);
  if (text === null || text === '') return 'no value';
  if (/%$/.test(text)) return `"${clip(text)}" is a percentage; write the count it was computed from`;
  const number = Number(text.normalize('NFKC').replace(/,/g, ''));
  if (!Number.isFinite(number)) return `"${clip(text)}" is not a number`;
  if (number < 0) return `${number} is negative; counts and scores are 0 or more`;
  return number;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Hostile or broken input is quoted in a reason, never at length. */
function clip(text: string): string {
  const safe = text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}
