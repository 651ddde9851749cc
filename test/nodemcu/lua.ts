// Runs NodeMCU Lua scripts in the hosted runtime's ASan+UBSan build and collects what they print.
import { expect } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The runtime under test (WASMQTT_LUA overrides, e.g. for a build elsewhere). */
export const RUNTIME = process.env.WASMQTT_LUA ?? fileURLToPath(new URL("../../build/firmware/hosted/wasmqtt-lua-asan", import.meta.url));
export const SCRIPTS = fileURLToPath(new URL("./scripts", import.meta.url));

export interface LuaRunOptions {
  /** --broker host:port: every connect() goes there. */
  broker?: string;
  /** --timeout seconds (the runtime's own limit). */
  timeout?: number;
  /** A name for the script file (shows in Lua's error positions). */
  name?: string;
}

export interface LuaResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout split into lines, without the trailing empty one. */
  lines: string[];
}

const dir = mkdtempSync(join(tmpdir(), "wasmqtt-lua-"));
let scriptCount = 0;

/** Writes `source` to a script file (or returns `source` when it names an existing .lua file). */
export function scriptFile(source: string, name = "script.lua"): string {
  if (source.endsWith(".lua") && !source.includes("\n") && existsSync(source)) return source;
  const file = join(dir, `${++scriptCount}-${name}`);
  writeFileSync(file, source);
  return file;
}

/** One of test/nodemcu/scripts/*.lua, as text. */
export function script(name: string): string {
  return readFileSync(join(SCRIPTS, name), "utf8");
}

function args(file: string, o: LuaRunOptions): string[] {
  const a = [file];
  if (o.broker) a.push("--broker", o.broker);
  a.push("--timeout", String(o.timeout ?? 10));
  return a;
}

/** Memory errors and undefined behaviour found by the sanitizers, from stderr. */
export function sanitizerReports(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: /.test(l));
}

/** The run ended well: exit 0 and nothing from the sanitizers. */
export function expectClean(r: LuaResult): void {
  expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
}

/** A running script: lines as they come, a way to wait for one, kill, and the final result. */
export class LuaProcess {
  readonly lines: string[] = [];
  stderr = "";
  readonly done: Promise<LuaResult>;
  private readonly proc: ChildProcess;
  private partial = "";
  private waiters: Array<() => void> = [];

  constructor(source: string, opts: LuaRunOptions = {}) {
    const file = scriptFile(source, opts.name);
    this.proc = spawn(RUNTIME, args(file, opts), {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ASAN_OPTIONS: "detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS: "print_stacktrace=1" },
    });
    let stdout = "";
    this.proc.stdout!.setEncoding("utf8");
    this.proc.stdout!.on("data", (d: string) => {
      stdout += d;
      this.partial += d;
      const parts = this.partial.split("\n");
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.proc.stderr!.setEncoding("utf8");
    this.proc.stderr!.on("data", (d: string) => { this.stderr += d; });
    this.done = new Promise((res, rej) => {
      this.proc.once("error", rej);
      this.proc.once("close", (code, signal) => {
        if (this.partial) this.lines.push(this.partial);
        this.partial = "";
        for (const w of this.waiters.splice(0)) w();
        res({ stdout, stderr: this.stderr, code, signal, lines: [...this.lines] });
      });
    });
  }

  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** Resolves with the index of the first line matching `pattern` (at or after `from`). */
  async waitFor(pattern: RegExp | string, timeoutMs = 10_000, from = 0): Promise<number> {
    const match = (l: string) => (typeof pattern === "string" ? l === pattern : pattern.test(l));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((l, k) => k >= from && match(l));
      if (i >= 0) return i;
      if (this.exited) throw new Error(`the script ended without printing ${pattern}:\n${this.lines.join("\n")}\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; printed so far:\n${this.lines.join("\n")}\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.exited) this.proc.kill(signal);
  }
}

/** Runs a script to its end. */
export function runLua(source: string, opts: LuaRunOptions = {}): Promise<LuaResult> {
  return new LuaProcess(source, opts).done;
}

/** A Lua string literal for s. */
export function lq(s: string): string {
  return JSON.stringify(s);
}
