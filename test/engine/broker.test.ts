// The engine against real peers: an in-process aedes broker over TCP, with MQTT.js on the other side.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createServer, connect as tcp, type Server, type Socket } from "node:net";
import mqtt from "mqtt";
import { createEngine, type Engine, type EngineEvent, type SessionConfig } from "../../host/engine/index.js";

let server: Server;
let port = 0;
let closeBroker: () => Promise<void>;

beforeAll(async () => {
  const { Aedes } = await import("aedes");
  const broker = await Aedes.createBroker();
  server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  closeBroker = () => new Promise<void>((resolve) => server.close(() => broker.close(() => resolve())));
});

afterAll(async () => {
  await closeBroker();
});

/** An engine driven by real sockets and timers; events are recorded and can be awaited. */
class Live {
  engine: Engine;
  events: EngineEvent[] = [];
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<() => void> = [];

  constructor() {
    this.engine = createEngine({ send: (b) => this.socket?.write(b), event: (e) => this.on(e) });
  }

  private on(e: EngineEvent): void {
    this.events.push(e);
    if (e.type === "open") {
      const s = tcp(port, "127.0.0.1");
      this.socket = s;
      s.on("connect", () => { this.engine.transportOpened(Date.now()); this.arm(); });
      s.on("data", (d) => { if (this.socket === s) { this.engine.received(d, Date.now()); this.arm(); } });
      s.on("close", () => { if (this.socket === s) { this.socket = null; this.engine.transportClosed(Date.now()); this.arm(); } });
      s.on("error", () => {});
    } else if (e.type === "close") {
      this.socket?.end();
      this.socket = null;
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const at = this.engine.nextWakeup();
    if (at !== null) this.timer = setTimeout(() => { this.engine.tick(Date.now()); this.arm(); }, Math.max(0, at - Date.now()));
  }

  start(config: Partial<SessionConfig>): void {
    this.engine.start({ clientId: "live", keepaliveSeconds: 30, cleanSession: true, autoReconnect: false, ...config }, Date.now(), 7);
    this.arm();
  }

  async until(pred: (events: EngineEvent[]) => boolean, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(this.events)) {
      if (Date.now() > end) throw new Error(`timed out; events: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }

  stop(): void {
    this.engine.close(Date.now());
    if (this.timer) clearTimeout(this.timer);
  }
}

const messages = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === "message" ? [[e.topic, Buffer.from(e.payload).toString(), e.qos]] : []));

describe("engine with aedes and MQTT.js", () => {
  it("QoS 0, 1 and 2 both ways, each delivered once", async () => {
    const live = new Live();
    live.start({ clientId: "engine-a" });
    await live.until((ev) => ev.some((e) => e.type === "connect"));
    live.engine.subscribe([["to-engine/#", 2]], 1, Date.now());
    await live.until((ev) => ev.some((e) => e.type === "suback"));
    expect(live.events.find((e) => e.type === "suback")).toEqual({ type: "suback", token: 1, granted: [2] });

    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: "peer-a" });
    const got: Array<[string, string, number]> = [];
    peer.on("message", (topic, payload, packet) => got.push([topic, payload.toString(), packet.qos]));
    await peer.subscribeAsync("from-engine/#", { qos: 2 });
    for (const q of [0, 1, 2] as const) await peer.publishAsync(`to-engine/${q}`, `p${q}`, { qos: q });
    for (const q of [0, 1, 2]) live.engine.publish(`from-engine/${q}`, new TextEncoder().encode(`e${q}`), q, false, 10 + q, Date.now());
    await live.until((ev) => messages(ev).length === 3 && ev.filter((e) => e.type === "puback").length === 3);
    const deadline = Date.now() + 2000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(messages(live.events).sort()).toEqual([["to-engine/0", "p0", 0], ["to-engine/1", "p1", 1], ["to-engine/2", "p2", 2]]);
    expect(got.sort()).toEqual([["from-engine/0", "e0", 0], ["from-engine/1", "e1", 1], ["from-engine/2", "e2", 2]]);
    expect(live.events.filter((e) => e.type === "puback").map((e) => (e as { token: number }).token).sort()).toEqual([10, 11, 12]);
    await peer.endAsync();
    live.stop();
  });

  it("a persistent session gets what was published while it was away", async () => {
    const first = new Live();
    first.start({ clientId: "engine-b", cleanSession: false });
    await first.until((ev) => ev.some((e) => e.type === "connect"));
    first.engine.subscribe([["away/#", 1]], 1, Date.now());
    await first.until((ev) => ev.some((e) => e.type === "suback"));
    first.stop();

    const peer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: "peer-b" });
    await peer.publishAsync("away/1", "kept", { qos: 1 });
    await peer.endAsync();

    const again = new Live();
    again.start({ clientId: "engine-b", cleanSession: false });
    await again.until((ev) => messages(ev).length === 1);
    expect(again.events.find((e) => e.type === "connect")).toEqual({ type: "connect", sessionPresent: true });
    expect(messages(again.events)).toEqual([["away/1", "kept", 1]]);
    again.stop();
  });
});
