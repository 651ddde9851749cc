// The interop scenarios, written once and run by each broker's test file for both clients:
// wasmqtt and MQTT.js (the yardstick). Each file starts its broker once.
import { createHash } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPLEMENTATIONS, mqttjs, wasmqtt, type Implementation, type Login, type Peer, type Received } from "./peers.js";

export interface InteropBroker {
  port: number;
  /** Stop and start again on the same port; persistent sessions survive. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export interface BrokerSpec {
  name: string;
  /** Start with one user, `USER`/`PASSWORD`, whom every login of the scenarios uses. */
  start(): Promise<InteropBroker>;
  /** What the broker grants a QoS 2 subscription (RabbitMQ delivers QoS 2 as QoS 1). */
  grantedForQos2: number;
  /** The CONNACK code the broker sends for a wrong password (the brokers differ). */
  wrongPasswordCode: number;
  /** Tests of this broker's own ways, run on the same broker instance. */
  more?(port: () => number): void;
  /** Messages MQTT.js loses of 100 QoS 2 messages queued while it was away (aedes 1.2 never sends
   *  PUBREL for the first one; MQTT.js delivers on PUBREL, wasmqtt on PUBLISH). */
  mqttjsLosesQueuedQos2?: string[];
}

export const USER = "interop";
export const PASSWORD = "secret";

/** A TCP relay to the broker that the test can cut without a DISCONNECT (for the will). */
async function relay(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, "127.0.0.1");
    for (const s of [inbound, outbound]) { sockets.add(s); s.on("error", () => {}); s.on("close", () => { inbound.destroy(); outbound.destroy(); }); }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => { for (const s of sockets) s.destroy(); },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

const MB = 1 << 20;

/** A payload of `size` bytes that differs from byte to byte (a lost or moved piece shows). */
function bigPayload(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = 0x41 + ((i * 7 + seed) % 26);
  return b;
}

