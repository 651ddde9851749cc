// `wasmqtt flash | ports | monitor | upload | ls | rm`: parse arguments, pick the port, read the
// files; the work is done by host/flash/.
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { FLASH_LIMITS } from "../flash/limits.js";
import { FlashError, EXIT, describe } from "../flash/errors.js";
import { NodeSerialLink, type SerialLink } from "../flash/serial-link.js";
import { listPorts, pickPort, describePort } from "../flash/ports.js";
import { flashDevice, prepareRegions, type After, type Before } from "../flash/flasher.js";
import { FLASH_FREQS, FLASH_MODES, FLASH_SIZES, type FlashFreq, type FlashMode, type FlashSize, type Region } from "../flash/image.js";
import { progressRenderer } from "../flash/progress.js";
import { monitor } from "../flash/monitor.js";
import { LuaPrompt } from "../flash/lua-prompt.js";

const HELP: Record<string, string> = {
  flash: `usage: wasmqtt flash [ADDR FILE]... [options]
  With no ADDR FILE pairs, flashes build/nodemcu/0x*.bin (made by 'wasmqtt firmware --nodemcu DIR').
  --port PATH            serial port (default: the only USB serial device)
  --baud N               flashing rate (default ${FLASH_LIMITS.defaultBaud}; falls back to ${FLASH_LIMITS.romBaud})
  --flash-mode M         qio|qout|dio|dout|keep (default keep)
  --flash-freq F         40m|26m|20m|80m|keep (default keep)
  --flash-size S         ${Object.keys(FLASH_SIZES).join("|")}|detect|keep (default keep)
  --erase-all            erase the whole flash first
  -u, --no-compress      send plain blocks instead of compressed ones
  --before B             default_reset|no_reset (default default_reset)
  --after A              hard_reset|no_reset (default hard_reset)
  --connect-attempts N   (default ${FLASH_LIMITS.connectAttempts})
  -v, --verbose          show esptool-js's log`,
  ports: "usage: wasmqtt ports\n  lists serial ports with USB vendor:product ids",
  monitor: `usage: wasmqtt monitor [--port PATH] [--baud N]\n  the serial console (default ${FLASH_LIMITS.consoleBaud} baud); Ctrl-] quits`,
  upload: "usage: wasmqtt upload FILE... [--port PATH] [--baud N] [--run]\n  writes files to the NodeMCU file system through the Lua prompt and checks them; --run dofile()s the last",
  ls: "usage: wasmqtt ls [--port PATH] [--baud N]\n  lists the files on the NodeMCU file system",
  rm: "usage: wasmqtt rm NAME... [--port PATH] [--baud N]\n  removes files from the NodeMCU file system",
};

const VALUE_OPTIONS = new Set(["port", "baud", "flash-mode", "flash-freq", "flash-size", "before", "after", "connect-attempts"]);
const FLAG_OPTIONS = new Set(["erase-all", "no-compress", "verbose", "run", "help"]);

