// Shared by the `wasmqtt vm run` suites: the CLI in a child process, and .wat sources compiled
// into a temporary folder before the suite runs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/host/cli/main.js");

export function vmRun(args: string[]) {
  const r = spawnSync("node", [CLI, "vm", "run", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout.trim().split("\n").filter(Boolean), err: r.stderr };
}

/** Compiles every module with wat2wasm (extra flags, e.g. --no-check) into a fresh folder;
 *  returns the path of a module's .wasm by name. */
export function compileModules(prefix: string, modules: Record<string, string>, flags: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = (name: string) => join(dir, `${name}.wasm`);
  const compile = () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first`);
    for (const [name, wat] of Object.entries(modules)) {
      writeFileSync(join(dir, `${name}.wat`), wat);
      const r = spawnSync("wat2wasm", [...flags, join(dir, `${name}.wat`), "-o", file(name)], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`wat2wasm ${name}: ${r.stderr}`);
    }
  };
  return { dir, file, compile };
}
