#!/usr/bin/env node
// `wasmqtt` — one dispatcher; each command lives in its own module exporting main(argv) -> exit code.

const COMMANDS: Record<string, { module: string; summary: string }> = {
  demo: { module: "demo", summary: "run the Node client against an embedded broker (or --broker mqtt://host:port)" },
  vm: { module: "vm", summary: "the WebAssembly interpreter: vm run FILE.wasm EXPORT [ARGS...], vm spec" },
  flash: { module: "flash", summary: "flash an ESP8266 (esptool options), verify with MD5, reset" },
  ports: { module: "flash", summary: "list serial ports" },
  monitor: { module: "flash", summary: "open the serial console (Ctrl-] quits)" },
  upload: { module: "flash", summary: "write Lua files to the NodeMCU file system" },
  ls: { module: "flash", summary: "list files on the NodeMCU file system" },
  rm: { module: "flash", summary: "remove files from the NodeMCU file system" },
  run: { module: "run", summary: "run a NodeMCU Lua script in the hosted runtime" },
  firmware: { module: "firmware", summary: "build the firmware module, size report, NodeMCU build" },
};

function usage(): string {
  const lines = ["usage: wasmqtt COMMAND [ARGS...]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${c.summary}`);
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
  let mod: { main(command: string, argv: string[]): Promise<number> };
  try {
    mod = await import(new URL(`./${command.module}.js`, import.meta.url).href);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      console.error(`wasmqtt: '${name}' is not built into this version`);
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
