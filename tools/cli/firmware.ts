// `wasmqtt firmware ...`: the firmware's size report and QEMU budgets (tools/firmware/report.ts),
// and putting the module into a NodeMCU checkout (tools/firmware/nodemcu.ts).
const USAGE = `usage:
  wasmqtt firmware size                 both engines' lx106 figures against their budgets: the
                                        module's flash as a linked image pays it, the QEMU
                                        session's heap, stack, instructions and narrow flash
                                        loads per publish (writes build/firmware-report.json)
  wasmqtt firmware --nodemcu DIR [--engine wasm|native] [--no-make] [--no-baseline] [-- MAKE_ARGS]
                                        put the module into the NodeMCU checkout at DIR, switch
                                        NodeMCU's own mqtt module off and ours on, run its make,
                                        report the module's cost in the image and the image delta`;

type Part = { main(argv: string[]): Promise<number> };
/** The parts load by URL, like the commands in main.ts: each lands on its own. */
async function part(name: string): Promise<Part> {
  return (await import(new URL(`../firmware/${name}.js`, import.meta.url).href)) as Part;
}

export async function main(_command: string, argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "size") return (await part("report")).main(rest);
  if (first === "--nodemcu" || first?.startsWith("--nodemcu=")) {
    return (await part("nodemcu")).main(argv);
  }
  if (first === "-h" || first === "--help") {
    console.log(USAGE);
    return 0;
  }
  console.error(first ? `wasmqtt firmware: unknown argument '${first}'\n\n${USAGE}` : USAGE);
  return 2;
}
