// `npm run bench`: every suite in tools/bench/*.ts (each exports run(): Promise<BenchRow[]>),
// one table of ratios against the peers measured in the same run, figures in build/bench.json.
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./types.js";

const here = dirname(fileURLToPath(import.meta.url));
const SKIP = new Set(["run.ts", "types.ts"]);

function fmt(n: number | null): string {
  if (n === null) return "-";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(3)).toString();
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const suites = readdirSync(here)
    .filter((f) => f.endsWith(".ts") && !SKIP.has(f))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, "")))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of suites) {
    console.error(`bench: ${file}`);
    const suite = await import(join(here, file));
    rows.push(...(await suite.run()));
  }
  const header = ["group", "measure", "ours", "peer", "unit", "ratio", "goal", "met"];
  const table = rows.map((r) => [
    r.group, r.name, fmt(r.ours), r.peer === null ? "-" : `${fmt(r.peer)} (${r.peerName})`, r.unit,
    r.ratio === null ? "-" : `${fmt(r.ratio)}x`, r.goal, r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const t of table) console.log(line(t));
  const out = join(here, "../../build/bench.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + "\n");
  console.log(`\nfigures written to build/bench.json`);
  return 0;
}

main().then((c) => { process.exitCode = c; });
