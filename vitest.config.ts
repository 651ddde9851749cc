import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: broker-backed and QEMU-backed files contend, so cap the workers.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "wasmqtt", include: ["test/**/*.test.ts"] } },
      // The Lua suite once more, in the hosted runtime over the native engine (test/nodemcu/lua.ts
      // takes the runtime from WASMQTT_LUA): the same scripts must print the same.
      {
        extends: true,
        test: {
          name: "nodemcu-native-engine",
          include: ["test/nodemcu/**/*.test.ts"],
          env: { WASMQTT_LUA: fileURLToPath(new URL("./build/firmware/hosted/wasmqtt-lua-native-asan", import.meta.url)) },
        },
      },
    ],
  },
});
