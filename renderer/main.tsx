import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AgentWindow } from './agent/agent-window';
import { start } from './app/start';
// Initialises i18next (and registers it with react-i18next) before the first render.
import './i18n';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <AgentWindow />
  </StrictMode>,
);
void start();
