import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../main/core/config/settings';

// The Group Policy templates in build/policy/ are only read by Windows' Group Policy
// editor, which cannot run here. So hold them to the settings schema instead: one
// machine policy per setting, writing the value the reader (managed-policy.ts) expects
// under HKLM\SOFTWARE\Policies\Zuoxi — REG_SZ read as JSON when it parses, else as text;
// REG_DWORD a number, or 1/0 for a boolean — with every string in English and Chinese.
// Each check returns its problems; the last block feeds each one a broken template to
// show it would notice.

const POLICY_DIR = path.resolve(__dirname, '..', '..', 'build', 'policy');
const LANGUAGES = ['en-US', 'zh-CN'] as const;
type Language = (typeof LANGUAGES)[number];

const POLICY_KEY = 'Software\\Policies\\Zuoxi';
const REGISTRY_PATH = 'HKLM\\SOFTWARE\\Policies\\Zuoxi';
/** The ADMX schema types maxLength, minValue and maxValue as xs:unsignedInt. */
const UNSIGNED_INT_MAX = 4_294_967_295;
/** A text element's maxLength when the ADMX does not say: too short for a list of connectors. */
const DEFAULT_TEXT_MAX_LENGTH = 1023;
/** The words a JSON setting's explanation uses to say what the value is. */
const JSON_PHRASE: Record<Language, string> = { 'en-US': 'JSON, as in settings.json', 'zh-CN': '格式与 settings.json 相同' };

const SHAPE = SettingsSchema.shape as Record<string, z.ZodType>;
const SETTING_KEYS = Object.keys(SHAPE);
const DEFAULTS = DEFAULT_SETTINGS as Record<string, unknown>;

// ---- reading the XML

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  ignoreDeclaration: true,
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  // Every element is a list, so one <item> and three read alike.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

const all = (node: XmlNode | undefined, tag: string): XmlNode[] => (node?.[tag] as XmlNode[] | undefined) ?? [];
const one = (node: XmlNode | undefined, tag: string): XmlNode | undefined => all(node, tag)[0];
const attr = (node: XmlNode | undefined, name: string): string | undefined => node?.[`@${name}`] as string | undefined;
const text = (node: XmlNode | undefined): string => (node?.['#text'] as string | undefined) ?? '';

/** Every attribute value in the tree, with its name. */
function* attributes(node: XmlNode): Generator<[string, string]> {
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@')) yield [name.slice(1), value as string];
    else if (Array.isArray(value)) for (const child of value as XmlNode[]) yield* attributes(child);
  }
}

const readFile = (...parts: string[]) => fs.readFileSync(path.join(POLICY_DIR, ...parts), 'utf8');

interface RegistryValue {
  type: string;
  value: string;
}

interface PolicyElement {
  tag: string;
  id?: string;
  key?: string;
  valueName?: string;
  required?: string;
  maxLength?: string;
  minValue?: string;
  maxValue?: string;
  storeAsText?: string;
  items: Array<{ displayName?: string; value?: RegistryValue }>;
}

interface Policy {
  name: string;
  class?: string;
  key?: string;
  valueName?: string;
  displayName?: string;
  explainText?: string;
  presentation?: string;
  parentCategory?: string;
  supportedOn?: string;
  enabledValue?: RegistryValue;
  disabledValue?: RegistryValue;
  elements: PolicyElement[];
}

interface Admx {
  targetPrefix?: string;
  targetNamespace?: string;
  minRequiredRevision?: string;
  supportedOn: string[];
  categories: Array<{ name: string; parent?: string }>;
  policies: Policy[];
  /** Every $(string.x) and $(presentation.x) the file uses, by id. */
  stringRefs: Set<string>;
  presentationRefs: Set<string>;
  /** displayName / explainText / presentation attributes that are not such a reference. */
  literals: string[];
}

interface Control {
  tag: string;
  refId?: string;
  label: string;
  defaultValue?: string;
  defaultItem?: string;
}

interface Adml {
  revision?: string;
  strings: Map<string, string>;
  presentations: Map<string, Control[]>;
}

function readValue(node: XmlNode | undefined): RegistryValue | undefined {
  for (const type of ['decimal', 'longDecimal', 'string', 'delete']) {
    const child = one(node, type);
    if (child) return { type, value: type === 'string' ? text(child) : (attr(child, 'value') ?? '') };
  }
  return undefined;
}

