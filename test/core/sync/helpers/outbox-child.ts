/**
 * The process the SIGKILL test kills. Compiled with esbuild at test start and run with
 * plain node, so it is a real, separate process holding a real sqlite file.
 *
 *   node outbox-child.js write <db> <total>   writes wrap-ups 1..total, each in one
 *                                             transaction with its outbox row; prints
 *                                             "ACK <seq>" after each commit; resumes
 *                                             after the last committed one.
 *   node outbox-child.js drain <db> <url>     runs the sync worker until the outbox
 *                                             is empty, then prints "DONE".
 *
 * stdout to a pipe is synchronous on Linux, so an ACK the parent read was written after
 * the commit had returned — which is what "acknowledged" means to a caller.
 */
import { silentLogger } from '../../../../main/core/log/logger';
import { MemorySecretProvider } from '../../../../main/core/secrets';
import { Database } from '../../../../main/core/store/database';
import { migrate } from '../../../../main/core/store/migrations';
import { NodeHttpSender } from '../../../../main/core/sync/http-sender';
import { Outbox } from '../../../../main/core/sync/outbox';
import { SyncWorker } from '../../../../main/core/sync/sync-worker';
import { OUTBOX_MIGRATIONS } from './outbox-store';

// The bearer token the test's back office expects (outbox-sigkill.test.ts).
const CHILD_TOKEN = 'child-token';
const DISPOSITIONS = ['已解决', '未解决', '转派维修', '客户不满意'];

async function main(): Promise<void> {
  const [mode, file, arg] = process.argv.slice(2);
  if (!file || !arg) throw new Error('usage: outbox-child (write <db> <total> | drain <db> <url>)');
  const db = await Database.open(file, silentLogger);
  await migrate(db, silentLogger, OUTBOX_MIGRATIONS);
  // No UNIQUE on seq on purpose: the test must be able to see a record written twice.
  await db.exec(`CREATE TABLE IF NOT EXISTS test_wrapups (
    id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, call_id TEXT NOT NULL, disposition TEXT NOT NULL, notes TEXT NOT NULL, created_at TEXT NOT NULL)`);
  const outbox = new Outbox(db);
  if (mode === 'write') await write(db, outbox, Number(arg));
  else if (mode === 'drain') await drain(outbox, arg);
  else throw new Error(`unknown mode ${mode}`);
  await db.close();
}

async function write(db: Database, outbox: Outbox, total: number): Promise<void> {
  const last = (await db.get<{ last: number | null }>('SELECT max(seq) AS last FROM test_wrapups'))?.last ?? 0;
  process.stdout.write(`START ${last + 1}\n`);
  for (let seq = last + 1; seq <= total; seq += 1) {
    const callId = `call-${seq}@zuoxi.test`;
    const disposition = DISPOSITIONS[seq % DISPOSITIONS.length]!;
    const notes = `第${seq}通：客户报修，故障类型 停电，地址 北京市海淀区中关村大街${seq}号`;
    await outbox.transaction(async (tx) => {
      const { lastId } = await tx.run('INSERT INTO test_wrapups (seq, call_id, disposition, notes, created_at) VALUES (?, ?, ?, ?, ?)', [
        seq,
        callId,
        disposition,
        notes,
        new Date().toISOString(),
      ]);
      await outbox.enqueue(tx, { kind: 'wrapup', payload: { seq, wrapupId: lastId, callId, disposition, notes } });
    });
    process.stdout.write(`ACK ${seq}\n`);
  }
  process.stdout.write('DONE\n');
}

async function drain(outbox: Outbox, url: string): Promise<void> {
  const worker = new SyncWorker({
    outbox,
    sender: new NodeHttpSender(),
    secrets: new MemorySecretProvider({ 'backoffice.token': CHILD_TOKEN }),
    settings: () => ({ endpoint: url, tokenSecret: 'backoffice.token', requestTimeoutMs: 10_000, backoffBaseMs: 50, backoffMaxMs: 500, pollMs: 200 }),
    log: silentLogger,
  });
  await new Promise<void>((resolve) => {
    worker.onStatus((status) => {
      if (status.activity === 'idle' && status.pending === 0) resolve();
    });
    worker.start();
  });
  await worker.close();
  process.stdout.write('DONE\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
