/**
 * Dialog state (RFC 3261 §12): who we are, who they are, where to send the next
 * request and with which CSeq. The edge keeps it so drachtio applications can send
 * in-dialog requests to `sip:placeholder` and never track a route set themselves.
 */
import type { Timer } from './clock';
import type { AppLink } from './drachtio/app-registry';
import { parseNameAddr } from './sip/grammar';
import { SipHeaders, type SipRequest } from './sip/message';
import { newBranch } from './sip/responses';
import type { Protocol, SendTarget } from './transport/transport-layer';

export interface Dialog {
  /** drachtio's dialog id: `<Call-ID>;from-tag=<From tag of the creating request>`. */
  id: string;
  app: AppLink;
  role: 'uac' | 'uas';
  usage: 'INVITE' | 'SUBSCRIBE';
  state: 'early' | 'confirmed';
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (uac) or To (uas) value, with our tag. */
  localHeader: string;
  /** Their To (uac) or From (uas) value, with their tag. */
  remoteHeader: string;
  remoteTarget: string;
  /** Route values in the order requests carry them. */
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  localContact: string;
  protocol: Protocol;
  /** The TCP connection the dialog was set up on, reused for its requests. */
  connectionId: string | undefined;
  /** UAS: our 2xx to an INVITE, resent until its ACK arrives. */
  unacked: { cseq: number; retransmit: Timer | undefined; giveUp: Timer } | undefined;
  /** UAS: CSeq of the last ACK passed to the application (ACKs are not deduplicated by transactions). */
  lastAckedSeq: number | undefined;
  /** UAC: the INVITE CSeq whose 2xx the application still has to ACK. */
  awaitingAck: number | undefined;
  /** UAC: the ACK we sent, re-sent when the 2xx is retransmitted. */
  lastAck: { cseq: number; bytes: Buffer; target: SendTarget } | undefined;
  /** UAC: the INVITE was cancelled but answered 2xx anyway: BYE right after the ACK. */
  ackBye: boolean;
}

/** What identifies and routes a dialog; the rest is run-time state that starts empty. */
export type DialogInit = Omit<Dialog, 'unacked' | 'lastAckedSeq' | 'awaitingAck' | 'lastAck' | 'ackBye'>;

export function createDialog(init: DialogInit): Dialog {
  return { ...init, unacked: undefined, lastAckedSeq: undefined, awaitingAck: undefined, lastAck: undefined, ackBye: false };
}

export function dialogId(callId: string, fromTag: string): string {
  return `${callId};from-tag=${fromTag}`;
}

/** The URI inside a Contact, Route or Record-Route value. */
export function uriOf(value: string): string {
  return parseNameAddr(value)?.uri ?? value.replace(/^<|>$/g, '');
}

/** Dialogs by drachtio id and by the tags an incoming message carries. */
export class DialogStore {
  private readonly byId = new Map<string, Dialog>();
  private readonly byTags = new Map<string, Dialog>();
  private readonly byCallId = new Map<string, Dialog>();

  static tagKey(callId: string, localTag: string, remoteTag: string): string {
    return `${callId}\n${localTag}\n${remoteTag}`;
  }

  get size(): number {
    return this.byId.size;
  }

  all(): Dialog[] {
    return [...this.byId.values()];
  }

  add(dialog: Dialog): void {
    this.byId.set(dialog.id, dialog);
    this.byCallId.set(dialog.callId, dialog);
    if (dialog.remoteTag) this.byTags.set(DialogStore.tagKey(dialog.callId, dialog.localTag, dialog.remoteTag), dialog);
  }

  /** Records the remote tag once a response brings it (UAC early dialogs). */
  setRemoteTag(dialog: Dialog, tag: string): void {
    if (dialog.remoteTag) this.byTags.delete(DialogStore.tagKey(dialog.callId, dialog.localTag, dialog.remoteTag));
    dialog.remoteTag = tag;
    this.byTags.set(DialogStore.tagKey(dialog.callId, dialog.localTag, tag), dialog);
  }

  get(id: string): Dialog | undefined {
    return this.byId.get(id);
  }

  find(callId: string, localTag: string | undefined, remoteTag: string | undefined): Dialog | undefined {
    if (!localTag || !remoteTag) return undefined;
    return this.byTags.get(DialogStore.tagKey(callId, localTag, remoteTag));
  }

  findByCallId(callId: string): Dialog | undefined {
    return this.byCallId.get(callId);
  }

  remove(dialog: Dialog): void {
    dialog.unacked?.retransmit?.cancel();
    dialog.unacked?.giveUp.cancel();
    dialog.unacked = undefined;
    if (this.byId.get(dialog.id) === dialog) this.byId.delete(dialog.id);
    if (this.byCallId.get(dialog.callId) === dialog) this.byCallId.delete(dialog.callId);
    const key = DialogStore.tagKey(dialog.callId, dialog.localTag, dialog.remoteTag);
    if (this.byTags.get(key) === dialog) this.byTags.delete(key);
  }
}

/**
 * The Request-URI, Route headers and next hop of a request in `dialog`
 * (§12.2.1.1): loose routing when the first route has `lr`, strict otherwise.
 */
export function dialogRouting(dialog: Dialog): { uri: string; routes: string[]; nextHop: string } {
  const first = dialog.routeSet[0];
  if (first === undefined) return { uri: dialog.remoteTarget, routes: [], nextHop: dialog.remoteTarget };
  const firstUri = uriOf(first);
  if (/;lr(=|;|>|$)/i.test(firstUri)) return { uri: dialog.remoteTarget, routes: dialog.routeSet, nextHop: firstUri };
  return { uri: firstUri, routes: [...dialog.routeSet.slice(1), `<${dialog.remoteTarget}>`], nextHop: firstUri };
}

/** A request inside `dialog`, with the stack-owned headers filled in. */
export function buildInDialogRequest(
  dialog: Dialog,
  method: string,
  cseq: number,
  via: { protocol: Protocol; host: string; port: number },
  extra: SipHeaders = new SipHeaders(),
  body: Buffer = Buffer.alloc(0),
): { request: SipRequest; nextHop: string } {
  const { uri, routes, nextHop } = dialogRouting(dialog);
  const headers = new SipHeaders();
  headers.append('Via', `SIP/2.0/${via.protocol.toUpperCase()} ${via.host}:${via.port};branch=${newBranch()};rport`);
  headers.append('Max-Forwards', extra.get('max-forwards') ?? '70');
  for (const route of routes) headers.append('Route', route);
  headers.append('From', dialog.localHeader);
  headers.append('To', dialog.remoteHeader);
  headers.append('Call-ID', dialog.callId);
  headers.append('CSeq', `${cseq} ${method}`);
  for (const { name, value } of extra) if (name !== 'Max-Forwards') headers.append(name, value);
  return { request: { kind: 'request', method, uri, version: 'SIP/2.0', headers, body }, nextHop };
}
