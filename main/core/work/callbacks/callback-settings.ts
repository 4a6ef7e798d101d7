import { z } from 'zod';

/**
 * The callback policy a center tunes (Settings.callbacks). Data, not constants: one
 * center retries a busy line after 10 minutes, another waits for the afternoon.
 */
export const CallbackSettingsSchema = z
  .object({
    /** Attempts that reached the customer's network before the callback is abandoned. */
    maxAttempts: z.number().int().min(1).max(20),
    /**
     * Minutes to wait after attempt 1, 2, …; the last value repeats. A busy line is
     * worth trying again soon, a second failure less so: hence a list, not one number.
     */
    retrySpacingMinutes: z.array(z.number().int().min(1).max(7 * 24 * 60)).min(1).max(20),
    /** How long before a callback is due the agent is reminded (0: at the due time). */
    reminderLeadMinutes: z.number().int().min(0).max(24 * 60),
    /** A repair work order's callback deadline: 24 h in the seed (修障工单 24 小时内回访). */
    workOrderDueHours: z.number().int().min(1).max(24 * 14),
    /** A callback made by hand or at wrap-up without a time is due this much later. */
    defaultDueHours: z.number().int().min(0).max(24 * 14),
    /** How a number in the center's own region is sent to the PBX: as dialled domestically (13900139000), or as +86…. */
    dialFormat: z.enum(['domestic', 'e164']),
  })
  .strict();
export type CallbackSettings = z.output<typeof CallbackSettingsSchema>;

export const DEFAULT_CALLBACK_SETTINGS: CallbackSettings = {
  maxAttempts: 3,
  retrySpacingMinutes: [30, 120],
  reminderLeadMinutes: 15,
  workOrderDueHours: 24,
  defaultDueHours: 24,
  dialFormat: 'domestic',
};
