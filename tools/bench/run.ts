// `npm run bench [-- --runs N] [SUITE...]`: every suite in tools/bench/*.ts (each exports
// run(options): Promise<BenchRow[]>), one table of ratios against the peers measured in the same
// run, figures in build/bench.json (shape: types.ts). With --runs N the noisy rows are measured N
// times and show median [min..max]; their ratios are from the medians.
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseRuns } from "./spread.js";
import type { BenchRow, Spread } from "./types.js";

const here = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(["run.ts", "types.ts", "spread.ts"]);

function fmt(n: number | null): string {
  if (n === null) return "-";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(3)).toString();
}

const range = (s: Spread | null | undefined): string => (s ? ` [${fmt(s.min)}..${fmt(s.max)}]` : "");

async function main(): Promise<number> {
  let runs: number, only: string[];
  try {
    ({ runs, rest: only } = parseRuns(process.argv.slice(2)));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    return 2;
  }
  const suites = readdirSync(here)
    .filter((f) => f.endsWith(".ts") && !SKIP.has(f))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, "")))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of suites) {
    console.error(`bench: ${file}`);
    const suite = await import(join(here, file));
    rows.push(...(await suite.run({ runs })));
  }
  const header = ["group", "measure", "ours", "peer", "unit", "ratio", "goal", "met"];
  const table = rows.map((r) => [
    r.group, r.name, fmt(r.ours) + range(r.spread?.ours),
    r.peer === null ? "-" : `${fmt(r.peer)}${range(r.spread?.peer)} (${r.peerName})`, r.unit,
    r.ratio === null ? "-" : `${fmt(r.ratio)}x`, r.goal, r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  if (rows.some((r) => r.spread)) {
    console.log(`\n[min..max]: rows measured once per run; ours and peer are medians, ratios from the medians`);
  }
  const out = join(here, "../../build/bench.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), runs, rows }, null, 2) + "\n");
  console.log(`\nfigures written to build/bench.json`);
  return 0;
}

main().then((c) => { process.exitCode = c; });
