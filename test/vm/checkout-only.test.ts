// The CLI as the installed package has it: dist/host alone (tools/ stays in the checkout). The
// package's own commands still run; the tooling commands say they need a checkout instead of
// failing with a module error; in the checkout the same commands reach their tools.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI } from "./cli-run.js";

const ROOT = resolve(import.meta.dirname, "../..");
let installed: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first`);
  // Under the checkout's build/, so the package's dependencies resolve from its node_modules.
  installed = mkdtempSync(join(ROOT, "build", "installed-"));
  cpSync(join(CLI, "../.."), join(installed, "dist/host"), { recursive: true });
  writeFileSync(join(installed, "package.json"), JSON.stringify({ name: "wasmqtt", type: "module" }));
});

afterAll(() => rmSync(installed, { recursive: true, force: true }));

const cli = (main: string, args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });

describe("the CLI without the checkout's tools/", () => {
  it.each([["vm", "spec"], ["firmware", "size"], ["run", "x.lua"]])("'wasmqtt %s %s' says it needs a wasmqtt checkout", (command, arg) => {
    const r = cli(join(installed, "dist/host/cli/main.js"), [command, arg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`'${command}' is tooling that needs a wasmqtt checkout`);
    expect(r.stderr).toContain("npm run build");
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  });

  it("lists the tooling commands as needing a checkout", () => {
    const r = cli(join(installed, "dist/host/cli/main.js"), ["--help"]);
    expect(r.status).toBe(0);
    for (const command of ["vm", "run", "firmware"]) expect(r.stdout).toMatch(new RegExp(`^  ${command} .*\\(in a wasmqtt checkout\\)$`, "m"));
    expect(r.stdout).not.toMatch(/^  (demo|flash) .*checkout/m);
  });

  it("still runs the package's own commands", () => {
    const r = cli(join(installed, "dist/host/cli/main.js"), ["flash", "--help"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: wasmqtt flash/);
  });
});

describe("the CLI in the checkout", () => {
  it("reaches the tooling commands in tools/cli", () => {
    const r = cli(CLI, ["firmware", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wasmqtt firmware size/);
  });
});
