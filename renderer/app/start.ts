import { call, toFailure } from '../api';
import { useLocaleStore } from '../features/locale/store';
import { useSettingsStore } from '../features/settings/store';
import { useStatusStore } from '../features/status/store';
import { resyncCalls, wirePushes } from './wire-pushes';

/**
 * Subscribes first, then says app.ready: the core releases pushes it held during
 * start-up (a call ringing while the window loaded) right after that reply, and
 * they must find their listeners in place. Then reads the calls already in progress.
 */
export async function start(): Promise<() => void> {
  const unwire = wirePushes();
  try {
    const info = await call('app.ready', {});
    useStatusStore.getState().applyAppInfo(info);
    await useLocaleStore.getState().adopt(info.locale);
    // Which values IT locks (the language switch) and the notification choice; read in the background.
    void useSettingsStore.getState().load();
  } catch (error) {
    useStatusStore.getState().setStartError(toFailure(error));
    return unwire;
  }
  // After a reload a call may already be ringing: its caller pops as if it had just rung.
  await resyncCalls();
  return unwire;
}
