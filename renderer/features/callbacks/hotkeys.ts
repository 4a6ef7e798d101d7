import { useEffect } from 'react';
import { nextDueCallback, useCallbacksStore } from './store';

/**
 * Shift+F7: call the next callback (the first one due, soonest first). Plain F7 is
 * Chromium's caret browsing and F5/F6/F11/F12 belong to the browser (see
 * calls/hotkeys.ts), so the call hotkeys' neighbour F7 is taken with Shift, which
 * nothing in Chromium or Electron binds.
 */
export const CALLBACK_HOTKEYS = {
  nextCallback: { key: 'F7', shift: true, label: 'Shift+F7' },
} as const;

export function nextCallbackAction(now = Date.now()): (() => Promise<boolean>) | null {
  const store = useCallbacksStore.getState();
  const next = nextDueCallback(store.items, now);
  if (!next || store.actions[next.id]?.pending) return null;
  return () => store.call(next.id);
}

export function useCallbackHotkeys(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const hotkey = CALLBACK_HOTKEYS.nextCallback;
      if (event.repeat || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key !== hotkey.key || event.shiftKey !== hotkey.shift) return;
      const action = nextCallbackAction();
      if (!action) return;
      event.preventDefault();
      void action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
