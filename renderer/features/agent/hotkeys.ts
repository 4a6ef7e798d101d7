import { useEffect } from 'react';
import { useStatusStore } from '../status/store';
import { useAgentStore } from './store';

/**
 * F4: ready / not ready. From ready it opens the not-ready reason menu (a reason is
 * required, so the agent picks one with the arrow keys and Enter); from anything else
 * it asks for ready. F4 is free in Chromium and Electron (only Alt+F4 / Ctrl+F4 close
 * a window or a tab, and modified keys are ignored here). See calls/hotkeys.ts for the
 * keys left alone.
 */
export const AGENT_HOTKEYS = {
  readyToggle: 'F4',
} as const;

/** What F4 does now, or null when nothing (a state change already under way). */
export function readyToggleAction(): (() => void) | null {
  const agent = useAgentStore.getState();
  if (agent.pending) return null;
  const state = agent.snapshot?.state ?? useStatusStore.getState().agentState;
  // While a call is up the choice is kept for after it: toggle what is chosen for then.
  const effective = agent.snapshot?.afterCall?.state ?? state;
  if (effective === 'ready') {
    if (agent.reasonMenuOpen) return () => agent.closeReasonMenu();
    return () => agent.openReasonMenu();
  }
  return () => void agent.setState('ready');
}

export function useAgentHotkeys(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.repeat || event.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.key !== AGENT_HOTKEYS.readyToggle) return;
      const action = readyToggleAction();
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
