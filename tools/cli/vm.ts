// `wasmqtt vm run FILE.wasm EXPORT [ARGS...]` and `wasmqtt vm spec`: front ends for the C
// interpreter's host tool (build/firmware/wasm-vm*, built by `make -C firmware`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const TOOL_DIR = join(ROOT, "build/firmware");
const SUITE_DIR = resolve(ROOT, "../shared/wasm-testsuite/core");
const SPEC_BUILD = join(ROOT, "build/spec");
const KNOWN_FAILURES = join(ROOT, "firmware/vm/spec-known-failures.txt");
const SPECTEST_WAT = join(ROOT, "firmware/tools/spectest.wat");
/** A file whose tool run takes longer is killed; its unanswered assertions fail. */
const FILE_TIMEOUT_MS = 90_000;

const USAGE = `usage: wasmqtt vm run FILE.wasm EXPORT [ARGS...] [--memory-limit BYTES] [--fuel N]
                   [--aligned-reads] [--stats] [--sanitized] [--value-slots N] [--call-depth N]
                   [--stub-imports]
       wasmqtt vm spec [--only NAME[,NAME...]] [--jobs N] [--verbose]
  run's stacks default to 1,048,576 value slots and 65,536 frames (a PC's budget); the chip's
  are --value-slots 256 --call-depth 32.`;

function toolPath(aligned: boolean, sanitized: boolean): string {
  return join(TOOL_DIR, `wasm-vm${sanitized ? "-asan" : ""}${aligned ? "-aligned" : ""}`);
}

export async function main(_command: string, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "run") return run(rest);
  if (sub === "spec") return spec(rest);
  console.error(USAGE);
  return 2;
}

