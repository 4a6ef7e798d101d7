// Plain constants shared by every process. Kept free of zod so the renderer bundle,
// which only needs these names at run time, does not carry the schemas.

export const LOCALES = ['zh-CN', 'en'] as const;

/** Where the preload exposes the API on `window` (contextBridge). */
export const PRELOAD_API_KEY = 'zuoxi';
/** The Electron IPC channel names that carry the contract. */
export const IPC_INVOKE = 'zuoxi:invoke';
export const IPC_PUSH = 'zuoxi:push';

/** Every push the core sends; `pushes` in contract.ts must have exactly these keys. */
export const PUSH_NAMES = [
  'directory.importProgress',
  'status.changed',
  'calls.changed',
  'settings.changed',
  'calls.dialRequested',
  'callbacks.changed',
  'callbacks.reminder',
  'sync.changed',
] as const;
export type PushName = (typeof PUSH_NAMES)[number];

export function isPush(name: unknown): name is PushName {
  return typeof name === 'string' && (PUSH_NAMES as readonly string[]).includes(name);
}

/**
 * Why an import row was refused (or, for warnings, what was left out of it). The
 * renderer translates the code; `detail` carries the verbatim part (numbers, names).
 */
export const IMPORT_ROW_PROBLEMS = [
  'malformed_row',
  'missing_name',
  'no_number',
  'no_valid_number',
  'invalid_field',
  'conflicting_contacts',
  'merge_limit',
  'invalid_number_dropped',
] as const;

/** The headless host's WebSocket: path, subprotocol, and the secret's carriers. */
export const SOCKET_PATH = '/ipc';
export const SOCKET_PROTOCOL = 'zuoxi.v1';
export const SOCKET_AUTH_PREFIX = 'zuoxi.auth.';
export const SECRET_FRAGMENT_KEY = 'secret';

/**
 * Where a KPI fact comes from, and the data source a profile names per metric. The first
 * three Zuoxi counts itself; the others are imported (CSV or the center's endpoint).
 * `team` is the team's own figures (its highest answered count, N1).
 */
export const KPI_SOURCES = [
  'call_log',
  'agent_state',
  'callbacks',
  'work_orders',
  'survey',
  'complaints',
  'qa',
  'exams',
  'training',
  'supervisor',
  'sales',
  'team',
] as const;
export type KpiSource = (typeof KPI_SOURCES)[number];

export function isKpiSource(name: string): name is KpiSource {
  return (KPI_SOURCES as readonly string[]).includes(name);
}

/** The seed's answer rule (第三篇 三.7 "来电铃响3秒内必须应答"): settings.answerWithinSeconds' default. */
export const DEFAULT_ANSWER_WITHIN_SECONDS = 3;
