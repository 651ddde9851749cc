// Whole scripts from test/nodemcu/scripts, written for a board (their brokers are LAN addresses),
// run unchanged with --broker pointing at mosquitto: the seed's example, a board script with a
// timer, and 1,000 connect/close cycles that must leave the heap where it started.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { Mosquitto } from "../helpers/mosquitto.js";
import { until } from "../helpers/wait.js";
import { runLua, sanitizerReports, script, type LuaResult } from "./lua.js";

let broker: Mosquitto;
beforeAll(async () => { broker = await Mosquitto.start(); });
afterAll(async () => { await broker?.dispose(); });

function clean(r: LuaResult): void {
  expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
}

describe("scripts written for the board", () => {
  it("the seed's example prints what the seed says, and its close() sends no will", async () => {
    const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const wills: string[] = [];
    watcher.on("message", (t, p) => wills.push(`${t} ${p}`));
    await watcher.subscribeAsync("/lwt", { qos: 0 });
    const r = await runLua(script("seed.lua"), { broker: `127.0.0.1:${broker.port}`, name: "seed.lua" });
    clean(r);
    // as on NodeMCU 3.0: connect()'s callback replaced the on("connect") handler (one slot), and
    // NodeMCU sends the PUBLISH only once the SUBSCRIBE is acknowledged, so "sent" comes second
    expect(r.lines).toEqual(["connected", "subscribe success", "sent", "/topic:", "hello", "offline"]);
    await new Promise((res) => setTimeout(res, 100));
    expect(wills).toEqual([]);
    await watcher.endAsync(true);
  });

  it("a script for 192.168.1.10 runs unchanged under --broker: timer-driven QoS 1 readings", async () => {
    const peer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const readings: string[] = [];
    peer.on("message", (_t, p) => readings.push(p.toString()));
    await peer.subscribeAsync("board/readings", { qos: 1 });
    const r = await runLua(script("board.lua"), { broker: `127.0.0.1:${broker.port}`, name: "board.lua" });
    clean(r);
    expect(r.lines).toEqual([
      "connected to 192.168.1.10", "reading 1 delivered", "reading 2 delivered", "reading 3 delivered", "offline",
    ]);
    await until(() => readings.length === 3, "3 readings at the peer");
    expect(readings).toEqual(["reading 1", "reading 2", "reading 3"]);
    await peer.endAsync(true);
  });

  it("node.restart() with clients connected, connecting and dropped ends the run without a leak or a memory error", async () => {
    const r = await runLua(`
      local a = mqtt.Client("restart-a", 30)
      a:connect("192.168.1.10", 1883, function(c)
        print("a connected")
        c:publish("x/y", "in flight", 1, 0, function() print("never") end)
        c:subscribe("x/#", 1, function() print("never") end)
        local b = mqtt.Client("restart-b", 30)
        b:connect("192.168.1.10", 1883)
        collectgarbage("collect")
        node.restart()
      end)
    `, { broker: `127.0.0.1:${broker.port}`, name: "restart.lua" });
    clean(r);
    expect(r.lines).toEqual(["a connected", "node.restart(): ending the run"]);
  });

  it("1,000 connect/close cycles leave the Lua heap and node.heap() where they started", async () => {
    const r = await runLua(script("heap.lua"), { broker: `127.0.0.1:${broker.port}`, name: "heap.lua", timeout: 60 });
    clean(r);
    expect(r.lines[0]).toBe("cycles 1000");
    const lua = /^lua heap before ([\d.]+) KiB after ([\d.]+) KiB$/.exec(r.lines[1]);
    const heap = /^node\.heap before (\d+) after (\d+)$/.exec(r.lines[2]);
    expect(lua, r.stdout).not.toBeNull();
    expect(heap, r.stdout).not.toBeNull();
    const [luaBefore, luaAfter] = [Number(lua![1]), Number(lua![2])];
    const [heapBefore, heapAfter] = [Number(heap![1]), Number(heap![2])];
    // a leak of one reference or one small block per cycle would show as kilobytes here
    expect(heapBefore).toBeGreaterThan(0);
    expect(Math.abs(luaAfter - luaBefore)).toBeLessThan(0.5);
    expect(Math.abs(heapAfter - heapBefore)).toBeLessThan(256);
    expect(r.lines).not.toContain("never: dropped by close");
  });
});
