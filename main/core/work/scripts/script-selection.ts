import type { Script } from './script-model';

export interface CallRouting {
  /** The number the customer dialled (the hotline), as signalled. */
  dialled?: string | null;
  queue?: string | null;
}

/** Digits only, keeping a leading +: "955-98", "95598" and " 95598 " are one number. */
export function normaliseDialled(number: string): string {
  const trimmed = number.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

/**
 * The script for a call: the one claiming the dialled number, else the one claiming the
 * queue, else the default one, else none. A number names one hotline and a queue one
 * line of work, so the number is the more specific of the two.
 */
export function chooseScript<S extends Script>(scripts: readonly S[], call: CallRouting): S | null {
  const dialled = call.dialled ? normaliseDialled(call.dialled) : null;
  if (dialled) {
    const byNumber = scripts.find((script) => script.chosenBy.numbers.some((number) => normaliseDialled(number) === dialled));
    if (byNumber) return byNumber;
  }
  const queue = call.queue?.trim();
  if (queue) {
    const byQueue = scripts.find((script) => script.chosenBy.queues.includes(queue));
    if (byQueue) return byQueue;
  }
  return scripts.find((script) => script.chosenBy.default) ?? null;
}

export interface ChoiceConflict {
  kind: 'number' | 'queue' | 'default';
  /** The number or queue claimed twice; empty for two defaults. */
  value: string;
  scriptIds: string[];
}

/**
 * Two scripts claiming one number, one queue, or both being the default: the choice
 * would depend on load order, so a library with a conflict is refused when a script is
 * added to it.
 */
export function choiceConflicts(scripts: readonly Script[]): ChoiceConflict[] {
  const claims = new Map<string, { kind: ChoiceConflict['kind']; value: string; ids: Set<string> }>();
  const claim = (kind: ChoiceConflict['kind'], value: string, id: string) => {
    const key = `${kind}:${value}`;
    const entry = claims.get(key) ?? { kind, value, ids: new Set<string>() };
    entry.ids.add(id);
    claims.set(key, entry);
  };
  for (const script of scripts) {
    for (const number of script.chosenBy.numbers) claim('number', normaliseDialled(number), script.id);
    for (const queue of script.chosenBy.queues) claim('queue', queue, script.id);
    if (script.chosenBy.default) claim('default', '', script.id);
  }
  return [...claims.values()].filter((entry) => entry.ids.size > 1).map((entry) => ({ kind: entry.kind, value: entry.value, scriptIds: [...entry.ids] }));
}
