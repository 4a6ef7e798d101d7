import os from 'node:os';
import path from 'node:path';

/**
 * Where Electron's app.getPath('userData') puts Zuoxi's data on each OS, so the
 * headless host and the desktop app share one data directory by default.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Zuoxi');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Zuoxi');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Zuoxi');
  }
}
