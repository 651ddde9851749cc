// The NodeMCU tree around our component: its names (folder, marker), and what the tree's make
// will do before it runs: whether its objects were built for the other Lua flavour (NodeMCU keeps
// one object folder for both, so LUA=53 after LUA=51 links 5.1 objects), and which files it would
// download (its SDK, esptool and toolchain rules fetch a cache file when it is missing, and unpack
// it again when it is newer than what was unpacked).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** The marker every line wasmqtt edits in a tree carries. */
export const MARK = "wasmqtt:";
/** Our component's folder inside app/, its library and the module's config name. */
export const COMPONENT = "wasmqtt";
/** The file in app/wasmqtt that says what was changed and lists the sources. */
export const MARKER_FILE = "WASMQTT.txt";

export type Flavour = "51" | "53";

/** The flavour a make run builds: LUA=.. among its arguments, else in the environment, else 5.1. */
export function flavourOf(makeArgs: string[], env: NodeJS.ProcessEnv = process.env): Flavour {
  const arg = [...makeArgs].reverse().find((a) => a.startsWith("LUA="));
  const value = arg ? arg.slice(4) : (env.LUA ?? "");
  return value === "53" ? "53" : "51";
}

/** Each flavour's own folder in app/; an object that includes headers from it was built for it. */
const FLAVOUR_DIR: Record<Flavour, string> = { "51": "lua", "53": "lua53" };

/** The dependency files (.d) make wrote beside the objects (app/<folder>/.../.output/), with the
 *  first folder under app/ they belong to. */
function dependencyFiles(app: string): Array<{ d: string; folder: string }> {
  if (!existsSync(app)) return [];
  return (readdirSync(app, { recursive: true }) as string[])
    .filter((path) => path.endsWith(".d") && path.split(sep).includes(".output"))
    .map((path) => ({ d: join(app, path), folder: path.split(sep)[0] }));
}

export interface FlavourClean {
  /** The objects removed (with their .d), relative to the tree. */
  removed: string[];
}

/** Removes the objects (and their dependency files) that NodeMCU's make would reuse although
 *  they were compiled against the other flavour's Lua headers. The other flavour's own folder is
 *  left alone (it is not linked in this flavour), and so is everything else: sdk/, the caches,
 *  the objects that include no Lua header. Make rebuilds what was removed. */
export function cleanOtherFlavour(dir: string, flavour: Flavour): FlavourClean {
  const other = FLAVOUR_DIR[flavour === "51" ? "53" : "51"];
  const usesOther = new RegExp(`(^|[\\s/])${other}/\\S+\\.h\\b`);
  const removed: string[] = [];
  for (const { d, folder } of dependencyFiles(join(dir, "app"))) {
    if (folder === other) continue;
    let text: string;
    try {
      text = readFileSync(d, "utf8");
    } catch {
      continue;
    }
    // "obj/x.o obj/x.d : x.c headers...": only the prerequisites say which headers were used.
    if (!usesOther.test(text.slice(text.indexOf(":") + 1))) continue;
    const object = d.replace(/\.d$/, ".o");
    rmSync(object, { force: true });
    rmSync(d, { force: true });
    removed.push(relative(dir, object));
  }
  return { removed };
}

export interface Planned {
  /** Files make would fetch, relative to the tree ("cache/esptool/v2.6.tar.gz"). */
  downloads: string[];
  /** Cache files make would unpack again over what is already unpacked (they are newer than it). */
  unpacks: string[];
}

/** What NodeMCU's make would download or unpack before it compiles anything: its dry run
 *  (make -n) of the SDK and toolchain targets, read for wget's "-O FILE" and for unzip/tar of a
 *  cache file. Null when the dry run itself fails (not NodeMCU's Makefile): make's own run then
 *  says what is wrong. */
export function plannedFetches(dir: string, makeArgs: string[]): Planned | null {
  const run = spawnSync("make", ["-n", ...makeArgs, "toolchain", "sdk_pruned"], { cwd: dir, encoding: "utf8" });
  if (run.error || run.status !== 0) return null;
  const planned: Planned = { downloads: [], unpacks: [] };
  const cache = join(dir, "cache") + sep;
  for (const line of run.stdout.split("\n")) {
    const fetched = /\bwget\b.*\s-O\s+"?([^\s"]+)/.exec(line);
    if (fetched) {
      planned.downloads.push(relative(dir, fetched[1]));
      continue;
    }
    if (!/\b(unzip|tar)\b/.test(line)) continue;
    const file = line.split(/\s+/).map((t) => t.replace(/^["(]+|[")\];]+$/g, "")).find((t) => t.startsWith(cache));
    // Unpacking into a tree that has nothing unpacked yet is the normal first build.
    const over = /\bunzip\b/.test(line) ? existsSync(join(dir, "sdk")) : existsSync(join(dir, "tools/toolchains/esptool.py"));
    if (file && over) planned.unpacks.push(relative(dir, file));
  }
  return planned;
}
