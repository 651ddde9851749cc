// Repeated runs of a noisy figure: min, median, max (the median of an even count is the mean of
// the middle two), and the `--runs N` argument of `npm run bench`.
import type { Spread } from "./types.js";

export function spread(values: number[]): Spread {
  if (values.length === 0) throw new RangeError("spread of no values");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1] };
}

/** `--runs N` (or `--runs=N`) out of the arguments: the count (default 1) and the other arguments. */
export function parseRuns(args: string[]): { runs: number; rest: string[] } {
  let runs = 1;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a !== "--runs" && !a.startsWith("--runs=")) { rest.push(a); continue; }
    const text = a === "--runs" ? args[++i] : a.slice("--runs=".length);
    const n = Number(text);
    if (text === undefined || !Number.isInteger(n) || n < 1 || n > 100) {
      throw new RangeError(`--runs takes a whole number of runs from 1 to 100 (got ${text ?? "nothing"}), e.g. npm run bench -- --runs 3`);
    }
    runs = n;
  }
  return { runs, rest };
}
