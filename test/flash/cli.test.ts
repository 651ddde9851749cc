// The real CLI (dist/host/cli/main.js, built by scripts/build.sh), spawned as a user runs it,
// against a simulated ESP8266 or a simulated NodeMCU Lua prompt on the far end of a socat pty pair.
import { describe, it, expect, beforeAll, afterEach } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { SimEsp8266 } from "./sim/esp8266.js";
import { ptyPair, attachChip, nodemcuPty } from "./sim/pty.js";
import { nodemcuPair } from "./sim/images.js";

const CLI = resolve("dist/host/cli/main.js");
const md5 = (d: Uint8Array) => createHash("md5").update(d).digest("hex");
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Run { code: number | null; stdout: string; stderr: string }

function wasmqtt(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: (w: NodeJS.WritableStream, out: () => string) => void; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: "pipe" });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 45_000);
    if (opts.stdin) opts.stdin(child.stdin, () => stdout);
    else child.stdin.end();
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(CLI) || !existsSync(resolve("dist/host/cli/flash.js"))) {
    throw new Error("dist/ is missing: run `bash scripts/build.sh` first (npm test does)");
  }
});

function nodemcuBuildDir(): { cwd: string; boot: Uint8Array; irom: Uint8Array } {
  const cwd = mkdtempSync(join(tmpdir(), "wasmqtt-fw-"));
  const { boot, irom } = nodemcuPair(128 * 1024);
  mkdirSync(join(cwd, "build/nodemcu"), { recursive: true });
  writeFileSync(join(cwd, "build/nodemcu/0x00000.bin"), boot);
  writeFileSync(join(cwd, "build/nodemcu/0x10000.bin"), irom);
  return { cwd, boot, irom };
}

