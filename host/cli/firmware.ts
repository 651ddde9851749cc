// `wasmqtt firmware ...`: the firmware's size report and QEMU budgets (host/firmware/report.ts),
// and putting the module into a NodeMCU checkout (host/firmware/nodemcu.ts).
const USAGE = `usage:
  wasmqtt firmware size                 lx106 sizes of interpreter, engine and binding, and the
                                        QEMU session's heap, stack and instructions per publish
                                        (writes build/firmware-report.json)
  wasmqtt firmware --nodemcu DIR [--no-make]
                                        put the module into the NodeMCU checkout at DIR, switch
                                        NodeMCU's own mqtt module off and ours on, run its make`;

export async function main(_command: string, argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "size") return (await import("../firmware/report.js")).main(rest);
  if (first === "--nodemcu" || first?.startsWith("--nodemcu=")) {
    return (await import("../firmware/nodemcu.js")).main(argv);
  }
  if (first === "-h" || first === "--help") {
    console.log(USAGE);
    return 0;
  }
  console.error(first ? `wasmqtt firmware: unknown argument '${first}'\n\n${USAGE}` : USAGE);
  return 2;
}
