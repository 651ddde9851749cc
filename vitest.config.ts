import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: broker-backed and QEMU-backed files contend, so cap the workers.
    maxWorkers: 2,
  },
});
