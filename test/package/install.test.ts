// The package as a user gets it: `npm pack` in a copy of the checkout as a fresh clone has it (no
// dist/, no build/: the prepack step builds them) with a PATH that hides every C and lx106 tool,
// then `npm install` of the tarball into an empty project, where the seed example, the CLI and a
// CommonJS `require` run against mosquitto, and TypeScript finds the types.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { Mosquitto } from "../helpers/mosquitto.js";
import { tempDir } from "../helpers/processes.js";
import { FIRMWARE_TOOLS, ROOT, copyCheckout, emptyProject, importsOf, pathWithoutToolchain } from "./pack.js";

const run = promisify(execFile);
const SETUP_MS = 240_000; // a build and an install on a busy two-core machine

let work: string;
let checkout: string;
let hiddenPath: string;
let tarball: string;
let app: string;
let installed: string;
let broker: Mosquitto;

beforeAll(async () => {
  work = tempDir("wasmqtt-package-");
  checkout = join(work, "checkout");
  copyCheckout(checkout);
  hiddenPath = pathWithoutToolchain(join(work, "bin"));
  // npm pack runs prepack (scripts/build.sh): the engine and dist/ from sources, no compiler.
  await run("npm", ["pack", "--pack-destination", work, "--loglevel=error"], {
    cwd: checkout, env: { ...process.env, PATH: hiddenPath }, timeout: SETUP_MS,
  });
  const packed = readdirSync(work).filter((f) => f.endsWith(".tgz"));
  expect(packed).toHaveLength(1);
  tarball = join(work, packed[0]);

  app = join(work, "app");
  emptyProject(app);
  // From the npm cache when it holds the dependencies (it does after the checkout's npm ci).
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: app, timeout: SETUP_MS });
  installed = join(app, "node_modules/wasmqtt");
  broker = await Mosquitto.start();
}, SETUP_MS * 2);

afterAll(async () => {
  await broker?.dispose();
  if (!work) return;
  if (existsSync(join(checkout, "node_modules"))) unlinkSync(join(checkout, "node_modules")); // the link, never what it points at
  rmSync(work, { recursive: true, force: true });
});

/** A script file in the app project, run by node from `cwd` (default: the app). */
async function runScript(name: string, body: string, cwd = app): Promise<string[]> {
  writeFileSync(join(app, name), body);
  const { stdout } = await run(process.execPath, [join(app, name)], { cwd, timeout: 30_000 });
  return stdout.trim().split("\n");
}

