// What every broker launcher needs (tools/mosquitto.ts, the tests' aedes and RabbitMQ): free ports,
// waiting for a listener, a temporary folder, and child processes stopped by PID (and killed with
// the launching process if it dies first).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** A fresh folder under the system's temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// Processes still running when the launching process exits (a failed or killed run) are stopped with it.
const running = new Set<ChildProcess>();
process.once("exit", () => { for (const p of running) p.kill("SIGKILL"); });

/** Kill `proc` with the launching process if it is still running then. */
export function track(proc: ChildProcess): void {
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
}

export function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

/** SIGTERM by PID and wait for the exit (SIGKILL after `graceMs`). */
export async function stopProcess(proc: ChildProcess | null, graceMs = 5000): Promise<void> {
  if (!proc || hasExited(proc)) return;
  await new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), graceMs).unref();
  });
}
