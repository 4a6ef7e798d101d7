import type { BrowserWindowConstructorOptions } from 'electron';

export interface AgentWindowChoices {
  /** Developer tools: on for `npm start`, off in a packaged build. */
  devTools?: boolean;
}

/**
 * The agent window's options. A pure function so a test can pin every security flag:
 * the renderer is a sandboxed web page that reaches the core only through the
 * preload's two functions.
 */
export function agentWindowOptions(preloadPath: string, choices: AgentWindowChoices = {}): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'Zuoxi',
    // Shown on 'ready-to-show', so the agent never sees an empty white frame.
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      // Customer names are Chinese; the spellchecker would underline them all, and on
      // Linux/Windows Chromium fetches its dictionaries from a Google CDN.
      spellcheck: false,
      safeDialogs: true,
      devTools: choices.devTools ?? false,
    },
  };
}
