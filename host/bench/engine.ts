// Engine benchmarks: packets/s through the real wrapper and ABI against mqtt-packet on the same
// packets, and the engine's linear-memory high-water mark.
import mqttPacket from "mqtt-packet";
import { createEngine, type Engine, type EngineEvent, type EngineLimits } from "../engine/index.js";
import { EngineCodec } from "../engine/codec.js";
import type { BenchRow } from "./types.js";

const ROUNDS = 8;
const ROUND_MS = 70;

/** Operations per second of `batch` (which performs `perBatch` operations) during one round. */
function round(batch: () => void, perBatch: number): number {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    batch();
    ops += perBatch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** Ours and the peer's rates, measured in alternating rounds after a warm-up; the best round of
 *  each counts, so load from other processes on the machine skews neither side. */
function compare(ours: () => void, oursPerBatch: number, peer: () => void, peerPerBatch: number): [number, number] {
  round(ours, oursPerBatch);
  round(peer, peerPerBatch);
  let a = 0;
  let b = 0;
  for (let i = 0; i < ROUNDS; i++) {
    a = Math.max(a, round(ours, oursPerBatch));
    b = Math.max(b, round(peer, peerPerBatch));
  }
  return [a, b];
}

const topic16 = "sensors/room/t16";
const payload64 = new Uint8Array(64).fill(0x61);
const payload1k = new Uint8Array(1024).fill(0x62);
const will = { topic: "devices/esp-01/status", message: new TextEncoder().encode("offline"), qos: 1 as const, retain: true };
const filters: Array<[string, number]> = [["sensors/+/t16", 0], ["cmd/esp-01/#", 1], ["config/esp-01", 2], ["$SYS/broker/uptime", 0]];

const peerPackets = {
  publish0: { cmd: "publish", topic: topic16, payload: Buffer.from(payload64), qos: 0, retain: false, dup: false },
  publish1: { cmd: "publish", topic: topic16, payload: Buffer.from(payload1k), qos: 1, retain: false, dup: false, messageId: 1 },
  connect: { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: "esp-01",
    username: "user", password: Buffer.from("secret"),
    will: { topic: will.topic, payload: Buffer.from(will.message), qos: will.qos, retain: will.retain } },
  subscribe: { cmd: "subscribe", messageId: 1, subscriptions: filters.map(([topic, qos]) => ({ topic, qos })) },
} as const;

function gen(p: object): Buffer {
  return mqttPacket.generate(p as unknown as mqttPacket.Packet);
}

/** A connected engine whose output is only counted. */
function connectedEngine(onEvent: (e: EngineEvent) => void = () => {}, limits: Partial<EngineLimits> = {}): { engine: Engine; sent: () => number } {
  let bytes = 0;
  const engine = createEngine({ send: (b) => { bytes += b.length; }, event: onEvent }, { maxMessageLength: 2048, ...limits });
  engine.start({ clientId: "bench", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, 0, 1);
  engine.transportOpened(0);
  engine.received(new Uint8Array(gen({ cmd: "connack", returnCode: 0, sessionPresent: false })), 0);
  return { engine, sent: () => bytes };
}

/** The broker's side, kept cheap: an acknowledgement per id (SUBACK granting 0, 1, 2, 0). */
const ackBuf = new Uint8Array(64 * 8);
function acks(first: number, ids: number[], rl: number): Uint8Array {
  let at = 0;
  for (const id of ids) {
    ackBuf[at] = first;
    ackBuf[at + 1] = rl;
    ackBuf[at + 2] = id >> 8;
    ackBuf[at + 3] = id & 255;
    if (rl === 6) ackBuf.set([0, 1, 2, 0], at + 4);
    at += 2 + rl;
  }
  return ackBuf.subarray(0, at);
}

/** The peer doing the same round as the engine: generate `n` packets, parse their `n` acks. */
function peerRound(packet: object, ackFirst: number, ackRl: number, n: number): () => void {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let got = 0;
  parser.on("packet", () => { got++; });
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const stream = Buffer.from(acks(ackFirst, ids, ackRl));
  return () => {
    for (let i = 0; i < n; i++) gen({ ...packet, messageId: i + 1 });
    parser.parse(stream);
    if (got === 0) throw new Error("mqtt-packet parsed nothing");
  };
}

function repeat(packet: Buffer, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, () => packet));
}

/** mqtt-packet's parser on a stream. */
function peerParse(stream: Buffer): () => void {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let got = 0;
  parser.on("packet", () => { got++; });
  return () => {
    parser.parse(stream);
    if (got === 0) throw new Error("mqtt-packet parsed nothing");
  };
}

function row(name: string, [ours, peer]: [number, number]): BenchRow {
  const ratio = ours / peer;
  return { group: "codec", name, ours, peer, peerName: "mqtt-packet", unit: "packets/s", ratio, goal: ">= 2x", met: ratio >= 2 };
}

function parsePublish(packet: Buffer): [number, number] {
  const n = 64;
  const stream = repeat(packet, n);
  let messages = 0;
  const { engine } = connectedEngine((e) => { if (e.type === "message") messages++; });
  const result = compare(() => engine.received(stream, 0), n, peerParse(stream), n);
  if (messages === 0) throw new Error("engine delivered nothing");
  return result;
}

