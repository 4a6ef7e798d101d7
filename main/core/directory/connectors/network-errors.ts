import { ConnectorError } from './connector';

// Node's codes for "nobody is there": the server is down, unplugged or not resolvable.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMED_OUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A socket-level failure as a connector error. Only the error code and a fixed phrase
 * go into the detail: messages may carry the URL, and the URL carries the caller's number.
 */
export function classifyNetworkError(error: unknown): ConnectorError {
  const code = errorCode(error);
  if (code !== null && UNREACHABLE.has(code)) return new ConnectorError('unreachable', `cannot connect (${code})`);
  if (code !== null && TIMED_OUT.has(code)) return new ConnectorError('timeout', `timed out (${code})`);
  // fetch's AbortSignal.timeout() says TimeoutError; ldapts says "Operation timed out".
  if (error instanceof Error && (error.name === 'TimeoutError' || /timed out|timeout/i.test(error.message))) return new ConnectorError('timeout', 'timed out');
  if (error instanceof Error && /connection closed|socket/i.test(error.message)) return new ConnectorError('unreachable', 'the connection was closed');
  return new ConnectorError('error', code !== null ? `failed (${code})` : `failed (${error instanceof Error ? error.name : typeof error})`);
}

/** The `code` of an error or of the errors behind it (fetch wraps the socket's error in `cause`). */
function errorCode(error: unknown): string | null {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
