// A scripted broker for engine tests: the engine's bytes are parsed with mqtt-packet, the broker's
// packets are generated with mqtt-packet, time is a fake clock.
import mqttPacket from "mqtt-packet";
import { createEngine, type Engine, type EngineEvent, type EngineLimits, type SessionConfig } from "../../host/engine/index.js";

export type Packet = mqttPacket.Packet;

export function encode(packet: Record<string, unknown>): Uint8Array {
  return new Uint8Array(mqttPacket.generate(packet as unknown as Packet));
}

export function decodeAll(bytes: Uint8Array): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: Packet[] = [];
  const errors: Error[] = [];
  parser.on("packet", (p: Packet) => out.push(p));
  parser.on("error", (e: Error) => errors.push(e));
  parser.parse(Buffer.from(bytes));
  if (errors.length) throw errors[0];
  return out;
}

export class Rig {
  engine: Engine;
  now = 1_000_000;
  sent: Uint8Array[] = [];
  events: EngineEvent[] = [];
  /** Bytes sent since the last take(), parsed. */
  private cursor = 0;

  constructor(limits?: Partial<EngineLimits>) {
    this.engine = createEngine({
      send: (b) => this.sent.push(b.slice()),
      event: (e) => this.events.push(e),
    }, limits);
  }

  /** Packets the engine sent since the last call. */
  packets(): Packet[] {
    const fresh = this.sent.slice(this.cursor);
    this.cursor = this.sent.length;
    const size = fresh.reduce((n, b) => n + b.length, 0);
    const all = new Uint8Array(size);
    let at = 0;
    for (const b of fresh) { all.set(b, at); at += b.length; }
    return decodeAll(all);
  }

  /** Events since the last call. */
  take(): EngineEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  types(): string[] {
    return this.take().map((e) => e.type);
  }

  feed(packet: Record<string, unknown> | Uint8Array): void {
    this.engine.received(packet instanceof Uint8Array ? packet : encode(packet), this.now);
  }

  advance(ms: number): void {
    this.now += ms;
    this.engine.tick(this.now);
  }

  /** Run timers until `ms` passed, ticking at every wake-up the engine asks for. */
  runFor(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const w = this.engine.nextWakeup();
      if (w === null || w > end) break;
      this.now = Math.max(this.now, w);
      this.engine.tick(this.now);
    }
    this.now = end;
  }

  /** start + open + CONNECT + CONNACK. */
  connect(config: Partial<SessionConfig> = {}, sessionPresent = false): Packet[] {
    const cfg: SessionConfig = { clientId: "c1", keepaliveSeconds: 60, cleanSession: true, autoReconnect: false, ...config };
    if (!this.engine.start(cfg, this.now, 12345)) throw new Error("start refused");
    this.engine.transportOpened(this.now);
    const connect = this.packets();
    this.feed({ cmd: "connack", returnCode: 0, sessionPresent });
    return connect;
  }
}
