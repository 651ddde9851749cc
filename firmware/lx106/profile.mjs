// Sums a libcount profile (profile=FILE: "ADDRESS COUNT" lines) by function, using the ELF's
// symbol table, and prints the heaviest functions with their share of all instructions.
//   node firmware/lx106/profile.mjs build/firmware/lx106/harness.elf profile.txt [top]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const [elf, file, top = "15"] = process.argv.slice(2);
if (!elf || !file) {
  console.error("usage: node profile.mjs ELF PROFILE [TOP]");
  process.exit(2);
}
const symbols = execFileSync("xtensa-lx106-elf-nm", ["-n", "-S", elf], { encoding: "utf8" })
  .split("\n").map((l) => l.split(" ")).filter((p) => p.length === 4 && /[tT]/.test(p[2]))
  .map(([start, size, , name]) => ({ start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name }));
const totals = new Map();
let all = 0;
for (const line of readFileSync(file, "utf8").trim().split("\n")) {
  const [address, count] = line.split(" ");
  const a = parseInt(address, 16), n = Number(count);
  all += n;
  let lo = 0, hi = symbols.length - 1, name = "?";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid].start <= a) { if (a < symbols[mid].end) name = symbols[mid].name; lo = mid + 1; } else hi = mid - 1;
  }
  totals.set(name, (totals.get(name) ?? 0) + n);
}
for (const [name, n] of [...totals].sort((x, y) => y[1] - x[1]).slice(0, Number(top))) {
  console.log(`${String(n).padStart(12)} ${((100 * n) / all).toFixed(1).padStart(5)}%  ${name}`);
}
console.log(`${String(all).padStart(12)}  total`);
