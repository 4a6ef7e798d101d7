import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemorySink, RotatingFileSink, StructuredLogger } from '../../../main/core/log/logger';

describe('StructuredLogger', () => {
  it('writes one JSON object per line with time, level, event and bindings', () => {
    const sink = new MemorySink();
    const log = new StructuredLogger(sink, 'info', {}, () => new Date('2026-01-02T03:04:05Z')).child({ module: 'x' });
    log.info('thing.happened', { count: 2 });
    expect(JSON.parse(sink.lines[0]!)).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'info',
      event: 'thing.happened',
      module: 'x',
      count: 2,
    });
  });

  it('drops lines below its level', () => {
    const sink = new MemorySink();
    const log = new StructuredLogger(sink, 'warn');
    log.info('quiet');
    log.warn('loud');
    expect(sink.lines).toHaveLength(1);
  });

  it('never writes secrets, at any level', () => {
    const sink = new MemorySink();
    const log = new StructuredLogger(sink, 'debug');
    log.debug('sip.register', { password: 'hunter2', authorization: 'Digest hunter2', sipSecret: 'hunter2' });
    expect(sink.text).not.toContain('hunter2');
  });

  it('keeps customer data out above debug level, and in at debug', () => {
    const infoSink = new MemorySink();
    new StructuredLogger(infoSink, 'info').info('lookup', { number: '+8613800138000', name: '王小明', ms: 3 });
    expect(infoSink.text).not.toContain('13800138000');
    expect(infoSink.text).not.toContain('王小明');
    expect(infoSink.text).toContain('"ms":3');

    const debugSink = new MemorySink();
    new StructuredLogger(debugSink, 'debug').debug('lookup', { number: '+8613800138000' });
    expect(debugSink.text).toContain('+8613800138000');
  });
});

describe('RotatingFileSink', () => {
  it('rotates by size and keeps the configured number of files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zuoxi-log-'));
    try {
      const sink = new RotatingFileSink(dir, 100, 3);
      for (let i = 0; i < 20; i += 1) sink.write(`${'x'.repeat(40)}${String(i).padStart(3, '0')}\n`);
      sink.close();
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(['zuoxi.1.log', 'zuoxi.2.log', 'zuoxi.log']);
      for (const file of files) expect(fs.statSync(path.join(dir, file)).size).toBeLessThanOrEqual(100);
      expect(fs.readFileSync(path.join(dir, 'zuoxi.log'), 'utf8')).toContain('019');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
