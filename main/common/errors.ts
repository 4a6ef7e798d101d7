// Error codes that cross the IPC boundary. The renderer switches on `code`, never on
// message text, so messages can be reworded (or translated) without breaking callers.
export const ERROR_CODES = [
  'invalid_payload', // the payload failed the contract's schema; the core never saw it
  'forbidden_sender', // the message did not come from one of our own windows' main frames
  'unknown_channel', // no such channel in the contract
  'not_found', // the thing asked for does not exist
  'invalid_input', // the core refused the input (e.g. a contact with no usable number)
  'policy_locked', // IT's managed policy sets this value: the agent cannot change it here
  'import_failed', // an import could not be read at all (nothing was written)
  'unavailable', // a dependency (database, connector) is not there right now
  'internal', // a bug: logged with its stack, reported without it
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one reply shape of every IPC call, on every transport. */
export type Reply<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * An error the core raises on purpose. Its message is safe to show to the agent;
 * any other thrown error becomes `internal` with a generic message.
 */
export class ZuoxiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ZuoxiError';
  }
}

export function isZuoxiError(error: unknown): error is ZuoxiError {
  return error instanceof ZuoxiError;
}
