import { useStatusStore } from '../status/store';
import { useCallsStore } from './store';

/**
 * Click-to-dial needs a registered line, no call in progress (the desk phone is the
 * one that rings first) and no other dial on its way.
 */
export function useCanDial(): boolean {
  const online = useStatusStore((state) => state.connection === 'online');
  const idle = useCallsStore((state) => state.calls.length === 0 && !state.dial.pending);
  return online && idle;
}
