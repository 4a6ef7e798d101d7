import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../main/core/config/settings';
import { defaultDataDir } from '../../../main/core/config/data-dir';

describe('SettingsStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-settings-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('layers defaults < user < policy and says where each value came from', () => {
    fs.writeFileSync(path.join(dir, 'user.json'), JSON.stringify({ locale: 'en', defaultRegion: 'HK' }));
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ defaultRegion: 'CN' }));
    const store = new SettingsStore({ userFile: path.join(dir, 'user.json'), policyFile: path.join(dir, 'policy.json') });
    expect(store.current).toEqual({ ...DEFAULT_SETTINGS, locale: 'en', defaultRegion: 'CN' });
    expect(store.layerOf('locale')).toBe('user');
    expect(store.layerOf('defaultRegion')).toBe('policy');
    expect(store.layerOf('logLevel')).toBe('default');
  });

  it('saves the agent choice, and a new store reads it back', () => {
    const sources = { userFile: path.join(dir, 'user.json'), policyFile: null };
    new SettingsStore(sources).set('locale', 'en');
    expect(new SettingsStore(sources).current.locale).toBe('en');
  });

  it('refuses to change a value IT fixed', () => {
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ locale: 'zh-CN' }));
    const store = new SettingsStore({ userFile: path.join(dir, 'user.json'), policyFile: path.join(dir, 'policy.json') });
    expect(() => store.set('locale', 'en')).toThrow(/policy/);
    expect(fs.existsSync(path.join(dir, 'user.json'))).toBe(false);
  });

  it('refuses a bad file whole, naming the file and the reason', () => {
    const file = path.join(dir, 'user.json');
    fs.writeFileSync(file, JSON.stringify({ locale: 'fr', defaultRegion: 'CN' }));
    expect(() => new SettingsStore({ userFile: file, policyFile: null })).toThrow(new RegExp(`${file}.*locale`));
    fs.writeFileSync(file, '{not json');
    expect(() => new SettingsStore({ userFile: file, policyFile: null })).toThrow(/not valid JSON/);
  });
});

describe('defaultDataDir', () => {
  it('follows each OS convention', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x' })).toBe(path.join('/x', 'Zuoxi'));
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' })).toMatch(/Zuoxi$/);
    expect(defaultDataDir('darwin', {})).toMatch(/Library.Application Support.Zuoxi$/);
  });
});
