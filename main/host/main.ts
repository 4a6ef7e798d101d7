import path from 'node:path';
import { defaultDataDir } from '../core/config/data-dir';
import { machinePolicyFile, readManagedPolicy } from '../core/config/managed-policy';
import { Workstation } from '../core/workstation';
import { HeadlessHost } from './headless-host';

// The headless host's command line: the same core as the desktop app, served to a
// browser on this machine. `node dist/main/host/main.js [--data-dir DIR] [--port N]`.

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const dataDir = argValue('--data-dir') ?? process.env.ZUOXI_DATA_DIR ?? defaultDataDir();
  const port = Number(argValue('--port') ?? process.env.ZUOXI_PORT ?? 0);
  const root = path.resolve(__dirname, '..', '..', '..'); // dist/main/host → the repo
  const { version } = require(path.join(root, 'package.json')) as { version: string };
  const workstation = await Workstation.open({
    dataDir,
    host: 'headless',
    version,
    policyFile: machinePolicyFile(process.platform, process.env),
    managedPolicy: readManagedPolicy(process.platform),
  });
  const host = new HeadlessHost(workstation, { rendererDir: path.join(root, 'dist', 'renderer'), port });
  await host.start();
  process.stdout.write(`Zuoxi is running on this machine only. Data: ${dataDir}\nOpen: ${host.url}\n`);

  const shutdown = async () => {
    await host.stop();
    await workstation.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  process.stderr.write(`Zuoxi host failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
