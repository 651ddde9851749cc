// One row of `npm run bench`: our figure, the peer's figure from the same run, and the ratio.
// build/bench.json is { date, runs, rows: BenchRow[] } (date: ISO time the table was written;
// runs: the --runs count the repeated rows used).
export interface BenchRow {
  /** Which suite: "codec", "client", "engine", "vm", "flash", ... */
  group: string;
  /** What was measured, e.g. "parse PUBLISH QoS 0 16 B topic / 64 B payload". */
  name: string;
  /** Our figure and the peer's, in `unit` (the medians when `spread` is present). */
  ours: number;
  peer: number | null;
  peerName: string | null;
  unit: string;
  /** ours/peer or peer/ours, whichever makes "bigger is better"; null without a peer. */
  ratio: number | null;
  /** The goal as text, e.g. ">= 2x"; and whether this run met it. */
  goal: string;
  met: boolean;
  /** Rows measured once per run (`--runs N`): every run's spread; ours, peer and ratio are medians. */
  spread?: { runs: number; ours: Spread; peer: Spread | null };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface BenchOptions {
  /** How many times the noisy rows (client throughput, CPU, RSS) are measured: `--runs N`, default 1. */
  runs: number;
}

export interface BenchSuite {
  run(options: BenchOptions): Promise<BenchRow[]>;
}
