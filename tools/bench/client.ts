// Client bench: messages/s through one local mosquitto, wasmqtt's Client vs MQTT.js in the same run
// (QoS 0: 100k messages; QoS 1 and 2: 20k with 20 in flight), and the RSS growth of one connected
// idle client, each measured in a fresh child process. Noisy (mosquitto on a shared core sets the
// pace): every figure is measured once per --runs and reported as median [min..max].
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import mqtt from "mqtt";
import { Client } from "../../host/client.js";
import { Mosquitto } from "../mosquitto.js";
import { spread } from "./spread.js";
import type { BenchOptions, BenchRow } from "./types.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const HOST = "127.0.0.1";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One side of the comparison: a publisher and a subscriber connected to the broker. */
interface Pair {
  /** Publish; `done` fires when this message is complete (QoS 0: handed over). false = try later. */
  publish(topic: string, payload: Buffer, qos: 0 | 1 | 2, done: () => void): boolean;
  onMessage(fn: () => void): void;
  close(): Promise<void>;
}

async function wasmqttPair(port: number, topic: string, qos: number): Promise<Pair> {
  const connectOne = (id: string) => new Promise<Client<true>>((resolve, reject) => {
    const c = new Client({ clientid: id, keepalive: 60, binary: true });
    c.connect(HOST, port, 0, 0, resolve, (_c, reason) => reject(new Error(`wasmqtt connfail ${reason}`)));
  });
  const sub = await connectOne(`bench-sub-${process.pid}`);
  const pub = await connectOne(`bench-pub-${process.pid}`);
  await new Promise<void>((r) => sub.subscribe(topic, qos as 0 | 1 | 2, () => r()));
  return {
    publish: (t, p, q, done) => pub.publish(t, p, q, 0, done),
    onMessage: (fn) => sub.on("message", fn),
    close: async () => { pub.close(); sub.close(); await sleep(20); },
  };
}

async function mqttjsPair(port: number, topic: string, qos: number): Promise<Pair> {
  const url = `mqtt://${HOST}:${port}`;
  const sub = await mqtt.connectAsync(url, { clientId: `bench-jsub-${process.pid}`, reconnectPeriod: 0 });
  const pub = await mqtt.connectAsync(url, { clientId: `bench-jpub-${process.pid}`, reconnectPeriod: 0 });
  await sub.subscribeAsync(topic, { qos: qos as 0 | 1 | 2 });
  return {
    publish: (t, p, q, done) => { pub.publish(t, p, { qos: q }, () => done()); return true; },
    onMessage: (fn) => sub.on("message", fn),
    close: async () => { await Promise.all([pub.endAsync(true), sub.endAsync(true)]); },
  };
}

interface Run { rate: number; cpuPerMessage: number }

