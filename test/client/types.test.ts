// The published types: `data` follows the `binary` setting, the connect callback sees
// sessionPresent, the message callback its flags, and subscribe's overloads accept only the shapes
// that run. The fixture's `@ts-expect-error` lines make tsc fail if a shape that throws type-checks.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");

describe("TypeScript types", () => {
  it("the typed fixture compiles with tsc, every expected error where it is expected", async () => {
    const tsc = join(root, "node_modules/.bin/tsc");
    const result = await run(tsc, ["-p", join(import.meta.dirname, "types/tsconfig.json")], { cwd: root, timeout: 60_000 })
      .then(() => "", (e: { stdout?: string; message: string }) => e.stdout || e.message);
    expect(result).toBe("");
  });
});
