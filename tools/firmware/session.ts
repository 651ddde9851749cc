// The lx106 session's Node twin: the same session script (firmware/lx106/session.h) run over
// host/engine (createEngine, the same build/engine.wasm), printing the same transcript as
// firmware/lx106/session.c. It mirrors the client core's transport rules (what it reports to
// the engine and when) so the two transcripts must be equal line for line ('#' lines aside).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createEngine, packageRoot, type EngineEvent } from "../../host/engine/index.js";
import { EngineCodec, PacketType } from "../../host/engine/codec.js";
import { firmwareLimit } from "./limits.js";
import { lxOut, runLx106, SCRIPT_ADDRESS } from "./qemu.js";

/** Where the session's programs and script blobs live (the report imports it from here). */
export { lxOut };


/** A 64-byte payload: the inbound QoS 0 PUBLISH whose cost the budget counts. */
const PAYLOAD_64 = Buffer.alloc(64, 0).map((_, i) => 0x41 + (i % 26));

/** A PUBLISH as a broker sends it, as hex, from the engine's codec mode (flags: 8 dup, 1 retain),
 *  for session scripts. */
export function publishPacket(topic: string, payload: Uint8Array, qos: 0 | 1 | 2 = 0, id = 0, flags = 0): string {
  sharedCodec ??= new EngineCodec();
  return Buffer.from(sharedCodec.publish(topic, payload, { qos, id, dup: (flags & 8) !== 0, retain: (flags & 1) !== 0 })).toString("hex");
}
let sharedCodec: EngineCodec | undefined;

/** The whole session of the issue: CONNECT/CONNACK, SUBSCRIBE/SUBACK (4 filters), inbound PUBLISH
 *  at QoS 0/1/2, outbound QoS 1 and 2, PINGREQ, a broker that disconnects, a reconnect with
 *  session present; measured steps around inbound 64-byte QoS 0 PUBLISHes. The broker's packets
 *  come from the engine's codec mode (nothing here writes MQTT bytes). */
export function defaultSession(): string {
  const broker = new EngineCodec();
  const hex = (packet: Uint8Array): string => Buffer.from(packet).toString("hex");
  const publish = (topic: string, payload: Uint8Array, qos: 0 | 1 | 2 = 0, id = 0): string => hex(broker.publish(topic, payload, { qos, id }));
  const connack = (sessionPresent: number): string => hex(broker.generate(PacketType.CONNACK, sessionPresent, 0));
  const ack = (type: number, id: number): string => hex(broker.generate(type, id, 1));
  return [
    "client wasmqtt-lx106 30 0 1024 12345",
    "will lx/status 1 1 offline",
    "connect broker.lan 1883 0 1",
    "opened",
    `in ${connack(0)}`,
    "subscribe 1 sensors/# 0 cmd/+ 1 status 2 lx/# 0",
    `in ${hex(broker.generate(PacketType.SUBACK, 1, 0, new Uint8Array([0, 1, 2, 0])))}`,
    "heap",
    `in ${publish("sensors/t", Buffer.from("21.5"))}`,
    `measure ${publish("sensors/a", PAYLOAD_64)}`,
    `measure ${publish("sensors/a", PAYLOAD_64)}`,
    `measure ${publish("sensors/a", PAYLOAD_64)}`,
    `measure ${publish("sensors/a", PAYLOAD_64)}`,
    "heap",
    `in ${publish("cmd/led", Buffer.from("on"), 1, 7)}`,
    `in ${publish("status", Buffer.from("two"), 2, 8)}`,
    `in ${ack(PacketType.PUBREL, 8)}`,
    `in ${publish("sensors/big", Buffer.alloc(1500, 0x7a))}`,
    "publish lx/out 1 0 21 hello",
    `in ${ack(PacketType.PUBACK, 2)}`,
    "publish lx/out 2 1 22 x:00ff10",
    `in ${ack(PacketType.PUBREC, 3)}`,
    `in ${ack(PacketType.PUBCOMP, 3)}`,
    "publish lx/q0 0 0 23 fire-and-forget",
    "time 29999",
    "time 1",
    `in ${hex(broker.generate(PacketType.PINGRESP))}`,
    "unsubscribe 2 status",
    `in ${ack(PacketType.UNSUBACK, 4)}`,
    "publish lx/out 1 0 24 pending",
    "closed",
    "publish lx/out 2 0 25 queued",
    "time 2000",
    "opened",
    `in ${connack(1)}`,
    `in ${ack(PacketType.PUBACK, 5)}`,
    `in ${ack(PacketType.PUBREC, 6)}`,
    `in ${ack(PacketType.PUBCOMP, 6)}`,
    "heap",
    "close",
    "free",
  ].join("\n") + "\n";
}