describe("the tarball", () => {
  it("was built by prepack with no C compiler, make or lx106 toolchain on PATH", () => {
    const visible = readdirSync(hiddenPath);
    expect(visible).toContain("node");
    expect(visible).toContain("npm");
    expect(visible.filter((name) => FIRMWARE_TOOLS.test(name))).toEqual([]);
    expect(existsSync(join(checkout, "build/firmware"))).toBe(false);
    expect(existsSync(join(checkout, "build/engine.wasm"))).toBe(true);
  });

  it("a second build with nothing changed rewrites no output (so make rebuilds no firmware)", async () => {
    const outputs = ["build/engine.wasm", "dist/host/index.js", "dist/tools/firmware/embed.js"].map((f) => join(checkout, f));
    const before = outputs.map((f) => statSync(f).mtimeMs);
    await run("bash", ["scripts/build.sh"], { cwd: checkout, env: { ...process.env, PATH: hiddenPath }, timeout: SETUP_MS });
    expect(outputs.map((f) => statSync(f).mtimeMs)).toEqual(before);
  });

  it("holds the client, the CLI, the engine, the types, README and LICENSE, and no sources or tooling", () => {
    const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
    for (const f of [
      "package.json", "README.md", "LICENSE", "build/engine.wasm",
      "dist/host/index.js", "dist/host/index.d.ts", "dist/host/client.d.ts", "dist/host/cli/main.js", "dist/host/cli/demo.js", "dist/host/cli/flash.js",
    ]) expect(files).toContain(f);
    const outside = files.filter((f) => !/^(package\.json|README\.md|LICENSE|build\/engine\.wasm|dist\/host\/.*\.(js|d\.ts))$/.test(f));
    expect(outside).toEqual([]);
    expect(files.filter((f) => /^dist\/host\/(bench|firmware)\//.test(f))).toEqual([]);
  });

  it("every module it ships imports only shipped files, Node's built-ins and its dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    const allowed = new Set([...builtinModules, ...Object.keys(pkg.dependencies ?? {})]);
    const problems: string[] = [];
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : []);
    const modules = walk(join(installed, "dist"));
    expect(modules.length).toBeGreaterThan(10);
    for (const file of modules) {
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        const where = relative(installed, file);
        if (spec.startsWith(".")) {
          if (!existsSync(resolve(dirname(file), spec))) problems.push(`${where}: ${spec} is not in the package`);
        } else if (!allowed.has(spec.replace(/^node:/, "")) && !allowed.has(spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/"))) {
          problems.push(`${where}: ${spec} is not a dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("installed into an empty project", () => {
  it("runs the seed example through `import { Client } from \"wasmqtt\"`, finding the engine from any cwd", async () => {
    // cwd is the work folder: no package.json, no build/engine.wasm there.
    const lines = await runScript("seed.mjs", `
      import { Client, constants } from "wasmqtt";
      const m = new Client("clientid-" + process.pid, 120);
      m.lwt("/lwt", "offline", 0, 0);
      m.on("message", (client, topic, data) => { console.log(topic + ":", data); client.close(); });
      m.connect("127.0.0.1", ${broker.port}, 0, (client) => {
        client.subscribe("/topic", 0, () => console.log("subscribe success"));
        client.publish("/topic", "hello", 1, 0, () => console.log("sent"));
      }, (client, reason) => { console.log("failed reason: " + reason); process.exitCode = 1; });
      console.log("DNS=" + constants.CONN_FAIL_DNS);
    `, work);
    expect(lines[0]).toBe("DNS=-3");
    expect(lines).toContain("subscribe success");
    expect(lines).toContain("sent");
    expect(lines).toContain("/topic: hello");
  });

  it("answers CommonJS: `require(\"wasmqtt\")` gives the same client", async () => {
    const lines = await runScript("seed.cjs", `
      const { Client, constants } = require("wasmqtt");
      const m = new Client("cjs-" + process.pid, 30);
      m.on("message", (client, topic, data) => { console.log(topic + " " + data); client.close(); });
      m.connect("127.0.0.1", ${broker.port}, 0, (client) => {
        client.subscribe("/cjs", 1, () => client.publish("/cjs", "required", 1, 0));
      }, (client, reason) => { console.log("failed reason: " + reason); process.exitCode = 1; });
      console.log("SERVER_NOT_FOUND=" + constants.CONN_FAIL_SERVER_NOT_FOUND);
    `);
    expect(lines).toEqual(["SERVER_NOT_FOUND=-5", "/cjs required"]);
  });

  it("`npx wasmqtt demo` runs the seed's example against the embedded broker", async () => {
    const { stdout } = await run("npx", ["--offline", "wasmqtt", "demo"], { cwd: app, timeout: 60_000 });
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^embedded broker on mqtt:\/\/127\.0\.0\.1:\d+$/);
    for (const l of ["connected", "subscribe success", "sent (QoS 0)", "sent (QoS 1)", "sent (QoS 2)"]) expect(lines).toContain(l);
    expect(lines.filter((l) => l === "hello")).toHaveLength(3);
  });

  it("`npx wasmqtt demo --broker` reaches mosquitto", async () => {
    const { stdout } = await run("npx", ["--offline", "wasmqtt", "demo", "--broker", broker.url], { cwd: app, timeout: 60_000 });
    expect(stdout.trim().split("\n").filter((l) => l === "hello")).toHaveLength(3);
  });

  it("`npx wasmqtt ports` loads the flasher's dependencies (serialport's binding, esptool-js) and lists ports", async () => {
    const { stdout } = await run("npx", ["--offline", "wasmqtt", "ports"], { cwd: app, timeout: 60_000 });
    expect(stdout.split("\n")[0]).toMatch(/^(port +vid:pid +device|no serial ports found)/);
  });

  it("a checkout-only command says so instead of failing obscurely", async () => {
    const err = await run("npx", ["--offline", "wasmqtt", "vm", "spec"], { cwd: app, timeout: 60_000 }).then(() => null, (e) => e);
    expect(err?.code).toBe(2);
    expect(err.stderr).toMatch(/wasmqtt: 'vm' /);
  });

  it("gives TypeScript users the types (a wrong call is a type error)", async () => {
    writeFileSync(join(app, "use.ts"), `
      import { Client, constants, type ClientSettings } from "wasmqtt";
      const settings: Partial<ClientSettings> = {};
      const m: Client = new Client("typed", 30);
      m.connect("127.0.0.1", 1883, 0, () => {}, (_c, reason: number) => { void (reason === constants.CONN_FAIL_DNS); });
      void settings;
    `);
    writeFileSync(join(app, "wrong.ts"), `import { Client } from "wasmqtt";\nnew Client(42);\n`);
    // One run over both: the right file has no error, the wrong call is the only one.
    const out = await run(process.execPath, [
      join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
      "--typeRoots", join(ROOT, "node_modules/@types"), "--types", "node", "use.ts", "wrong.ts",
    ], { cwd: app, timeout: 60_000 }).then(() => "", (e) => String(e.stdout));
    const errors = out.split("\n").filter((l) => / error TS\d+/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^wrong\.ts\(2,\d+\): error TS\d+/);
  });
});
