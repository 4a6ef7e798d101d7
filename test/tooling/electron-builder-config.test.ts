import fs from 'node:fs';
import path from 'node:path';

// The packaging config is only exercised by `npm run dist`, which cannot run here (it
// downloads Electron). So check it against electron-builder's own schema, and pin the
// settings that would break the installed app if lost.

interface BuilderConfig {
  appId: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  protocols: Array<{ name: string; schemes: string[] }>;
  win: { target: Array<{ target: string }> };
  nsis: { oneClick: boolean; perMachine: boolean; allowToChangeInstallationDirectory: boolean };
  mac: { target: string[] };
  linux: { target: string[] };
}

// electron-builder's own modules (installed with it); no types are published for them.
const yaml = jest.requireActual<{ load(text: string): unknown }>('js-yaml');
const { validateConfiguration } = jest.requireActual<{
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
}>('app-builder-lib/out/util/config/config');
const { DebugLogger } = jest.requireActual<{ DebugLogger: new (enabled: boolean) => unknown }>('builder-util');

const file = path.resolve(__dirname, '..', '..', 'build', 'electron-builder.yml');
const config = yaml.load(fs.readFileSync(file, 'utf8')) as BuilderConfig;

test("matches electron-builder's configuration schema", async () => {
  await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
});

test('the schema check itself refuses a misspelt option', async () => {
  const broken = { ...config, nsis: { ...config.nsis, perMachin: true } };
  await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration/i);
});

test('ships only the build output, in an asar with sqlite3 unpacked', () => {
  expect(config.appId).toBe('com.zuoxi.workstation');
  expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
  expect(config.asar).toBe(true);
  expect(config.asarUnpack).toContain('**/node_modules/sqlite3/**');
  expect(config.npmRebuild).toBe(true);
});

test('builds per-machine Windows installers IT can push, and the other platforms', () => {
  expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'msi']);
  expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true, allowToChangeInstallationDirectory: true });
  expect(config.mac.target).toEqual(['dmg']);
  expect(config.linux.target).toEqual(['AppImage', 'deb']);
});

test('registers tel: and sip: for click-to-dial', () => {
  expect(config.protocols.flatMap((p) => p.schemes).sort()).toEqual(['sip', 'tel']);
});
