import { useAgentStore } from '../agent/store';
import { useWrapUpStore } from './store';

/**
 * The call whose wrap-up form shows: the one the core says the agent is wrapping up,
 * else the answered call that just ended (the centre may run without a wrap-up state).
 * Null once the agent closed its form.
 */
export function useWrapUpCallId(): string | null {
  const snapshot = useAgentStore((s) => s.snapshot);
  const ended = useWrapUpStore((s) => s.ended);
  const closed = useWrapUpStore((s) => s.closed);
  const candidate = snapshot?.state === 'wrap_up' && snapshot.callId ? snapshot.callId : (ended?.callId ?? null);
  return candidate !== null && !closed.includes(candidate) ? candidate : null;
}
