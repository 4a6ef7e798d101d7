import {
  AGENT_STATES,
  CALL_DIRECTIONS,
  CALL_END_CAUSES,
  CALL_OUTCOMES,
  CALL_STATES,
  CARD_SOURCE_STATUSES,
  CONNECTION_REASONS,
  CONNECTION_STATES,
  CONNECTOR_ERRORS,
  HISTORY_KINDS,
  LOCALES,
} from '../../../main/common/domain';
import { CALL_ACTIONS } from '../../../renderer/features/calls/call-rules';
import { CALL_HOTKEYS } from '../../../renderer/features/calls/hotkeys';
import { ERROR_CODES } from '../../../main/common/errors';
import { resources } from '../../../renderer/i18n';
import { formatDateTime } from '../../../renderer/i18n/format';
import { formatFetchedAt } from '../../../renderer/features/directory/components/card-sources';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [leaf, text] of leaves(value, path)) out.set(leaf, text);
  }
  return out;
}

const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, leaves(resources[locale].translation)]));

describe('translations', () => {
  it('give every language the same keys, none of them empty', () => {
    const zh = [...byLocale['zh-CN']!.keys()].sort();
    for (const locale of LOCALES) {
      expect([...byLocale[locale]!.keys()].sort()).toEqual(zh);
      for (const [key, text] of byLocale[locale]!) expect([key, text.trim().length > 0]).toEqual([key, true]);
    }
  });

  it('use the same interpolation variables in every language', () => {
    const variables = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((match) => match[1]).sort();
    for (const [key, zhText] of byLocale['zh-CN']!) {
      expect([key, variables(byLocale.en!.get(key)!)]).toEqual([key, variables(zhText)]);
    }
  });

  it('really translate: the English text is not the Chinese one, except for language names', () => {
    const same = [...byLocale['zh-CN']!].filter(([key, text]) => byLocale.en!.get(key) === text).map(([key]) => key);
    expect(same.sort()).toEqual(['language.en', 'language.zh-CN']);
  });

  it('name every error code, agent and connection state, connection reason, call state, outcome, end cause and action', () => {
    const expected = [
      ...CONNECTION_REASONS.map((reason) => `status.reason.${reason}`),
      'status.reason.registered',
      ...CALL_STATES.map((state) => `calls.state.${state}`),
      ...CALL_DIRECTIONS.map((direction) => `calls.direction.${direction}`),
      ...CALL_OUTCOMES.map((outcome) => `calls.ended.outcome.${outcome}`),
      ...CALL_END_CAUSES.map((cause) => `calls.ended.cause.${cause}`),
      ...CALL_ACTIONS.map((action) => `calls.actions.${action}`),
      ...CALL_ACTIONS.map((action) => `calls.failed.${action}`),
      ...Object.keys(CALL_HOTKEYS).map((action) => `calls.hotkeys.${action}`),
      ...ERROR_CODES.map((code) => `errors.${code}`),
      ...AGENT_STATES.map((state) => `status.agent.${state}`),
      ...CONNECTION_STATES.map((state) => `status.connection.${state}`),
      ...HISTORY_KINDS.map((kind) => `interaction.kind.${kind}`),
      ...LOCALES.map((locale) => `language.${locale}`),
    ];
    for (const key of expected) expect([key, byLocale['zh-CN']!.has(key)]).toEqual([key, true]);
  });
});

describe('connector words on the caller card', () => {
  it('name every source status and connector error code, in both languages', () => {
    const expected = [
      ...CARD_SOURCE_STATUSES.map((status) => `cardSources.status.${status}`),
      ...CARD_SOURCE_STATUSES.map((status) => `cardSources.title.${status}`),
      ...CONNECTOR_ERRORS.map((code) => `cardSources.error.${code}`),
    ];
    for (const locale of LOCALES) for (const key of expected) expect([locale, key, byLocale[locale]!.has(key)]).toEqual([locale, key, true]);
  });

  it('format when a source was fetched short, in the agent language, with the year only when it is not this one', () => {
    const now = new Date('2026-12-01T00:00:00');
    expect(formatFetchedAt('2026-11-29T14:02:00', 'zh-CN', now)).toBe('11月29日 14:02');
    expect(formatFetchedAt('2026-11-29T14:02:00', 'en', now)).toBe('Nov 29, 14:02');
    expect(formatFetchedAt('2025-11-29T14:02:00', 'zh-CN', now)).toMatch(/^2025年11月29日 14:02$/);
    expect(formatFetchedAt('not a date', 'en', now)).toBe('not a date');
  });
});

describe('formatDateTime', () => {
  it('formats in the agent language and leaves unparseable text as it is', () => {
    const iso = '2026-03-04T05:06:00.000Z';
    expect(formatDateTime(iso, 'zh-CN')).toMatch(/2026/);
    expect(formatDateTime(iso, 'zh-CN')).not.toBe(formatDateTime(iso, 'en'));
    expect(formatDateTime('yesterday-ish', 'en')).toBe('yesterday-ish');
  });
});