describe("wasmqtt flash over a pty", () => {
  it("flashes the NodeMCU build from build/nodemcu, verifies it, and starts the application", async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const chip = await new SimEsp8266({ startInDownloadMode: true }).init();
    cleanups.push(await attachChip(chip, pty.device));
    const { cwd, boot, irom } = nodemcuBuildDir();
    const r = await wasmqtt(["flash", "--port", pty.host, "--before", "no_reset", "--flash-mode", "dio"], { cwd });
    expect(r.stderr + r.stdout).toMatch(/verified/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0x00000\.bin: ESP8266 image, 3 segments.*header mode qio, size 4MB, freq 40m -> mode dio/);
    expect(r.stdout).toMatch(/done: 2 region\(s\), \d+ bytes written and verified at 460800 baud/);
    expect(r.stderr).toMatch(/\[2\/2\] 0x10000 \[#+\] 100%/); // the progress bar, one line per quarter off a terminal
    expect(chip.flash.bytes[2]).toBe(2);
    expect(md5(chip.flash.read(4, boot.length - 4))).toBe(md5(boot.subarray(4)));
    expect(md5(chip.flash.read(0x10000, irom.length))).toBe(md5(irom));
    expect(chip.events.at(-1)).toBe("boot:app");
  });

  it("a silent chip: exit code 3 and what to do", async () => {
    const pty = await ptyPair();
    cleanups.push(() => pty.close());
    const chip = await new SimEsp8266({ startInDownloadMode: true, faults: { silent: true } }).init();
    cleanups.push(await attachChip(chip, pty.device));
    const { cwd } = nodemcuBuildDir();
    const r = await wasmqtt(["flash", "--port", pty.host, "--before", "no_reset", "--connect-attempts", "1"], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no answer from the chip: hold FLASH and press RESET/);
    expect(r.stdout).not.toMatch(/done/);
  });

  it("the device unplugged mid-write: a clear error, never a success", async () => {
    const pty = await ptyPair();
    const chip = await new SimEsp8266({ startInDownloadMode: true, faults: { unplugAfterDataFrames: 2 } }).init();
    const detach = await attachChip(chip, pty.device);
    chip.onUnplug = () => pty.close();
    cleanups.push(detach);
    const { cwd } = nodemcuBuildDir();
    const r = await wasmqtt(["flash", "--port", pty.host, "--before", "no_reset", "--baud", "115200"], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the serial device went away while writing .*\(unplugged\?\)/);
    expect(r.stderr).toMatch(/partial image: reconnect the board and run flash again/);
    expect(r.stdout).not.toMatch(/done:/);
  });

  it("bad input is refused before a port is touched", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "wasmqtt-empty-"));
    let r = await wasmqtt(["flash"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run 'wasmqtt firmware --nodemcu DIR' first/);
    const bad = join(cwd, "bad.bin");
    const { boot } = nodemcuPair(4096);
    const broken = boot.slice();
    broken[40] ^= 0xff;
    writeFileSync(bad, broken);
    r = await wasmqtt(["flash", "0x0", bad, "--port", "/dev/does-not-exist"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.bin is not a valid ESP8266 image: checksum .* the file is damaged/);
    writeFileSync(join(cwd, "a.bin"), new Uint8Array(0x3000));
    r = await wasmqtt(["flash", "0x20000", join(cwd, "a.bin"), "0x22000", join(cwd, "a.bin"), "--port", "/dev/x"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.bin \(0x20000\.\.0x23000\) overlaps a\.bin at 0x22000/);
    r = await wasmqtt(["flash", "0x10000", join(cwd, "a.bin"), "--flash-size", "64KB"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--flash-size 64KB: expected one of 512KB/);
  });

  it("wasmqtt ports works where udevadm is missing", async () => {
    const r = await wasmqtt(["ports"], { env: { ...process.env, PATH: "/nonexistent" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no serial ports found|vid:pid/);
  });
});

describe("the NodeMCU Lua prompt over a pty", () => {
  async function lua(fault?: "corrupt-write") {
    const files = mkdtempSync(join(tmpdir(), "wasmqtt-spiffs-"));
    const chip = await nodemcuPty(files, fault);
    cleanups.push(() => chip.close());
    return { files, host: chip.host };
  }

  it("upload writes files byte for byte, checks them, and --run runs the last", async () => {
    const { files, host } = await lua();
    const src = mkdtempSync(join(tmpdir(), "wasmqtt-src-"));
    const init = Buffer.from('-- init\nprint("hello from init")\n');
    const blob = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff)); // every byte value, quotes, NULs
    const main = Buffer.from('local t = {}\nfor i = 1, 3 do t[#t + 1] = i * i end\nprint("squares " .. table.concat(t, ","))\n');
    writeFileSync(join(src, "init.lua"), init);
    writeFileSync(join(src, "blob.bin"), blob);
    writeFileSync(join(src, "main.lua"), main);
    const r = await wasmqtt(["upload", join(src, "init.lua"), join(src, "blob.bin"), join(src, "main.lua"), "--port", host, "--run"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/blob\.bin: 1000 bytes written and checked/);
    expect(r.stdout).toMatch(/squares 1,4,9/);
    expect(readFileSync(join(files, "init.lua"))).toEqual(init);
    expect(readFileSync(join(files, "blob.bin"))).toEqual(blob);
    expect(readFileSync(join(files, "main.lua"))).toEqual(main);
  });

  it("a file stored wrong on the chip: upload fails and says so", async () => {
    const { host } = await lua("corrupt-write");
    const src = mkdtempSync(join(tmpdir(), "wasmqtt-src-"));
    writeFileSync(join(src, "app.lua"), "x".repeat(500));
    const r = await wasmqtt(["upload", join(src, "app.lua"), "--port", host]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/app\.lua on the chip does not match the file \(500 bytes, sum \d+\/\d+; expected 500 bytes/);
    expect(r.stdout).not.toMatch(/written and checked/);
  });

  it("ls lists files with sizes; rm removes them and says when a name is not there", async () => {
    const { files, host } = await lua();
    writeFileSync(join(files, "a.lua"), "print(1)\n");
    writeFileSync(join(files, "b.txt"), "x".repeat(300));
    let r = await wasmqtt(["ls", "--port", host]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+9\s+a\.lua\n\s+300\s+b\.txt$/m);
    r = await wasmqtt(["rm", "a.lua", "--port", host]);
    expect(r.code).toBe(0);
    expect(readdirSync(files)).toEqual(["b.txt"]);
    r = await wasmqtt(["rm", "a.lua", "--port", host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.lua: no such file on the chip/);
    r = await wasmqtt(["rm", "../etc/passwd", "--port", host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be a NodeMCU file name/);
  });

  it("monitor passes lines both ways and Ctrl-] quits", async () => {
    const { host } = await lua();
    const r = await wasmqtt(["monitor", "--port", host], {
      stdin: (w, out) => {
        w.write("print(6*7)\n");
        const poll = setInterval(() => {
          if (/42/.test(out())) {
            clearInterval(poll);
            w.write("\x1d");
          }
        }, 50);
      },
      timeoutMs: 15_000,
    });
    expect(r.stdout).toMatch(/print\(6\*7\)\r?\n42/);
    expect(r.stderr).toMatch(/Ctrl-\] quits/);
    expect(r.code).toBe(0);
  });

  it("monitor: the device unplugged ends it with exit code 3 and says so", async () => {
    const files = mkdtempSync(join(tmpdir(), "wasmqtt-spiffs-"));
    const chip = await nodemcuPty(files);
    const r = await wasmqtt(["monitor", "--port", chip.host], {
      stdin: (w, out) => {
        w.write("print('up')\n");
        const poll = setInterval(() => {
          if (/\nup/.test(out())) {
            clearInterval(poll);
            chip.close();
          }
        }, 50);
      },
      timeoutMs: 15_000,
    });
    expect(r.stdout).toMatch(/up/);
    expect(r.stderr).toMatch(/the serial device went away \(unplugged\?\)/);
    expect(r.code).toBe(3);
  });

  it("no prompt on the port: a clear error", async () => {
    const pty = await ptyPair(); // nobody on the far end
    cleanups.push(() => pty.close());
    const r = await wasmqtt(["ls", "--port", pty.host]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no Lua prompt from .* is NodeMCU running at this baud rate/);
  });
});

describe("real hardware (WASMQTT_TEST_PORT)", () => {
  const port = process.env.WASMQTT_TEST_PORT;
  it.skipIf(!port)("flashes and verifies a 64 KB pattern at 0x200000 on the board at WASMQTT_TEST_PORT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wasmqtt-hw-"));
    const pattern = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 131 + (i >> 8)) & 0xff));
    writeFileSync(join(dir, "pattern.bin"), pattern);
    const r = await wasmqtt(["flash", "--port", port!, "0x200000", join(dir, "pattern.bin")], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pattern\.bin: 65536 bytes at 0x200000 verified/);
  }, 150_000);
});
