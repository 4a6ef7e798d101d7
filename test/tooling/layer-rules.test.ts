import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Proves the layer rules of eslint.config.mjs: each forbidden import fires with a
// message naming the layer, and the imports each layer is allowed stay clean.

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

const REPO = path.resolve(__dirname, '..', '..');

const cases = {
  coreImportsElectron: { filePath: 'main/core/x.ts', code: "import { app } from 'electron';\nexport const a = app;\n" },
  coreOtherElectronForms: {
    filePath: 'main/core/x.ts',
    code: [
      "import type { BrowserWindow } from 'electron';",
      "export type W = BrowserWindow;",
      "export * from 'electron/main';",
      "export const lazy = () => import('electron');",
      "export const old = require('electron');",
      "import electron = require('electron');",
      "export const e = electron;",
      "export type T = import('electron').WebContents;",
    ].join('\n'),
  },
  coreImportsShell: { filePath: 'main/core/calls/x.ts', code: "export { startShell } from '../../app/shell';\n" },
  coreUsesWindow: { filePath: 'main/core/x.ts', code: 'export const w = window.innerWidth;\n' },
  coreAllowed: {
    filePath: 'main/core/x.ts',
    code: [
      "import fs from 'node:fs';",
      "import path from 'path';",
      "import { z } from 'zod';",
      "import { channels } from '../common/contract';",
      "import { Logger } from './log/logger';",
      'export { fs, path, z, channels };',
      'export type L = Logger;',
    ].join('\n'),
  },
  commonImportsNode: {
    filePath: 'main/common/x.ts',
    code: [
      "import fs from 'node:fs';",
      "import os from 'os';",
      "import { readFile } from 'fs/promises';",
      "import { app } from 'electron';",
      'export { fs, os, readFile, app };',
    ].join('\n'),
  },
  commonUsesDomAndNodeGlobals: {
    filePath: 'main/common/x.ts',
    code: 'export const a = window.location.href;\nexport const b = document.title;\nexport const c = process.env.HOME;\n',
  },
  commonImportsCore: { filePath: 'main/common/x.ts', code: "export { IpcRouter } from '../core/ipc/router';\n" },
  commonAllowed: {
    filePath: 'main/common/x.ts',
    code: "import { z } from 'zod';\nimport { LocaleSchema } from './domain';\nexport const S = z.object({ locale: LocaleSchema });\n",
  },
  rendererImportsNodeAndMain: {
    filePath: 'renderer/x.tsx',
    code: [
      "import fs from 'fs';",
      "import { Workstation } from '../main/core/workstation';",
      "import { startShell } from '../main/app/shell';",
      "import { HeadlessHost } from '../main/host/headless-host';",
      "import { ipcRenderer } from 'electron';",
      'export { fs, Workstation, startShell, HeadlessHost, ipcRenderer };',
    ].join('\n'),
  },
  rendererDeepImportsCore: {
    filePath: 'renderer/features/directory/store.ts',
    code: "export { PushHub } from '../../../main/core/ipc/push-gate';\n",
  },
  rendererAllowed: {
    filePath: 'renderer/features/directory/x.tsx',
    code: [
      "import { useState } from 'react';",
      "import { channels } from '../../../main/common/contract';",
      "import { helper } from './main/helper';",
      'export const C = () => { const [n] = useState(Object.keys(channels).length); return <p>{n + helper + window.innerWidth}</p>; };',
    ].join('\n'),
  },
  shellAllowed: {
    filePath: 'main/app/x.ts',
    code: "import { app } from 'electron';\nimport fs from 'node:fs';\nimport { Workstation } from '../core/workstation';\nexport { app, fs, Workstation };\n",
  },
};

type CaseName = keyof typeof cases;
let results: Record<CaseName, LintMessage[]>;

beforeAll(() => {
  const names = Object.keys(cases) as CaseName[];
  const output = execFileSync(process.execPath, [path.join(__dirname, 'lint-snippets.mjs')], {
    cwd: REPO,
    input: JSON.stringify(names.map((name) => cases[name])),
    encoding: 'utf8',
  });
  const lists = JSON.parse(output) as LintMessage[][];
  results = Object.fromEntries(names.map((name, i) => [name, lists[i]!])) as Record<CaseName, LintMessage[]>;
}, 60_000);

const layerMessages = (name: CaseName) =>
  results[name].filter((m) => m.ruleId === 'zuoxi/layer-imports' || m.ruleId === 'no-restricted-globals');

describe('main/core', () => {
  test("importing 'electron' fires the core layer rule, saying why", () => {
    const [message, ...rest] = layerMessages('coreImportsElectron');
    expect(rest).toEqual([]);
    expect(message).toMatchObject({ ruleId: 'zuoxi/layer-imports', line: 1 });
    expect(message!.message).toContain("Layer rule (main/core): must not import 'electron'");
    expect(message!.message).toContain('main/app');
  });

  test('type imports, subpaths, re-exports, import(), require() and import = require() all count', () => {
    const lines = layerMessages('coreOtherElectronForms').map((m) => m.line);
    expect(lines).toEqual([1, 3, 4, 5, 6, 8]);
  });

  test('reaching up into main/app fires', () => {
    expect(layerMessages('coreImportsShell').map((m) => m.message)).toEqual([
      expect.stringContaining("Layer rule (main/core): must not import '../../app/shell' (code in main/app)"),
    ]);
  });

  test('DOM globals fire', () => {
    expect(layerMessages('coreUsesWindow')).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-globals', message: expect.stringContaining('Layer rule (main/core)') }),
    ]);
  });

  test('Node builtins, packages, common and core itself are allowed', () => {
    expect(results.coreAllowed).toEqual([]);
  });
});

describe('main/common', () => {
  test('Node builtins in every spelling, and electron, fire the common layer rule', () => {
    const messages = layerMessages('commonImportsNode');
    expect(messages.map((m) => m.line)).toEqual([1, 2, 3, 4]);
    for (const m of messages) expect(m.message).toContain('Layer rule (main/common)');
    expect(messages[0]!.message).toContain("'node:fs' (a Node builtin)");
  });

  test('window, document and process fire no-restricted-globals with the layer message', () => {
    const messages = layerMessages('commonUsesDomAndNodeGlobals');
    expect(messages.map((m) => m.ruleId)).toEqual(['no-restricted-globals', 'no-restricted-globals', 'no-restricted-globals']);
    expect(messages[0]!.message).toContain("Layer rule (main/common): 'window' is not available here");
    expect(messages[2]!.message).toContain("'process'");
  });

  test('depending on the core fires', () => {
    expect(layerMessages('commonImportsCore')).toHaveLength(1);
  });

  test('zod and its own files are allowed', () => {
    expect(results.commonAllowed).toEqual([]);
  });
});

describe('renderer', () => {
  test('fs, main/core, main/app, main/host and electron each fire the renderer layer rule', () => {
    const messages = layerMessages('rendererImportsNodeAndMain');
    expect(messages.map((m) => m.line)).toEqual([1, 2, 3, 4, 5]);
    for (const m of messages) expect(m.message).toContain('Layer rule (renderer)');
    expect(messages[1]!.message).toContain("'../main/core/workstation' (code in main/core)");
  });

  test('a deep relative path into the core is resolved and caught', () => {
    expect(layerMessages('rendererDeepImportsCore')).toHaveLength(1);
  });

  test('react, main/common, a renderer folder that happens to be called main, and window are allowed', () => {
    expect(results.rendererAllowed).toEqual([]);
  });
});

test('the Electron shell may import electron, Node and the core', () => {
  expect(results.shellAllowed).toEqual([]);
});
