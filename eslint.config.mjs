// Lint for the whole repo. The generic rules stay close to the recommended sets and
// fast (no type information: tsc already checks types). What is ours is the layer
// rules: the design says core never imports Electron, common runs everywhere, and the
// renderer is a web page — so a wrong import fails `npm run lint`, not a code review.
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = new Set(builtinModules);

/** Why each layer refuses what it refuses; the lint message quotes it. */
const WHY = {
  core: 'the core is plain Node: it runs under jest and in the headless host, so Electron glue belongs in main/app',
  common:
    'main/common is loaded by main, preload and renderer alike, so it stays pure TypeScript (no Node, no DOM, no Electron) and depends on nothing above it',
  renderer:
    'the renderer is a sandboxed web page without Node; it reaches the core only through the IPC contract (renderer/api), and only main/common is shared',
};

/**
 * zuoxi/layer-imports: `forbid` lists what a file in this layer may not import —
 * 'node' (any builtin, with or without `node:`), 'electron' (and 'electron/*'), or a
 * folder relative to the repo root ('main/core'), matched after resolving relative
 * paths, so `../../main/core/x` and `./x` inside renderer are told apart. Every form
 * of import counts: import/export from, import(), require(), import x = require(),
 * and type-level import('…').
 */
const layerImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer boundaries of ARCHITECTURE.md' },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { enum: Object.keys(WHY) },
          forbid: { type: 'array', items: { type: 'string' } },
        },
        required: ['layer', 'forbid'],
        additionalProperties: false,
      },
    ],
    messages: {
      forbidden: "Layer rule ({{layerDir}}): must not import '{{source}}' ({{what}}) — {{why}}.",
    },
  },
  create(context) {
    const { layer, forbid } = context.options[0];
    const layerDir = { core: 'main/core', common: 'main/common', renderer: 'renderer' }[layer];
    const folders = forbid.filter((entry) => entry !== 'node' && entry !== 'electron');

    function classify(source) {
      if (forbid.includes('node') && (source.startsWith('node:') || NODE_BUILTINS.has(source))) return 'a Node builtin';
      if (forbid.includes('electron') && (source === 'electron' || source.startsWith('electron/'))) return 'Electron';
      if (!source.startsWith('.') && !path.isAbsolute(source)) return null;
      const target = path.relative(context.cwd, path.resolve(path.dirname(context.filename), source)).split(path.sep).join('/');
      const folder = folders.find((dir) => target === dir || target.startsWith(`${dir}/`));
      return folder ? `code in ${folder}` : null;
    }

    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const what = classify(node.value);
      if (what) context.report({ node, messageId: 'forbidden', data: { layerDir, source: node.value, what, why: WHY[layer] } });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSExternalModuleReference: (node) => check(node.expression),
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

// Browser-only names. Event, EventTarget and CustomEvent are left out: Node has them too.
const DOM_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'history',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'HTMLElement',
  'Element',
  'Node',
  'MutationObserver',
  'requestAnimationFrame',
  'alert',
  'confirm',
];
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate'];

const restrictGlobals = (names, layerDir, why) =>
  names.map((name) => ({ name, message: `Layer rule (${layerDir}): '${name}' is not available here — ${why}.` }));

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setImmediate: 'readonly',
};

export default defineConfig(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { zuoxi: { rules: { 'layer-imports': layerImports } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_` marks a parameter a callback signature requires but this code does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A redundant `\/` in a character class is harmless and reads as intent in the
      // number patterns; shown, but it does not fail the build.
      'no-useless-escape': 'warn',
    },
  },
  {
    files: ['main/core/**'],
    rules: {
      'zuoxi/layer-imports': ['error', { layer: 'core', forbid: ['electron', 'main/app', 'main/host', 'renderer'] }],
      'no-restricted-globals': ['error', ...restrictGlobals(DOM_GLOBALS, 'main/core', WHY.core)],
    },
  },
  {
    files: ['main/common/**'],
    rules: {
      'zuoxi/layer-imports': [
        'error',
        { layer: 'common', forbid: ['node', 'electron', 'main/core', 'main/app', 'main/host', 'renderer'] },
      ],
      'no-restricted-globals': ['error', ...restrictGlobals([...DOM_GLOBALS, ...NODE_GLOBALS], 'main/common', WHY.common)],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'zuoxi/layer-imports': ['error', { layer: 'renderer', forbid: ['node', 'electron', 'main/core', 'main/app', 'main/host'] }],
    },
  },
  {
    // Tests decode wire frames and poke at fakes; `any` there is a shortcut, not an API.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Entry points read package.json at run time (its version), which import cannot do
    // from outside rootDir.
    files: ['main/*/main.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Plain JavaScript run by Node: build scripts and tool configs.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
