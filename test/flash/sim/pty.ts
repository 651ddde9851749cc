// A socat pty pair: the CLI opens one end like a USB serial device, the simulated chip the other.
// A pty has no DTR/RTS, so the chip starts in download mode and flashing runs with --before no_reset.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeSerialLink } from "../../../host/flash/serial-link.js";
import type { SimEsp8266 } from "./esp8266.js";

export interface PtyPair {
  host: string;
  device: string;
  dir: string;
  socat: ChildProcess;
  close(): void;
}

async function waitFor(paths: string[], child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (paths.every((p) => existsSync(p))) return;
    if (child.exitCode !== null) throw new Error(`socat exited (${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("socat did not create the ptys");
}

export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), "wasmqtt-pty-"));
  const host = join(dir, "host"), device = join(dir, "device");
  const socat = spawn("socat", [`pty,raw,echo=0,link=${host}`, `pty,raw,echo=0,link=${device}`], { stdio: "ignore" });
  await waitFor([host, device], socat);
  return { host, device, dir, socat, close: () => socat.kill("SIGKILL") };
}

/** Puts a simulated chip on the device end; returns a function that detaches it. */
export async function attachChip(chip: SimEsp8266, devicePath: string): Promise<() => Promise<void>> {
  const link = new NodeSerialLink(devicePath);
  await link.open(115200);
  const off = link.onData((d) => chip.input(d));
  chip.output = (bytes) => void link.write(bytes).catch(() => undefined);
  return async () => {
    off();
    await link.close();
  };
}

/** A NodeMCU Lua prompt (real Lua 5.1 with a `file` module over DIR) on the device end of a pty. */
export async function nodemcuPty(filesDir: string, fault?: "corrupt-write"): Promise<{ host: string; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "wasmqtt-lua-"));
  const host = join(dir, "host");
  const script = new URL("./nodemcu.lua", import.meta.url).pathname;
  const socat = spawn("socat", [`pty,raw,echo=0,link=${host}`, `EXEC:lua5.1 ${script} ${filesDir}${fault ? " " + fault : ""}`], { stdio: "ignore" });
  await waitFor([host], socat);
  return { host, close: () => socat.kill("SIGKILL") };
}