export function scriptBlob(script: string): Buffer {
  const text = Buffer.from(script, "utf8");
  const head = Buffer.alloc(8);
  head.write("WSS1", 0, "latin1");
  head.writeUInt32LE(text.length, 4);
  return Buffer.concat([head, text]);
}

/** Transcript lines that must agree between platforms. */
export function comparable(transcript: string): string {
  return transcript.split("\n").filter((l) => l !== "" && !l.startsWith("#")).join("\n") + "\n";
}

function bytesOf(token: string, payload: boolean): Uint8Array {
  if (payload) {
    if (token === "-") return new Uint8Array(0);
    if (!token.startsWith("x:")) return Buffer.from(token, "utf8");
    token = token.slice(2);
  }
  return Buffer.from(token, "hex");
}

/** The same script over the Node engine wrapper. */
export function runNode(script: string): string {
  const lines: string[] = [];
  let clock = 0;
  let out: number[] = [];
  let link: string[] = [];
  let engine: ReturnType<typeof createEngine> | null = null;
  let target = "";
  // held in an object: the engine's callbacks change them behind the compiler's back
  const t: { state: "none" | "opening" | "open"; ignore: boolean } = { state: "none", ignore: false };
  let will: { topic: string; qos: number; retain: boolean; message: Uint8Array } | undefined;
  let config: { clientId: string; keepaliveSeconds: number; cleanSession: boolean; username?: string; password?: Uint8Array } | null = null;
  let seed = 0;
  const topicBound = firmwareLimit("MQTT_MAX_TOPIC_IN");

  const onEvent = (ev: EngineEvent): void => {
    switch (ev.type) {
      case "open":
        if (t.state !== "none") link.push("link close");
        t.ignore = false;
        t.state = "opening";
        link.push(`link open ${target}`);
        return;
      case "close":
        t.ignore = true;
        if (t.state !== "none") link.push("link close");
        t.state = "none";
        return;
      case "connect": lines.push(`ev connect sp=${ev.sessionPresent ? 1 : 0}`); return;
      case "connfail": lines.push(`ev connfail ${ev.reason}`); return;
      case "offline": lines.push("ev offline"); return;
      case "message": {
        // as the core: a topic past MQTT_MAX_TOPIC_IN is kept up to it and the message is an overflow
        const topic = Buffer.from(ev.topic, "utf8");
        const cut = topic.length > topicBound;
        lines.push(`ev message ${topic.subarray(0, topicBound).toString("utf8")} ${Buffer.from(ev.payload).toString("hex")} ` +
          `q${ev.qos} r${ev.retain ? 1 : 0}${ev.overflow || cut ? " overflow" : ""}`);
        return;
      }
      case "puback": lines.push(`ev puback ${ev.token}`); return;
      case "suback": lines.push(`ev suback ${[ev.token, ...ev.granted].join(" ")}`); return;
      case "unsuback": lines.push(`ev unsuback ${ev.token}`); return;
      case "dropped": lines.push(`ev dropped ${ev.token}`); return;
      case "protocol-error": lines.push(`ev error ${ev.code} ${ev.message}`); return;
      case "warning": lines.push(`ev warning ${ev.code} ${ev.message}`); return;
    }
  };
  // As the client core: what an API call makes the engine report is delivered after the call
  // returns (from mqtt_core_service), so its events follow the call's result.
  const result = (f: () => boolean): void => {
    const before = lines.length;
    let verdict: string;
    try {
      verdict = f() ? "= true" : "= false";
    } catch {
      verdict = "= error";
    }
    lines.splice(before, 0, verdict);
  };
  const advance = (ms: number): void => {
    const end = clock + ms;
    for (let w = engine?.nextWakeup() ?? null; engine && w !== null && w <= end; w = engine.nextWakeup()) {
      clock = w;
      engine.tick(clock);
    }
    clock = end;
  };

  for (const raw of script.split("\n")) {
    if (raw === "" || raw.startsWith("#")) continue;
    lines.push(`> ${raw}`);
    const [cmd, ...a] = raw.split(" ").filter((t) => t !== "");
    if (cmd === "client") {
      config = { clientId: a[0], keepaliveSeconds: Number(a[1]), cleanSession: Number(a[2]) !== 0 };
      if (a.length >= 7 && a[5] !== "-") config.username = a[5];
      if (a.length >= 7 && a[6] !== "-") config.password = Buffer.from(a[6], "utf8");
      seed = Number(a[4]);
      const max = Number(a[3]) || firmwareLimit("MQTT_DEFAULT_MAX_MESSAGE_LENGTH");
      engine = createEngine({ send: (b) => { out.push(...b); }, event: onEvent },
        { maxMessageLength: max, maxQueuedMessages: firmwareLimit("MQTT_MAX_QUEUED_MESSAGES"),
          maxQueuedBytes: firmwareLimit("MQTT_MAX_QUEUED_BYTES"), maxPendingRequests: firmwareLimit("MQTT_MAX_PENDING_REQUESTS"),
          maxFiltersPerCall: firmwareLimit("MQTT_MAX_FILTERS"), qos2Window: firmwareLimit("MQTT_QOS2_WINDOW") });
    } else if (!engine || !config) {
      lines.push("no client");
    } else if (cmd === "will") {
      will = { topic: a[0], qos: Number(a[1]), retain: Number(a[2]) !== 0, message: bytesOf(a[3], true) };
      lines.push("= true");
    } else if (cmd === "connect") {
      target = `${a[0]}:${Number(a[1]) || 1883}${Number(a[2]) ? " tls" : ""}`;
      const e = engine, c = config;
      result(() => e.start({ ...c, autoReconnect: Number(a[3]) !== 0, ...(will ? { will: { ...will, qos: will.qos as 0 | 1 | 2 } } : {}) }, clock, seed));
    } else if (cmd === "opened") {
      if (t.state === "opening" && !t.ignore) {
        t.state = "open";
        engine.transportOpened(clock);
      }
    } else if (cmd === "failed") {
      if (t.state !== "none") {
        t.state = "none";
        if (!t.ignore) engine.transportFailed(Number(a[0]), clock);
      }
    } else if (cmd === "closed") {
      if (t.state !== "none") {
        const wasOpening = t.state === "opening";
        t.state = "none";
        if (!t.ignore) {
          if (wasOpening) engine.transportFailed(-5, clock);
          else engine.transportClosed(clock);
        }
      }
    } else if (cmd === "in" || cmd === "measure") {
      if (t.state === "open" && !t.ignore) engine.received(bytesOf(a[0], false), clock);
    } else if (cmd === "time") {
      advance(Number(a[0]));
    } else if (cmd === "publish") {
      const e = engine;
      result(() => e.publish(a[0], bytesOf(a[4], true), Number(a[1]), Number(a[2]) !== 0, Number(a[3]), clock));
    } else if (cmd === "subscribe") {
      const filters: Array<[string, number]> = [];
      for (let i = 1; i < a.length; i += 2) filters.push([a[i], Number(a[i + 1] ?? 0)]);
      const e = engine;
      result(() => e.subscribe(filters, Number(a[0]), clock));
    } else if (cmd === "unsubscribe") {
      const e = engine;
      result(() => e.unsubscribe(a.slice(1), Number(a[0]), clock));
    } else if (cmd === "close") {
      const e = engine;
      result(() => e.close(clock));
    } else if (cmd === "free") {
      if (t.state !== "none") link.push("link close");
      t.state = "none";
      engine = null;
    } else if (cmd === "heap") {
      // figures only on the firmware side
    } else {
      lines.push("unknown step");
    }
    if (out.length) lines.push(`out ${Buffer.from(out).toString("hex")}`);
    lines.push(...link);
    out = [];
    link = [];
  }
  return lines.join("\n") + "\n";
}