function run(argv: string[]): number {
  let aligned = false;
  let sanitized = false;
  const pass: string[] = [];
  for (const a of argv) {
    if (a === "--aligned-reads") aligned = true;
    else if (a === "--sanitized") sanitized = true;
    else pass.push(a);
  }
  if (pass.filter((a) => !a.startsWith("--")).length < 2) {
    console.error(USAGE);
    return 2;
  }
  const tool = toolPath(aligned, sanitized);
  if (!existsSync(tool)) {
    console.error(`wasmqtt vm: ${tool} is missing; build it with 'make -C firmware' (or npm run build:firmware)`);
    return 2;
  }
  const r = spawnSync(tool, ["run", ...pass], { stdio: "inherit" });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

// ---------------------------------------------------------------- spec

interface WastValue { type: string; value?: string | string[] }
interface WastAction { type: "invoke" | "get"; module?: string; field: string; args?: WastValue[] }
interface WastCommand {
  type: string;
  line: number;
  filename?: string;
  name?: string;
  as?: string;
  module_type?: string;
  action?: WastAction;
  expected?: WastValue[];
  text?: string;
}

/** One line sent to the tool and how to judge its answer (null = not an assertion). */
interface Step {
  line: number;
  send: string;
  judge: ((answer: string) => string | null) | null;
  kind: string;
}

interface FileResult {
  file: string;
  total: number;
  passed: number;
  textMalformed: number;
  failures: { line: number; kind: string; why: string }[];
  notes: string[];
}

const TRAP_NAMES: [string, string[]][] = [
  ["unreachable", ["unreachable"]],
  ["out of bounds", ["out_of_bounds"]],
  ["integer divide by zero", ["div_by_zero"]],
  ["integer overflow", ["int_overflow"]],
  ["invalid conversion", ["invalid_conversion"]],
  ["indirect call type mismatch", ["indirect_mismatch"]],
  ["undefined element", ["undefined_element", "out_of_bounds"]],
  ["uninitialized element", ["uninitialized_element"]],
  ["call stack exhausted", ["stack_exhausted"]],
];

function trapMatches(expectedText: string, got: string): boolean {
  for (const [prefix, names] of TRAP_NAMES) if (expectedText.startsWith(prefix)) return names.includes(got);
  return false;
}

function hexName(s: string): string {
  return "x" + Buffer.from(s, "utf8").toString("hex");
}

function encodeArg(v: WastValue): string {
  if (Array.isArray(v.value)) throw new Error(`vector value (${v.type}) is not supported`);
  return `${v.type}:${v.value ?? "null"}`;
}

function nanOk(type: string, bits: bigint, kind: string): boolean {
  if (type === "f32") {
    const canon = (bits & 0x7fffffffn) === 0x7fc00000n;
    const arith = (bits & 0x7fc00000n) === 0x7fc00000n;
    return kind === "nan:canonical" ? canon : arith;
  }
  const canon = (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
  const arith = (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n;
  return kind === "nan:canonical" ? canon : arith;
}

function valueMatches(exp: WastValue, got: string): boolean {
  const colon = got.indexOf(":");
  const type = got.slice(0, colon);
  const val = got.slice(colon + 1);
  if (type !== exp.type) return false;
  if (Array.isArray(exp.value)) return false;
  if (exp.type === "funcref" || exp.type === "externref") {
    if (exp.value === undefined) return val !== "null";
    return val === exp.value;
  }
  if (exp.value === undefined) return false;
  if (exp.value.startsWith("nan:")) return nanOk(exp.type, BigInt(val), exp.value);
  return BigInt(val) === BigInt(exp.value);
}

function actionLine(a: WastAction): string {
  const mod = a.module ?? "-";
  if (a.type === "get") return `get ${mod} ${hexName(a.field)}`;
  return `invoke ${mod} ${hexName(a.field)} ${(a.args ?? []).map(encodeArg).join(" ")}`.trimEnd();
}

function planFile(json: string, dir: string, result: FileResult): Step[] {
  const doc = JSON.parse(readFileSync(json, "utf8")) as { commands: WastCommand[] };
  const steps: Step[] = [];
  const path = (f: string) => join(dir, f);
  for (const c of doc.commands) {
    const line = c.line;
    try {
      switch (c.type) {
        case "module":
          steps.push({ line, kind: "module", send: `module ${c.name ?? "-"} ${path(c.filename!)}`, judge: null });
          break;
        case "register":
          steps.push({ line, kind: "register", send: `register ${c.as} ${c.name ?? "-"}`, judge: null });
          break;
        case "action":
          steps.push({ line, kind: "action", send: actionLine(c.action!), judge: null });
          break;
        case "assert_return": {
          const expected = c.expected ?? [];
          steps.push({
            line, kind: c.type, send: actionLine(c.action!),
            judge: (ans) => {
              const parts = ans.split(" ");
              if (parts[0] !== "ok") return `expected values, got '${ans}'`;
              const got = parts.slice(1);
              if (got.length !== expected.length) return `expected ${expected.length} values, got '${ans}'`;
              for (let i = 0; i < got.length; i++)
                if (!valueMatches(expected[i], got[i]))
                  return `result ${i}: expected ${expected[i].type}:${String(expected[i].value)}, got ${got[i]}`;
              return null;
            },
          });
          break;
        }
        case "assert_trap":
        case "assert_exhaustion": {
          const text = c.text ?? "";
          steps.push({
            line, kind: c.type, send: actionLine(c.action!),
            judge: (ans) => {
              const [word, name] = ans.split(" ");
              if (word !== "trap") return `expected trap '${text}', got '${ans}'`;
              return trapMatches(text, name) ? null : `expected trap '${text}', got trap ${name}`;
            },
          });
          break;
        }
        case "assert_invalid":
        case "assert_malformed":
          if (c.module_type === "text" && c.type === "assert_malformed") {
            result.textMalformed++; // text-format syntax errors: not input for a binary decoder
            break;
          }
          if (c.module_type === "text") throw new Error("text-format module in assert_invalid");
          steps.push({
            line, kind: c.type, send: `check ${path(c.filename!)}`,
            judge: (ans) => (ans.startsWith("error ") && !ans.startsWith("error io") ? null : `expected rejection (${c.text}), got '${ans}'`),
          });
          break;
        case "assert_unlinkable":
          steps.push({
            line, kind: c.type, send: `instantiate ${path(c.filename!)}`,
            judge: (ans) => (ans.startsWith("error link") ? null : `expected link error (${c.text}), got '${ans}'`),
          });
          break;
        case "assert_uninstantiable":
          steps.push({
            line, kind: c.type, send: `instantiate ${path(c.filename!)}`,
            judge: (ans) => {
              const [word, name] = ans.split(" ");
              if (word !== "trap") return `expected trap at instantiation (${c.text}), got '${ans}'`;
              return trapMatches(c.text ?? "", name) ? null : `expected trap '${c.text}', got trap ${name}`;
            },
          });
          break;
        default:
          result.total++;
          result.failures.push({ line, kind: c.type, why: `command '${c.type}' is not supported` });
      }
    } catch (e) {
      if (c.type.startsWith("assert_")) {
        result.total++;
        result.failures.push({ line, kind: c.type, why: (e as Error).message });
      }
    }
  }
  return steps;
}

function runTool(tool: string, input: string): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((resolveP, reject) => {
    const p = spawn(tool, ["spec"], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => err.push(d));
    p.on("error", reject);
    p.on("close", (code) => resolveP({ out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8"), code }));
    const timer = setTimeout(() => p.kill("SIGKILL"), FILE_TIMEOUT_MS);
    p.on("close", () => clearTimeout(timer));
    p.stdin.on("error", () => {});
    p.stdin.end(input);
  });
}

async function runFile(wast: string, tool: string, spectest: string, sub: string): Promise<FileResult> {
  const name = basename(wast, ".wast");
  const result: FileResult = { file: `${name}.wast`, total: 0, passed: 0, textMalformed: 0, failures: [], notes: [] };
  const dir = join(SPEC_BUILD, sub, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const conv = spawnSync("wast2json", ["--enable-all", wast, "-o", json], { encoding: "utf8" });
  if (conv.error || !existsSync(json)) {
    const count = (readFileSync(wast, "utf8").match(/\(assert_/g) ?? []).length;
    result.total += count;
    result.failures.push({ line: 0, kind: "convert", why: `wast2json failed: ${conv.error?.message ?? conv.stderr.slice(0, 200)}` });
    return result;
  }
  const steps = planFile(json, dir, result);
  const prologue = [`module spectest ${spectest}`, "register spectest spectest"];
  const { out, err, code } = await runTool(tool, [...prologue, ...steps.map((s) => s.send)].join("\n") + "\n");
  const answers = out.split("\n");
  if (answers[0] !== "ok" || answers[1] !== "ok") result.notes.push(`spectest module did not load: ${answers[0]}`);
  const crashed = code !== 0 ? `tool exited with ${code}: ${err.split("\n").slice(0, 6).join(" | ")}` : null;
  if (crashed) result.notes.push(crashed);
  steps.forEach((s, i) => {
    const ans = answers[i + prologue.length];
    if (s.judge === null) {
      if (s.kind === "module" && ans !== "ok") result.notes.push(`line ${s.line}: module failed: ${ans ?? "(no answer)"}`);
      return;
    }
    result.total++;
    if (ans === undefined || ans === "") {
      result.failures.push({ line: s.line, kind: s.kind, why: crashed ? "no answer: the tool crashed (see note)" : "no answer" });
      return;
    }
    const why = s.judge(ans);
    if (why === null) result.passed++;
    else result.failures.push({ line: s.line, kind: s.kind, why });
  });
  return result;
}

function loadKnownFailures(): Map<string, string> {
  const known = new Map<string, string>();
  if (!existsSync(KNOWN_FAILURES)) return known;
  for (const raw of readFileSync(KNOWN_FAILURES, "utf8").split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(\S+:\d+)\s+(.*)$/.exec(line);
    if (m) known.set(m[1], m[2]);
  }
  return known;
}

async function spec(argv: string[]): Promise<number> {
  let only: string[] | null = null;
  let jobs = Math.max(1, cpus().length);
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--only") only = (argv[++i] ?? "").split(",").map((s) => s.replace(/\.wast$/, ""));
    else if (argv[i] === "--jobs") jobs = Math.max(1, Number(argv[++i]) || 1);
    else if (argv[i] === "--verbose") verbose = true;
    else {
      console.error(USAGE);
      return 2;
    }
  }
  const tool = toolPath(false, true);
  if (!existsSync(tool)) {
    console.error(`spec: ${tool} is missing; build it with 'make -C firmware' (or npm run build:firmware)`);
    return 2;
  }
  if (!existsSync(SUITE_DIR)) {
    console.error(`spec: the test suite is not at ${SUITE_DIR}`);
    return 2;
  }
  if (spawnSync("wast2json", ["--version"]).error) {
    console.error("spec: wast2json not found (Debian package wabt)");
    return 2;
  }
  mkdirSync(SPEC_BUILD, { recursive: true });
  const spectest = join(SPEC_BUILD, "spectest.wasm");
  const w = spawnSync("wat2wasm", [SPECTEST_WAT, "-o", spectest], { encoding: "utf8" });
  if (w.status !== 0) {
    console.error(`spec: cannot build the spectest module: ${w.stderr}`);
    return 2;
  }
  let files = readdirSync(SUITE_DIR).filter((f) => f.endsWith(".wast")).sort();
  if (only) files = files.filter((f) => only!.includes(f.replace(/\.wast$/, "")));
  // Every file runs twice: plain reads and aligned 32-bit word reads (the ESP8266 flash path).
  const modes = [
    { label: "", tool },
    { label: " (aligned reads)", tool: toolPath(true, true) },
  ];
  const work = modes.flatMap((m) => files.map((f) => ({ mode: m.label, tool: m.tool, file: f })));
  const results = new Map<string, FileResult[]>(modes.map((m) => [m.label, []]));
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < work.length) {
        const w = work[next++];
        const dir = w.mode ? "aligned" : "plain";
        results.get(w.mode)!.push(await runFile(join(SUITE_DIR, w.file), w.tool, spectest, dir));
      }
    }),
  );
  const known = loadKnownFailures();
  const unexpected: string[] = [];
  const expectedFails: string[] = [];
  const summary: string[] = [];
  let textMalformed = 0;
  for (const m of modes) {
    const rs = results.get(m.label)!.sort((a, b) => a.file.localeCompare(b.file));
    let total = 0, passed = 0;
    textMalformed = 0;
    for (const r of rs) {
      total += r.total;
      passed += r.passed;
      textMalformed += r.textMalformed;
      for (const n of r.notes) if (verbose || r.failures.length) console.log(`  note${m.label} ${r.file}: ${n}`);
      for (const f of r.failures) {
        const key = `${r.file}:${f.line}`;
        const text = `${key}${m.label} ${f.kind}: ${f.why}`;
        if (known.has(key)) expectedFails.push(`${text}  [known: ${known.get(key)}]`);
        else unexpected.push(text);
      }
    }
    summary.push(m.label ? `spec${m.label}: ${passed}/${total} assertions in ${rs.length} files` : `spec: ${passed}/${total} assertions in ${rs.length} files`);
  }
  if (expectedFails.length) {
    console.log(`spec: ${expectedFails.length} known failure(s) listed in firmware/vm/spec-known-failures.txt:`);
    for (const l of expectedFails) console.log(`  known ${l}`);
  }
  if (unexpected.length) {
    console.log(`spec: ${unexpected.length} failure(s) not in the known list:`);
    for (const l of unexpected.slice(0, verbose ? unexpected.length : 60)) console.log(`  FAIL ${l}`);
    if (!verbose && unexpected.length > 60) console.log(`  ... and ${unexpected.length - 60} more (--verbose lists all)`);
  }
  console.log(`spec: ${textMalformed} assert_malformed on text-format modules not counted (not binary input)`);
  // the plain-reads line last: it is the one line CI reads
  for (const l of summary.reverse()) console.log(l);
  return unexpected.length === 0 ? 0 : 1;
}
