/**
 * The connected drachtio applications and the SIP methods each asked for with
 * `route|<verb>`. New requests go round-robin to the applications that routed
 * their method, as drachtio-server does.
 */

/** One authenticated application connection, as the SIP side sees it. */
export interface AppLink {
  readonly id: string;
  readonly open: boolean;
  send(payload: Buffer | string): void;
}

export class AppRegistry {
  private readonly routes = new Map<string, AppLink[]>();
  private readonly turn = new Map<string, number>();

  route(app: AppLink, verb: string): void {
    const key = verb.toLowerCase();
    const list = this.routes.get(key) ?? [];
    if (!list.includes(app)) list.push(app);
    this.routes.set(key, list);
  }

  unroute(app: AppLink, verb: string): void {
    const key = verb.toLowerCase();
    const list = (this.routes.get(key) ?? []).filter((a) => a !== app);
    if (list.length > 0) this.routes.set(key, list);
    else this.routes.delete(key);
  }

  remove(app: AppLink): void {
    for (const verb of [...this.routes.keys()]) this.unroute(app, verb);
  }

  /** The next open application that routed `method`, if any. */
  pick(method: string): AppLink | undefined {
    const key = method.toLowerCase();
    const list = (this.routes.get(key) ?? []).filter((a) => a.open);
    if (list.length === 0) return undefined;
    const index = (this.turn.get(key) ?? 0) % list.length;
    this.turn.set(key, index + 1);
    return list[index];
  }

  routed(method: string): boolean {
    return (this.routes.get(method.toLowerCase()) ?? []).some((a) => a.open);
  }
}
