/**
 * The slice of drachtio-srf that call control uses, typed as drachtio-srf 5.0.29
 * really behaves (its bundled typings miss `noAck`, `proxy`, `auth`, Dialog#request
 * and more, and mistype the progress callbacks). Everything in calls/ goes through
 * these types; `srfPort` is the one place that casts.
 */
import type { EventEmitter } from 'node:events';
import Srf from 'drachtio-srf';

export interface SipMessageLike {
  body: string;
  get(name: string): string | undefined;
  has(name: string): boolean;
}

export interface SipRequestLike extends SipMessageLike {
  method: string;
  uri: string;
  /** Cancels a request we sent (drachtio-srf sends the CANCEL). */
  cancel(callback?: (err: unknown) => void): void;
  on(event: 'cancel', listener: () => void): this;
  on(event: 'response', listener: (res: SipResponseLike) => void): this;
}

export interface SipResponseLike extends SipMessageLike {
  status: number;
  reason: string;
  /** Answers an inbound request (the `res` of a handler). */
  send(status: number, reason?: string | Record<string, unknown>, opts?: Record<string, unknown>): void;
  finalResponseSent?: boolean;
}

export interface RequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string;
  proxy?: string;
  auth?: DigestCredentials;
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export interface DialogLike extends EventEmitter {
  readonly id: string;
  readonly sip: { callId: string; localTag: string; remoteTag: string };
  readonly local: { sdp: string; uri: string; contact: string };
  readonly remote: { sdp: string; uri: string };
  readonly connected: boolean;
  destroy(opts?: { headers?: Record<string, string> }): Promise<void>;
  /** Sends a re-INVITE with `sdp` and resolves with the far end's answer. */
  modify(sdp: string): Promise<string>;
  request(opts: { method: string; headers?: Record<string, string>; body?: string }): Promise<SipResponseLike>;
}

export interface UacOptions {
  localSdp?: string;
  headers?: Record<string, string>;
  proxy?: string;
  auth?: DigestCredentials;
  /** With no localSdp: resolve on the 200 with its offer and let us send the ACK (RFC 3725). */
  noAck?: boolean;
}

/** What createUAC resolves with when asked for `noAck` (third-party call control). */
export interface ThirdPartyOffer {
  sdp: string;
  ack(localSdp: string): Promise<DialogLike>;
  destroy(): Promise<void>;
}

export interface UacProgress {
  /** drachtio-srf calls it as (err, req), whatever its typings say. */
  cbRequest?: (err: unknown, req: SipRequestLike) => void;
  cbProvisional?: (res: SipResponseLike) => void;
}

export interface SrfLike {
  connect(opts: { host: string; port: number; secret: string }): void;
  disconnect(): void;
  on(event: 'connect', listener: (err: Error | null, hostport?: string) => void): this;
  on(event: 'error' | 'close' | 'reconnecting', listener: (err?: unknown) => void): this;
  removeAllListeners(event?: string): this;
  invite(handler: (req: SipRequestLike, res: SipResponseLike) => void): void;
  request(uri: string, opts: RequestOptions, callback: (err: unknown, req: SipRequestLike) => void): void;
  createUAS(req: SipRequestLike, res: SipResponseLike, opts: { localSdp: string; headers?: Record<string, string> }): Promise<DialogLike>;
  createUAC(uri: string, opts: UacOptions & { noAck: true }, progress?: UacProgress): Promise<ThirdPartyOffer>;
  createUAC(uri: string, opts: UacOptions, progress?: UacProgress): Promise<DialogLike>;
}

/** A fresh, unconnected drachtio-srf. */
export function createSrf(): SrfLike {
  return new Srf() as unknown as SrfLike;
}

interface WireProtocolInternals {
  closing?: boolean;
  socket?: { destroy(): void };
  reconnectVars?: { retryTimer?: ReturnType<typeof setTimeout> | null };
}

/**
 * Ends drachtio-srf's connection for good. `disconnect()` alone throws when no socket
 * is up (a server that refused our secret, or is not there), and then drachtio-srf's
 * wire protocol keeps reconnecting forever; so its retry state (5.0.29's
 * `_app.client.wp`) is closed as well, which is what a requested shutdown sets.
 */
export function closeSrf(srf: SrfLike): void {
  const wp = (srf as unknown as { _app?: { client?: { wp?: WireProtocolInternals } } })._app?.client?.wp;
  try {
    srf.disconnect();
  } catch {
    // Not connected: nothing to end but the retries below.
  }
  if (!wp) return;
  wp.closing = true;
  if (wp.reconnectVars?.retryTimer) clearTimeout(wp.reconnectVars.retryTimer);
  if (wp.reconnectVars) wp.reconnectVars.retryTimer = null;
  wp.socket?.destroy();
}

/** A SIP failure as drachtio-srf reports it (SipError): status and reason. */
export function sipStatusOf(error: unknown): { status: number; reason: string } | null {
  if (typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number') {
    const { status, reason } = error as { status: number; reason?: unknown };
    return { status, reason: typeof reason === 'string' ? reason : '' };
  }
  return null;
}

export function describeSipError(error: unknown): string {
  const sip = sipStatusOf(error);
  if (sip) return `${sip.status}${sip.reason ? ` ${sip.reason}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
