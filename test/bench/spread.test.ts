// `npm run bench -- --runs N`: how repeated runs become one row (median, min, max) and how the
// argument is read.
import { describe, expect, it } from "vitest";
import { parseRuns, spread } from "../../tools/bench/spread.js";

describe("bench spread", () => {
  it("gives min, median and max of an odd count, whatever the order", () => {
    expect(spread([173_006, 98_000, 160_500])).toEqual({ min: 98_000, median: 160_500, max: 173_006 });
  });

  it("takes the mean of the middle two for an even count", () => {
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
  });

  it("is the value itself for one run", () => {
    expect(spread([42])).toEqual({ min: 42, median: 42, max: 42 });
  });

  it("refuses no values", () => {
    expect(() => spread([])).toThrow(RangeError);
  });
});

describe("bench --runs", () => {
  it("defaults to one run and keeps the suite names", () => {
    expect(parseRuns(["client", "engine"])).toEqual({ runs: 1, rest: ["client", "engine"] });
  });

  it("reads --runs N and --runs=N anywhere", () => {
    expect(parseRuns(["--runs", "3", "client"])).toEqual({ runs: 3, rest: ["client"] });
    expect(parseRuns(["client", "--runs=5"])).toEqual({ runs: 5, rest: ["client"] });
  });

  it("says what a run count must be", () => {
    for (const bad of [["--runs"], ["--runs", "0"], ["--runs", "2.5"], ["--runs=x"], ["--runs", "101"]]) {
      expect(() => parseRuns(bad)).toThrow(/--runs takes a whole number of runs from 1 to 100 .*npm run bench -- --runs 3/);
    }
  });
});