/** What a test compares of a big message: its topic, length and digest (no 10 MB diffs). */
function digest(m: Received | { topic: string; payload: Buffer | string }): { topic: string; length: number; sha256: string } {
  const bytes = Buffer.from(m.payload);
  return { topic: m.topic, length: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** `a` sends `size` bytes to `b` while `b` sends as many to `a`; each gets exactly what was sent. */
async function bigBothWays(a: Peer, aTopic: string, b: Peer, bTopic: string, size: number): Promise<void> {
  await a.subscribe(aTopic, 1);
  await b.subscribe(bTopic, 1);
  const toB = bigPayload(size, 1), toA = bigPayload(size, 2);
  await Promise.all([a.publish(bTopic, toB, 1), b.publish(aTopic, toA, 1)]);
  expect((await b.receive(1, 60_000)).map(digest)).toEqual([digest({ topic: bTopic, payload: toB })]);
  expect((await a.receive(1, 60_000)).map(digest)).toEqual([digest({ topic: aTopic, payload: toA })]);
}

/** Publish `n` numbered messages with at most `window` unfinished. */
async function publishMany(peer: Peer, topic: string, n: number, qos: 0 | 1 | 2, window = 16): Promise<void> {
  let next = 0;
  const lane = async () => { while (next < n) { const i = next++; await peer.publish(topic, `m${i}`, qos); } };
  await Promise.all(Array.from({ length: window }, lane));
}

export function interopSuite(spec: BrokerSpec): void {
  describe(`interop with ${spec.name}`, () => {
    let broker: InteropBroker;
    const open: Peer[] = [];
    let seq = 0;
    const id = (impl: Implementation, what: string) => `${impl.name === "wasmqtt" ? "wq" : "js"}-${what}-${process.pid}-${++seq}`;
    const topic = (impl: Implementation, what: string) => `interop/${spec.name}/${id(impl, what)}`;
    const login = (impl: Implementation, what: string, more: Partial<Login> = {}): Login =>
      ({ port: broker.port, clientId: id(impl, what), username: USER, password: PASSWORD, ...more });
    async function connected(impl: Implementation, l: Login): Promise<Peer> {
      const p = await impl.connect(l);
      open.push(p);
      return p;
    }
    async function endAll(): Promise<void> {
      await Promise.all(open.splice(0).map((p) => p.end().catch(() => {})));
    }

    beforeAll(async () => { broker = await spec.start(); }, 90_000);
    afterAll(async () => { await endAll(); await broker?.dispose(); }, 30_000);

    for (const impl of IMPLEMENTATIONS) {
      describe(impl.name, () => {
        it("QoS 0, 1 and 2 both ways: every publish completes, every message arrives once", async () => {
          const me = await connected(impl, login(impl, "qos"));
          const other = await connected(mqttjs, login(mqttjs, "qos-peer"));
          const toMe = topic(impl, "in"), fromMe = topic(impl, "out");
          expect(await me.subscribe(toMe, 2)).toEqual([spec.grantedForQos2]);
          expect(await other.subscribe(fromMe, 2)).toEqual([spec.grantedForQos2]);
          for (const q of [0, 1, 2] as const) await me.publish(fromMe, `out q${q}`, q);
          for (const q of [0, 1, 2] as const) await other.publish(toMe, `in q${q}`, q);
          const byPayload = (a: { payload: string }, b: { payload: string }) => a.payload.localeCompare(b.payload);
          expect((await other.receive(3)).sort(byPayload)).toEqual(["out q0", "out q1", "out q2"].map((payload) => ({ topic: fromMe, payload, retain: false })));
          expect((await me.receive(3)).sort(byPayload)).toEqual(["in q0", "in q1", "in q2"].map((payload) => ({ topic: toMe, payload, retain: false })));
          await endAll();
          expect(me.received).toHaveLength(3);
          expect(other.received).toHaveLength(3);
        });

        it("a retained message reaches a later subscriber flagged retain, and an empty retained publish clears it", async () => {
          const t = topic(impl, "retained");
          const writer = await connected(impl, login(impl, "ret-w"));
          await writer.publish(t, "kept", 1, true);
          const reader = await connected(impl, login(impl, "ret-r"));
          await reader.subscribe(t, 1);
          expect(await reader.receive(1)).toEqual([{ topic: t, payload: "kept", retain: true }]);
          await writer.publish(t, "", 1, true);
          const late = await connected(impl, login(impl, "ret-late"));
          await late.subscribe(t, 1);
          await writer.publish(t, "after clearing", 1);
          expect(await late.receive(1)).toEqual([{ topic: t, payload: "after clearing", retain: false }]);
          await endAll();
        });

        it("the will is published when the connection drops without DISCONNECT", async () => {
          const t = topic(impl, "will");
          const watcher = await connected(mqttjs, login(mqttjs, "will-watch"));
          await watcher.subscribe(t, 1);
          const r = await relay(broker.port);
          try {
            await connected(impl, { ...login(impl, "will"), port: r.port, will: { topic: t, payload: "gone", qos: 1 } });
            r.cut();
            expect(await watcher.receive(1)).toEqual([{ topic: t, payload: "gone", retain: false }]);
          } finally {
            await r.close();
            await endAll();
          }
        });

        it(`a wrong password is refused with CONNACK ${spec.wrongPasswordCode}`, async () => {
          const err = await impl.connect(login(impl, "badpw", { password: "wrong" })).then(
            () => { throw new Error("connected with a wrong password"); },
            (e: { code?: number }) => e);
          expect(err.code).toBe(spec.wrongPasswordCode);
        });

        for (const qos of [0, 1, 2] as const) {
          it(`1,000 messages at QoS ${qos} to itself: each publish completes, each message arrives once`, async () => {
            const t = topic(impl, `many${qos}`);
            const me = await connected(impl, login(impl, `many${qos}`));
            await me.subscribe(t, qos);
            await publishMany(me, t, 1000, qos);
            const got = await me.receive(1000, 60_000);
            expect(new Set(got.map((m) => m.payload)).size).toBe(1000);
            await endAll();
            expect(me.received).toHaveLength(1000);
          }, 90_000);
        }

        for (const length of [300, 60_000]) {
          it(`a ${length.toLocaleString("en")}-byte topic both ways: subscribed, published and received whole`, async () => {
            const me = await connected(impl, login(impl, `topic${length}`));
            const t = topic(impl, `long${length}/`).padEnd(length, "x");
            expect(Buffer.byteLength(t)).toBe(length);
            expect(await me.subscribe(t, 1)).toEqual([1]);
            await me.publish(t, `on a ${length}-byte topic`, 1);
            expect(await me.receive(1)).toEqual([{ topic: t, payload: `on a ${length}-byte topic`, retain: false }]);
            await endAll();
          });
        }

        it("1 MB payloads both ways, byte for byte", async () => {
          const me = await connected(impl, login(impl, "1mb"));
          const other = await connected(mqttjs, login(mqttjs, "1mb-peer"));
          await bigBothWays(me, topic(impl, "1mb-in"), other, topic(impl, "1mb-out"), MB);
          await endAll();
        });

        it("100 subscribe calls in a row, none awaited: each granted, each filter delivers", async () => {
          const me = await connected(impl, login(impl, "subs"));
          const other = await connected(mqttjs, login(mqttjs, "subs-peer"));
          const base = topic(impl, "subs");
          const filters = Array.from({ length: 100 }, (_, i) => `${base}/${i}`);
          const granted = await Promise.all(filters.map((f) => me.subscribe(f, 1)));
          expect(granted).toEqual(filters.map(() => [1]));
          await Promise.all(filters.map((f, i) => other.publish(f, `to ${i}`, 1)));
          const got = await me.receive(100);
          expect(new Set(got.map((m) => `${m.topic} ${m.payload}`))).toEqual(new Set(filters.map((f, i) => `${f} to ${i}`)));
          await endAll();
          expect(me.received).toHaveLength(100);
        });

        it("after a lost connection finds no session, it subscribes again: the retained message comes back flagged retain", async () => {
          const t = topic(impl, "resub");
          const r = await relay(broker.port);
          try {
            const me = await connected(impl, { ...login(impl, "resub"), port: r.port, reconnect: true });
            const other = await connected(mqttjs, login(mqttjs, "resub-peer"));
            await me.subscribe(t, 1);
            await other.publish(t, "kept", 1, true);
            expect(await me.receive(1)).toEqual([{ topic: t, payload: "kept", retain: false }]);
            r.cut();
            // the retained message reaches only a subscription made after the reconnect
            expect(await me.receive(2)).toEqual([{ topic: t, payload: "kept", retain: false }, { topic: t, payload: "kept", retain: true }]);
            expect(me.connacks).toEqual([false, false]);
            await other.publish(t, "", 1, true);
          } finally {
            await endAll();
            await r.close();
          }
        });
      });
    }

    queuedQos2Scenario(() => broker.port, spec.mqttjsLosesQueuedQos2 ?? []);

    it("10 MB payloads both ways between wasmqtt and MQTT.js, byte for byte", async () => {
      const wq = await connected(wasmqtt, login(wasmqtt, "10mb"));
      const js = await connected(mqttjs, login(mqttjs, "10mb"));
      await bigBothWays(wq, topic(wasmqtt, "10mb"), js, topic(mqttjs, "10mb"), 10 * MB);
      await endAll();
    }, 90_000);

    spec.more?.(() => broker.port);

    it("a persistent session (both clients) survives a broker restart: queued QoS 1 messages arrive on return", async () => {
      const sessions = await Promise.all(IMPLEMENTATIONS.map(async (impl) => {
        const l = login(impl, "resume", { clean: false });
        const t = topic(impl, "resume");
        const p = await impl.connect(l);
        await p.subscribe(t, 1);
        await p.end();
        return { impl, l, t };
      }));
      await broker.restart();
      const sender = await connected(mqttjs, login(mqttjs, "resume-sender"));
      for (const s of sessions) await sender.publish(s.t, `while ${s.impl.name} was away`, 1);
      for (const s of sessions) {
        const back = await connected(s.impl, s.l);
        expect(await back.receive(1), s.impl.name).toEqual([{ topic: s.t, payload: `while ${s.impl.name} was away`, retain: false }]);
      }
      await endAll();
    }, 90_000);
  });
}

/** 100 QoS 2 messages queued for a persistent session while its client was away: on return each
 *  arrives once (all but `mqttjsLoses` for MQTT.js). Its own describe so a broker file can run it
 *  again on a differently configured broker. */
export function queuedQos2Scenario(port: () => number, mqttjsLoses: readonly string[], label = ""): void {
  for (const impl of IMPLEMENTATIONS) {
    it(`${impl.name}${label}: 100 QoS 2 messages queued while away arrive once each on return`, async () => {
      const n = `${impl.name === "wasmqtt" ? "wq" : "js"}-away-${process.pid}-${Date.now() % 1e6}`;
      const l: Login = { port: port(), clientId: n, clean: false, username: USER, password: PASSWORD };
      const t = `interop/away/${n}`;
      const first = await impl.connect(l);
      await first.subscribe(t, 2);
      await first.end();
      const sender = await mqttjs.connect({ port: port(), clientId: `${n}-sender`, username: USER, password: PASSWORD });
      await publishMany(sender, t, 100, 2);
      await sender.end();
      const back = await impl.connect(l);
      const expected = Array.from({ length: 100 }, (_, i) => `m${i}`).filter((m) => impl.name === "wasmqtt" || !mqttjsLoses.includes(m));
      try {
        await back.receive(expected.length);
      } finally {
        await back.end();
      }
      // each once: a duplicate or a message from nowhere would show in the sorted list
      expect(back.received.map((m) => m.payload).sort()).toEqual(expected.sort());
    }, 60_000);
  }
}
