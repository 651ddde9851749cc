// Script blobs for the interpreter harness (format in firmware/lx106/script.h): encoding,
// decoding, running the same script in Node's WebAssembly, and comparing outputs.
import { spawnSync } from "node:child_process";

export type ValueType = "i32" | "i64";
export type Value = [ValueType, bigint];
export interface Call { name: string; args: Value[] }
export interface ScriptModule { bytes: Uint8Array; calls: Call[] }

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e };
const CODE_TYPE: Record<number, ValueType> = { 0x7f: "i32", 0x7e: "i64" };

export const i32 = (v: number | bigint): Value => ["i32", BigInt.asUintN(32, BigInt(v))];
export const i64 = (v: number | bigint): Value => ["i64", BigInt.asUintN(64, BigInt(v))];

export function encodeScript(modules: ScriptModule[]): Buffer {
  const parts: Buffer[] = [Buffer.from("WSC1")];
  let length = 4;
  const push = (b: Buffer) => { parts.push(b); length += b.length; };
  const pad = () => { if (length % 4) push(Buffer.alloc(4 - (length % 4))); };
  for (const m of modules) {
    const head = Buffer.alloc(8);
    head.write("M", 0);
    head.writeUInt32LE(m.bytes.length, 4);
    push(head); push(Buffer.from(m.bytes)); pad();
    for (const call of m.calls) {
      const name = Buffer.from(call.name, "utf8");
      const h = Buffer.alloc(4);
      h.write("I", 0);
      h.writeUInt16LE(name.length, 2);
      push(h); push(name); push(Buffer.from([call.args.length, 0]));
      for (const [type, value] of call.args) {
        const v = Buffer.alloc(9);
        v[0] = TYPE_CODE[type];
        v.writeBigUInt64LE(BigInt.asUintN(64, value), 1);
        push(v);
      }
      pad();
    }
  }
  push(Buffer.from("E\0\0\0"));
  return Buffer.concat(parts);
}

export function decodeScript(blob: Buffer): ScriptModule[] {
  if (blob.toString("latin1", 0, 4) !== "WSC1") throw new Error("not a script blob");
  const modules: ScriptModule[] = [];
  const orphan: ScriptModule = { bytes: new Uint8Array(), calls: [] };
  let at = 4;
  const padded = (n: number) => (n + 3) & ~3;
  while (at < blob.length) {
    const kind = String.fromCharCode(blob[at]);
    if (kind === "E") return modules;
    if (kind === "M") {
      const n = blob.readUInt32LE(at + 4);
      modules.push({ bytes: blob.subarray(at + 8, at + 8 + n), calls: [] });
      at += 8 + padded(n);
    } else if (kind === "I") {
      const n = blob.readUInt16LE(at + 2);
      let cursor = at + 4;
      const name = blob.toString("utf8", cursor, cursor + n);
      cursor += n;
      const count = blob[cursor];
      cursor += 2;
      const args: Value[] = [];
      for (let i = 0; i < count; i++, cursor += 9) args.push([CODE_TYPE[blob[cursor]], blob.readBigUInt64LE(cursor + 1)]);
      (modules.at(-1) ?? orphan).calls.push({ name, args });
      at = padded(cursor);
    } else {
      throw new Error(`bad record '${kind}' at ${at}`);
    }
  }
  throw new Error("script without end record");
}

const hex = (v: bigint) => `0x${v.toString(16)}`;
const showValue = ([type, value]: Value) => `${type}:${hex(type === "i32" ? BigInt.asUintN(32, value) : value)}`;

/** Export names escaped exactly as script.c prints them. */
function showName(name: string): string {
  let out = "";
  for (const c of Buffer.from(name, "utf8")) {
    out += c >= 0x21 && c < 0x7f && c !== 0x5c && c !== 0x28 ? String.fromCharCode(c) : `\\${hex(BigInt(c))}`;
  }
  return out;
}

function showResult(result: unknown): string {
  const one = (v: unknown) => (typeof v === "bigint" ? showValue(["i64", BigInt.asUintN(64, v)]) : showValue(["i32", BigInt(v as number)]));
  if (result === undefined) return "";
  return Array.isArray(result) ? result.map(one).join(" ") : one(result);
}

const noop = () => {};
const spectest = { spectest: { print: noop, print_i32: noop, print_i64: noop, print_i32_i32: noop } };

/** Runs a script in Node's WebAssembly and prints what script.c would print. */
export function runInNode(modules: ScriptModule[]): string[] {
  const lines: string[] = [];
  modules.forEach((m, index) => {
    let exports: WebAssembly.Exports | null = null;
    try {
      exports = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), spectest).exports;
      lines.push(`module ${index}: ok`);
    } catch (e) {
      lines.push(`module ${index}: error ${(e as Error).message}`);
    }
    for (const call of m.calls) {
      const head = `${showName(call.name)}(${call.args.map(showValue).join(" ")}) -> `;
      if (!exports) { lines.push(`${head}skipped: no module`); continue; }
      const fn = exports[call.name];
      if (typeof fn !== "function") { lines.push(`${head}error not a function`); continue; }
      const args = call.args.map(([t, v]) => (t === "i32" ? Number(BigInt.asIntN(32, v)) : BigInt.asIntN(64, v)));
      try {
        lines.push(head + showResult((fn as (...a: unknown[]) => unknown)(...args)));
      } catch (e) {
        lines.push(`${head}trap ${(e as Error).message}`);
      }
    }
  });
  return lines;
}

/** Reduces a line to what every implementation must agree on: values exactly, and that a module
 * failed or a call trapped (each implementation words errors its own way). */
export function normalize(line: string): string {
  return line
    .replace(/^(module \d+: error).*$/, "$1")
    .replace(/ -> (trap|error)\b.*$/, " -> $1");
}

export interface Comparison { compared: number; unsupported: number; differences: string[] }

/** Compares the interpreter's script output with Node's. A module the interpreter refuses as
 * unsupported (floats are off on the lx106) is allowed; its calls are then skipped. */
export function compareWithNode(vmLines: string[], nodeLines: string[]): Comparison {
  const result: Comparison = { compared: 0, unsupported: 0, differences: [] };
  let skipping = false;
  const count = Math.max(vmLines.length, nodeLines.length);
  for (let i = 0; i < count; i++) {
    const vm = vmLines[i] ?? "<missing>", node = nodeLines[i] ?? "<missing>";
    if (/^module \d+: /.test(vm)) {
      skipping = /unsupported/i.test(vm) && /: ok$/.test(node);
      if (skipping) { result.unsupported++; continue; }
    } else if (skipping && vm.endsWith("-> skipped: no module")) {
      continue;
    }
    result.compared++;
    if (normalize(vm) !== normalize(node)) result.differences.push(`line ${i + 1}: vm   ${vm}\n         node ${node}`);
  }
  return result;
}

/** Runs a program and splits its output into lines (the harness prints one result per line). */
export function runLines(command: string, args: string[]): { status: number | null; lines: string[]; stderr: string } {
  const run = spawnSync(command, args, { encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
  if (run.error) throw run.error;
  return { status: run.status, lines: run.stdout.split("\n").filter((l) => l !== ""), stderr: run.stderr };
}
