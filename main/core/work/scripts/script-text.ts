import { KNOWN_VARIABLES } from './script-model';

/**
 * Script text with variables: `{customer.name}` is replaced by the caller's name,
 * `{customer.name|先生/女士}` falls back to 先生/女士 when the name is not known, and
 * `{{` / `}}` stand for literal braces.
 */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'variable';
      name: string;
      fallback: string | null;
      /** The placeholder as written, braces included; `index` is where it starts in the text. */
      raw: string;
      index: number;
    };

export interface TemplateProblem {
  code: 'unknown_variable' | 'bad_placeholder';
  /** Where in the text, so the importer can point at the column. */
  index: number;
  raw: string;
  reason: string;
}

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;
const NAME = /^\s*([^|]*?)\s*(?:\|(.*))?$/s;

export function parseTemplate(text: string): { parts: TemplatePart[]; problems: TemplateProblem[] } {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index;
    literal += text.slice(last, index);
    last = index + match[0].length;
    if (match[0] === '{{') literal += '{';
    else if (match[0] === '}}') literal += '}';
    else if (match[0] === '{' || match[0] === '}') {
      problems.push({
        code: 'bad_placeholder',
        index,
        raw: match[0],
        reason: `a "${match[0]}" without its pair; write {{ or }} for a literal brace`,
      });
    } else {
      const [, name = '', fallback] = NAME.exec(match[1] ?? '') ?? [];
      if (!(name in KNOWN_VARIABLES)) {
        problems.push({
          code: 'unknown_variable',
          index,
          raw: match[0],
          reason: `unknown variable "${name}" in ${match[0]}; known: ${Object.keys(KNOWN_VARIABLES).join(', ')}`,
        });
      }
      if (literal) parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'variable', name, fallback: fallback === undefined ? null : fallback.trim(), raw: match[0], index });
    }
  }
  literal += text.slice(last);
  if (literal) parts.push({ kind: 'text', text: literal });
  return { parts, problems };
}

export type FilledPart = { kind: 'text'; text: string } | { kind: 'variable'; name: string; value: string; missing: boolean };

export interface FilledText {
  /** The sentence to read out; plain text, never markup. */
  text: string;
  /** The same, with each variable marked, so the panel can highlight values (as text nodes) and flag missing ones. */
  parts: FilledPart[];
}

/** Longest value a caller or CRM field contributes to a sentence. */
const MAX_VALUE_CHARS = 128;
// C0/C1 controls and the bidi overrides/isolates: a caller-supplied name must not be able
// to reorder the sentence around it on screen or break it across lines.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** Caller and CRM text as one plain line: controls removed, whitespace collapsed, length capped. */
export function plainValue(value: string): string {
  const cleaned = value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > MAX_VALUE_CHARS ? `${cleaned.slice(0, MAX_VALUE_CHARS - 1)}…` : cleaned;
}

/**
 * Fills a parsed template in one pass: a value is inserted as it is and never read
 * again, so a customer called "{agent.name}" stays "{agent.name}".
 */
export function fillTemplate(parts: readonly TemplatePart[], lookup: (name: string) => string | null | undefined): FilledText {
  const filled: FilledPart[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      filled.push(part);
      continue;
    }
    const raw = lookup(part.name);
    const value = raw === null || raw === undefined ? '' : plainValue(raw);
    if (value) filled.push({ kind: 'variable', name: part.name, value, missing: false });
    else filled.push({ kind: 'variable', name: part.name, value: part.fallback ?? '', missing: true });
  }
  return { text: filled.map((part) => (part.kind === 'text' ? part.text : part.value)).join(''), parts: filled };
}
