import type { FieldProblem, SavedWorkOrder, SavedWrapUp, WorkOrderInput, WrapUpSaveResult } from '../../../common/channels/work';
import { ZuoxiError } from '../../../common/errors';
import type { Logger } from '../../log/logger';
import type { SqlExecutor } from '../../store/database';
import type { Outbox } from '../../sync/outbox';
import type { CodeLabel } from '../agent-state/work-settings';
import type { ScriptPath } from '../scripts/script-engine';

/**
 * Who wants to hear of a saved work order. The callbacks service subscribes here to make
 * the 24-hour repair callback (seed: every repair ticket is called back within 24 h of
 * its creation): in the workstation,
 *
 *   wrapUp.onWorkOrderSaved((order) => callbacks.createFromWorkOrder({ id: order.id, createdAt: order.createdAt, contactPhone: order.contactE164, subject: order.faultType }))
 *
 * Called after the wrap-up's transaction has committed, once per save that carries a
 * work order (a correction calls again with the same `id`: the subscriber dedupes on it).
 * A subscriber that throws is logged; the saved wrap-up stands.
 */
export type WorkOrderSavedListener = (order: SavedWorkOrder) => void | Promise<void>;

export interface WrapUpSettings {
  dispositions: CodeLabel[];
  faultTypes: CodeLabel[];
}

export interface WrapUpServiceOptions {
  outbox: Outbox;
  log: Logger;
  now: () => Date;
  settings: () => WrapUpSettings;
  /** The form's phone → E.164 (the directory's PhoneNumberNormalizer, default region); null when it is no number. */
  toE164: (raw: string) => string | null;
  /** Whether a Call-ID is a call of this seat (in progress or in the call log). */
  callKnown: (callId: string) => Promise<boolean>;
  /** The script path the agent took on the call, if a script ran (ScriptRun.path()). */
  scriptPath: (callId: string) => ScriptPath | null;
  /** Who the rows belong to (the extension). */
  agentId: () => string;
  /** The agent-state service: a saved disposition lets the agent leave wrap-up. */
  dispositionSaved: (callId: string) => Promise<void>;
}

export interface WrapUpInput {
  callId: string;
  disposition: string;
  notes: string;
  workOrder?: WorkOrderInput | null;
}

export const WRAP_UP_OUTBOX_KIND = 'wrapup';
export const WORK_ORDER_OUTBOX_KIND = 'work_order';

const ADDRESS = { min: 5, max: 200 };
const DESCRIPTION = { min: 5, max: 2000 };

interface WrapUpRow {
  id: number;
  call_id: string;
  disposition: string;
  notes: string;
  script_path: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
}

interface WorkOrderRow {
  id: number;
  call_id: string;
  fault_type: string;
  address: string;
  contact_phone: string;
  contact_e164: string;
  description: string;
  created_at: string;
  updated_at: string;
}

/**
 * Saves the agent's after-call work: disposition, notes, the work order and the call's
 * script path, all checked first and then written in one transaction with their outbox
 * rows, so the back office receives exactly what was saved, once.
 */
export class WrapUpService {
  private readonly listeners = new Set<WorkOrderSavedListener>();

  constructor(private readonly options: WrapUpServiceOptions) {}

