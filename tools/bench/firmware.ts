// `npm run bench` firmware suite: the lx106 figures of tools/firmware/report.ts (flash of
// interpreter + engine + binding, heap and C stack peaks of the QEMU session, instructions per
// inbound 64-byte QoS 0 PUBLISH) with their ratio to the budgets (budget / ours, so
// bigger is better and >= 1 means within budget).
import type { BenchRow } from "./types.js";
import { BUDGETS, measure } from "../firmware/report.js";

const ROWS: Array<{ key: keyof typeof BUDGETS; name: string; unit: string }> = [
  { key: "flash_bytes", name: "lx106 flash: the module linked (interpreter + engine + binding + libgcc helpers)", unit: "B" },
  { key: "heap_peak_bytes", name: "lx106 heap peak: one client, 4 subscriptions (linear memory included)", unit: "B" },
  { key: "stack_peak_bytes", name: "lx106 C stack peak (painted)", unit: "B" },
  { key: "instructions_per_publish", name: "lx106 instructions per inbound 64-byte QoS 0 PUBLISH", unit: "insns" },
];

export async function run(): Promise<BenchRow[]> {
  const report = measure();
  return ROWS.map(({ key, name, unit }) => {
    const ours = report[key];
    const budget = BUDGETS[key];
    return {
      group: "firmware",
      name,
      ours,
      peer: budget,
      peerName: "budget",
      unit,
      ratio: budget / ours,
      goal: "<= budget",
      met: ours <= budget,
    };
  });
}
