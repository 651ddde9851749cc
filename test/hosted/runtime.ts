// Runs Lua scripts in the hosted runtime (build/firmware/hosted/wasmqtt-lua*) for the tests:
// writes the script to a temp dir, spawns the binary asynchronously (the tests' own servers
// keep running meanwhile), collects stdout, stderr, exit code and wall time.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const RUNTIME_DIR = join(ROOT, "build/firmware/hosted");
/** ASan+UBSan builds: the runtime alone, and with the test-only netprobe module. */
export const ASAN = join(RUNTIME_DIR, "wasmqtt-lua-asan");
export const PROBE = join(RUNTIME_DIR, "wasmqtt-lua-probe");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const dir = mkdtempSync(join(tmpdir(), "wasmqtt-hosted-"));
let scripts = 0;

export function scriptFile(source: string): string {
  const file = join(dir, `script${++scripts}.lua`);
  writeFileSync(file, source);
  return file;
}

export function runFile(binary: string, args: string[], killAfterMs = 20_000): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, ASAN_OPTIONS: "detect_leaks=1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolvePromise({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs `source` as a script with the given extra arguments. */
export function runLua(source: string, args: string[] = [], binary = ASAN): Promise<RunResult> {
  return runFile(binary, [scriptFile(source), ...args]);
}

/** The stdout lines of a run. */
export function lines(r: RunResult): string[] {
  return r.stdout.split("\n").filter((l) => l.length > 0);
}
