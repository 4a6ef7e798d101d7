import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type ScriptFormat = 'yaml' | 'json';

/** 1-based, as an editor shows them; the column counts characters. */
export interface SourcePosition {
  line: number;
  column: number;
}

export type PathSegment = string | number;

/**
 * A script file parsed with its positions: the value to validate, and a way back from
 * a path in that value (["steps", 3, "next"]) to where it is written. YAML gives node
 * ranges natively; JSON is first checked by JSON.parse — so only real JSON is accepted —
 * and then read again by the YAML parser (JSON is YAML 1.2) just for the positions.
 */
export class ScriptSource {
  private constructor(
    readonly format: ScriptFormat,
    readonly text: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, format: ScriptFormat): { source: ScriptSource } | { syntax: SyntaxProblem[] } {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let value: unknown;
    if (format === 'json') {
      try {
        value = JSON.parse(body);
      } catch (error) {
        return { syntax: [jsonSyntaxProblem(body, error)] };
      }
    }
    const lines = new LineCounter();
    // uniqueKeys: a step written with two "next:" keys is a mistake, not "the last one wins".
    const doc = parseDocument(body, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
    if (doc.errors.length > 0) {
      return {
        syntax: doc.errors.map((error) => {
          const at = lines.linePos(error.pos[0]);
          return { line: at.line, column: at.col, reason: firstLine(error.message) };
        }),
      };
    }
    if (format === 'yaml') value = doc.toJS({ maxAliasCount: 100 });
    return { source: new ScriptSource(format, body, value, doc, lines) };
  }

  /** Where the value at `path` is written; for a path that does not exist, its nearest written ancestor. */
  position(path: readonly PathSegment[]): SourcePosition {
    return this.at(this.nodeAt(path)?.range?.[0] ?? 0);
  }

  /** Where a key of the map at `path` is written (for "unknown key"). */
  keyPosition(path: readonly PathSegment[], key: string): SourcePosition {
    const map = this.nodeAt(path);
    if (isMap(map)) {
      const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
      if (pair && isNode(pair.key) && pair.key.range) return this.at(pair.key.range[0]);
    }
    return this.position(path);
  }

  /**
   * Where the `occurrence`-th `needle` (e.g. "{customer.nmae}") sits inside the string at
   * `path`. Found in the source slice of that scalar, so quotes, indentation and block
   * scalars do not throw the column off; falls back to the scalar's start.
   */
  positionInString(path: readonly PathSegment[], needle: string, occurrence: number): SourcePosition {
    const node = this.nodeAt(path);
    const range = node?.range;
    if (!range) return this.position(path);
    const slice = this.text.slice(range[0], range[1]);
    let from = 0;
    for (let seen = 0; ; seen += 1) {
      const found = slice.indexOf(needle, from);
      if (found < 0) return this.at(range[0]);
      if (seen === occurrence) return this.at(range[0] + found);
      from = found + needle.length;
    }
  }

  private nodeAt(path: readonly PathSegment[]): Node | null {
    let node: unknown = this.doc.contents;
    let deepest: Node | null = isNode(node) ? node : null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        node = pair?.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        break;
      }
      if (!isNode(node)) break;
      deepest = node;
    }
    return deepest;
  }

  private at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

export interface SyntaxProblem extends SourcePosition {
  reason: string;
}

function jsonSyntaxProblem(text: string, error: unknown): SyntaxProblem {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]), reason: message };
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1, reason: `not valid JSON: ${message}` };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
