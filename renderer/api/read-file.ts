/** The reader's result once `read` has started it on the reader. */
function readWith(read: (reader: FileReader) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.onload = () => resolve(String(reader.result));
    read(reader);
  });
}

/**
 * The file's bytes as base64, as the contract's `contentBase64` imports take them; the
 * core, not the browser, decides the text encoding (UTF-8 or GBK).
 */
export async function readFileAsBase64(file: Blob): Promise<string> {
  // A data: URL is the browser's native base64 encoder; only the header is cut off.
  const url = await readWith((reader) => reader.readAsDataURL(file));
  return url.slice(url.indexOf(',') + 1);
}

/** The file as UTF-8 text (a byte-order mark dropped), for imports that take text, such as scripts. */
export function readFileAsText(file: Blob): Promise<string> {
  return readWith((reader) => reader.readAsText(file, 'utf-8'));
}
