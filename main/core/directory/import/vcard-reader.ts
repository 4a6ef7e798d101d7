import iconv from 'iconv-lite';
import { ZuoxiError } from '../../../common/errors';
import { composeName, splitList, type ParsedSource, type SourceContact, type SourceRow } from './source-file';

interface Property {
  name: string;
  types: string[];
  encoding: string;
  charset: string;
  value: string;
}

// Structure and bookkeeping, not contact data: never reported as ignored.
const STRUCTURAL = new Set(['BEGIN', 'END', 'VERSION', 'PRODID', 'UID', 'REV']);
const USED = new Set(['FN', 'N', 'ORG', 'TEL', 'NOTE', 'CATEGORIES']);

/**
 * Reads vCard 2.1, 3.0 and 4.0: folded lines, quoted-printable values in any charset
 * iconv-lite knows (2.1 phones write CHARSET=GB2312 or UTF-8), backslash escapes, and
 * grouped properties (item1.TEL). A card without END:VCARD is reported and skipped.
 */
export function readVcard(text: string): ParsedSource {
  const rows: SourceRow[] = [];
  const ignored = new Set<string>();
  let card: Property[] | null = null;
  const close = (error?: string) => {
    if (card === null) return;
    const row = rows.length + 1;
    rows.push(error ? { row, error } : { row, contact: toContact(card) });
    card = null;
  };

  for (const line of unfold(text)) {
    const property = parseProperty(line);
    if (!property) continue;
    if (property.name === 'BEGIN' && property.value.trim().toUpperCase() === 'VCARD') {
      close('malformed card: BEGIN:VCARD without END:VCARD');
      card = [];
    } else if (property.name === 'END' && property.value.trim().toUpperCase() === 'VCARD') {
      close();
    } else if (card !== null) {
      card.push(property);
      if (!STRUCTURAL.has(property.name) && !USED.has(property.name)) ignored.add(property.name);
    }
  }
  close('malformed card: the file ends before END:VCARD');
  if (rows.length === 0) throw new ZuoxiError('import_failed', 'The file contains no vCard (BEGIN:VCARD … END:VCARD)');
  return { rows, ignoredColumns: [...ignored] };
}

function toContact(properties: readonly Property[]): SourceContact {
  const first = (name: string) => properties.find((property) => property.name === name);
  const structured = (property: Property | undefined) => (property ? splitUnescaped(property.value, ';').map(unescapeText) : []);
  const [family = '', given = ''] = structured(first('N'));
  return {
    name: unescapeText(first('FN')?.value ?? '').trim() || composeName(family, given),
    company: structured(first('ORG'))
      .filter((unit) => unit.trim() !== '')
      .join(' '),
    tier: '',
    notes: properties
      .filter((property) => property.name === 'NOTE')
      .map((property) => unescapeText(property.value).trim())
      .filter((note) => note !== '')
      .join('\n'),
    tags: [
      ...new Set(
        properties
          .filter((property) => property.name === 'CATEGORIES')
          .flatMap((property) => splitUnescaped(property.value, ',').map(unescapeText))
          .flatMap((tag) => splitList(tag, /[,，]/)),
      ),
    ],
    numbers: properties
      .filter((property) => property.name === 'TEL' && property.value.trim() !== '')
      .map((property) => ({ label: telLabel(property.types), raw: property.value.trim() })),
  };
}

function telLabel(types: readonly string[]): string {
  if (types.includes('cell') || types.includes('mobile')) return 'mobile';
  for (const label of ['work', 'home', 'fax']) if (types.includes(label)) return label;
  return 'other';
}

/**
 * Logical lines: a line starting with a space or tab continues the one before (RFC 6350
 * folding), and a quoted-printable value ending in '=' continues on the next line
 * (vCard 2.1 soft line breaks).
 */
function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const physical of text.split(/\r\n|\r|\n/)) {
    const last = lines.length - 1;
    const previous = lines[last];
    if (previous !== undefined && previous.endsWith('=') && isQuotedPrintable(previous)) {
      lines[last] = previous.slice(0, -1) + physical;
    } else if (previous !== undefined && (physical.startsWith(' ') || physical.startsWith('\t'))) {
      lines[last] = previous + physical.slice(1);
    } else if (physical.trim() !== '') {
      lines.push(physical);
    }
  }
  return lines;
}

function isQuotedPrintable(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && /QUOTED-PRINTABLE/i.test(line.slice(0, colon));
}

function parseProperty(line: string): Property | null {
  const colon = indexOutsideQuotes(line, ':');
  if (colon <= 0) return null;
  const [head = '', ...rawParams] = splitOutsideQuotes(line.slice(0, colon), ';');
  const name = (head.split('.').pop() ?? '').trim().toUpperCase();
  const property: Property = { name, types: [], encoding: '', charset: 'utf-8', value: line.slice(colon + 1) };
  for (const param of rawParams) {
    const equals = param.indexOf('=');
    // vCard 2.1 writes bare parameters: TEL;CELL;QUOTED-PRINTABLE:…
    const key = equals < 0 ? bareParameterKey(param) : param.slice(0, equals).trim().toUpperCase();
    const value = (equals < 0 ? param : param.slice(equals + 1)).replace(/"/g, '').trim();
    if (key === 'TYPE') property.types.push(...value.toLowerCase().split(',').map((type) => type.trim()));
    else if (key === 'ENCODING') property.encoding = value.toUpperCase();
    else if (key === 'CHARSET') property.charset = value.toLowerCase();
  }
  if (property.encoding === 'QUOTED-PRINTABLE') property.value = decodeQuotedPrintable(property.value, property.charset);
  // Binary values (photos, keys) are not contact text.
  if (property.encoding === 'BASE64' || property.encoding === 'B') property.value = '';
  return property;
}

function bareParameterKey(param: string): string {
  const value = param.trim().toUpperCase();
  if (value === 'QUOTED-PRINTABLE' || value === 'BASE64' || value === '8BIT') return 'ENCODING';
  return 'TYPE';
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const encoding = iconv.encodingExists(charset) ? charset : 'utf-8';
  const bytes: Buffer[] = [];
  let literal = '';
  const flushLiteral = () => {
    if (literal) bytes.push(iconv.encode(literal, encoding));
    literal = '';
  };
  for (let index = 0; index < value.length; index += 1) {
    const hex = value.slice(index + 1, index + 3);
    if (value[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      flushLiteral();
      bytes.push(Buffer.from([parseInt(hex, 16)]));
      index += 2;
    } else if (value[index] !== '=') {
      literal += value[index];
    }
  }
  flushLiteral();
  return iconv.decode(Buffer.concat(bytes), encoding);
}

/** vCard 3.0/4.0 text escapes: \n, \, \; and \\. */
function unescapeText(value: string): string {
  return value.replace(/\\([nN,;\\])/g, (_, char: string) => (char === 'n' || char === 'N' ? '\n' : char));
}

/** Splits on `separator` where it is not escaped with a backslash; escapes stay for unescapeText. */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value[index];
    if (char === '\\' && index + 1 < value.length) {
      current += char + value[index + 1];
      index += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function indexOutsideQuotes(text: string, char: string): number {
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '"') quoted = !quoted;
    else if (text[index] === char && !quoted) return index;
  }
  return -1;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '"') quoted = !quoted;
    else if (text[index] === separator && !quoted) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
