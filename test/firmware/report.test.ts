// `wasmqtt firmware size`'s table: both engines side by side against their own budgets, a goal
// beside a budget, an engine the build does not have.
import { describe, expect, it } from "vitest";
import { ENGINE_BUDGETS, render, verdict, type EngineReport, type FirmwareReport } from "../../tools/firmware/report.js";

const engine = (figures: Partial<EngineReport>): EngineReport => ({
  flash_bytes: 60_000, heap_peak_bytes: 9000, stack_peak_bytes: 1400, instructions_per_publish: 50_000,
  flash_narrow_loads_per_publish: 0, linked: { parts: [], helpers: [], ram_bytes: 0 }, regions: [50_000], ...figures,
});

function report(engines: FirmwareReport["engines"], notes: string[] = []): FirmwareReport {
  const wasm = engines.wasm!;
  return {
    ...wasm, parts: [], heap_connected_bytes: 8000, heap_engine_bytes: 5000, heap_linear_memory_bytes: 1696,
    budgets: ENGINE_BUDGETS.wasm, engines, engine_notes: notes,
  };
}

describe("wasmqtt firmware size: the engines side by side", () => {
  it("checks each engine against its own budgets and shows a goal that is not met yet", () => {
    const text = render(report({
      wasm: engine({ instructions_per_publish: 53_803 }),
      native: engine({ flash_bytes: 41_000, heap_peak_bytes: 6000, instructions_per_publish: 4300, flash_narrow_loads_per_publish: 2 }),
    }));
    const row = (label: string) => text.split("\n").find((l) => l.includes(label)) ?? "";
    expect(row("flash: the module linked")).toMatch(/60,000 B \/ 65,536 B OK\s+41,000 B \/ 40,960 B OVER/);
    expect(row("heap peak")).toMatch(/9,000 B \/ 10,240 B OK\s+6,000 B \/ 6,144 B OK/);
    expect(row("instructions per inbound")).toMatch(/53,803 \/ 60,000 OK \(goal 45,000: not met\)\s+4,300 \/ 5,000 OK/);
    expect(row("narrow loads from flash")).toMatch(/0 \/ 0 OK\s+2 \/ 0 OVER/);
  });

  it("says why an engine is missing", () => {
    const text = render(report({ wasm: engine({}) }, ["native: this build has no native engine (no ENGINE_NATIVE_SRC in firmware/)"]));
    expect(text).toMatch(/C stack peak\s+1,400 B \/ 1,536 B OK\s+not built/);
    expect(text).toMatch(/\(native: this build has no native engine/);
  });

  it("reads a goal that is met as met, and an unmeasured figure as such", () => {
    expect(verdict(44_000, 60_000, 45_000, "")).toBe("44,000 / 60,000 OK (goal 45,000)");
    expect(verdict(NaN, 0, undefined, "")).toBe("not measured");
  });
});
