/** IT's policy from each OS's channel: the machine-wide file, Windows Group Policy, macOS managed preferences. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machinePolicyFile, parseRegExport, readManagedPolicy, WINDOWS_POLICY_KEY, type ProgramRunner } from '../../../main/core/config/managed-policy';
import { BOOLEAN_SETTING_KEYS, DEFAULT_SETTINGS, SettingsStore } from '../../../main/core/config/settings';

/** A .reg file as `reg export` writes it: UTF-16LE with a BOM, CRLF. */
function regExport(lines: string[]): Buffer {
  const text = ['Windows Registry Editor Version 5.00', '', ...lines, ''].join('\r\n');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

const KEY_LINE = '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Zuoxi]';

describe('managed policy', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-policy-test-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('looks for the machine-wide policy file where each OS keeps machine settings, unless ZUOXI_POLICY_FILE names one', () => {
    expect(machinePolicyFile('linux', {})).toBe('/etc/zuoxi/policy.json');
    expect(machinePolicyFile('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Zuoxi\\policy.json');
    expect(machinePolicyFile('win32', {})).toBe('C:\\ProgramData\\Zuoxi\\policy.json');
    expect(machinePolicyFile('darwin', {})).toBe('/Library/Application Support/Zuoxi/policy.json');
    expect(machinePolicyFile('linux', { ZUOXI_POLICY_FILE: '/srv/zuoxi.json' })).toBe('/srv/zuoxi.json');
  });

  it('reads Group Policy values: text, JSON text with escapes and Chinese, DWORD numbers and booleans; sub-keys are not settings', () => {
    const values = parseRegExport(
      regExport([
        KEY_LINE,
        '"locale"="zh-CN"',
        '"deskPhoneUri"="sip:desk-8001@192.168.1.20"',
        '"sipAccount"="{\\"registrar\\":\\"sip:pbx.example.com:5060\\",\\"domain\\":\\"example.com\\",\\"user\\":\\"8001\\",\\"displayName\\":\\"张三\\"}"',
        '"lookupDeadlineMs"=dword:00000096',
        '"notifyWhenFocused"=dword:00000001',
        '',
        `${KEY_LINE.slice(0, -1)}\\Other]`,
        '"locale"="en"',
      ]),
    );
    expect(values).toEqual({
      locale: 'zh-CN',
      deskPhoneUri: 'sip:desk-8001@192.168.1.20',
      sipAccount: { registrar: 'sip:pbx.example.com:5060', domain: 'example.com', user: '8001', displayName: '张三' },
      lookupDeadlineMs: 150,
      notifyWhenFocused: true,
    });
  });

  it('refuses a registry value of a type the templates never write, by name', () => {
    expect(() => parseRegExport(regExport([KEY_LINE, '"crmConnectors"=hex(7):5b,00,5d,00,00,00']))).toThrow(/"crmConnectors".*hex\(7\)/);
  });

  it('on Windows exports the policy key with reg.exe; no key means no Group Policy, any other failure is said', () => {
    const asked: (readonly string[])[] = [];
    const exporting: ProgramRunner = (file, args) => {
      asked.push([file, ...args]);
      fs.writeFileSync(args[2]!, regExport([KEY_LINE, '"defaultRegion"="HK"']));
      return Buffer.alloc(0);
    };
    expect(readManagedPolicy('win32', { run: exporting })).toEqual({ origin: `Group Policy (${WINDOWS_POLICY_KEY})`, values: { defaultRegion: 'HK' } });
    expect(asked[0]).toEqual(['reg.exe', 'export', WINDOWS_POLICY_KEY, expect.stringMatching(/policy\.reg$/), '/y', '/reg:64']);
    // The temp export does not stay behind.
    expect(fs.existsSync(path.dirname(String(asked[0]![3])))).toBe(false);

    const fail = (status: number) => () => {
      throw Object.assign(new Error(`reg.exe exited ${status}`), { status });
    };
    expect(readManagedPolicy('win32', { run: fail(1) })).toBeNull();
    expect(() => readManagedPolicy('win32', { run: fail(5) })).toThrow(/Could not read the Group Policy key .*exited 5/);
  });

  it('on macOS reads the MDM managed preferences through plutil, without MDM bookkeeping keys', () => {
    const plist = path.join(dir, 'com.zuoxi.workstation.plist');
    const noRun: ProgramRunner = () => {
      throw new Error('plutil must not run without the file');
    };
    expect(readManagedPolicy('darwin', { run: noRun, macPreferences: plist })).toBeNull();
    fs.writeFileSync(plist, 'binary plist');
    const plutil: ProgramRunner = (file, args) => {
      expect([file, ...args]).toEqual(['/usr/bin/plutil', '-convert', 'json', '-o', '-', plist]);
      return Buffer.from(JSON.stringify({ locale: 'en', PayloadUUID: 'x', notifyWhenFocused: false }));
    };
    expect(readManagedPolicy('darwin', { run: plutil, macPreferences: plist })).toEqual({ origin: `managed preferences (${plist})`, values: { locale: 'en', notifyWhenFocused: false } });
    const broken: ProgramRunner = () => Buffer.from('<not json>');
    expect(() => readManagedPolicy('darwin', { run: broken, macPreferences: plist })).toThrow(/could not be read as JSON/);
  });

  it('has no OS channel on Linux (the file is the channel there)', () => {
    expect(readManagedPolicy('linux')).toBeNull();
  });

  it('puts the OS channel in the policy layer over the policy file, locked for the agent, and refuses a bad one whole saying where it came from', () => {
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ locale: 'en', defaultRegion: 'HK' }));
    const sources = { userFile: path.join(dir, 'user.json'), policyFile: path.join(dir, 'policy.json') };
    const store = new SettingsStore({ ...sources, managed: { origin: 'Group Policy (test)', values: { locale: 'zh-CN', notifyWhenFocused: true } } });
    expect(store.current).toEqual({ ...DEFAULT_SETTINGS, locale: 'zh-CN', defaultRegion: 'HK', notifyWhenFocused: true });
    expect(store.layerOf('notifyWhenFocused')).toBe('policy');
    expect(() => store.set('notifyWhenFocused', false)).toThrow(/policy/);
    expect(() => new SettingsStore({ ...sources, managed: { origin: 'Group Policy (test)', values: { locale: 'fr', colour: 'red' } } })).toThrow(
      /The Group Policy \(test\) refused: .*locale/,
    );
  });

  it('reads a DWORD as true/false only for the boolean settings', () => {
    expect(BOOLEAN_SETTING_KEYS.has('notifyWhenFocused')).toBe(true);
    expect(BOOLEAN_SETTING_KEYS.has('lookupDeadlineMs')).toBe(false);
    expect(parseRegExport(regExport([KEY_LINE, '"notifyWhenFocused"=dword:00000000', '"cacheTtlSeconds"=dword:00000000']))).toEqual({ notifyWhenFocused: false, cacheTtlSeconds: 0 });
  });
});
