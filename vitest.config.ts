import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests that run what the firmware build makes (build/firmware): their projects build it first.
const FIRMWARE_TESTS = ["firmware", "hosted", "lx106", "nodemcu", "vm", "vm-diff"].map((dir) => `test/${dir}/**/*.test.ts`);
const BUILD_FIRMWARE = "./test/setup/firmware.ts";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: broker-backed and QEMU-backed files contend, so cap the workers.
    maxWorkers: 2,
    projects: [
      // The engine, the Node client, the flasher, the package: node and npm only.
      { extends: true, test: { name: "wasmqtt", include: ["test/**/*.test.ts"], exclude: FIRMWARE_TESTS } },
      { extends: true, test: { name: "firmware", include: FIRMWARE_TESTS, globalSetup: [BUILD_FIRMWARE] } },
      // The Lua suite once more, in the hosted runtime over the native engine (test/nodemcu/lua.ts
      // takes the runtime from WASMQTT_LUA): the same scripts must print the same.
      {
        extends: true,
        test: {
          name: "nodemcu-native-engine",
          include: ["test/nodemcu/**/*.test.ts"],
          globalSetup: [BUILD_FIRMWARE],
          env: { WASMQTT_LUA: fileURLToPath(new URL("./build/firmware/hosted/wasmqtt-lua-native-asan", import.meta.url)) },
        },
      },
    ],
  },
});