const refId = (reference: string | undefined, table: 'string' | 'presentation') =>
  reference?.match(new RegExp(`^\\$\\(${table}\\.([^)]+)\\)$`))?.[1];

function parseAdmx(xml: string): Admx {
  const root = one(parser.parse(xml) as XmlNode, 'policyDefinitions');
  const namespaces = one(root, 'policyNamespaces');
  const stringRefs = new Set<string>();
  const presentationRefs = new Set<string>();
  const literals: string[] = [];
  if (root) {
    for (const [name, value] of attributes(root)) {
      if (name === 'displayName' || name === 'explainText') {
        const id = refId(value, 'string');
        if (id) stringRefs.add(id);
        else literals.push(`${name}="${value}"`);
      } else if (name === 'presentation') {
        const id = refId(value, 'presentation');
        if (id) presentationRefs.add(id);
        else literals.push(`${name}="${value}"`);
      }
    }
  }
  return {
    targetPrefix: attr(one(namespaces, 'target'), 'prefix'),
    targetNamespace: attr(one(namespaces, 'target'), 'namespace'),
    minRequiredRevision: attr(one(root, 'resources'), 'minRequiredRevision'),
    supportedOn: all(one(one(root, 'supportedOn'), 'definitions'), 'definition').map((d) => attr(d, 'name') ?? ''),
    categories: all(one(root, 'categories'), 'category').map((c) => ({
      name: attr(c, 'name') ?? '',
      parent: attr(one(c, 'parentCategory'), 'ref'),
    })),
    policies: all(one(root, 'policies'), 'policy').map((p) => ({
      name: attr(p, 'name') ?? '',
      class: attr(p, 'class'),
      key: attr(p, 'key'),
      valueName: attr(p, 'valueName'),
      displayName: refId(attr(p, 'displayName'), 'string'),
      explainText: refId(attr(p, 'explainText'), 'string'),
      presentation: refId(attr(p, 'presentation'), 'presentation'),
      parentCategory: attr(one(p, 'parentCategory'), 'ref'),
      supportedOn: attr(one(p, 'supportedOn'), 'ref'),
      enabledValue: readValue(one(p, 'enabledValue')),
      disabledValue: readValue(one(p, 'disabledValue')),
      elements: Object.entries(one(p, 'elements') ?? {}).flatMap(([tag, nodes]) =>
        tag.startsWith('@') || tag === '#text'
          ? []
          : (nodes as XmlNode[]).map((e) => ({
              tag,
              id: attr(e, 'id'),
              key: attr(e, 'key'),
              valueName: attr(e, 'valueName'),
              required: attr(e, 'required'),
              maxLength: attr(e, 'maxLength'),
              minValue: attr(e, 'minValue'),
              maxValue: attr(e, 'maxValue'),
              storeAsText: attr(e, 'storeAsText'),
              items: all(e, 'item').map((item) => ({
                displayName: refId(attr(item, 'displayName'), 'string'),
                value: readValue(one(item, 'value')),
              })),
            })),
      ),
    })),
    stringRefs,
    presentationRefs,
    literals,
  };
}

function parseAdml(xml: string): Adml {
  const root = one(parser.parse(xml) as XmlNode, 'policyDefinitionResources');
  const resources = one(root, 'resources');
  const strings = new Map<string, string>();
  for (const s of all(one(resources, 'stringTable'), 'string')) strings.set(attr(s, 'id') ?? '', text(s));
  const presentations = new Map<string, Control[]>();
  for (const p of all(one(resources, 'presentationTable'), 'presentation')) {
    const controls = Object.entries(p).flatMap(([tag, nodes]) =>
      tag.startsWith('@') || tag === '#text'
        ? []
        : (nodes as XmlNode[]).map((c) => ({
            tag,
            refId: attr(c, 'refId'),
            label: tag === 'textBox' ? text(one(c, 'label')) : text(c),
            defaultValue: tag === 'textBox' ? (one(c, 'defaultValue') ? text(one(c, 'defaultValue')) : undefined) : attr(c, 'defaultValue'),
            defaultItem: attr(c, 'defaultItem'),
          })),
    );
    presentations.set(attr(p, 'id') ?? '', controls);
  }
  return { revision: attr(root, 'revision'), strings, presentations };
}

