/**
 * The little SDP surgery a signalling-only B2BUA needs. Zuoxi never touches media; it
 * passes one phone's SDP to the other, and only changes what the offer/answer model
 * (RFC 3264) requires of the side that sends it: the direction attribute for hold, and
 * an o= line that stays the same on each leg with a version that goes up by one for
 * every new offer (RFC 3264 §8) — even when the media behind it moves to another phone.
 */

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTION_LINE = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

function linesOf(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((line) => line !== '');
}

function join(lines: string[]): string {
  return lines.join('\r\n') + '\r\n';
}

/** Sets one direction on every media section (and drops session-level ones, which it would override). */
export function withDirection(sdp: string, direction: MediaDirection): string {
  const out: string[] = [];
  let inMedia = false;
  const closeSection = () => {
    if (inMedia) out.push(`a=${direction}`);
  };
  for (const line of linesOf(sdp)) {
    if (line.startsWith('m=')) {
      closeSection();
      inMedia = true;
      out.push(line);
      continue;
    }
    if (DIRECTION_LINE.test(line)) continue;
    out.push(line);
  }
  closeSection();
  return join(out);
}

/** The direction of the first media section (sendrecv when none is written, RFC 3264 §5.1). */
export function directionOf(sdp: string): MediaDirection {
  let inMedia = false;
  let session: MediaDirection | null = null;
  for (const line of linesOf(sdp)) {
    if (line.startsWith('m=')) {
      if (inMedia) break;
      inMedia = true;
      continue;
    }
    const match = DIRECTION_LINE.exec(line);
    if (match) {
      if (inMedia) return match[1] as MediaDirection;
      session = match[1] as MediaDirection;
    }
  }
  return session ?? 'sendrecv';
}

export interface SdpOrigin {
  username: string;
  sessionId: string;
  version: bigint;
  rest: string;
}

export function originOf(sdp: string): SdpOrigin | null {
  const line = linesOf(sdp).find((l) => l.startsWith('o='));
  const match = line ? /^o=(\S+) (\d+) (\d+) (.+)$/.exec(line) : null;
  if (!match) return null;
  return { username: match[1]!, sessionId: match[2]!, version: BigInt(match[3]!), rest: match[4]! };
}

function withOrigin(sdp: string, origin: SdpOrigin): string {
  return join(linesOf(sdp).map((line) => (line.startsWith('o=') ? `o=${origin.username} ${origin.sessionId} ${origin.version} ${origin.rest}` : line)));
}

/**
 * One leg's view of the SDP Zuoxi sends on it: the first SDP fixes the o= line, and
 * each later one is stamped with it and the next version, whoever's media it describes.
 */
export class LegOrigin {
  private origin: SdpOrigin | null = null;

  /** Returns `sdp` as this leg must see it. */
  stamp(sdp: string): string {
    const own = originOf(sdp);
    if (this.origin === null) {
      this.origin = own;
      return sdp;
    }
    this.origin = { ...this.origin, version: this.origin.version + 1n };
    return withOrigin(sdp, this.origin);
  }
}

/**
 * A "black hole" answer (RFC 3725 §4.2): accepts every audio stream of `offer` on
 * 0.0.0.0 with no media flowing, so a phone that answered can be ACKed at once and
 * given the real media later in a re-INVITE.
 */
export function blackHoleAnswer(offer: string, sessionId: string): string {
  const out = ['v=0', `o=zuoxi ${sessionId} 1 IN IP4 0.0.0.0`, 's=-', 'c=IN IP4 0.0.0.0', 't=0 0'];
  let keep = false;
  for (const line of linesOf(offer)) {
    if (line.startsWith('m=')) {
      const [kind, , proto, ...formats] = line.slice(2).split(' ');
      keep = kind === 'audio';
      out.push(keep ? `m=audio 9 ${proto} ${formats.join(' ')}` : `m=${kind} 0 ${proto} ${formats.join(' ')}`);
      if (keep) out.push('a=inactive');
      continue;
    }
    if (keep && /^a=(rtpmap|fmtp|ptime):/.test(line)) out.push(line);
  }
  return join(out);
}

/** Where a side will receive audio: "address:port" of the first audio stream (to tell whether it moved). */
export function audioTargetOf(sdp: string): string | null {
  let address: string | null = null;
  let port: string | null = null;
  let inAudio = false;
  for (const line of linesOf(sdp)) {
    if (line.startsWith('m=')) {
      if (port !== null) break;
      const parts = line.slice(2).split(' ');
      inAudio = parts[0] === 'audio';
      if (inAudio) port = parts[1] ?? null;
      continue;
    }
    if (line.startsWith('c=') && (address === null || inAudio)) address = line.split(' ')[2] ?? null;
  }
  return port === null || address === null ? null : `${address}:${port}`;
}
