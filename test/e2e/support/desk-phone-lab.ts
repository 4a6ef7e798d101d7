import type { Settings } from '../../../main/core/config/settings';
import { SipAccountSchema } from '../../../main/core/config/settings';
import type { Clock } from '../../../main/core/edge/clock';
import { MemorySecretProvider } from '../../../main/core/secrets';
import { Baresip, Kamailio } from '../../peers';
import { openSession, type Session } from './harness';

export const DOMAIN = 'zuoxi.test';
export const AGENT = { user: '8001', password: 'agent-E2e-pw!' };
export const CUSTOMER = { user: '13800138000', password: 'customer-pw' };

/**
 * The earlier issues' real-call scenario: kamailio is the PBX, a baresip the customer's
 * phone and another the agent's desk phone; the Workstation registers as the agent's
 * extension (desk-phone mode) and the renderer runs in real Chromium through the headless
 * host, with fast RFC 3261 timers (a lost packet on loopback costs milliseconds).
 */
export interface DeskPhoneLab {
  kamailio: Kamailio;
  desk: Baresip;
  customer: Baresip;
  session: Session;
  /** Everything stopped; safe to call after a failed start and more than once. */
  stop(): Promise<void>;
}

export interface DeskPhoneLabOptions {
  /** The customer's phone answers calls by itself (callbacks) or lets them ring. */
  customerAutoAnswer: boolean;
  /** Settings beside the line's own (wrap-up, callbacks…). */
  settings?: Partial<Settings>;
  /** The agent's display name on the line. */
  displayName?: string;
  workClock?: Clock;
  locale?: 'zh-CN' | 'en';
}

export async function openDeskPhoneLab(options: DeskPhoneLabOptions): Promise<DeskPhoneLab> {
  const started: Partial<Pick<DeskPhoneLab, 'kamailio' | 'desk' | 'customer' | 'session'>> = {};
  const stop = async () => {
    await started.session?.close().catch(() => undefined);
    await Promise.all([started.desk?.dispose(), started.customer?.dispose()].map((stopping) => stopping?.catch(() => undefined)));
    await started.kamailio?.dispose().catch(() => undefined);
  };
  try {
    const kamailio = (started.kamailio = await Kamailio.start({ domain: DOMAIN, users: { [AGENT.user]: AGENT.password, [CUSTOMER.user]: CUSTOMER.password } }));
    const desk = (started.desk = await Baresip.start({ name: 'desk', user: 'desk', autoAnswer: true, toneHz: 1000 }));
    const customer = (started.customer = await Baresip.start({
      name: 'customer',
      user: CUSTOMER.user,
      password: CUSTOMER.password,
      registrar: kamailio,
      autoAnswer: options.customerAutoAnswer,
      toneHz: 440,
    }));
    const session = (started.session = await openSession(options.locale ?? 'zh-CN', {
      secrets: new MemorySecretProvider({ 'sip.password': AGENT.password }),
      settings: {
        sipAccount: SipAccountSchema.parse({ registrar: kamailio.uri, domain: DOMAIN, user: AGENT.user, registerExpires: 60, ...(options.displayName ? { displayName: options.displayName } : {}) }),
        sipEdge: { mode: 'embedded', host: '127.0.0.1', udpPort: 0, tcpPort: 0 },
        deskPhoneUri: desk.uri,
        ...options.settings,
      },
      ...(options.workClock ? { workClock: options.workClock } : {}),
      calls: { edgeTimers: { t1: 100, t2: 400, t4: 500 }, backoff: { initialMs: 500, maxMs: 2000 } },
    }));
    return { kamailio, desk, customer, session, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
