// The checkout's build as a package user's process runs it: its lifetime, and the demo (`wasmqtt
// demo`) with the embedded broker and against mosquitto. The installed tarball: test/package.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Mosquitto } from "../helpers/mosquitto.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const cli = join(root, "dist/host/cli/main.js");

let broker: Mosquitto;
beforeAll(async () => {
  if (!existsSync(join(root, "dist/host/index.js"))) throw new Error("dist/ is missing: run `bash scripts/build.sh` first");
  broker = await Mosquitto.start();
});
afterAll(async () => { await broker?.dispose(); });

describe("process lifetime", () => {
  it("a connected client keeps the process alive; after close() it exits on its own", async () => {
    const script = `
      import { Client } from "wasmqtt";
      const m = new Client("alive-" + process.pid, 2);
      m.connect("127.0.0.1", ${broker.port}, 0, () => {
        console.log("connected");
        // unref'd: only the client can keep the process alive until this fires
        setTimeout(() => { console.log("still alive"); m.close(); }, 2500).unref();
      }, (c, reason) => { console.log("failed " + reason); });
    `;
    const t0 = Date.now();
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root, timeout: 20_000 });
    expect(stdout.trim().split("\n")).toEqual(["connected", "still alive"]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe("wasmqtt demo", () => {
  const expected = ["connected", "subscribe success", "sent (QoS 0)", "sent (QoS 1)", "sent (QoS 2)"];

  it("runs the seed's example against the embedded broker and exits 0", async () => {
    const { stdout } = await run(process.execPath, [cli, "demo"], { cwd: root, timeout: 30_000 });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^embedded broker on mqtt:\/\/127\.0\.0\.1:\d+$/);
    for (const l of expected) expect(lines).toContain(l);
    expect(lines.filter((l) => l === "/topic:").length).toBe(3);
    expect(lines.filter((l) => l === "hello").length).toBe(3);
  });

  it("runs against mosquitto with --broker and exits 0", async () => {
    const { stdout } = await run(process.execPath, [cli, "demo", "--broker", broker.url], { cwd: root, timeout: 30_000 });
    const lines = stdout.trim().split("\n");
    for (const l of expected) expect(lines).toContain(l);
    expect(lines.filter((l) => l === "hello").length).toBe(3);
  });

  it("fails clearly and non-zero when the broker is not there", async () => {
    const err = await run(process.execPath, [cli, "demo", "--broker", "mqtt://127.0.0.1:1"], { cwd: root, timeout: 30_000 })
      .then(() => null, (e) => e);
    expect(err?.code).toBe(1);
    expect(err.stderr).toMatch(/failed reason: -5 CONN_FAIL_SERVER_NOT_FOUND/);
  });

  it("rejects a malformed --broker with exit code 2", async () => {
    const err = await run(process.execPath, [cli, "demo", "--broker", "not a url"], { cwd: root }).then(() => null, (e) => e);
    expect(err?.code).toBe(2);
    expect(err.stderr).toMatch(/--broker: 'not a url' is not a URL/);
  });
});
