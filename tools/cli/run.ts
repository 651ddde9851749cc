// `wasmqtt run SCRIPT.lua [--broker host:port] [--timeout s]`: runs a NodeMCU Lua script in the
// hosted runtime (build/firmware/hosted/wasmqtt-lua, built by `make -C firmware`), passing its
// output through and returning its exit code (0 done or node.restart(), 1 script error,
// 2 usage, 124 timeout). WASMQTT_LUA names another runtime binary (e.g. one built elsewhere).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const RUNTIME_DIR = join(ROOT, "build/firmware/hosted");

const USAGE = `usage: wasmqtt run SCRIPT.lua [--broker host:port] [--timeout seconds] [--sanitized]
  --broker host:port  every connect() of the script reaches this broker instead
  --timeout seconds   stop (exit 124) if the script still has work left then
  --sanitized         use the ASan+UBSan build of the runtime`;

export async function main(_command: string, argv: string[]): Promise<number> {
  let sanitized = false;
  const pass: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      return 0;
    }
    if (a === "--sanitized") sanitized = true;
    else if (a === "--broker" || a === "--timeout") {
      if (i + 1 >= argv.length) {
        console.error(`wasmqtt run: ${a} needs a value\n${USAGE}`);
        return 2;
      }
      pass.push(a, argv[++i]);
    } else if (a.startsWith("--")) {
      console.error(`wasmqtt run: unknown option '${a}'\n${USAGE}`);
      return 2;
    } else pass.push(a);
  }
  if (pass.filter((a, i) => !a.startsWith("--") && !(i > 0 && pass[i - 1].startsWith("--"))).length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const runtime = process.env.WASMQTT_LUA || join(RUNTIME_DIR, sanitized ? "wasmqtt-lua-asan" : "wasmqtt-lua");
  if (!existsSync(runtime)) {
    console.error(`wasmqtt run: the hosted runtime ${runtime} is not built; build it with 'npm run build:firmware' ` +
      `(it needs clang and Debian's liblua5.1-0-dev: 'npm run setup' installs them)`);
    return 2;
  }
  return new Promise<number>((resolvePromise, reject) => {
    const child = spawn(runtime, pass, { stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal) {
        console.error(`wasmqtt run: the runtime was stopped by ${signal}`);
        resolvePromise(1);
      } else resolvePromise(code ?? 1);
    });
  });
}
