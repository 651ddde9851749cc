// NodeMCU's make as `wasmqtt firmware --nodemcu` runs it: streamed, and when it fails, where it
// stopped (the step NodeMCU's make announced, the compiler's errors, the files they cite) and whose
// fault that is (a missing compiler, a download, the toolchain's headers, wasmqtt, NodeMCU).
import { spawn } from "node:child_process";
import { isAbsolute, relative, resolve } from "node:path";
import { COMPONENT, MARK, MARKER_FILE } from "./nodemcu-tree.js";

/** NodeMCU's make prints one summary line per step ("CC app/modules/tmr.c", "LD ...", "WGET ..."). */
const STEP = /^(CC|CXX|AR|LD|NM|ESPTOOL|WGET|UNZIP|EXTRACT|PRUNE|MKCERT|DEPEND: CC|DEPEND: CXX) (\S.*)$/;

/** Lines that say what went wrong (compiler, linker, shell), not the source excerpts under them. */
const ERROR_LINE = /(^|: )(fatal )?error:|: Error:|undefined reference to|No such file or directory|command not found|cannot find/;

export interface Failure {
  step: string | null;
  errors: string[];
  makeError: string | null;
  /** Files the compiler's messages of the failing step cite (errors, notes, "In file included from"). */
  cited: string[];
}

/** A compiler message's file: "path:line[:col]: error|note|warning" or an include chain's "path:line". */
const CITED = /^(?:In file included from |\s*from )?([^\s:]+):\d+(?::\d+)?[:,]/;

/** Where a failed build stopped: the last step announced before make's first "***" line, the
 *  compiler's error lines and the files its messages cite, and that line. */
export function findFailure(lines: string[]): Failure {
  let step: string | null = null;
  const errors: string[] = [];
  const cited = new Set<string>();
  let makeError: string | null = null;
  for (const line of lines) {
    const m = STEP.exec(line.trim());
    if (m && !makeError) {
      step = `${m[1]} ${m[2]}`;
      errors.length = 0;
      cited.clear();
      continue;
    }
    if (/\*\*\*/.test(line) && /make(\[\d+\])?:/.test(line)) {
      makeError ??= line.trim();
      continue;
    }
    if (makeError) continue;
    if (ERROR_LINE.test(line)) errors.push(line.trim());
    const file = CITED.exec(line);
    if (file && !/^(make|collect2|cc1|ld)$/.test(file[1])) cited.add(file[1]);
  }
  return { step, errors: errors.slice(0, 12), makeError, cited: [...cited] };
}

/** Who is to blame for a failed step, and what to do about it. `dir` is the tree; `stock` says
 *  the failing build was the tree without wasmqtt (the baseline). */
export function adviceFor(failure: Failure, output: string, dir: string, stock = false): string {
  const step = failure.step ?? "";
  if (/xtensa-lx106-elf-[\w+-]+: (command )?not found|make(\[\d+\])?: xtensa-lx106-elf-[\w+-]+: No such file or directory/.test(output)) {
    return "NodeMCU's make cannot find the ESP8266 compiler (xtensa-lx106-elf-gcc): put its bin folder on PATH or set TOOLCHAIN_ROOT (see docs/firmware.md)";
  }
  if (/^WGET|^UNZIP|^EXTRACT/.test(step) || /unable to resolve host|Could not resolve|wget: /.test(output)) {
    const target = /\[[^\]]*: (\S+)\] Error/.exec(failure.makeError ?? "")?.[1];
    const file = target ? relative(dir, target) : "the SDK, esptool or toolchain archive";
    return `NodeMCU's make tried to download ${file} (it downloads the ESP8266 SDK, esptool and a toolchain when their ` +
      "files in cache/ are missing): connect to the network, or put the files in cache/ as docs/firmware.md's offline recipe says";
  }
  // A header outside the tree (the compiler's own include folders) in the failing messages: the
  // toolchain's C library disagrees with NodeMCU's headers, whoever's file was being compiled.
  const toolchainHeaders = failure.cited.filter((f) => isAbsolute(f) && !resolve(f).startsWith(dir + "/") && /\/include\//.test(f));
  if (toolchainHeaders.length) {
    return `the compiler's own headers (${toolchainHeaders.slice(0, 2).join(", ")}) clash with NodeMCU's: NodeMCU 3.0 is built with ` +
      "its own toolchain (gcc 8 with newlib, which its make downloads when TOOLCHAIN_ROOT is unset); with another " +
      "toolchain, fix or silence that clash (NodeMCU's -Werror: make EXTRA_CCFLAGS=-Wno-error) — it is not wasmqtt's code";
  }
  if (!stock && (step.includes(`app/${COMPONENT}/`) || failure.errors.some((e) => e.includes(`${COMPONENT}/`)))) {
    return `the failing step is wasmqtt's code (app/${COMPONENT}): please report it with the lines above and NodeMCU's commit (git -C DIR log -1)`;
  }
  const where = stock ? "NodeMCU's tree does not build even with its own mqtt module (wasmqtt's lines undone)"
    : "the failing step is in NodeMCU's own sources, which wasmqtt does not change";
  return `${where}: check its submodules (git submodule update --init) and its configuration (app/include/user_config.h); ` +
    "if you build with another toolchain than NodeMCU's (TOOLCHAIN_ROOT), NodeMCU's own files may need it (e.g. make EXTRA_CCFLAGS=-Wno-error); " +
    `to build it without wasmqtt, undo the lines marked '${MARK}' as app/${COMPONENT}/${MARKER_FILE} says`;
}

/** Runs make in dir, streaming its output; resolves with its exit status and output lines. */
export function runMake(dir: string, args: string[]): Promise<{ status: number | null; lines: string[]; spawnError?: Error }> {
  return new Promise((done) => {
    const lines: string[] = [];
    const keep = (text: string) => {
      for (const l of text.split(/\r?\n/)) if (l) lines.push(l);
      if (lines.length > 4000) lines.splice(0, lines.length - 2000);
    };
    let child;
    try {
      child = spawn("make", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      done({ status: null, lines, spawnError: err as Error });
      return;
    }
    let partial = { out: "", err: "" };
    const pump = (key: "out" | "err", sink: NodeJS.WriteStream) => (chunk: Buffer) => {
      sink.write(chunk);
      const text = partial[key] + chunk.toString("utf8");
      const cut = text.lastIndexOf("\n");
      partial[key] = cut < 0 ? text : text.slice(cut + 1);
      if (cut >= 0) keep(text.slice(0, cut));
    };
    child.stdout.on("data", pump("out", process.stdout));
    child.stderr.on("data", pump("err", process.stderr));
    child.on("error", (err) => done({ status: null, lines, spawnError: err }));
    child.on("close", (status) => {
      keep(partial.out);
      keep(partial.err);
      partial = { out: "", err: "" };
      done({ status, lines });
    });
  });
}