// ---- what a setting's schema calls for

type Kind = 'enum' | 'number' | 'boolean' | 'string' | 'json';

/** The schema under nullable / optional / default: null is typed as JSON, and a default is the reader's business. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodNullable || inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  return inner;
}

/** The form a value takes in the registry: the enums, numbers, booleans and strings are plain; the rest is JSON text. */
function kindOf(schema: z.ZodType): Kind {
  const inner = unwrapped(schema);
  if (inner instanceof z.ZodEnum) return 'enum';
  if (inner instanceof z.ZodNumber) return 'number';
  if (inner instanceof z.ZodBoolean) return 'boolean';
  if (inner instanceof z.ZodString) return 'string';
  return 'json';
}

function enumOptions(schema: z.ZodType): string[] {
  const inner = unwrapped(schema);
  return inner instanceof z.ZodEnum ? [...(inner.options as string[])] : [];
}

/** The reader's rule for a REG_SZ: JSON when the text parses as JSON, else the text itself. */
function readRegSz(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

const ELEMENT_FOR: Record<Exclude<Kind, 'boolean'>, string> = { enum: 'enum', number: 'decimal', string: 'text', json: 'text' };
const CONTROL_FOR: Record<string, string> = { enum: 'dropdownList', decimal: 'decimalTextBox', text: 'textBox' };

const valueNamesOf = (policy: Policy): string[] =>
  policy.elements.length > 0 ? policy.elements.map((e) => e.valueName ?? `(an element of ${policy.name} without valueName)`) : [policy.valueName ?? `(${policy.name} without valueName)`];

const policyFor = (admx: Admx, key: string) => admx.policies.find((p) => valueNamesOf(p).includes(key));

// ---- the checks: each returns what is wrong, in words that say where

function wellFormedProblems(file: string, xml: string): string[] {
  const result = XMLValidator.validate(xml);
  return result === true ? [] : [`${file} is not well-formed XML: ${result.err.msg} (line ${result.err.line})`];
}

function coverageProblems(admx: Admx, settingKeys: string[]): string[] {
  const writers = new Map<string, string[]>();
  for (const policy of admx.policies) for (const name of valueNamesOf(policy)) writers.set(name, [...(writers.get(name) ?? []), policy.name]);
  const problems: string[] = [];
  for (const [name, policies] of writers) {
    if (!settingKeys.includes(name)) problems.push(`policy ${policies.join(', ')} writes "${name}", which is not a top-level key of SettingsSchema`);
    if (policies.length > 1) problems.push(`"${name}" is written by more than one policy: ${policies.join(', ')}`);
  }
  for (const key of settingKeys) {
    if (!writers.has(key)) problems.push(`setting "${key}" has no policy in build/policy/zuoxi.admx (add one, with its strings in both .adml files)`);
  }
  return problems;
}

function placementProblems(admx: Admx): string[] {
  const problems: string[] = [];
  const categories = new Set(admx.categories.map((c) => c.name));
  const roots = admx.categories.filter((c) => c.parent === undefined).map((c) => c.name);
  if (roots.join() !== 'Zuoxi') problems.push(`the top category should be Zuoxi alone, found ${roots.join(', ') || 'none'}`);
  for (const c of admx.categories) if (c.parent !== undefined && !categories.has(c.parent)) problems.push(`category ${c.name}: parent ${c.parent} is not defined`);
  for (const policy of admx.policies) {
    const where = `policy ${policy.name}`;
    if (policy.class !== 'Machine') problems.push(`${where}: class is ${policy.class}, not Machine`);
    if (policy.key !== POLICY_KEY) problems.push(`${where}: key is ${policy.key}, not ${POLICY_KEY}`);
    if (!policy.parentCategory || !categories.has(policy.parentCategory)) problems.push(`${where}: parentCategory ${policy.parentCategory} is not a defined category`);
    if (!policy.supportedOn || !admx.supportedOn.includes(policy.supportedOn)) problems.push(`${where}: supportedOn ${policy.supportedOn} is not defined`);
    for (const e of policy.elements) if (e.key !== undefined && e.key !== POLICY_KEY) problems.push(`${where}: element ${e.id} writes under ${e.key}`);
    // A policy-level valueName beside elements would also get a DWORD 1 when enabled, over the element's value.
    if (policy.elements.length > 0 && policy.valueName !== undefined) problems.push(`${where}: has elements and a valueName of its own`);
    if (policy.elements.length > 1) problems.push(`${where}: one setting per policy, found ${policy.elements.length} elements`);
  }
  return problems;
}

/** The element fits the setting's type: the schema accepts what the policy can write, and nothing it cannot is offered. */
function shapeProblems(admx: Admx, key: string): string[] {
  const schema = SHAPE[key];
  const policy = policyFor(admx, key);
  if (!schema) return [`"${key}" is not a setting`];
  if (!policy) return [`setting "${key}" has no policy`];
  const kind = kindOf(schema);
  const where = `policy ${policy.name} (${kind} setting ${key})`;
  const accepts = (value: unknown) => schema.safeParse(value).success;

  if (kind === 'boolean') {
    const problems: string[] = [];
    if (policy.elements.length > 0) problems.push(`${where}: a true/false setting is the policy's own enabled/disabled state, not an element`);
    if (policy.enabledValue?.type !== 'decimal' || policy.enabledValue.value !== '1') problems.push(`${where}: enabledValue must be decimal 1 (true), found ${JSON.stringify(policy.enabledValue)}`);
    if (policy.disabledValue?.type !== 'decimal' || policy.disabledValue.value !== '0') problems.push(`${where}: disabledValue must be decimal 0 (false), found ${JSON.stringify(policy.disabledValue)}`);
    if (!accepts(true) || !accepts(false)) problems.push(`${where}: the schema does not take true and false`);
    return problems;
  }

  const element = policy.elements[0];
  if (!element || element.tag !== ELEMENT_FOR[kind]) return [`${where}: wants a <${ELEMENT_FOR[kind]}> element, found ${element ? `<${element.tag}>` : 'none'}`];
  const problems: string[] = [];
  if (element.required !== 'true') problems.push(`${where}: the element should be required (an empty value is not a setting)`);

  if (kind === 'enum') {
    const offered = element.items.map((item) => item.value?.value ?? '');
    const allowed = enumOptions(schema);
    if ([...offered].sort().join('|') !== [...allowed].sort().join('|')) problems.push(`${where}: offers ${offered.join(', ')}; the schema allows ${allowed.join(', ')}`);
    for (const item of element.items) {
      if (item.value?.type !== 'string') problems.push(`${where}: item ${item.value?.value} is not written as a string`);
      else if (readRegSz(item.value.value) !== item.value.value || !accepts(readRegSz(item.value.value))) problems.push(`${where}: item ${item.value.value} would not read back as itself`);
    }
  }

  if (kind === 'number') {
    const min = Number(element.minValue ?? 0);
    const max = Number(element.maxValue ?? 9999);
    if (element.minValue === undefined || element.maxValue === undefined) problems.push(`${where}: say minValue and maxValue (the ADMX defaults are 0 and 9999)`);
    if (element.storeAsText === 'true') problems.push(`${where}: storeAsText would write a REG_SZ; the reader wants a REG_DWORD`);
    if (max > UNSIGNED_INT_MAX) problems.push(`${where}: maxValue ${max} is past what a DWORD holds`);
    if (!accepts(min)) problems.push(`${where}: the schema refuses minValue ${min}`);
    if (accepts(min - 1)) problems.push(`${where}: the schema also takes ${min - 1}, below minValue ${min}`);
    if (!accepts(max)) problems.push(`${where}: the schema refuses maxValue ${max}`);
    if (accepts(max + 1)) problems.push(`${where}: the schema also takes ${max + 1}, above maxValue ${max}`);
  }

  if (kind === 'json') {
    const maxLength = Number(element.maxLength ?? DEFAULT_TEXT_MAX_LENGTH);
    if (!(maxLength > DEFAULT_TEXT_MAX_LENGTH && maxLength <= UNSIGNED_INT_MAX)) problems.push(`${where}: maxLength ${element.maxLength} should be above ${DEFAULT_TEXT_MAX_LENGTH} and at most ${UNSIGNED_INT_MAX}`);
    const defaultLength = JSON.stringify(DEFAULTS[key]).length;
    if (defaultLength > maxLength) problems.push(`${where}: the built-in value alone is ${defaultLength} characters, over maxLength ${maxLength}`);
  }
  return problems;
}

function referenceProblems(admx: Admx, adml: Adml, language: Language): string[] {
  const problems: string[] = admx.literals.map((literal) => `zuoxi.admx: ${literal} should be a $(string.…) or $(presentation.…) reference`);
  const compare = (table: string, used: Set<string>, defined: Iterable<string>) => {
    const definedSet = new Set(defined);
    for (const id of used) if (!definedSet.has(id)) problems.push(`${language}/zuoxi.adml: ${table} "${id}" used by zuoxi.admx is missing`);
    for (const id of definedSet) if (!used.has(id)) problems.push(`${language}/zuoxi.adml: ${table} "${id}" is not used by zuoxi.admx`);
  };
  compare('string', admx.stringRefs, adml.strings.keys());
  compare('presentation', admx.presentationRefs, adml.presentations.keys());
  if (admx.minRequiredRevision !== adml.revision) problems.push(`${language}/zuoxi.adml: revision ${adml.revision}, zuoxi.admx asks for ${admx.minRequiredRevision}`);
  return problems;
}

/** The presentation shows each element once, with the control its type wants, preset to the built-in value. */
function presentationProblems(admx: Admx, adml: Adml, language: Language): string[] {
  const problems: string[] = [];
  for (const policy of admx.policies) {
    const where = `${language}/zuoxi.adml, policy ${policy.name}`;
    if (policy.elements.length === 0) {
      if (policy.presentation !== undefined) problems.push(`${where}: a policy without elements needs no presentation`);
      continue;
    }
    const controls = policy.presentation === undefined ? undefined : adml.presentations.get(policy.presentation);
    if (!controls) {
      problems.push(`${where}: presentation ${policy.presentation} is missing`);
      continue;
    }
    const ids = policy.elements.map((e) => e.id ?? '');
    const shown = controls.map((c) => c.refId ?? '');
    if ([...ids].sort().join() !== [...shown].sort().join()) problems.push(`${where}: the presentation shows ${shown.join(', ')}, the policy has ${ids.join(', ')}`);
    for (const element of policy.elements) {
      const control = controls.find((c) => c.refId === element.id);
      if (!control) continue;
      if (control.tag !== CONTROL_FOR[element.tag]) problems.push(`${where}: <${element.tag}> is shown by <${control.tag}>, wants <${CONTROL_FOR[element.tag]}>`);
      if (!control.label.trim()) problems.push(`${where}: ${control.refId} has no label`);
      const builtIn = DEFAULTS[element.valueName ?? ''];
      if (control.defaultItem !== undefined && element.items[Number(control.defaultItem)]?.value?.value !== builtIn) {
        problems.push(`${where}: defaultItem ${control.defaultItem} is not the built-in ${JSON.stringify(builtIn)}`);
      }
      if (control.defaultValue !== undefined && readRegSz(control.defaultValue) !== builtIn) {
        problems.push(`${where}: defaultValue ${control.defaultValue} is not the built-in ${JSON.stringify(builtIn)}`);
      }
    }
  }
  return problems;
}

/** The lines of an explanation that are a JSON example. */
const exampleLines = (explain: string) => explain.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{') || line.startsWith('['));

/** The explanation names its registry value; a JSON setting's also says so and gives one example the schema takes. */
function explainProblems(admx: Admx, adml: Adml, language: Language, key: string): string[] {
  const policy = policyFor(admx, key);
  const schema = SHAPE[key];
  if (!policy || !schema) return [`setting "${key}" has no policy`];
  const where = `${language}/zuoxi.adml, ${policy.explainText}`;
  const explain = policy.explainText === undefined ? undefined : adml.strings.get(policy.explainText);
  if (!explain?.trim()) return [`${where}: policy ${policy.name} has no explanation`];
  const problems: string[] = [];
  if (!explain.includes(`${REGISTRY_PATH}\\${key}`)) problems.push(`${where}: does not name its registry value ${REGISTRY_PATH}\\${key}`);
  if (kindOf(schema) !== 'json') return problems;

  if (!explain.includes(JSON_PHRASE[language])) problems.push(`${where}: should say the value is JSON (“${JSON_PHRASE[language]}”)`);
  const examples = exampleLines(explain);
  if (examples.length !== 1) return [...problems, `${where}: wants one example line, found ${examples.length}`];
  const example = examples[0] ?? '';
  let value: unknown;
  try {
    value = JSON.parse(example);
  } catch (error) {
    return [...problems, `${where}: the example is not JSON: ${(error as Error).message}`];
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) problems.push(`${where}: the schema refuses the example: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ')}`);
  return problems;
}

const CHINESE = /[\u4e00-\u9fff]/;

/** Every zh-CN string and label is written in Chinese, not left as the English. */
function translationProblems(english: Adml, chinese: Adml): string[] {
  const problems: string[] = [];
  for (const [id, zh] of chinese.strings) {
    if (!CHINESE.test(zh)) problems.push(`zh-CN/zuoxi.adml: string "${id}" has no Chinese: ${zh.slice(0, 60)}`);
    else if (zh === english.strings.get(id)) problems.push(`zh-CN/zuoxi.adml: string "${id}" is the English text`);
  }
  for (const [id, controls] of chinese.presentations) {
    for (const control of controls) {
      if (!CHINESE.test(control.label)) problems.push(`zh-CN/zuoxi.adml: presentation "${id}" label "${control.label}" has no Chinese`);
    }
  }
  return problems;
}

// ---- the templates

const admxXml = readFile('zuoxi.admx');
const admlXml = Object.fromEntries(LANGUAGES.map((language) => [language, readFile(language, 'zuoxi.adml')])) as Record<Language, string>;
const admx = parseAdmx(admxXml);
const adml = Object.fromEntries(LANGUAGES.map((language) => [language, parseAdml(admlXml[language])])) as Record<Language, Adml>;

describe('build/policy: the Group Policy templates', () => {
  test('are well-formed XML with the ADMX and ADML roots', () => {
    expect([wellFormedProblems('zuoxi.admx', admxXml), ...LANGUAGES.map((l) => wellFormedProblems(`${l}/zuoxi.adml`, admlXml[l]))].flat()).toEqual([]);
    expect(admx.policies.length).toBeGreaterThan(0);
    for (const language of LANGUAGES) expect(adml[language].strings.size).toBeGreaterThan(0);
  });

  test("declare Zuoxi's own namespace, and the ADML revision the ADMX asks for", () => {
    expect(admx.targetPrefix).toBe('zuoxi');
    expect(admx.targetNamespace).toBe('Zuoxi.Policies.Workstation');
    expect(admx.minRequiredRevision).toMatch(/^\d+\.\d+$/);
  });

  test('have one machine policy under Software\\Policies\\Zuoxi for every setting, named like it, and none for anything else', () => {
    expect(coverageProblems(admx, SETTING_KEYS)).toEqual([]);
    expect(placementProblems(admx)).toEqual([]);
  });

  test.each(SETTING_KEYS)('%s: the element its type calls for, within what the schema accepts', (key) => {
    expect(shapeProblems(admx, key)).toEqual([]);
  });

  test.each([
    ['locale', ['zh-CN', 'en']],
    ['logLevel', ['debug', 'info', 'warn', 'error']],
    ['autoLogin', ['ready', 'not_ready', 'off']],
  ])('%s is a dropdown of exactly the values the schema allows', (key, values) => {
    expect(enumOptions(SHAPE[key] as z.ZodType).sort()).toEqual([...values].sort());
    const items = policyFor(admx, key)?.elements[0]?.items.map((item) => item.value?.value);
    expect(items?.sort()).toEqual([...values].sort());
  });

  test.each([
    ['lookupDeadlineMs', 0, 5000],
    ['cacheTtlSeconds', 0, 7 * 86_400],
  ])('%s is a number from %d to %d, as the schema takes it', (key, min, max) => {
    const element = policyFor(admx, key)?.elements[0];
    expect(element?.tag).toBe('decimal');
    expect([Number(element?.minValue), Number(element?.maxValue)]).toEqual([min, max]);
  });

  test('notifyWhenFocused writes 1 when enabled and 0 when disabled', () => {
    const policy = policyFor(admx, 'notifyWhenFocused');
    expect(policy?.valueName).toBe('notifyWhenFocused');
    expect(policy?.enabledValue).toEqual({ type: 'decimal', value: '1' });
    expect(policy?.disabledValue).toEqual({ type: 'decimal', value: '0' });
  });

  test.each(LANGUAGES)('%s/zuoxi.adml defines every string and presentation zuoxi.admx uses, and nothing else', (language) => {
    expect(referenceProblems(admx, adml[language], language)).toEqual([]);
    expect(presentationProblems(admx, adml[language], language)).toEqual([]);
  });

  test.each(LANGUAGES.flatMap((language) => SETTING_KEYS.map((key) => [language, key] as const)))(
    '%s: the explanation of %s names its value, and a JSON one gives an example the schema takes',
    (language, key) => {
      expect(explainProblems(admx, adml[language], language, key)).toEqual([]);
    },
  );

  test('both languages give the same JSON examples', () => {
    const examples = (language: Language) => admx.policies.map((p) => exampleLines(adml[language].strings.get(p.explainText ?? '') ?? ''));
    expect(examples('zh-CN')).toEqual(examples('en-US'));
  });

  test('zh-CN is written in Chinese', () => {
    expect(translationProblems(adml['en-US'], adml['zh-CN'])).toEqual([]);
  });
});

describe('the template checks notice a broken template', () => {
  const copy = <T>(value: T): T => structuredClone(value);
  const withPolicy = (key: string, change: (policy: Policy) => void): Admx => {
    const broken = copy(admx);
    const policy = policyFor(broken, key);
    if (!policy) throw new Error(`no policy for ${key}`);
    change(policy);
    return broken;
  };
  const withExplain = (key: string, language: Language, change: (explain: string) => string): Adml => {
    const broken = copy(adml[language]);
    const id = policyFor(admx, key)?.explainText ?? '';
    broken.strings.set(id, change(broken.strings.get(id) ?? ''));
    return broken;
  };

  test('XML that is cut short', () => {
    expect(wellFormedProblems('zuoxi.admx', admxXml.slice(0, admxXml.length / 2))).toEqual([expect.stringMatching(/^zuoxi\.admx is not well-formed XML/)]);
  });

  test('a setting without a policy, and a policy for no setting', () => {
    expect(coverageProblems(admx, [...SETTING_KEYS, 'ringtone'])).toEqual([expect.stringContaining('setting "ringtone" has no policy')]);
    const renamed = withPolicy('wrapUp', (policy) => {
      if (policy.elements[0]) policy.elements[0].valueName = 'wrapup';
    });
    expect(coverageProblems(renamed, SETTING_KEYS)).toEqual([expect.stringContaining('writes "wrapup"'), expect.stringContaining('setting "wrapUp" has no policy')]);
  });

  test('a user policy, another key, or a valueName beside the element', () => {
    const broken = withPolicy('kpi', (policy) => {
      policy.class = 'User';
      policy.key = 'Software\\Zuoxi';
      policy.valueName = 'kpi';
    });
    expect(placementProblems(broken)).toEqual([
      expect.stringContaining('class is User'),
      expect.stringContaining('key is Software\\Zuoxi'),
      expect.stringContaining('has elements and a valueName'),
    ]);
  });

  test('a dropdown missing a value, or offering one the schema refuses', () => {
    const missing = withPolicy('logLevel', (policy) => policy.elements[0]?.items.pop());
    expect(shapeProblems(missing, 'logLevel')).toEqual([expect.stringContaining('the schema allows debug, info, warn, error')]);
    const extra = withPolicy('autoLogin', (policy) => policy.elements[0]?.items.push({ value: { type: 'string', value: 'busy' } }));
    expect(shapeProblems(extra, 'autoLogin')).toEqual([expect.stringContaining('offers ready, not_ready, off, busy'), expect.stringContaining('item busy would not read back')]);
  });

  test('a number range wider or narrower than the schema', () => {
    const wider = withPolicy('lookupDeadlineMs', (policy) => {
      if (policy.elements[0]) policy.elements[0].maxValue = '5001';
    });
    expect(shapeProblems(wider, 'lookupDeadlineMs')).toEqual([expect.stringContaining('refuses maxValue 5001')]);
    const narrower = withPolicy('cacheTtlSeconds', (policy) => {
      if (policy.elements[0]) policy.elements[0].minValue = '1';
    });
    expect(shapeProblems(narrower, 'cacheTtlSeconds')).toEqual([expect.stringContaining('also takes 0, below minValue 1')]);
    const unsaid = withPolicy('cacheTtlSeconds', (policy) => {
      if (policy.elements[0]) delete policy.elements[0].maxValue;
    });
    expect(shapeProblems(unsaid, 'cacheTtlSeconds')).toEqual([expect.stringContaining('say minValue and maxValue'), expect.stringContaining('also takes 10000, above maxValue 9999')]);
  });

  test('a boolean that writes the wrong way round', () => {
    const swapped = withPolicy('notifyWhenFocused', (policy) => {
      [policy.enabledValue, policy.disabledValue] = [policy.disabledValue, policy.enabledValue];
    });
    expect(shapeProblems(swapped, 'notifyWhenFocused')).toEqual([expect.stringContaining('enabledValue must be decimal 1'), expect.stringContaining('disabledValue must be decimal 0')]);
  });

  test('a JSON setting in a short text box, or as a dropdown', () => {
    const short = withPolicy('crmConnectors', (policy) => {
      if (policy.elements[0]) delete policy.elements[0].maxLength;
    });
    expect(shapeProblems(short, 'crmConnectors')).toEqual([expect.stringContaining('maxLength undefined should be above 1023')]);
    const dropdown = withPolicy('sipEdge', (policy) => {
      if (policy.elements[0]) policy.elements[0].tag = 'enum';
    });
    expect(shapeProblems(dropdown, 'sipEdge')).toEqual([expect.stringContaining('wants a <text> element, found <enum>')]);
  });

  test('a string missing from an ADML, one left over, and a presentation that shows the wrong control', () => {
    const broken = copy(adml['en-US']);
    broken.strings.delete('kpi');
    broken.strings.set('ringtone', 'Ringtone');
    expect(referenceProblems(admx, broken, 'en-US')).toEqual([expect.stringContaining('string "kpi" used by zuoxi.admx is missing'), expect.stringContaining('string "ringtone" is not used')]);
    const controls = broken.presentations.get('lookupDeadlineMs');
    if (controls?.[0]) controls[0].tag = 'textBox';
    broken.presentations.get('locale')?.forEach((control) => (control.defaultItem = '1'));
    expect(presentationProblems(admx, broken, 'en-US')).toEqual([
      expect.stringContaining('locale: defaultItem 1 is not the built-in "zh-CN"'),
      expect.stringContaining('lookupDeadlineMs: <decimal> is shown by <textBox>'),
    ]);
  });

  test('an example the schema refuses, one that is not JSON, and none at all', () => {
    const refused = withExplain('sipAccount', 'zh-CN', (explain) => explain.replace('"user":"8001"', '"user":"8001 x"'));
    expect(explainProblems(admx, refused, 'zh-CN', 'sipAccount')).toEqual([expect.stringContaining('the schema refuses the example: user')]);
    const notJson = withExplain('callbacks', 'en-US', (explain) => explain.replace('"dialFormat":"domestic"}', '"dialFormat":"domestic",}'));
    expect(explainProblems(admx, notJson, 'en-US', 'callbacks')).toEqual([expect.stringContaining('the example is not JSON')]);
    const none = withExplain('kpi', 'en-US', (explain) => explain.split('\n').filter((line) => !line.startsWith('{')).join('\n'));
    expect(explainProblems(admx, none, 'en-US', 'kpi')).toEqual([expect.stringContaining('wants one example line, found 0')]);
  });

  test('an explanation that forgets its registry value or that the value is JSON', () => {
    const vague = withExplain('wrapUp', 'en-US', (explain) => explain.replaceAll(REGISTRY_PATH, 'HKCU').replace(JSON_PHRASE['en-US'], 'text'));
    expect(explainProblems(admx, vague, 'en-US', 'wrapUp')).toEqual([expect.stringContaining('does not name its registry value'), expect.stringContaining('should say the value is JSON')]);
  });

  test('zh-CN text left in English', () => {
    const broken = copy(adml['zh-CN']);
    broken.strings.set('wrapUp', adml['en-US'].strings.get('wrapUp') ?? '');
    broken.strings.set('logLevel_debug', 'Debug (debug)');
    expect(translationProblems(adml['en-US'], broken)).toEqual([expect.stringContaining('string "logLevel_debug" has no Chinese'), expect.stringContaining('string "wrapUp" has no Chinese')]);
  });
});