/** Messages/s from the first publish to the subscriber holding every message. */
async function throughput(make: (port: number, topic: string, qos: number) => Promise<Pair>, port: number,
  qos: 0 | 1 | 2, count: number, window: number): Promise<Run> {
  const topic = `bench/${qos}/${Math.random().toString(36).slice(2)}`;
  const pair = await make(port, topic, qos);
  const payload = Buffer.alloc(64, 0x61);
  let received = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => { finished = r; });
  pair.onMessage(() => {
    if (++received === count) finished();
    else if (qos > 0) kick();
  });
  let sent = 0;
  let done = 0;
  let scheduled = false;
  let kick = () => {};
  // QoS 1/2: besides the publisher's window, at most UNDELIVERED messages between publisher and
  // subscriber, so mosquitto's queue to the subscriber stays within its in-flight limit (2.0.11
  // stalls a subscriber's QoS 2 queue beyond it, MQTT.js's as much as ours).
  const UNDELIVERED = qos === 0 ? Infinity : 20;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const step = () => {
      let batch = 0;
      let refused = false;
      while (sent < count && sent - done < window && sent - received < UNDELIVERED && batch < 1000) {
        if (!pair.publish(topic, payload, qos, () => { done++; kick(); })) { refused = true; break; }
        sent++;
        batch++;
      }
      if (sent === count) resolve();
      else if (batch === 1000 || refused) kick(); // yielded, or the client said "later"; else an ack kicks
    };
    kick = () => { if (!scheduled) { scheduled = true; setImmediate(() => { scheduled = false; step(); }); } };
    step();
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: only ${received} of ${count} QoS ${qos} messages arrived`)), 120_000);
  });
  try {
    await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
  const rate = count / ((performance.now() - t0) / 1000);
  const cpu = process.cpuUsage(cpu0);
  await pair.close();
  return { rate, cpuPerMessage: (cpu.user + cpu.system) / count };
}

/** RSS growth (bytes) of importing the library and holding one connected idle client, in a fresh process. */
function idleRss(kind: "wasmqtt" | "mqtt.js", port: number): Promise<number> {
  const lib = kind === "wasmqtt"
    ? `const { Client } = await import(${JSON.stringify(join(root, "dist/host/index.js"))});
       await new Promise((res, rej) => { const c = new Client("rss-" + process.pid, 60);
         c.connect("${HOST}", ${port}, 0, 0, () => c.subscribe("rss/t", 1, res), (_c, r) => rej(new Error("connfail " + r))); });`
    : `const { default: mqtt } = await import("mqtt");
       const c = await mqtt.connectAsync("mqtt://${HOST}:${port}", { clientId: "rss-" + process.pid, reconnectPeriod: 0 });
       await c.subscribeAsync("rss/t", { qos: 1 });`;
  const script = `
    const settle = async () => { for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); } };
    await settle();
    const before = process.memoryUsage().rss;
    ${lib}
    await new Promise((r) => setTimeout(r, 1000));
    await settle();
    console.log(process.memoryUsage().rss - before);
    process.exit(0);
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bench: RSS child for ${kind} failed: ${stderr || err.message}`));
      else resolve(Number(stdout.trim()));
    });
  });
}

function row(name: string, ours: number[], peer: number[], unit: string, lowerIsBetter: boolean, goal: string, min: number): BenchRow {
  const o = spread(ours), p = spread(peer);
  const ratio = lowerIsBetter ? p.median / o.median : o.median / p.median;
  return { group: "client", name, ours: o.median, peer: p.median, peerName: "MQTT.js", unit, ratio, goal, met: ratio >= min,
    spread: { runs: ours.length, ours: o, peer: p } };
}

export async function run(options: BenchOptions = { runs: 1 }): Promise<BenchRow[]> {
  const broker = await Mosquitto.start({ quiet: true, maxQueued: 1_000_000 });
  const rows: BenchRow[] = [];
  const runs = options.runs;
  try {
    // QoS 0: at most 1000 publishes whose callback has not fired yet (MQTT.js calls back once
    // the bytes are written; without a bound it piles up drain listeners and slows to a crawl).
    const cases: Array<[0 | 1 | 2, number, number, number]> = [[0, 100_000, 1000, 1.3], [1, 20_000, 20, 1], [2, 20_000, 20, 1]];
    for (const [qos, count, window, goal] of cases) {
      // One run each per --runs, alternating who goes first, to spread warm-up and load evenly.
      const ours: Run[] = [];
      const peer: Run[] = [];
      for (let r = 0; r < runs; r++) {
        if (r % 2 === 0) {
          ours.push(await throughput(wasmqttPair, broker.port, qos, count, window));
          peer.push(await throughput(mqttjsPair, broker.port, qos, count, window));
        } else {
          peer.push(await throughput(mqttjsPair, broker.port, qos, count, window));
          ours.push(await throughput(wasmqttPair, broker.port, qos, count, window));
        }
      }
      const what = qos === 0 ? `${count / 1000}k QoS 0 messages, 64 B, <= ${window} unsent, publisher -> mosquitto -> subscriber`
        : `${count / 1000}k QoS ${qos} messages, 64 B, ${window} in flight (<= 20 undelivered), publisher -> mosquitto -> subscriber`;
      rows.push(row(what, ours.map((r) => r.rate), peer.map((r) => r.rate), "msg/s", false, `>= ${goal}x`, goal));
      // CPU time per message of the process holding publisher and subscriber: steadier than
      // msg/s on a shared machine (lower is better, so the ratio is peer/ours).
      rows.push(row(`  same runs, CPU per message (publisher + subscriber)`, ours.map((r) => r.cpuPerMessage),
        peer.map((r) => r.cpuPerMessage), "us/msg", true, ">= 1x", 1));
    }
    // Fresh processes, at least 3 each; growth below one page counts as one page.
    const ours: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < Math.max(3, runs); i++) {
      ours.push(Math.max(await idleRss("wasmqtt", broker.port), 4096) / 1024);
      peer.push(Math.max(await idleRss("mqtt.js", broker.port), 4096) / 1024);
    }
    rows.push(row(`RSS growth: import + one connected idle client (fresh process, median of ${ours.length})`, ours, peer, "KiB", true,
      "<= 1/5 of MQTT.js (>= 5x)", 5));
  } finally {
    await broker.dispose();
  }
  return rows;
}
