import { z } from 'zod';

/**
 * Where the outbox is sent. Meant to become the `backOffice` key of the settings object
 * (main/core/config/settings.ts) when the sync worker is wired in; kept here until then
 * so the worker can be built and tested on its own. The auth token is not a setting:
 * the worker asks the secret provider for `tokenSecret` at each pass.
 */
export const BackOfficeSettingsSchema = z
  .object({
    /** Every outbox row is POSTed here as one JSON envelope (see README.md beside this file). */
    endpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://crm.example.com/api/zuoxi/outbox' }),
    /** Name of the bearer token in the secret provider; null when the back office wants none. */
    tokenSecret: z.string().min(1).max(100).nullable().default('backoffice.token'),
    /** Whole exchange (connect, send, response): past it the request is abandoned and retried. */
    requestTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** First retry delay; doubles per failed attempt of the same row. */
    backoffBaseMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Backoff never waits longer than this, so a recovered server is found within it. */
    backoffMaxMs: z.number().int().min(10).max(3_600_000).default(300_000),
    /** How often an idle worker looks for rows written without `Outbox.transaction` (which wakes it at once). */
    pollMs: z.number().int().min(50).max(3_600_000).default(5_000),
  })
  .strict();
export type BackOfficeSettings = z.output<typeof BackOfficeSettingsSchema>;
export type BackOfficeSettingsInput = z.input<typeof BackOfficeSettingsSchema>;

/** The token's well-known name, beside SECRET_NAMES in main/core/secrets.ts once wired. */
export const BACK_OFFICE_TOKEN_SECRET = 'backoffice.token';
