// Promise wrappers around the NodeMCU-shaped client, for tests.
import { Client } from "../../host/client.js";
import { deferred } from "./wait.js";

export interface Received { topic: string; data: string | Buffer }

/** connect(...) and resolve on the connect callback; reject with the reason on connfail. */
export function connected(c: Client, host: string, port: number, secure: unknown = 0, autoreconnect = 0, timeoutMs = 10_000): Promise<Client> {
  const d = deferred<Client>(`connect to ${host}:${port}`, timeoutMs);
  const ok = c.connect(host, port, secure, autoreconnect, (cl: Client) => d.resolve(cl),
    (_cl: Client, reason: number, err?: Error) => d.reject(Object.assign(new Error(`connfail ${reason}: ${err?.message ?? ""}`), { reason })));
  if (!ok) d.reject(new Error("connect() returned false"));
  return d.promise;
}

/** The reason given to the connect() failure callback. */
export function failure(c: Client, host: string, port: number, secure: unknown = 0, timeoutMs = 20_000): Promise<{ reason: number; error?: Error }> {
  const d = deferred<{ reason: number; error?: Error }>(`connfail from ${host}:${port}`, timeoutMs);
  const ok = c.connect(host, port, secure, 0, () => d.reject(new Error("connected, expected a failure")),
    (_cl: Client, reason: number, error?: Error) => d.resolve({ reason, error }));
  if (!ok) d.reject(new Error("connect() returned false"));
  return d.promise;
}

export function subscribed(c: Client, topic: string, qos: number): Promise<number[]> {
  const d = deferred<number[]>(`suback for ${topic}`);
  if (!c.subscribe(topic, qos, (_cl: Client, granted: number[]) => d.resolve(granted))) d.reject(new Error("subscribe() returned false"));
  return d.promise;
}

export function published(c: Client, topic: string, payload: string | Buffer, qos: number, retain = 0): Promise<void> {
  const d = deferred<void>(`publish ack on ${topic}`);
  if (!c.publish(topic, payload, qos, retain, () => d.resolve())) d.reject(new Error("publish() returned false"));
  return d.promise;
}

/** Collect messages into an array. */
export function collected(c: Client): Received[] {
  const got: Received[] = [];
  c.on("message", (_cl, topic, data) => { got.push({ topic, data }); });
  return got;
}

/** close() and wait for the socket to go (offline or immediately when not connected). */
export function closed(c: Client): Promise<void> {
  c.close();
  return new Promise((r) => setTimeout(r, 20));
}

let seq = 0;
/** A client id unique within this test run. */
export function uniqueId(prefix = "wq"): string {
  return `${prefix}-${process.pid}-${++seq}`;
}

/** Publish every [qos, payload] with at most `window` in flight; resolves when each callback has fired once. */
export function publishAll(c: Client, topic: string, items: Array<[number, string]>, window = 16, timeoutMs = 30_000): Promise<void> {
  const d = deferred<void>(`${items.length} publishes on ${topic}`, timeoutMs);
  let sent = 0;
  let done = 0;
  const fired = new Set<number>();
  const pump = () => {
    while (sent < items.length && sent - done < window) {
      const i = sent++;
      const [q, m] = items[i];
      if (!c.publish(topic, m, q, 0, () => {
        if (fired.has(i)) { d.reject(new Error(`callback of message ${i} fired twice`)); return; }
        fired.add(i);
        done++;
        if (done === items.length) d.resolve();
        else pump();
      })) { d.reject(new Error(`publish() returned false at message ${i} with ${sent - 1 - done} in flight`)); return; }
    }
  };
  pump();
  if (items.length === 0) d.resolve();
  return d.promise;
}
