import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { ImportFormat, ImportRowError } from '../../../common/domain';

/** One contact as a file states it, before any checking. */
export interface SourceContact {
  name: string;
  company: string;
  tier: string;
  notes: string;
  tags: string[];
  numbers: { label: string; raw: string }[];
}

/** `row` is 1-based: the data row after the header (CSV) or the card's position (vCard). */
export type SourceRow = { row: number; contact: SourceContact } | { row: number; error: string };

export interface ParsedSource {
  rows: SourceRow[];
  /** Columns (CSV) or properties (vCard) the importer does not use. */
  ignoredColumns: string[];
}

export interface DecodedText {
  text: string;
  encoding: string;
}

/**
 * UTF-8 (with or without a BOM) unless the bytes cannot be UTF-8, then GBK: what Excel
 * on a Chinese Windows writes when asked for "CSV". A UTF-16 BOM ("Unicode text") is
 * honoured too.
 */
export function decodeText(content: Buffer): DecodedText {
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) {
    return { text: content.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (content[0] === 0xff && content[1] === 0xfe) return { text: iconv.decode(content.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (content[0] === 0xfe && content[1] === 0xff) return { text: iconv.decode(content.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  if (isUtf8(content)) return { text: content.toString('utf8'), encoding: 'utf-8' };
  return { text: iconv.decode(content, 'gbk'), encoding: 'gbk' };
}

/** The format asked for, else the file extension's, else what the text looks like. */
export function detectFormat(fileName: string, text: string, requested?: ImportFormat): ImportFormat {
  if (requested) return requested;
  const extension = path.extname(fileName).toLowerCase();
  if (extension === '.vcf' || extension === '.vcard') return 'vcard';
  if (extension === '.csv' || extension === '.tsv') return 'csv';
  return /^\s*BEGIN:VCARD/i.test(text.slice(0, 1024)) ? 'vcard' : 'csv';
}

/**
 * A person's name from its parts: family name first and unspaced when it is written in
 * CJK characters (张 + 三 → 张三), given name first otherwise (Ada + Lovelace).
 */
export function composeName(family: string, given: string): string {
  const parts = [family.trim(), given.trim()];
  if (!parts[0] || !parts[1]) return parts.join('');
  return /\p{Script=Han}/u.test(parts.join('')) ? parts.join('') : `${parts[1]} ${parts[0]}`;
}

/** Splits a cell holding several values ("138…; 139…", "vip，重点"), dropping empties and repeats. */
export function splitList(cell: string, separators: RegExp): string[] {
  return [...new Set(cell.split(separators).map((part) => part.trim()).filter((part) => part.length > 0))];
}

export function rowProblem(row: number, code: ImportRowError['code'], detail: string, reason: string): ImportRowError {
  return { row, code, detail, reason };
}
