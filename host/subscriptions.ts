// What the client has subscribed to (and not unsubscribed from) in the session connect() started:
// subscribed again when an automatic reconnect finds no session (MQTT.js's `resubscribe`).
export type QoS = 0 | 1 | 2;

export class Subscriptions {
  /** filter -> QoS, in the order they were last subscribed. */
  private readonly filters = new Map<string, QoS>();

  get size(): number {
    return this.filters.size;
  }

  add(filters: ReadonlyArray<readonly [string, QoS]>): void {
    for (const [topic, qos] of filters) {
      this.filters.delete(topic);
      this.filters.set(topic, qos);
    }
  }

  remove(filters: Iterable<string>): void {
    for (const topic of filters) this.filters.delete(topic);
  }

  /** The broker refused some of `filters` (granted 128): nothing to subscribe again for those. */
  refused(filters: readonly string[], granted: readonly number[]): void {
    for (let i = 0; i < filters.length; i++) if (granted[i] === 0x80) this.filters.delete(filters[i]);
  }

  clear(): void {
    this.filters.clear();
  }

  /** Everything, in subscribe calls of at most `perCall` filters each. */
  calls(perCall: number): Array<Array<[string, QoS]>> {
    const all = [...this.filters];
    const calls: Array<Array<[string, QoS]>> = [];
    for (let i = 0; i < all.length; i += perCall) calls.push(all.slice(i, i + perCall));
    return calls;
  }
}
