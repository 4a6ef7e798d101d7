import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AgentWindow } from './agent/agent-window';
import { start } from './app/start';
import { i18n } from './i18n';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

document.documentElement.lang = i18n.language;
document.title = i18n.t('app.title');
createRoot(container).render(
  <StrictMode>
    <AgentWindow />
  </StrictMode>,
);
void start();
