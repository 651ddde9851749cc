// One row of `npm run bench`: our figure, the peer's figure from the same run, and the ratio.
export interface BenchRow {
  /** Which suite: "codec", "client", "engine", "vm", "flash", ... */
  group: string;
  /** What was measured, e.g. "parse PUBLISH QoS 0 16 B topic / 64 B payload". */
  name: string;
  /** Our figure and the peer's, in `unit`. */
  ours: number;
  peer: number | null;
  peerName: string | null;
  unit: string;
  /** ours/peer or peer/ours, whichever makes "bigger is better"; null without a peer. */
  ratio: number | null;
  /** The goal as text, e.g. ">= 2x"; and whether this run met it. */
  goal: string;
  met: boolean;
}

export interface BenchSuite {
  run(): Promise<BenchRow[]>;
}
