/** How long a downloaded file's blob: URL stays valid: long enough for the save to read it. */
const KEEP_URL_MS = 60_000;

/**
 * Saves text as a file: a Blob behind a clicked <a download>. Chromium (the headless
 * host's page) downloads it, Electron asks where to save it; nothing is navigated.
 */
export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
  }
}
