// `wasmqtt firmware ...`: the firmware's size report and QEMU budgets (host/firmware/report.ts),
// and putting the module into a NodeMCU checkout (host/firmware/nodemcu.ts).
const USAGE = `usage:
  wasmqtt firmware size                 lx106 sizes of interpreter, engine and binding, and the
                                        QEMU session's heap, stack and instructions per publish
                                        (writes build/firmware-report.json)
  wasmqtt firmware --nodemcu DIR [--no-make]
                                        put the module into the NodeMCU checkout at DIR, switch
                                        NodeMCU's own mqtt module off and ours on, run its make`;

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
