import { useEffect } from 'react';
import { currentCall, isAllowed, ringingCall } from './call-rules';
import { useCallsStore } from './store';

/**
 * The call hotkeys inside the agent window. Function keys, because an agent's hands
 * are often typing a note or a search when the phone rings, and a function key types
 * nothing into either. None of these is taken by Chromium or Electron: F1 (help),
 * F3 (find next), F5 (reload), F6 (address bar), F7 (caret browsing), F10 (menu bar),
 * F11 (full screen) and F12 (devtools) are left alone.
 */
export const CALL_HOTKEYS = {
  answer: 'F2',
  hold: 'F8',
  hangup: 'F9',
} as const;
export type CallHotkey = keyof typeof CALL_HOTKEYS;

/** What the key does right now, or null when nothing it could do is allowed. */
export function hotkeyAction(key: string): (() => Promise<void>) | null {
  const store = useCallsStore.getState();
  const { calls } = store;
  switch (key) {
    case CALL_HOTKEYS.answer: {
      const ringing = ringingCall(calls);
      if (!ringing || store.actions[ringing.id]?.pending.answer) return null;
      return () => store.answer(ringing.id);
    }
    case CALL_HOTKEYS.hold: {
      const current = currentCall(calls);
      if (!current) return null;
      if (store.actions[current.id]?.pending.hold || store.actions[current.id]?.pending.resume) return null;
      if (isAllowed('hold', current, calls)) return () => store.hold(current.id);
      // During a consult the consult call is the current one, so the held customer is never resumed by accident.
      if (isAllowed('resume', current, calls)) return () => store.resume(current.id);
      return null;
    }
    case CALL_HOTKEYS.hangup: {
      const current = currentCall(calls);
      if (!current || !isAllowed('hangup', current, calls)) return null;
      return () => store.hangup(current.id);
    }
    default:
      return null;
  }
}

/** Listens for the call hotkeys on the whole window while mounted. */
export function useCallHotkeys(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A held key repeats; an IME composing Chinese text owns the keyboard.
      if (event.repeat || event.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const action = hotkeyAction(event.key);
      if (!action) return;
      event.preventDefault();
      void action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
