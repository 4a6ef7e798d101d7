/**
 * The file's bytes as base64, as the contract's `contentBase64` imports take them; the
 * core, not the browser, decides the text encoding (UTF-8 or GBK).
 */
export function readFileAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.onload = () => {
      // A data: URL is the browser's native base64 encoder; only the header is cut off.
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}
