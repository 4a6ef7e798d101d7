import { PushGate, PushHub } from '../../../main/core/ipc/push-gate';

const status = (n: number) => ({ connection: 'offline' as const, connectionDetail: String(n), agentState: 'ready' as const });

describe('PushGate', () => {
  it('holds pushes until ready, then delivers them in order, then passes through', () => {
    const sent: string[] = [];
    const gate = new PushGate((_push, payload) => sent.push((payload as { connectionDetail: string }).connectionDetail));
    gate.push('status.changed', status(1));
    gate.push('status.changed', status(2));
    expect(sent).toEqual([]);
    gate.markReady();
    expect(sent).toEqual(['1', '2']);
    gate.push('status.changed', status(3));
    expect(sent).toEqual(['1', '2', '3']);
  });

  it('bounds what it holds, dropping the oldest', () => {
    const sent: string[] = [];
    const gate = new PushGate((_push, payload) => sent.push((payload as { connectionDetail: string }).connectionDetail), 2);
    [1, 2, 3].forEach((n) => gate.push('status.changed', status(n)));
    expect(gate.dropped).toBe(1);
    gate.markReady();
    expect(sent).toEqual(['2', '3']);
  });

  it('holds again after a reload resets it', () => {
    const sent: unknown[] = [];
    const gate = new PushGate((_p, payload) => sent.push(payload));
    gate.markReady();
    gate.reset();
    gate.push('status.changed', status(1));
    expect(sent).toHaveLength(0);
    expect(gate.heldCount).toBe(1);
  });
});

describe('PushHub', () => {
  it('fans out to attached gates and stops after detach', () => {
    const hub = new PushHub();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const gateA = new PushGate((_p, x) => a.push(x));
    const gateB = new PushGate((_p, x) => b.push(x));
    gateA.markReady();
    gateB.markReady();
    hub.attach(gateA);
    const detachB = hub.attach(gateB);
    hub.publish('status.changed', status(1));
    detachB();
    hub.publish('status.changed', status(2));
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(1);
  });
});
