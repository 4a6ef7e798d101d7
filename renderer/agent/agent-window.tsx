import { useTranslation } from 'react-i18next';
import { CallbacksPanel } from '../features/callbacks/components/callbacks-panel';
import { ReminderToasts } from '../features/callbacks/components/reminder-toasts';
import { CallBar } from '../features/calls/components/call-bar';
import { DialPad } from '../features/calls/components/dial-pad';
import { ScriptLibraryButton, ScriptLibraryPanel } from '../features/scripts/components/script-library';
import { ScriptPanel } from '../features/scripts/components/script-panel';
import { CallerCard } from '../features/directory/components/caller-card';
import { ContactSearch } from '../features/directory/components/contact-search';
import { HistoryTimeline } from '../features/directory/components/history-timeline';
import { KpiButton, KpiPanel } from '../features/kpi/components/kpi-panel';
import { ImportPanel } from '../features/directory/components/import-panel';
import { useDirectoryStore } from '../features/directory/store';
import { SettingsPanel } from '../features/settings/components/settings-panel';
import { StatusBar } from '../features/status/components/status-bar';
import { WrapUpPanel } from '../features/wrap-up/components/wrap-up-form';
import { WorkHotkeyLegend } from './work-hotkey-legend';

export function AgentWindow() {
  const { t } = useTranslation();
  const contactId = useDirectoryStore((state) => state.card.contactId);
  return (
    <div className="agent-window">
      <StatusBar />
      <CallBar />
      {/* One grid row: the work hotkeys, and the script library's and the scorecard's buttons at its end. */}
      <div className="work-row">
        <WorkHotkeyLegend />
        <ScriptLibraryButton />
        <KpiButton />
      </div>
      <main className="workspace" aria-label={t('app.workspace')}>
        <aside className="sidebar">
          <ContactSearch />
          <DialPad />
          <CallbacksPanel />
          <ImportPanel />
        </aside>
        <div className="detail">
          <WrapUpPanel />
          <ScriptPanel />
          <CallerCard />
          {/* Keyed by contact so each caller's timeline starts at the top with fresh measurements. */}
          {contactId !== null && <HistoryTimeline key={contactId} />}
        </div>
      </main>
      <SettingsPanel />
      <ReminderToasts />
      <KpiPanel />
      <ScriptLibraryPanel />
    </div>
  );
}
