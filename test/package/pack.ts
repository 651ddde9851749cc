// What the install test needs around `npm pack`: a checkout as a fresh clone has it (no dist/, no
// build/), a PATH without any C or lx106 toolchain, the tarball and a project it is installed into.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");

/** The commands a firmware build runs; the Node part must build with none of them. */
export const FIRMWARE_TOOLS = /^(xtensa-lx106-elf-.*|make|gmake|cc|c\+\+|gcc.*|g\+\+.*|clang.*|ld|ld\..*|wasm2c|qemu-system-.*)$/;

/** The checkout's files as git sees them (tracked and new, not ignored) copied to `dest`, time
 *  stamps kept; node_modules is linked, not copied (the test must not need the registry for it). */
export function copyCheckout(dest: string): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  for (const file of listed.split("\0")) {
    if (!file || !existsSync(join(ROOT, file))) continue; // deleted but not yet committed
    cpSync(join(ROOT, file), join(dest, file), { preserveTimestamps: true });
  }
  // scripts/setup.sh runs `npm ci` when the lock file is newer than node_modules: through this
  // link it would reinstall the checkout's own node_modules, so refuse instead.
  const lock = statSync(join(ROOT, "package-lock.json")).mtimeMs;
  const installed = join(ROOT, "node_modules/.package-lock.json");
  if (!existsSync(installed) || statSync(installed).mtimeMs < lock) {
    throw new Error("node_modules is missing or older than package-lock.json: run `npm run setup` first");
  }
  symlinkSync(join(ROOT, "node_modules"), join(dest, "node_modules"), "dir");
}

/** A folder of links to every command on PATH except the firmware toolchain's, to use as PATH. */
export function pathWithoutToolchain(bin: string): string {
  mkdirSync(bin, { recursive: true });
  const seen = new Set<string>();
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (seen.has(name) || FIRMWARE_TOOLS.test(name)) continue;
      seen.add(name);
      symlinkSync(join(dir, name), join(bin, name));
    }
  }
  return bin;
}

/** An empty project: a package.json and nothing else. */
export function emptyProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "wasmqtt-install-check", version: "1.0.0", private: true }, null, 2));
}

/** Module specifiers a JavaScript file imports: static `import`/`export ... from` and `import("...")`
 *  (comments left out: they quote usage). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  // statements start a line (tsc writes each on one line); a quoted "from '...'" inside a string does not
  const pattern = /^\s*(?:import|export)\b[^"'\n;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/gm;
  for (const m of code.matchAll(pattern)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}
