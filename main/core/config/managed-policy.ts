/**
 * Where IT's managed settings come from on each OS, read once at start-up into the
 * settings' policy layer (settings.ts). A policy that cannot be read as written is
 * refused whole with where it came from and why: half a policy applied is worse than
 * none, and a silent failure would leave IT believing a line is locked when it is not.
 *
 * - A JSON file with the settings' own keys, everywhere: `ZUOXI_POLICY_FILE`, else the
 *   machine-wide location (`/etc/zuoxi/policy.json`, `%ProgramData%\Zuoxi\policy.json`,
 *   `/Library/Application Support/Zuoxi/policy.json`). Absent is fine.
 * - Windows Group Policy: values under `HKLM\SOFTWARE\Policies\Zuoxi`, named like the
 *   settings (templates in build/policy/). A REG_SZ that parses as JSON is JSON, else text;
 *   a REG_DWORD is a number, or 1/0 for a boolean setting.
 * - macOS MDM: the managed preferences of `com.zuoxi.workstation`.
 *
 * These win over the file when both set a key: they are the channel a fleet is run with.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZuoxiError } from '../../common/errors';
import { BOOLEAN_SETTING_KEYS } from './settings';

/** Values read from a policy channel other than the JSON file, with where they came from. */
export interface ManagedPolicy {
  origin: string;
  values: Record<string, unknown>;
}

export const WINDOWS_POLICY_KEY = 'HKLM\\SOFTWARE\\Policies\\Zuoxi';
export const MAC_MANAGED_PREFERENCES = '/Library/Managed Preferences/com.zuoxi.workstation.plist';

/** Runs a program and returns its stdout; throws with `status` set when it exits non-zero. */
export type ProgramRunner = (file: string, args: readonly string[]) => Buffer;

const runProgram: ProgramRunner = (file, args) => execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

export function machinePolicyFile(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.ZUOXI_POLICY_FILE) return env.ZUOXI_POLICY_FILE;
  if (platform === 'win32') return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Zuoxi', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Zuoxi/policy.json';
  return '/etc/zuoxi/policy.json';
}

/** The OS channel's policy (Group Policy, MDM), or null when there is none on this machine. */
export function readManagedPolicy(
  platform: NodeJS.Platform,
  { run = runProgram, macPreferences = MAC_MANAGED_PREFERENCES }: { run?: ProgramRunner; macPreferences?: string } = {},
): ManagedPolicy | null {
  if (platform === 'win32') return readGroupPolicy(run);
  if (platform === 'darwin') return readMacManagedPreferences(run, macPreferences);
  return null;
}

/**
 * `reg export` rather than `reg query`: the export is UTF-16 whatever the console code
 * page, so a display name like 张三 survives; the 64-bit view is asked for explicitly.
 */
function readGroupPolicy(run: ProgramRunner): ManagedPolicy | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-policy-'));
  const file = path.join(dir, 'policy.reg');
  try {
    try {
      run('reg.exe', ['export', WINDOWS_POLICY_KEY, file, '/y', '/reg:64']);
    } catch (error) {
      // reg.exe exits 1 when the key does not exist: no Group Policy for Zuoxi on this machine.
      if ((error as { status?: number }).status === 1 && !fs.existsSync(file)) return null;
      throw new ZuoxiError('unavailable', `Could not read the Group Policy key ${WINDOWS_POLICY_KEY}: ${(error as Error).message}`);
    }
    return { origin: `Group Policy (${WINDOWS_POLICY_KEY})`, values: parseRegExport(fs.readFileSync(file)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function readMacManagedPreferences(run: ProgramRunner, file: string): ManagedPolicy | null {
  if (!fs.existsSync(file)) return null;
  const origin = `managed preferences (${file})`;
  let json: unknown;
  try {
    json = JSON.parse(run('/usr/bin/plutil', ['-convert', 'json', '-o', '-', file]).toString('utf8'));
  } catch (error) {
    throw new ZuoxiError('invalid_input', `The ${origin} could not be read as JSON (dates and data values are not settings): ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ZuoxiError('invalid_input', `The ${origin} is not a dictionary of settings`);
  // MDM adds bookkeeping keys of its own (PayloadUUID, …): they are not settings.
  const values = Object.fromEntries(Object.entries(json).filter(([key]) => !/^(Payload|PolicyOrigin)/.test(key)));
  return { origin, values };
}

/**
 * The values of a `reg export` file (UTF-16LE with a BOM, or UTF-8 in tests) for the one
 * key exported. Only REG_SZ and REG_DWORD are settings; another type is refused by name.
 */
export function parseRegExport(content: Buffer): Record<string, unknown> {
  const text = content[0] === 0xff && content[1] === 0xfe ? content.subarray(2).toString('utf16le') : content.toString('utf8').replace(/^\uFEFF/, '');
  const values: Record<string, unknown> = {};
  let inKey = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('[')) {
      // Sub-keys would be nested settings nobody defined: only the key itself is read.
      inKey = line.trim().toLowerCase() === `[${WINDOWS_POLICY_KEY.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE')}]`.toLowerCase();
      continue;
    }
    if (!inKey || line.trim() === '') continue;
    const entry = /^"((?:[^"\\]|\\.)*)"=(.*)$/.exec(line);
    if (!entry) continue;
    const name = unescapeRegString(entry[1] ?? '');
    const data = entry[2] ?? '';
    if (data.startsWith('"') && data.endsWith('"')) values[name] = textValue(unescapeRegString(data.slice(1, -1)));
    else if (data.startsWith('dword:')) {
      const number = Number.parseInt(data.slice('dword:'.length), 16);
      values[name] = BOOLEAN_SETTING_KEYS.has(name) ? number !== 0 : number;
    } else {
      throw new ZuoxiError('invalid_input', `Group Policy value "${name}" under ${WINDOWS_POLICY_KEY} is not a string or a DWORD (${data.split(':')[0]}); Zuoxi's templates only write those`);
    }
  }
  return values;
}

function unescapeRegString(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** JSON when it is JSON (objects, lists, numbers, true/false, null, "quoted"), the text itself otherwise. */
function textValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
