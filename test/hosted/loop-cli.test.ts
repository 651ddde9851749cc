// The hosted runtime's main loop and command line: it ends by itself when nothing is left to
// do, --timeout stops it (124), script errors (1), unreadable scripts and bad options (2),
// posted tasks by priority, and `wasmqtt run` passing all of it through.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ASAN, PROBE, ROOT, lines, runFile, runLua, scriptFile, type RunResult } from "./runtime.js";

const CLI = join(ROOT, "dist/host/cli/main.js");

function runCli(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, "run", ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

describe("hosted runtime: the main loop", () => {
  it("ends by itself once no timer is armed and no task is posted", async () => {
    const r = await runLua(`
      local step = 0
      local function next_step()
        step = step + 1
        print("step", step)
        if step < 3 then tmr.create():alarm(50, tmr.ALARM_SINGLE, next_step) end
      end
      next_step()
    `);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(["step\t1", "step\t2", "step\t3"]);
    expect(r.ms).toBeGreaterThanOrEqual(100);
    expect(r.ms).toBeLessThan(3000);
  });

  it("a script with nothing to wait for ends at once", async () => {
    const r = await runLua(`print("hello from", _VERSION)`);
    expect(r).toMatchObject({ code: 0, stdout: "hello from\tLua 5.1\n", stderr: "" });
  });

  it("--timeout stops a script that still has work (exit 124) and says what was left", async () => {
    const r = await runLua(`tmr.create():alarm(100, tmr.ALARM_AUTO, function() print("tick") end)`, ["--timeout", "0.35"]);
    expect(r.code).toBe(124);
    // ticks at 100, 200, 300 ms (a loaded machine may lose the last ones)
    expect(lines(r).length).toBeGreaterThanOrEqual(1);
    expect(lines(r).length).toBeLessThanOrEqual(3);
    expect(new Set(lines(r))).toEqual(new Set(["tick"]));
    expect(r.stderr).toBe("wasmqtt-lua: --timeout 0.35 s reached with work left (an armed timer); stopping\n");
    expect(r.ms).toBeLessThan(3000);
  });

  it("a script that ends before the timeout exits 0", async () => {
    const r = await runLua(`tmr.create():alarm(20, tmr.ALARM_SINGLE, function() print("done") end)`, ["--timeout", "5"]);
    expect(r).toMatchObject({ code: 0, stdout: "done\n", stderr: "" });
    expect(r.ms).toBeLessThan(3000);
  });

  it("posted Lua tasks run after the script, high priority before medium before low", async () => {
    const r = await runLua(`
      for _, p in ipairs({0, 1, 2, 1, 0}) do
        netprobe.posttask(function(prio) print("task", prio) end, p)
      end
      print("script done")
    `, [], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual(["script done", "task\t2", "task\t1", "task\t1", "task\t0", "task\t0"]);
  });

  it("more posted tasks than a priority's queue holds (8, as NodeMCU's) is an error for the poster", async () => {
    const r = await runLua(`
      local ran = 0
      for i = 1, 9 do
        local ok, err = pcall(netprobe.posttask, function() ran = ran + 1 end, 1)
        if not ok then print("post", i, err) end
      end
      tmr.create():alarm(10, tmr.ALARM_SINGLE, function() print("ran", ran) end)
    `, [], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual([expect.stringMatching(/^post\t9\t.*Task queue overflow/), "ran\t8"]);
  });
});

describe("hosted runtime: NodeMCU's ROTables on a stock Lua", () => {
  it("module tables, a table naming itself (__index), a metatable given to LROT_END, numbers and light userdata", async () => {
    const r = await runLua(`
      local info = netprobe.info
      print(type(netprobe), type(info), info.version, info.default_port, info.half, rawget(info, "default_port"))
      print(type(info.null), getmetatable(info).__index == getmetatable(info).__index, netprobe.info == info)
      local t = tmr.create()
      print(getmetatable(t).__index == getmetatable(t), type(getmetatable(t).__gc))
    `, [], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual([
      "table\ttable\t1\t1883\t0.5\tnil",
      "userdata\ttrue\ttrue",
      "true\tfunction",
    ]);
  });
});

describe("hosted runtime: errors and the command line", () => {
  it("the script runs in its own folder, like a board's flat file system: dofile, require and io.open find its neighbours", async () => {
    const folder = mkdtempSync(join(tmpdir(), "wasmqtt-board-"));
    writeFileSync(join(folder, "config.lua"), `BROKER = "192.168.1.10"\n`);
    writeFileSync(join(folder, "helper.lua"), `return { greet = function(n) return "hello " .. n end }\n`);
    writeFileSync(join(folder, "data.txt"), "from a file\n");
    writeFileSync(join(folder, "init.lua"), `dofile("config.lua")\nprint(BROKER, require("helper").greet("board"), io.open("data.txt"):read("*l"))\n`);
    const r = await runFile(ASAN, [join(folder, "init.lua")]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("192.168.1.10\thello board\tfrom a file\n");
  });

  it("a missing script: exit 2 and a message naming it", async () => {
    const r = await runFile(ASAN, ["/nonexistent/script.lua"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("wasmqtt-lua: cannot open /nonexistent/script.lua: No such file or directory\n");
  });

  it("a directory given as the script: exit 2 and a message saying it cannot be read", async () => {
    const r = await runFile(ASAN, [ROOT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wasmqtt-lua: cannot read ${ROOT}: Is a directory\n`);
  });

  it("a Lua syntax error: exit 1, the file, line and what is wrong on stderr", async () => {
    const file = scriptFile(`print("a")\nlocal x = = 2\n`);
    const r = await runFile(ASAN, [file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`lua: ${file}:2: unexpected symbol near '='\n`);
  });

  it("an error while the script runs: exit 1 with the message and a traceback; output before it stays", async () => {
    const r = await runLua(`print("before")\nlocal t = nil\nprint(t.field)\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("before\n");
    expect(r.stderr).toMatch(/^lua: .*:3: attempt to index local 't' \(a nil value\)\nstack traceback:\n/);
  });

  it("bad options: exit 2 with a message saying what to pass", async () => {
    const file = scriptFile(`print("never")`);
    const cases: [string[], RegExp][] = [
      [[], /^usage: wasmqtt-lua SCRIPT\.lua/],
      [[file, "--timeout", "soon"], /--timeout wants a number of seconds above 0, not 'soon'/],
      [[file, "--timeout"], /--timeout needs a value/],
      [[file, "--broker", "nohost"], /--broker wants HOST:PORT \(e\.g\. 127\.0\.0\.1:1883\), not 'nohost'/],
      [[file, "--broker", "127.0.0.1:99999"], /the port must be a number from 1 to 65535/],
      [[file, "--bogus"], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = await runFile(ASAN, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  it("a runtime built without the mqtt module (the probe build) says so when a script uses mqtt", async () => {
    const r = await runLua(`print(type(mqtt))\nlocal m = mqtt.Client("x", 60)\n`, [], PROBE);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("table\n");
    expect(r.stderr).toMatch(/^lua: .*:2: mqtt\.Client: this wasmqtt-lua was built without the mqtt module .*rebuild it with 'npm run build:firmware'/);
  });

  it("wasmqtt run passes the script's output and exit code through", async () => {
    const ok = await runCli([scriptFile(`print("hi from lua")`)]);
    expect(ok).toMatchObject({ code: 0, stdout: "hi from lua\n" });
    const failed = await runCli([scriptFile(`error("stop here")`)]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/lua: .*:1: stop here/);
    const timedOut = await runCli([scriptFile(`tmr.create():alarm(1000, tmr.ALARM_AUTO, print)`), "--timeout", "0.2"]);
    expect(timedOut.code).toBe(124);
    const usage = await runCli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: wasmqtt run SCRIPT\.lua/);
  });

  it("wasmqtt run without a built runtime says how to build it", async () => {
    const r = await runCli([scriptFile(`print("never")`)], { WASMQTT_LUA: "/nonexistent/wasmqtt-lua" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/the hosted runtime \/nonexistent\/wasmqtt-lua is not built; build it with 'npm run build:firmware'/);
  });
});