  /** Subscribes to saved work orders (see WorkOrderSavedListener); returns the unsubscribe. */
  onWorkOrderSaved(listener: WorkOrderSavedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every field's problem, or none; also what `save` checks. */
  validate(input: WrapUpInput): FieldProblem[] {
    const { dispositions, faultTypes } = this.options.settings();
    const problems: FieldProblem[] = [];
    const add = (field: FieldProblem['field'], code: FieldProblem['code'], reason: string) => problems.push({ field, code, reason });
    const disposition = input.disposition.trim();
    if (!disposition) add('disposition', 'required', 'Choose a disposition');
    else if (!dispositions.some((entry) => entry.code === disposition)) add('disposition', 'unknown_code', `Unknown disposition ${JSON.stringify(disposition)}`);
    const order = input.workOrder;
    if (order) {
      const faultType = order.faultType.trim();
      if (!faultType) add('faultType', 'required', 'Choose the fault type');
      else if (!faultTypes.some((entry) => entry.code === faultType)) add('faultType', 'unknown_code', `Unknown fault type ${JSON.stringify(faultType)}`);
      checkLength(order.address, ADDRESS, 'address', 'The address', add);
      const phone = order.contactPhone.trim();
      if (!phone) add('contactPhone', 'required', 'Enter the contact phone');
      else if (!this.options.toE164(phone)) add('contactPhone', 'invalid_phone', `Not a phone number that can be called back: ${JSON.stringify(phone)}`);
      checkLength(order.description, DESCRIPTION, 'description', 'The description', add);
    }
    return problems;
  }

  async save(input: WrapUpInput): Promise<WrapUpSaveResult> {
    const problems = this.validate(input);
    if (problems.length > 0) return { saved: false, problems };
    if (!(await this.options.callKnown(input.callId))) throw new ZuoxiError('not_found', `No call ${input.callId} on this seat`);
    const now = this.options.now().toISOString();
    const agent = this.options.agentId();
    const path = this.options.scriptPath(input.callId);
    const disposition = input.disposition.trim();
    const notes = input.notes.trim();
    const order = input.workOrder ?? null;
    const saved = await this.options.outbox.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO wrap_ups (call_id, agent, disposition, notes, script_path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (call_id) DO UPDATE SET disposition = excluded.disposition, notes = excluded.notes,
           script_path = coalesce(excluded.script_path, wrap_ups.script_path), revision = wrap_ups.revision + 1, updated_at = excluded.updated_at`,
        [input.callId, agent, disposition, notes, path ? JSON.stringify(path) : null, now, now],
      );
      const wrapUp = (await tx.get<WrapUpRow>('SELECT * FROM wrap_ups WHERE call_id = ?', [input.callId]))!;
      let workOrder: WorkOrderRow | null = null;
      if (order) {
        await tx.run(
          `INSERT INTO work_orders (wrap_up_id, call_id, fault_type, address, contact_phone, contact_e164, description, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (call_id) DO UPDATE SET fault_type = excluded.fault_type, address = excluded.address, contact_phone = excluded.contact_phone,
             contact_e164 = excluded.contact_e164, description = excluded.description, updated_at = excluded.updated_at`,
          [wrapUp.id, input.callId, order.faultType.trim(), order.address.trim(), order.contactPhone.trim(), this.options.toE164(order.contactPhone.trim())!, order.description.trim(), now, now],
        );
        workOrder = (await tx.get<WorkOrderRow>('SELECT * FROM work_orders WHERE call_id = ?', [input.callId]))!;
      }
      const scriptPath = wrapUp.script_path ? (JSON.parse(wrapUp.script_path) as unknown) : null;
      await this.enqueue(tx, WRAP_UP_OUTBOX_KIND, `wrapup:${input.callId}:${wrapUp.revision}`, {
        agent,
        wrapUp: toWrapUp(wrapUp),
        scriptPath,
        workOrderId: workOrder?.id ?? null,
      });
      if (workOrder) {
        await this.enqueue(tx, WORK_ORDER_OUTBOX_KIND, `work-order:${input.callId}:${wrapUp.revision}`, { agent, workOrder: toWorkOrder(workOrder) });
      }
      return { wrapUp: toWrapUp(wrapUp), workOrder: workOrder ? toWorkOrder(workOrder) : null };
    });
    this.options.log.info('wrapup.saved', { callId: input.callId, revision: saved.wrapUp.revision, workOrderId: saved.workOrder?.id ?? null });
    await this.options.dispositionSaved(input.callId);
    if (saved.workOrder) await this.announce(saved.workOrder);
    return { saved: true, ...saved };
  }

  private async enqueue(tx: SqlExecutor, kind: string, key: string, payload: unknown): Promise<void> {
    // Keys are ASCII header values: a Call-ID is (RFC 3261 word characters); anything else is encoded.
    await this.options.outbox.enqueue(tx, { kind, payload, idempotencyKey: encodeURIComponent(key).slice(0, 200) });
  }

  private async announce(order: SavedWorkOrder): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(order);
      } catch (error) {
        this.options.log.error('wrapup.work_order_listener_failed', { workOrderId: order.id, error });
      }
    }
  }
}

function checkLength(
  value: string,
  limits: { min: number; max: number },
  field: FieldProblem['field'],
  name: string,
  add: (field: FieldProblem['field'], code: FieldProblem['code'], reason: string) => void,
): void {
  const text = value.trim();
  if (!text) add(field, 'required', `${name} is required`);
  else if ([...text].length < limits.min) add(field, 'too_short', `${name} needs at least ${limits.min} characters`);
  else if ([...text].length > limits.max) add(field, 'too_long', `${name} takes at most ${limits.max} characters`);
}

function toWrapUp(row: WrapUpRow): SavedWrapUp {
  return {
    id: row.id,
    callId: row.call_id,
    disposition: row.disposition,
    notes: row.notes,
    revision: row.revision,
    hasScriptPath: row.script_path !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toWorkOrder(row: WorkOrderRow): SavedWorkOrder {
  return {
    id: row.id,
    callId: row.call_id,
    faultType: row.fault_type,
    address: row.address,
    contactPhone: row.contact_phone,
    contactE164: row.contact_e164,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