// --- the firmware runs ------------------------------------------------------------------------

/** Writes the script blob where QEMU's loader and session-host read it: one file per script
 *  (named by its hash, written whole then renamed), so runs in parallel never read another's. */
export function writeScript(script: string, file?: string): string {
  const blob = scriptBlob(script);
  const target = file ?? join(lxOut(), `session-${createHash("sha1").update(blob).digest("hex").slice(0, 12)}.bin`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.tmp`;
  writeFileSync(partial, blob);
  renameSync(partial, target);
  return target;
}

/** The engine a firmware program runs: the interpreter (session.elf, session-host) or the native
 *  engine (session-native.elf, session-native-host); see docs/firmware.md. */
export type FirmwareEngine = "wasm" | "native";
const suffix = (engine: FirmwareEngine): string => (engine === "native" ? "-native" : "");

/** Brings session.elf, session-host and their native twins up to date. */
export function buildSession(): void {
  execFileSync("make", ["-s", "-C", join(packageRoot(), "firmware"), "lx106-session"], { stdio: ["ignore", "inherit", "inherit"] });
}

export interface SessionRun {
  status: number | null;
  transcript: string;
  stderr: string;
  /** Instructions of each measured step (QEMU only). */
  regions: number[];
  /** Loads narrower than 32 bits from the flash window in each measured step (QEMU only). */
  narrowFlashLoads: number[];
}

/** The script on the lx106 under QEMU, counting instructions between bench_begin and bench_end. */
export function runQemu(script: string, engine: FirmwareEngine = "wasm"): SessionRun {
  const run = runLx106(join(lxOut(), `session${suffix(engine)}.elf`), {
    blob: { file: writeScript(script), address: SCRIPT_ADDRESS }, markers: { begin: "bench_begin", end: "bench_end" },
  });
  return { status: run.status, transcript: run.stdout, stderr: run.stderr, regions: run.regions, narrowFlashLoads: run.narrowFlashLoads };
}

/** The script on the host build (ASan/UBSan). */
export function runHost(script: string, engine: FirmwareEngine = "wasm"): SessionRun {
  const blob = writeScript(script);
  const run = spawnSync(join(lxOut(), `session${suffix(engine)}-host`), [blob], { encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { status: run.status, transcript: run.stdout, stderr: run.stderr, regions: [], narrowFlashLoads: [] };
}

/** The '#' figures of a firmware transcript. */
export function figures(transcript: string): {
  heapPeak: number; heapEnd: number; stackPeak: number; heapNow: number[]; engineBytes: number; linearMemoryBytes: number;
} {
  const num = (re: RegExp): number => {
    const m = re.exec(transcript);
    return m ? Number(m[1]) : NaN;
  };
  return {
    heapPeak: num(/^# heap peak (\d+)$/m),
    heapEnd: num(/^# heap end (\d+)$/m),
    stackPeak: num(/^# stack peak (\d+)$/m),
    heapNow: [...transcript.matchAll(/^# heap now (\d+)/gm)].map((m) => Number(m[1])),
    engineBytes: num(/^# heap now \d+ core \d+ engine (\d+)/m),
    linearMemoryBytes: num(/^# heap now .* linear (\d+)/m),
  };
}
