import fs from 'node:fs';
import path from 'node:path';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line (e.g. the module name). */
  child(bindings: LogFields): Logger;
}

export interface LogSink {
  write(line: string): void;
  close(): void;
}

// Keys whose values never reach a log file at any level.
const SECRET_KEY = /pass(word)?|secret|token|authori[sz]ation|cookie|credential|api[-_]?key/i;
// Keys that hold customer data: written only at debug level (a support session's
// explicit choice), otherwise replaced by a marker that keeps the line useful.
const CUSTOMER_KEY = /^(name|display_?name|company|notes?|summary|number|numbers|raw|e164|phone|caller|callee|address|email|query|text|content)$/i;

export function redact(fields: LogFields, level: LogLevel): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = '[secret]';
    else if (level !== 'debug' && CUSTOMER_KEY.test(key)) out[key] = '[customer data]';
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message, stack: value.stack };
    else out[key] = value;
  }
  return out;
}

export class StructuredLogger implements Logger {
  private readonly threshold: number;

  constructor(
    private readonly sink: LogSink,
    level: LogLevel = 'info',
    private readonly bindings: LogFields = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  debug(event: string, fields?: LogFields): void {
    this.write('debug', event, fields);
  }
  info(event: string, fields?: LogFields): void {
    this.write('info', event, fields);
  }
  warn(event: string, fields?: LogFields): void {
    this.write('warn', event, fields);
  }
  error(event: string, fields?: LogFields): void {
    this.write('error', event, fields);
  }

  child(bindings: LogFields): Logger {
    const child = new StructuredLogger(this.sink, LOG_LEVELS[this.threshold], { ...this.bindings, ...bindings }, this.now);
    return child;
  }

  private write(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.threshold) return;
    const record = { time: this.now().toISOString(), level, event, ...redact({ ...this.bindings, ...fields }, level) };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level, event, note: 'fields not serialisable' });
    }
    this.sink.write(line + '\n');
  }
}

/**
 * Appends to `<dir>/zuoxi.log` and rotates by size: zuoxi.log → zuoxi.1.log → … up
 * to `keep` files. Writes are synchronous so the lines before a crash are on disk.
 */
export class RotatingFileSink implements LogSink {
  private fd: number | null = null;
  private size = 0;
  readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 5,
    baseName = 'zuoxi',
  ) {
    this.file = path.join(dir, `${baseName}.log`);
    this.baseName = baseName;
  }
  private readonly baseName: string;

  write(line: string): void {
    if (this.fd === null) this.open();
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    fs.writeSync(this.fd!, line);
    this.size += bytes;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const numbered = (n: number) => path.join(this.dir, `${this.baseName}.${n}.log`);
    fs.rmSync(numbered(this.keep - 1), { force: true });
    for (let n = this.keep - 2; n >= 1; n -= 1) {
      if (fs.existsSync(numbered(n))) fs.renameSync(numbered(n), numbered(n + 1));
    }
    if (this.keep > 1) fs.renameSync(this.file, numbered(1));
    this.open();
  }
}

/** Keeps lines in memory: for tests that assert on what was logged. */
export class MemorySink implements LogSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  close(): void {}
  get text(): string {
    return this.lines.join('');
  }
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
