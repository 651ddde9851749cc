// The hosted runtime's tmr and node modules as a NodeMCU script sees them (semantics of NodeMCU's
// app/modules/tmr.c and node.c), run in the ASan+UBSan build.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { ASAN, lines, runLua } from "./runtime.js";

describe("hosted runtime: tmr", () => {
  it("is built", () => {
    expect(existsSync(ASAN), `${ASAN} missing: run npm run build:firmware`).toBe(true);
  });

  it("ALARM_SINGLE fires once, ALARM_AUTO repeats until unregistered, ALARM_SEMI fires once until started again", async () => {
    const r = await runLua(`
      print("modes", tmr.ALARM_SINGLE, tmr.ALARM_AUTO, tmr.ALARM_SEMI)
      local single, auto, semi = tmr.create(), tmr.create(), tmr.create()
      local singles, autos, semis = 0, 0, 0
      single:alarm(10, tmr.ALARM_SINGLE, function() singles = singles + 1 end)
      auto:alarm(10, tmr.ALARM_AUTO, function(t)
        autos = autos + 1
        if autos == 5 then t:unregister() end
      end)
      semi:alarm(10, tmr.ALARM_SEMI, function(t)
        semis = semis + 1
        if semis < 3 then print("semi", semis, t:state()); t:start() end
      end)
      tmr.create():alarm(150, tmr.ALARM_SINGLE, function()
        print("counts", singles, autos, semis)
        print("states", single:state(), auto:state(), semi:state())
      end)
    `);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([
      "modes\t0\t1\t2",
      "semi\t1\tfalse\t2",
      "semi\t2\tfalse\t2",
      "counts\t1\t5\t3",
      // single: unregistered after firing (nil); auto: unregistered; semi: registered, idle
      "states\tnil\tnil\tfalse\t2",
    ]);
  });

  it("register + start, stop (true only when running), start again, unregister", async () => {
    const r = await runLua(`
      local t = tmr.create()
      local fired = 0
      print("state before register", t:state())
      t:register(20, tmr.ALARM_AUTO, function() fired = fired + 1 end)
      print("registered", t:state())
      print("start", t:start(), t:state())
      print("start again", t:start())
      print("restart", t:start(true))
      print("stop", t:stop(), "stop again", t:stop())
      tmr.create():alarm(100, tmr.ALARM_SINGLE, function()
        print("fired while stopped", fired)
        print("start after stop", t:start())
        tmr.create():alarm(70, tmr.ALARM_SINGLE, function()
          print("fired after start", fired > 0)
          t:unregister()
          print("after unregister", t:state(), "stop", t:stop())
        end)
      end)
    `);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual([
      "state before register\tnil",
      "registered\tfalse\t1",
      "start\ttrue\ttrue\t1",
      "start again\tfalse",
      "restart\ttrue",
      "stop\ttrue\tstop again\tfalse",
      "fired while stopped\t0",
      "start after stop\ttrue",
      "fired after start\ttrue",
      "after unregister\tnil\tstop\tfalse",
    ]);
    expect(r.code).toBe(0);
  });

  it("interval() changes the period of a running timer and of an idle one", async () => {
    const r = await runLua(`
      local t, count, first = tmr.create(), 0, nil
      t:alarm(400, tmr.ALARM_AUTO, function() count = count + 1 end)
      t:interval(20)
      tmr.create():alarm(250, tmr.ALARM_SINGLE, function()
        print("fast count", count)
        t:unregister()
        local idle = tmr.create()
        idle:register(500, tmr.ALARM_SINGLE, function() print("idle fired after", (tmr.now() - first) // 1000) end)
        idle:interval(30)
        first = tmr.now()
        idle:start()
      end)
    `.replace("//", "/"));
    expect(r.stderr).toBe("");
    const [fast, idle] = lines(r);
    const count = Number(fast.split("\t")[1]);
    // 250 ms at 20 ms: about 12 (fewer on a loaded machine); at the original 400 ms: 0
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThanOrEqual(13);
    const after = Number(idle.split("\t")[1]);
    expect(after).toBeGreaterThanOrEqual(29);
    expect(after).toBeLessThan(200);
  });

  it("a Lua error in a timer callback is printed and the run goes on", async () => {
    const r = await runLua(`
      local t, n = tmr.create(), 0
      t:alarm(10, tmr.ALARM_AUTO, function(timer)
        n = n + 1
        if n == 2 then error("boom " .. n) end
        if n == 4 then print("still running", n); timer:unregister() end
      end)
    `);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("still running\t4\n");
    expect(r.stderr).toMatch(/^lua: .*script\d+\.lua:5: boom 2\nstack traceback:/);
  });

  it("bad arguments raise errors that say what is wrong", async () => {
    const r = await runLua(`
      local t = tmr.create()
      for _, call in ipairs({
        function() t:register(0, tmr.ALARM_SINGLE, print) end,
        function() t:register(10, 7, print) end,
        function() t:register(10, tmr.ALARM_SINGLE, "nope") end,
        function() t:alarm(7000000, tmr.ALARM_AUTO, print) end,
        function() t:interval(-1) end,
        function() tmr.create().start({}) end,
      }) do print((select(2, pcall(call)))) end
    `);
    expect(r.code).toBe(0);
    // NodeMCU's messages; a method's self is not counted, so t:register's interval is #1
    expect(lines(r)).toEqual([
      expect.stringMatching(/bad argument #1 to 'register' \(Range: 1-0x68D7A3\)$/),
      expect.stringMatching(/bad argument #2 to 'register' \(Invalid mode\)$/),
      expect.stringMatching(/bad argument #3 to 'register' \(Must be function\)$/),
      expect.stringMatching(/bad argument #1 to 'alarm' \(Range: 1-0x68D7A3\)$/),
      expect.stringMatching(/bad argument #1 to 'interval' \(Range: 1-0x68D7A3\)$/),
      expect.stringMatching(/bad argument #1 to 'start' \(tmr.timer expected, got table\)$/),
    ]);
  });

  it("a running timer survives its script dropping it; a dropped idle one is collected", async () => {
    const r = await runLua(`
      do tmr.create():alarm(30, tmr.ALARM_SINGLE, function() print("dropped but fired") end) end
      do local idle = tmr.create(); idle:register(10, tmr.ALARM_SINGLE, function() print("never") end) end
      collectgarbage(); collectgarbage()
    `);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("dropped but fired\n");
    expect(r.code).toBe(0);
  });

  it("tmr.now() counts microseconds in 31 bits, tmr.time() whole seconds, tmr.delay() waits", async () => {
    const r = await runLua(`
      local a = tmr.now()
      tmr.delay(50000)
      local b = tmr.now()
      print("delta", b - a)
      print("time", tmr.time())
      print("31 bits", a >= 0 and a < 2^31)
    `);
    expect(r.stderr).toBe("");
    const [delta, time, bits] = lines(r);
    const d = Number(delta.split("\t")[1]);
    expect(d).toBeGreaterThanOrEqual(50_000);
    expect(d).toBeLessThan(1_000_000);
    expect(time).toBe("time\t0");
    expect(bits).toBe("31 bits\ttrue");
  });
});

describe("hosted runtime: node", () => {
  it("node.heap() drops while the script holds memory and comes back once it is collected", async () => {
    const r = await runLua(`
      local function cycle()
        local hold = {}
        for i = 1, 200 do hold[i] = string.rep("x", 100) .. i end
        local during = node.heap()
        hold = nil
        collectgarbage(); collectgarbage()
        return during, node.heap()
      end
      collectgarbage()
      local before = node.heap()
      local during, after = cycle()
      local during2, after2 = cycle()
      print(before, during, after, during2, after2)
    `);
    expect(r.stderr).toBe("");
    const [before, during, after, during2, after2] = lines(r)[0].split("\t").map(Number);
    expect(before).toBeGreaterThan(10_000);
    expect(before).toBeLessThanOrEqual(45_056);
    expect(before - during).toBeGreaterThan(200 * 100);
    // the first cycle grows Lua's string table for good (a few KiB); the second gives all back
    expect(before - after).toBeLessThan(8192);
    expect(after - during2).toBeGreaterThan(200 * 100);
    expect(Math.abs(after2 - after)).toBeLessThan(256);
  });

  it("node.chipid() is a stable number of at most 24 bits", async () => {
    const src = `print(node.chipid(), math.floor(node.chipid()) == node.chipid())`;
    const [a, b] = await Promise.all([runLua(src), runLua(src)]);
    const [id, integral] = lines(a)[0].split("\t");
    expect(Number(id)).toBeGreaterThan(0);
    expect(Number(id)).toBeLessThan(2 ** 24);
    expect(integral).toBe("true");
    expect(b.stdout).toBe(a.stdout);
  });

  it("node.restart() ends the run (exit 0, a line saying so) once the running code returns, timers armed or not", async () => {
    const r = await runLua(`
      tmr.create():alarm(5000, tmr.ALARM_AUTO, function() print("never") end)
      tmr.create():alarm(20, tmr.ALARM_SINGLE, function()
        print("restarting")
        node.restart()
        print("the callback finishes")
      end)
    `);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(["restarting", "the callback finishes", "node.restart(): ending the run"]);
    expect(r.ms).toBeLessThan(3000);
  });
});
