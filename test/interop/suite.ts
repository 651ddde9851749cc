// The interop scenarios, written once and run by each broker's test file for both clients:
// wasmqtt and MQTT.js (the yardstick). Each file starts its broker once.
import { createServer, connect, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPLEMENTATIONS, mqttjs, type Implementation, type Login, type Peer } from "./peers.js";

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
          expect((await other.receive(3)).sort(byPayload)).toEqual(["out q0", "out q1", "out q2"].map((payload) => ({ topic: fromMe, payload })));
          expect((await me.receive(3)).sort(byPayload)).toEqual(["in q0", "in q1", "in q2"].map((payload) => ({ topic: toMe, payload })));
          await endAll();
          expect(me.received).toHaveLength(3);
          expect(other.received).toHaveLength(3);
        });

        it("a retained message reaches a later subscriber, and an empty retained publish clears it", async () => {
          const t = topic(impl, "retained");
          const writer = await connected(impl, login(impl, "ret-w"));
          await writer.publish(t, "kept", 1, true);
          const reader = await connected(impl, login(impl, "ret-r"));
          await reader.subscribe(t, 1);
          expect(await reader.receive(1)).toEqual([{ topic: t, payload: "kept" }]);
          await writer.publish(t, "", 1, true);
          const late = await connected(impl, login(impl, "ret-late"));
          await late.subscribe(t, 1);
          await writer.publish(t, "after clearing", 1);
          expect(await late.receive(1)).toEqual([{ topic: t, payload: "after clearing" }]);
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
            expect(await watcher.receive(1)).toEqual([{ topic: t, payload: "gone" }]);
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
      });
    }

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
        expect(await back.receive(1), s.impl.name).toEqual([{ topic: s.t, payload: `while ${s.impl.name} was away` }]);
      }
      await endAll();
    }, 90_000);
  });
}