interface Parsed {
  options: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

function usageError(command: string, message: string): FlashError {
  return new FlashError(`${message}\n\n${HELP[command]}`, EXIT.badInput);
}

export function parseArgs(command: string, argv: string[]): Parsed {
  const parsed: Parsed = { options: new Map(), flags: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h") { parsed.flags.add("help"); continue; }
    if (arg === "-v") { parsed.flags.add("verbose"); continue; }
    if (arg === "-u") { parsed.flags.add("no-compress"); continue; }
    if (arg === "-p" || arg === "-b") { argv[i] = arg === "-p" ? "--port" : "--baud"; i--; continue; }
    if (!arg.startsWith("--")) { parsed.positional.push(arg); continue; }
    const eq = arg.indexOf("=");
    const name = (eq >= 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/_/g, "-");
    if (FLAG_OPTIONS.has(name)) { parsed.flags.add(name); continue; }
    if (!VALUE_OPTIONS.has(name)) throw usageError(command, `unknown option --${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw usageError(command, `--${name} needs a value`);
    parsed.options.set(name, value);
  }
  return parsed;
}

function choice<T extends string>(command: string, name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw usageError(command, `--${name} ${value}: expected one of ${allowed.join(", ")}`);
  return value as T;
}

function number(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usageError(command, `--${name} ${value}: expected a positive whole number`);
  return n;
}

function readInput(path: string, what: string): Uint8Array {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new FlashError(`cannot read ${what} '${path}': ${describe(err)}`, EXIT.badInput);
  }
  if (size > FLASH_LIMITS.maxImageBytes) throw new FlashError(`${path} is ${size} bytes: larger than any ESP8266 flash`, EXIT.badInput);
  return new Uint8Array(readFileSync(path));
}

function parseAddress(text: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isFinite(n)) throw new FlashError(`'${text}' is not a flash address (e.g. 0x10000)`, EXIT.badInput);
  return n;
}

function defaultRegions(): Region[] {
  const dir = resolve("build/nodemcu");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^0x[0-9a-f]+\.bin$/i.test(f)) : [];
  if (files.length === 0) {
    throw new FlashError(
      `no NodeMCU build in ${dir} (expected 0x00000.bin, 0x10000.bin): run 'wasmqtt firmware --nodemcu DIR' first, ` +
        "or give ADDR FILE pairs", EXIT.badInput);
  }
  return files.map((f) => ({ address: parseInt(f, 16), data: readInput(join(dir, f), "image"), name: `build/nodemcu/${f}` }));
}

async function openLink(parsed: Parsed): Promise<SerialLink> {
  const given = parsed.options.get("port");
  if (given) {
    const known = (await listPorts().catch(() => [])).find((p) => p.path === given);
    return new NodeSerialLink(given, known?.vendorId, known?.productId);
  }
  const port = pickPort(await listPorts());
  console.error(`using ${describePort(port)}`);
  return new NodeSerialLink(port.path, port.vendorId, port.productId);
}

async function runFlash(parsed: Parsed): Promise<number> {
  const cmd = "flash";
  if (parsed.positional.length % 2 !== 0) throw usageError(cmd, "ADDR FILE arguments come in pairs");
  const regions: Region[] = [];
  for (let i = 0; i < parsed.positional.length; i += 2) {
    const file = parsed.positional[i + 1];
    regions.push({ address: parseAddress(parsed.positional[i]), data: readInput(file, "image"), name: basename(file) });
  }
  const mode = choice(cmd, "flash-mode", parsed.options.get("flash-mode"), [...Object.keys(FLASH_MODES), "keep"] as const);
  const freq = choice(cmd, "flash-freq", parsed.options.get("flash-freq"), [...Object.keys(FLASH_FREQS), "keep"] as const);
  const size = choice(cmd, "flash-size", parsed.options.get("flash-size"), [...Object.keys(FLASH_SIZES), "detect", "keep"] as const);
  const before = choice<Before>(cmd, "before", parsed.options.get("before"), ["default_reset", "no_reset"]);
  const after = choice<After>(cmd, "after", parsed.options.get("after"), ["hard_reset", "no_reset"]);
  const baud = number(cmd, "baud", parsed.options.get("baud"), FLASH_LIMITS.defaultBaud);
  const attempts = number(cmd, "connect-attempts", parsed.options.get("connect-attempts"), FLASH_LIMITS.connectAttempts);
  const verbose = parsed.flags.has("verbose");
  const files = regions.length ? regions : defaultRegions();
  // Every image and region check that needs no chip, before a port is picked or opened.
  prepareRegions({ regions: files, flashSize: size === "keep" || size === "detect" ? undefined : (size as FlashSize) }, { info: () => undefined });
  const link = await openLink(parsed);
  const started = Date.now();
  const report = await flashDevice(link, {
    regions: files, baud,
    flashMode: mode === "keep" ? undefined : (mode as FlashMode | undefined),
    flashFreq: freq === "keep" ? undefined : (freq as FlashFreq | undefined),
    flashSize: size === "keep" ? undefined : (size as FlashSize | "detect" | undefined),
    eraseAll: parsed.flags.has("erase-all"), compress: !parsed.flags.has("no-compress"), before, after, connectAttempts: attempts,
  }, {
    info: (l) => console.log(l),
    debug: (l) => { if (verbose) console.error(`  ${l}`); },
    progress: progressRenderer(process.stderr),
  });
  const total = report.regions.reduce((n, r) => n + r.bytes, 0);
  console.log(`done: ${report.regions.length} region(s), ${total} bytes written and verified at ${report.baud} baud ` +
    `in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return EXIT.ok;
}

async function runPorts(): Promise<number> {
  const ports = await listPorts();
  if (ports.length === 0) {
    console.log("no serial ports found (plug the board in with a data cable)");
    return EXIT.ok;
  }
  console.log(`${"port".padEnd(14)} ${"vid:pid".padEnd(10)} device`);
  for (const p of ports) console.log(describePort(p));
  return EXIT.ok;
}

async function withPrompt<T>(parsed: Parsed, body: (prompt: LuaPrompt) => Promise<T>): Promise<T> {
  const link = await openLink(parsed);
  const prompt = new LuaPrompt(link);
  try {
    await prompt.open(number("upload", "baud", parsed.options.get("baud"), FLASH_LIMITS.consoleBaud));
    return await body(prompt);
  } finally {
    await prompt.close().catch(() => undefined);
  }
}

async function runUpload(parsed: Parsed): Promise<number> {
  if (parsed.positional.length === 0) throw usageError("upload", "give at least one FILE");
  const files = parsed.positional.map((f) => {
    const data = readInput(f, "file");
    if (data.length > FLASH_LIMITS.maxUploadBytes) throw new FlashError(`${f} is larger than ${FLASH_LIMITS.maxUploadBytes} bytes`, EXIT.badInput);
    return { name: basename(f), data };
  });
  return withPrompt(parsed, async (prompt) => {
    for (const f of files) {
      const started = Date.now();
      await prompt.writeFile(f.name, f.data);
      console.log(`${f.name}: ${f.data.length} bytes written and checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    if (parsed.flags.has("run")) {
      const last = files[files.length - 1].name;
      console.log(`--- dofile("${last}") ---`);
      const out = await prompt.runFile(last);
      if (out) console.log(out);
    }
    return EXIT.ok;
  });
}

async function runLs(parsed: Parsed): Promise<number> {
  return withPrompt(parsed, async (prompt) => {
    const files = await prompt.list();
    if (files.length === 0) console.log("no files");
    for (const f of files) console.log(`${String(f.size).padStart(8)}  ${f.name}`);
    return EXIT.ok;
  });
}

async function runRm(parsed: Parsed): Promise<number> {
  if (parsed.positional.length === 0) throw usageError("rm", "give at least one NAME");
  return withPrompt(parsed, async (prompt) => {
    let code: number = EXIT.ok;
    for (const name of parsed.positional) {
      if (await prompt.remove(name)) console.log(`removed ${name}`);
      else {
        console.error(`${name}: no such file on the chip (see wasmqtt ls)`);
        code = EXIT.badInput;
      }
    }
    return code;
  });
}

async function runMonitor(parsed: Parsed): Promise<number> {
  const link = await openLink(parsed);
  return monitor(link, number("monitor", "baud", parsed.options.get("baud"), FLASH_LIMITS.consoleBaud), {
    input: process.stdin, output: process.stdout, note: (l) => console.error(l),
  });
}

export async function main(command: string, argv: string[]): Promise<number> {
  try {
    const parsed = parseArgs(command, [...argv]);
    if (parsed.flags.has("help")) {
      console.log(HELP[command] ?? HELP.flash);
      return EXIT.ok;
    }
    switch (command) {
      case "flash": return await runFlash(parsed);
      case "ports": return await runPorts();
      case "monitor": return await runMonitor(parsed);
      case "upload": return await runUpload(parsed);
      case "ls": return await runLs(parsed);
      case "rm": return await runRm(parsed);
      default: throw new FlashError(`unknown command ${command}`, EXIT.badInput);
    }
  } catch (err) {
    if (err instanceof FlashError) {
      console.error(`wasmqtt ${command}: ${err.message}`);
      return err.exitCode;
    }
    console.error(`wasmqtt ${command}: ${describe(err)}`);
    return 1;
  }
}
