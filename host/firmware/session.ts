// The lx106 session's Node twin: the same session script (firmware/lx106/session.h) run over
// host/engine (createEngine, the same build/engine.wasm), printing the same transcript as
// firmware/lx106/session.c. It mirrors the client core's transport rules (what it reports to
// the engine and when) so the two transcripts must be equal line for line ('#' lines aside).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createEngine, packageRoot, type EngineEvent } from "../engine/index.js";
import { firmwareLimit } from "./limits.js";


/** A 64-byte payload: the inbound QoS 0 PUBLISH whose cost the budget counts. */
const PAYLOAD_64 = Buffer.alloc(64, 0).map((_, i) => 0x41 + (i % 26));

function publishPacket(topic: string, payload: Uint8Array, qos = 0, id = 0, flags = 0): string {
  const t = Buffer.from(topic, "utf8");
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 255]), t,
    qos ? Buffer.from([id >> 8, id & 255]) : Buffer.alloc(0), payload]);
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n & 127;
    n >>= 7;
    if (n) b |= 128;
    len.push(b);
  } while (n);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1) | flags, ...len]), body]).toString("hex");
}

/** The whole session of the issue: CONNECT/CONNACK, SUBSCRIBE/SUBACK (4 filters), inbound PUBLISH
 *  at QoS 0/1/2, outbound QoS 1 and 2, PINGREQ, a broker that disconnects, a reconnect with
 *  session present; measured steps around inbound 64-byte QoS 0 PUBLISHes. */
export const DEFAULT_SESSION = [
  "client wasmqtt-lx106 30 0 1024 12345",
  "will lx/status 1 1 offline",
  "connect broker.lan 1883 0 1",
  "opened",
  "in 20020000",
  "subscribe 1 sensors/# 0 cmd/+ 1 status 2 lx/# 0",
  "in 9006000100010200",
  "heap",
  `in ${publishPacket("sensors/t", Buffer.from("21.5"))}`,
  `measure ${publishPacket("sensors/a", PAYLOAD_64)}`,
  `measure ${publishPacket("sensors/a", PAYLOAD_64)}`,
  `measure ${publishPacket("sensors/a", PAYLOAD_64)}`,
  `measure ${publishPacket("sensors/a", PAYLOAD_64)}`,
  "heap",
  `in ${publishPacket("cmd/led", Buffer.from("on"), 1, 7)}`,
  `in ${publishPacket("status", Buffer.from("two"), 2, 8)}`,
  "in 62020008",
  `in ${publishPacket("sensors/big", Buffer.alloc(1500, 0x7a))}`,
  "publish lx/out 1 0 21 hello",
  "in 40020002",
  "publish lx/out 2 1 22 x:00ff10",
  "in 50020003",
  "in 70020003",
  "publish lx/q0 0 0 23 fire-and-forget",
  "time 29999",
  "time 1",
  "in d000",
  "unsubscribe 2 status",
  "in b0020004",
  "publish lx/out 1 0 24 pending",
  "closed",
  "publish lx/out 2 0 25 queued",
  "time 2000",
  "opened",
  "in 20020100",
  "in 40020005",
  "in 50020006",
  "in 70020006",
  "heap",
  "close",
  "free",
].join("\n") + "\n";

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
      case "message":
        lines.push(`ev message ${ev.topic} ${Buffer.from(ev.payload).toString("hex")} q${ev.qos} r${ev.retain ? 1 : 0}${ev.overflow ? " overflow" : ""}`);
        return;
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

/** Where the session's programs and script blobs live. */
export const lxOut = (): string => join(packageRoot(), "build/firmware/lx106");

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

/** The counting plugin's "region N: COUNT narrow_flash_loads M" lines, in order. */
export function regionLines(stderr: string): { regions: number[]; narrowFlashLoads: number[] } {
  const lines = [...stderr.matchAll(/^region \d+: (\d+) narrow_flash_loads (\d+)$/gm)];
  return { regions: lines.map((m) => Number(m[1])), narrowFlashLoads: lines.map((m) => Number(m[2])) };
}

function symbol(elf: string, name: string): number {
  const table = execFileSync("xtensa-lx106-elf-nm", [elf], { encoding: "utf8" });
  const line = table.split("\n").find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`${elf}: no symbol ${name}`);
  return parseInt(line.split(" ")[0], 16);
}

/** The script on the lx106 under QEMU, counting instructions between bench_begin and bench_end. */
export function runQemu(script: string, engine: FirmwareEngine = "wasm"): SessionRun {
  const elf = join(lxOut(), `session${suffix(engine)}.elf`);
  if (!existsSync(elf)) throw new Error(`${elf} is missing; run npm run build`);
  const blob = writeScript(script);
  const plugin = `${join(lxOut(), "libcount.so")},begin=0x${symbol(elf, "bench_begin").toString(16)},end=0x${symbol(elf, "bench_end").toString(16)}`;
  const run = spawnSync("qemu-system-xtensa", ["-M", "sim", "-cpu", "lx106", "-display", "none", "-monitor", "none",
    "-serial", "none", "-semihosting", "-device", `loader,file=${elf},cpu-num=0`,
    "-device", `loader,file=${blob},addr=0x40280000,force-raw=on`, "-plugin", plugin, "-d", "plugin"],
  { encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { status: run.status, transcript: run.stdout, stderr: run.stderr, ...regionLines(run.stderr) };
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
