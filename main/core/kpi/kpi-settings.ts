import { z } from 'zod';

/**
 * The `kpi` key of the settings object. A center sets it once for every seat through IT
 * policy: the month the scorecard counts is the center's, not each PC's clock zone, and
 * the facts that live in the center's systems come from one endpoint.
 */
export const KpiFactsEndpointSchema = z
  .object({
    /**
     * GET for one agent's month; `{agent}` and `{month}` (YYYY-MM) are filled in, URL-encoded.
     * The reply is JSON: `{ "facts": [{ "agent"?, "month"?, "fact", "value", "ref"? }] }`
     * (agent and month default to the ones asked for). See main/core/kpi/README.md.
     */
    url: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://bi.example.com/kpi?agent={agent}&month={month}' })
      .max(2048),
    /** Name of the bearer token in the secret provider; null when the endpoint wants none. */
    tokenSecret: z.string().min(1).max(100).nullable().default(null),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();
export type KpiFactsEndpoint = z.output<typeof KpiFactsEndpointSchema>;

export const KpiSettingsSchema = z
  .object({
    /**
     * The center's offset from UTC in minutes (480 = China Standard Time): a KPI month
     * runs from the 1st 00:00 to the next 1st 00:00 there. null = this PC's own zone.
     */
    centerUtcOffsetMinutes: z.number().int().min(-720).max(840).nullable().default(null),
    /** Where survey, complaint, QA, exam, training, supervisor, sales and team (N1) figures are fetched; null = CSV import only. */
    factsEndpoint: KpiFactsEndpointSchema.nullable().default(null),
  })
  .strict();
export type KpiSettings = z.output<typeof KpiSettingsSchema>;

export const DEFAULT_KPI_SETTINGS: KpiSettings = { centerUtcOffsetMinutes: null, factsEndpoint: null };
