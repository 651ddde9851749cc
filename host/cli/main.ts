#!/usr/bin/env node
// `wasmqtt` — one dispatcher; each command lives in its own module exporting main(argv) -> exit code.
// The package's commands are in host/cli; the tooling commands (the interpreter's tool and spec
// runner, the hosted runtime, the firmware build and report) in tools/cli, which only a checkout
// has: the installed package ships host/ alone.
import { fileURLToPath } from "node:url";

/** module: the command's file; tooling: it lives in tools/cli and needs a wasmqtt checkout. */
const COMMANDS: Record<string, { module: string; summary: string; tooling?: true }> = {
  demo: { module: "demo", summary: "run the Node client against an embedded broker (or --broker mqtt://host:port)" },
  vm: { module: "vm", summary: "the WebAssembly interpreter: vm run FILE.wasm EXPORT [ARGS...], vm spec", tooling: true },
  flash: { module: "flash", summary: "flash an ESP8266 (esptool options), verify with MD5, reset" },
  ports: { module: "flash", summary: "list serial ports" },
  monitor: { module: "flash", summary: "open the serial console (Ctrl-] quits)" },
  upload: { module: "flash", summary: "write Lua files to the NodeMCU file system" },
  ls: { module: "flash", summary: "list files on the NodeMCU file system" },
  rm: { module: "flash", summary: "remove files from the NodeMCU file system" },
  run: { module: "run", summary: "run a NodeMCU Lua script in the hosted runtime", tooling: true },
  firmware: { module: "firmware", summary: "build the firmware module, size report, NodeMCU build", tooling: true },
};

function usage(): string {
  const lines = ["usage: wasmqtt COMMAND [ARGS...]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${c.summary}${c.tooling ? " (in a wasmqtt checkout)" : ""}`);
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`wasmqtt: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const url = new URL(command.tooling ? `../../tools/cli/${command.module}.js` : `./${command.module}.js`, import.meta.url);
  let mod: { main(command: string, argv: string[]): Promise<number> };
  try {
    mod = await import(url.href);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { url?: string };
    // Only the command's own file missing; a module it imports that is missing is a real error.
    if (e.code === "ERR_MODULE_NOT_FOUND" && (e.url === url.href || e.message.includes(fileURLToPath(url)))) {
      console.error(command.tooling
        ? `wasmqtt: '${name}' is tooling that needs a wasmqtt checkout (it is not in the installed package): ` +
          "clone the wasmqtt repository, run 'npm run build:firmware' there and run 'npx wasmqtt " + name + "' in it"
        : `wasmqtt: '${name}' is not built into this version`);
      return 2;
    }
    throw err;
  }
  return mod.main(name, rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    console.error(`wasmqtt: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
