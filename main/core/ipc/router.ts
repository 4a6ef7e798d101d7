import { channels, isChannel, type Channel, type Handlers } from '../../common/contract';
import { isZuoxiError, type Reply } from '../../common/errors';
import type { Logger } from '../log/logger';

/**
 * The contract's gatekeeper, shared by the Electron shell and the headless host:
 * it parses every payload with the channel's zod schema before a handler sees it,
 * and turns every outcome into a `Reply`. Which *sender* may call is the
 * transport's job (frame checks in the shell, the secret in the host).
 */
export class IpcRouter {
  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
  ) {}

  async dispatch(channelName: unknown, payload: unknown): Promise<Reply<unknown>> {
    if (!isChannel(channelName)) {
      return { ok: false, code: 'unknown_channel', message: `No such channel: ${describe(channelName)}` };
    }
    const parsed = channels[channelName].args.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
        .join('; ');
      this.log.warn('ipc.invalid_payload', { channel: channelName, issues });
      return { ok: false, code: 'invalid_payload', message: `Invalid payload for ${channelName}: ${issues}` };
    }
    try {
      const handler = this.handlers[channelName] as (args: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (error) {
      return this.failure(channelName, error);
    }
  }

  private failure(channelName: Channel, error: unknown): Reply<never> {
    if (isZuoxiError(error)) {
      this.log.info('ipc.refused', { channel: channelName, code: error.code });
      return { ok: false, code: error.code, message: error.message };
    }
    this.log.error('ipc.handler_failed', { channel: channelName, error });
    return { ok: false, code: 'internal', message: `${channelName} failed; see the log for details` };
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
}
