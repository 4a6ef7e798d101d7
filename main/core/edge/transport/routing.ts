/**
 * Where messages go: responses by their top Via (RFC 3261 §18.2.2 with RFC 3581
 * rport), requests by their next hop URI (a subset of RFC 3263: the URI's
 * transport parameter, an explicit port or 5060, an A/AAAA lookup — no NAPTR/SRV).
 */
import dns from 'node:dns';
import net from 'node:net';
import { isSipUri, parseUri, type SipUri } from '../sip/grammar';
import type { SipRequest } from '../sip/message';
import { topVia } from '../sip/responses';
import type { MessageOrigin, Protocol, SendTarget } from './transport-layer';

/** Where the response to `request` (already stamped with received/rport) goes. */
export function responseTarget(request: { headers: SipRequest['headers'] }, origin: MessageOrigin): SendTarget {
  const via = topVia(request.headers);
  if (!via) {
    // Unparseable Via (RFC 4475 badinv01): the packet's source is all we have.
    const target: SendTarget = { protocol: origin.protocol, address: origin.address, port: origin.port };
    if (origin.connectionId) target.connectionId = origin.connectionId;
    return target;
  }
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  const address = received ?? via.host.replace(/^\[|\]$/g, '');
  const port = rport && /^\d+$/.test(rport) ? Number(rport) : (via.port ?? 5060);
  if (origin.protocol === 'udp') return { protocol: 'udp', address: net.isIP(address) ? address : origin.address, port };
  // Reliable transports answer on the same connection; the address is the fallback.
  const target: SendTarget = { protocol: origin.protocol, address: origin.address, port: via.port ?? origin.port };
  if (origin.connectionId) target.connectionId = origin.connectionId;
  return target;
}

export class RoutingError extends Error {}

export type Resolver = (host: string) => Promise<string>;

export const dnsResolver: Resolver = async (host) => (await dns.promises.lookup(host)).address;

/**
 * The transport, address and port a request to `uriText` goes to: what the URI's
 * transport parameter asks for, TLS for sips:, otherwise UDP (or TCP when UDP is
 * off). Default ports are 5060, and 5061 for TLS.
 */
export async function requestTarget(
  uriText: string,
  supports: (protocol: Protocol) => boolean,
  resolve: Resolver = dnsResolver,
): Promise<SendTarget> {
  const uri = parseUri(uriText.replace(/^<|>$/g, ''));
  if (!uri || !isSipUri(uri)) throw new RoutingError(`cannot route to ${uriText}`);
  const protocol = pickProtocol(uri, supports);
  const host = uri.host.replace(/^\[|\]$/g, '');
  const address = net.isIP(host) ? host : await resolve(host).catch(() => {
    throw new RoutingError(`cannot resolve ${host}`);
  });
  return { protocol, address, port: uri.port ?? (protocol === 'tls' ? 5061 : 5060) };
}

function pickProtocol(uri: SipUri, supports: (protocol: Protocol) => boolean): Protocol {
  const wanted = uri.params.get('transport')?.toLowerCase() ?? (uri.scheme === 'sips' ? 'tls' : undefined);
  if (wanted === 'tcp' || wanted === 'udp' || wanted === 'tls') {
    if (!supports(wanted)) throw new RoutingError(`requested protocol/transport not available: ${wanted}`);
    return wanted;
  }
  if (wanted !== undefined) throw new RoutingError(`requested protocol/transport not available: ${wanted}`);
  if (supports('udp')) return 'udp';
  if (supports('tcp')) return 'tcp';
  throw new RoutingError('no transport available');
}
