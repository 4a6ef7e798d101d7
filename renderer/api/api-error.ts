import type { ErrorCode } from '../../main/common/errors';

/** A refused call, thrown by `call()`; callers switch on `code`, never on `message`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a store keeps of a failed call: enough to pick a translated message and show detail. */
export interface Failure {
  code: ErrorCode;
  message: string;
}

export function toFailure(error: unknown): Failure {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  // Anything else is a bug in the renderer itself (a throw inside a store action).
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
