import { z } from 'zod';

// The center's own lists for the agent's day. Kept beside the work services and merged
// into the one settings object (main/core/config/settings.ts), so IT's policy can fix
// them for every seat and they are read at the moment they are used.

const code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a code of lower-case letters, digits, _ or - (≤ 32)');
const label = z.string().trim().min(1).max(64);

const uniqueCodes = <T extends { code: string }>(list: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    if (seen.has(entry.code)) ctx.addIssue({ code: 'custom', path: [index, 'code'], message: `the code ${entry.code} is used twice` });
    seen.add(entry.code);
  });
};

/**
 * Why an agent may be not ready. `approved: false` reasons (a short break) are "away from
 * the seat": over `AWAY_LIMIT_MINUTES` they are a floor-rule demerit; approved ones
 * (lunch, training, meeting) are planned by the team leader and never are.
 */
export const NotReadyReasonSchema = z
  .object({ code, label, labelEn: label.optional(), approved: z.boolean().default(false) })
  .strict();
export const NotReadyReasonsSchema = z.array(NotReadyReasonSchema).min(1).max(50).superRefine(uniqueCodes);
export type NotReadyReason = z.output<typeof NotReadyReasonSchema>;

/** A disposition code (处理结果) or a work order's fault type: a code the back office routes on and a label for the agent. */
export const CodeLabelSchema = z.object({ code, label, labelEn: label.optional() }).strict();
export const CodeListSchema = z.array(CodeLabelSchema).max(100).superRefine(uniqueCodes);
export type CodeLabel = z.output<typeof CodeLabelSchema>;

/**
 * After-call work. Off by default: a line without the center's configuration behaves as
 * a plain phone (the next call may ring as soon as one ends).
 */
export const WrapUpSettingsSchema = z
  .object({
    /** An answered call is followed by wrap-up, during which no call rings. */
    enabled: z.boolean().default(false),
    /** Back to ready by itself this long after the call (once a required disposition is saved); null = only by hand. */
    autoReadyAfterSeconds: z.number().int().min(5).max(3600).nullable().default(null),
    /** The agent cannot leave wrap-up before a disposition for the call is saved. */
    dispositionRequired: z.boolean().default(false),
  })
  .strict();
export type WrapUpSettings = z.output<typeof WrapUpSettingsSchema>;

/**
 * What the agent is put in when the line first registers in a run: 'ready' keeps the
 * plain-phone behaviour (calls ring at once); 'off' waits for the agent to log in.
 */
export const AutoLoginSchema = z.enum(['ready', 'not_ready', 'off']);
export type AutoLogin = z.infer<typeof AutoLoginSchema>;

export const DEFAULT_NOT_READY_REASONS: NotReadyReason[] = [
  { code: 'break', label: '小休', labelEn: 'Break', approved: false },
  { code: 'lunch', label: '午餐', labelEn: 'Lunch', approved: true },
  { code: 'training', label: '培训', labelEn: 'Training', approved: true },
  { code: 'meeting', label: '会议', labelEn: 'Meeting', approved: true },
  { code: 'other', label: '其他', labelEn: 'Other', approved: false },
];

export const DEFAULT_DISPOSITIONS: CodeLabel[] = [
  { code: 'resolved', label: '已解决', labelEn: 'Resolved' },
  { code: 'inquiry', label: '咨询', labelEn: 'Inquiry' },
  { code: 'repair', label: '报修', labelEn: 'Repair order' },
  { code: 'complaint', label: '投诉', labelEn: 'Complaint' },
  { code: 'callback', label: '需回访', labelEn: 'Call back' },
  { code: 'wrong_number', label: '打错电话', labelEn: 'Wrong number' },
];

export const DEFAULT_FAULT_TYPES: CodeLabel[] = [
  { code: 'outage', label: '停电', labelEn: 'Power outage' },
  { code: 'line', label: '线路故障', labelEn: 'Line fault' },
  { code: 'meter', label: '电表故障', labelEn: 'Meter fault' },
  { code: 'voltage', label: '电压异常', labelEn: 'Voltage problem' },
  { code: 'other', label: '其他', labelEn: 'Other' },
];

export const DEFAULT_WRAP_UP: WrapUpSettings = { enabled: false, autoReadyAfterSeconds: null, dispositionRequired: false };