/** Codec mode: items assembled into packet objects, as mqtt-packet does. */
function parseCodec(packet: Buffer): [number, number] {
  const n = 64;
  const stream = repeat(packet, n);
  const codec = new EngineCodec();
  const decoder = new TextDecoder();
  let packets = 0;
  let current: Record<string, unknown> = {};
  let parts: Uint8Array[] = [];
  codec.onItem = (item, a, b, bytes) => {
    if (item === 1) current = { type: a, length: b & 0x0fffffff };
    else if (item === 2 || item === 3) current[a] = b;
    else if (item === 4) parts = [];
    else if (item === 5) parts.push(bytes!.slice()); // views are valid during the callback only
    else if (item === 6) current[a] = a === 7 || a === 9 ? Buffer.concat(parts) : decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    else if (item === 9) current[a] = a === 7 || a === 9 ? bytes!.slice() : decoder.decode(bytes!);
    else if (item === 7) packets++;
  };
  const result = compare(() => { codec.parse(stream); }, n, peerParse(stream), n);
  if (packets === 0) throw new Error("codec parsed nothing");
  return result;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // parse
  {
    rows.push(row("parse PUBLISH QoS 0 16 B topic / 64 B payload", parsePublish(gen(peerPackets.publish0))));
  }
  {
    rows.push(row("parse PUBLISH QoS 1 1 KiB (and send PUBACK)", parsePublish(gen(peerPackets.publish1))));
  }
  {
    rows.push(row("parse CONNECT with will (codec mode)", parseCodec(gen(peerPackets.connect))));
  }
  {
    rows.push(row("parse SUBSCRIBE of 4 topics (codec mode)", parseCodec(gen(peerPackets.subscribe))));
  }

  // generate
  {
    const { engine, sent } = connectedEngine();
    const result = compare(() => {
      for (let i = 0; i < 32; i++) engine.publish(topic16, payload64, 0, false, i, 0);
    }, 32, () => gen(peerPackets.publish0), 1);
    if (sent() === 0) throw new Error("engine sent nothing");
    rows.push(row("generate PUBLISH QoS 0 16 B topic / 64 B payload", result));
  }
  {
    let ids: number[] = [];
    const engine = createEngine({
      send: (b) => { if (b[0] === 0x32) ids.push((b[b.length - 1026] << 8) | b[b.length - 1025]); },
      event: () => {},
    });
    engine.start({ clientId: "bench", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, 0, 1);
    engine.transportOpened(0);
    engine.received(new Uint8Array(gen({ cmd: "connack", returnCode: 0, sessionPresent: false })), 0);
    const result = compare(() => {
      for (let i = 0; i < 32; i++) engine.publish(topic16, payload1k, 1, false, i, 0);
      // acknowledge the batch in one read so the table empties, as a broker would
      engine.received(acks(0x40, ids, 2), 0);
      ids = [];
    }, 32, peerRound(peerPackets.publish1, 0x40, 2, 32), 32);
    rows.push(row("generate PUBLISH QoS 1 1 KiB and take its PUBACK", result));
  }
  {
    // the client's path for every CONNECT: the session's strings are already in the engine
    const engine = createEngine({ send: () => {}, event: () => {} });
    const config = { clientId: "esp-01", keepaliveSeconds: 60, cleanSession: true, autoReconnect: true,
      username: "user", password: new TextEncoder().encode("secret"), will };
    let now = 0;
    engine.start(config, now, 1);
    const reconnect = () => {
      engine.transportOpened(now); // CONNECT
      engine.transportClosed(now); // no CONNACK: back off
      now = engine.nextWakeup()!;
      engine.tick(now); // open again
    };
    rows.push(row("generate CONNECT with will (each connect of a session)", compare(reconnect, 1, () => gen(peerPackets.connect), 1)));
    // and a whole session setup: the config marshalled into the engine, CONNECT, close
    const setup = createEngine({ send: () => {}, event: () => {} });
    const [ours, peer] = compare(() => {
      setup.start({ ...config, autoReconnect: false }, 0, 1);
      setup.transportOpened(0);
      setup.close(0);
    }, 1, () => gen(peerPackets.connect), 1);
    rows.push({ ...row("session setup with will (start, CONNECT, close)", [ours, peer]), goal: ">= 1x", met: ours >= peer });
  }
  {
    let pending: number[] = [];
    const engine = createEngine({ send: (b) => { if (b[0] === 0x82) pending.push((b[2] << 8) | b[3]); }, event: () => {} });
    engine.start({ clientId: "bench", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, 0, 1);
    engine.transportOpened(0);
    engine.received(new Uint8Array(gen({ cmd: "connack", returnCode: 0, sessionPresent: false })), 0);
    const result = compare(() => {
      for (let i = 0; i < 8; i++) engine.subscribe(filters, i, 0);
      engine.received(acks(0x90, pending, 6), 0);
      pending = [];
    }, 8, peerRound(peerPackets.subscribe, 0x90, 6, 8), 8);
    rows.push(row("generate SUBSCRIBE of 4 topics and take its SUBACK", result));
  }

  // memory: 4 subscriptions and 20 QoS 1 messages of 64 bytes in flight, with the capacities they
  // need (the tables are the host's: Node's defaults take about 1.8 MB, docs/abi.md)
  {
    const { engine } = connectedEngine(undefined, { maxQueuedMessages: 20, maxPendingRequests: 1, maxFiltersPerCall: 4, qos2Window: 32 });
    engine.subscribe(filters, 1, 0);
    for (let i = 0; i < 20; i++) {
      if (!engine.publish(topic16, payload64, 1, false, i, 0)) throw new Error("publish refused");
    }
    const bytes = engine.memoryHighWater();
    rows.push({ group: "engine", name: "linear memory high-water, 4 subscriptions + 20 x 64 B QoS 1 in flight", ours: bytes,
      peer: null, peerName: null, unit: "bytes", ratio: null, goal: "<= 8192", met: bytes <= 8192 });
  }
  return rows;
}
