// Lua scripts in the hosted runtime (ASan+UBSan) against a real mosquitto, cross-checked with
// mosquitto_pub and mosquitto_sub: QoS 0/1/2 both ways, per-call callbacks, every event, retained
// messages, unsubscribe, overflow, callback errors, keepalive.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Mosquitto } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { LuaProcess, lq, runLua, sanitizerReports, type LuaResult } from "./lua.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";

let broker: Mosquitto;
beforeAll(async () => { broker = await Mosquitto.start({ extra: ["log_type debug"] }); });
afterAll(async () => { await broker?.dispose(); });

function clean(r: LuaResult): void {
  expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
}


/** mosquitto_sub for `n` messages on `topic`, started and subscribed before it returns. */
async function subscriber(topic: string, n: number, format = "%q %t %p"): Promise<{ done: Promise<string[]> }> {
  const id = uniqueId("sub");
  const p = run("mosquitto_sub", ["-h", HOST, "-p", String(broker.port), "-i", id, "-t", topic, "-q", "2", "-C", String(n),
    "-F", format, "-W", "15"]);
  await broker.waitForLog(new RegExp(`${id} \\d ${topic.replace(/[+#/]/g, (c) => `\\${c}`)}`));
  return { done: p.then(({ stdout }) => stdout.split("\n").filter((l) => l !== "")) };
}

function pub(topic: string, message: string | null, qos: number, retain = false): Promise<unknown> {
  const a = ["-h", HOST, "-p", String(broker.port), "-t", topic, "-q", String(qos)];
  a.push(...(message === null ? ["-n"] : ["-m", message]));
  if (retain) a.push("-r");
  return run("mosquitto_pub", a);
}

describe("QoS 0, 1 and 2 both ways", () => {
  it("publishes at each QoS to mosquitto_sub; each publish's callback fires once, for its own ack, in place of the handler", async () => {
    const topic = `lua/${uniqueId()}`;
    const sub = await subscriber(topic, 4);
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      local done = 0
      m:on("puback", function(c) print("puback event"); c:close() end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, false, false, function(c)
        print("connected")
        for q = 0, 2 do
          print("publish " .. q .. " " .. tostring(c:publish(${lq(topic)}, "payload at qos " .. q, q, 0, function(client)
            print("sent " .. q .. " " .. tostring(client == m))
            done = done + 1
          end)))
        end
        -- no callback: its acknowledgement goes to the on("puback") handler
        c:publish(${lq(topic)}, "payload at qos 1", 1, 0)
      end, function(c, reason) print("connfail " .. reason) end)
    `);
    clean(r);
    const lines = r.lines;
    // as NodeMCU, whose one send queue acknowledges calls in order: each fires in call order
    expect(lines).toEqual(["connected", "publish 0 true", "publish 1 true", "publish 2 true",
      "sent 0 true", "sent 1 true", "sent 2 true", "puback event", "offline"]);
    expect((await sub.done).sort()).toEqual([0, 1, 1, 2].map((q) => `${q} ${topic} payload at qos ${q}`));
  });

  it("receives from mosquitto_pub at each QoS, binary and empty payloads; suback gives the granted QoS", async () => {
    const topic = `lua/${uniqueId()}`;
    const lua = new LuaProcess(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      local got = 0
      m:on("message", function(c, topic, data)
        got = got + 1
        if data == nil then print("message " .. topic .. " nil")
        else print("message " .. topic .. " " .. #data .. " " .. data:gsub("[^%w _]", function(ch) return string.format("<%d>", ch:byte()) end)) end
        if got == 5 then c:close() end
      end)
      m:on("suback", function(c, granted) print("suback event " .. table.concat(granted, ",")) end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        c:subscribe(${lq(`${topic}/#`)}, 2, function(client, granted)
          print("subscribed " .. table.concat(granted, ","))
        end)
      end)
    `);
    await lua.waitFor("subscribed 2");
    for (const q of [0, 1, 2]) await pub(`${topic}/${q}`, `from mosquitto_pub ${q}`, q);
    const file = join(broker.dir, "binary.bin");
    writeFileSync(file, Buffer.from([0, 1, 2, 255, 0, 128, 10, 13]));
    await run("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", `${topic}/bin`, "-q", "1", "-f", file]);
    await pub(`${topic}/empty`, null, 1);
    const r = await lua.done;
    clean(r);
    // the call's own callback, in place of the on() handler
    expect(r.lines).toEqual([
      "subscribed 2",
      ...[0, 1, 2].map((q) => `message ${topic}/${q} 20 from mosquitto_pub ${q}`),
      `message ${topic}/bin 8 <0><1><2><255><0><128><10><13>`,
      `message ${topic}/empty nil`,
      "offline",
    ]);
  });
});

describe("load", () => {
  it.each([1, 2])("2,000 QoS %i messages out and back in order; publish() says false when the queue is full, a puback makes room", async (qos) => {
    const topic = `lua/${uniqueId()}`;
    const r = await runLua(`
      local N = 2000
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      local sent, acked, got, refused = 0, 0, 0, 0
      local function finish(c)
        if got == N and acked == N then
          print(string.format("sent %d acked %d got %d", sent, acked, got))
          print("publish() refused while full: " .. tostring(refused > 0))
          c:close()
        end
      end
      local pump
      function pump(c)
        while sent < N do
          local n = sent + 1
          if not c:publish(${lq(topic)}, "message " .. n, ${qos}, 0, function(client)
            acked = acked + 1
            pump(client)
            finish(client)
          end) then
            refused = refused + 1
            return
          end
          sent = n
        end
      end
      m:on("message", function(c, t, data)
        got = got + 1
        if data ~= "message " .. got then print("out of order: " .. data .. " as " .. got) end
        finish(c)
      end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        c:subscribe(${lq(topic)}, ${qos}, function() pump(c) end)
      end)
    `, { timeout: 30 });
    clean(r);
    expect(r.lines).toEqual(["sent 2000 acked 2000 got 2000", "publish() refused while full: true"]);
  });
});

describe("subscriptions", () => {
  it("retained messages reach a later subscriber; table subscribe and unsubscribe; unsuback", async () => {
    const topic = `lua/${uniqueId()}`;
    await pub(`${topic}/kept`, "retained before we came", 1, true);
    const lua = new LuaProcess(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      m:on("message", function(c, topic, data) print("message " .. topic .. " " .. data) end)
      m:on("unsuback", function(c) print("unsuback event") end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        print("subscribe " .. tostring(c:subscribe({ [${lq(`${topic}/kept`)}] = 1, [${lq(`${topic}/live`)}] = 0 }, function(client, granted)
          table.sort(granted)
          print("subscribed " .. table.concat(granted, ","))
        end)))
      end)
      function leave()
        m:unsubscribe({ [${lq(`${topic}/kept`)}] = true, [${lq(`${topic}/live`)}] = "anything" }, function(c)
          print("unsubscribed table")
          c:unsubscribe(${lq(`${topic}/never`)}, function(c2)
            print("unsubscribed single")
            c2:publish(${lq(`${topic}/live`)}, "after unsubscribe", 1, 0, function(c3)
              tmr.create():alarm(300, tmr.ALARM_SINGLE, function() c3:close() end)
            end)
          end)
        end)
      end
      m:on("message", function(c, topic, data)
        print("message " .. topic .. " " .. data)
        if data == "live one" then leave() end
      end)
    `);
    await lua.waitFor("subscribed 0,1");
    await lua.waitFor(`message ${topic}/kept retained before we came`);
    await pub(`${topic}/live`, "live one", 0);
    const r = await lua.done;
    clean(r);
    expect(r.lines).toEqual([
      "subscribe true", "subscribed 0,1",
      `message ${topic}/kept retained before we came`,
      `message ${topic}/live live one`,
      "unsubscribed table", "unsubscribed single",
      "offline",
    ]);
    await pub(`${topic}/kept`, null, 1, true); // clear the retained message
  });
});

describe("the client object", () => {
  it("publishes retained messages and numbers; a second connect() while one runs returns false", async () => {
    const topic = `lua/${uniqueId()}`;
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      m:on("offline", function(c) print("offline") end)
      print("first " .. tostring(m:connect(${lq(HOST)}, ${broker.port}, false, true, function(c)
        print("connected")
        c:publish(${lq(`${topic}/kept`)}, 42, 1, 1, function(client)
          print("retained 42")
          client:close()
        end)
      end)))
      print("second " .. tostring(m:connect(${lq(HOST)}, ${broker.port})))
    `);
    clean(r);
    expect(r.lines).toEqual(["first true", "second false", "connected", "retained 42", "offline"]);
    // a subscriber that comes later gets it, flagged retained
    const { stdout } = await run("mosquitto_sub", ["-h", HOST, "-p", String(broker.port), "-t", `${topic}/kept`, "-C", "1",
      "-F", "%r %t %p", "-W", "5"]);
    expect(stdout.trim()).toBe(`1 ${topic}/kept 42`);
    await pub(`${topic}/kept`, null, 1, true);
  });

  it("connects again after close() (the seed: 'you can call m:connect again')", async () => {
    const topic = `lua/${uniqueId()}`;
    const sub = await subscriber(topic, 2, "%p");
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      m:lwt(${lq(`${topic}/will`)}, "gone", 0, 0)
      local n = 0
      m:on("connect", function(c)
        n = n + 1
        print("connected " .. n)
        c:publish(${lq(topic)}, "session " .. n, 1, 0, function() c:close() end)
      end)
      m:on("offline", function(c)
        print("offline " .. n)
        if n == 1 then print("again " .. tostring(c:connect(${lq(HOST)}, ${broker.port}))) end
      end)
      m:connect(${lq(HOST)}, ${broker.port})
    `);
    clean(r);
    expect(r.lines).toEqual(["connected 1", "offline 1", "again true", "connected 2", "offline 2"]);
    expect(await sub.done).toEqual(["session 1", "session 2"]);
  });

  it("a connected client the script dropped stays alive until close(), then is collected", async () => {
    const r = await runLua(`
      local seen = setmetatable({}, { __mode = "v" })
      do
        local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
        seen[1] = m
        m:on("offline", function(c)
          print("offline")
          tmr.create():alarm(20, tmr.ALARM_SINGLE, function()
            collectgarbage("collect")
            collectgarbage("collect")
            print("collected after close: " .. tostring(seen[1] == nil))
          end)
        end)
        m:connect(${lq(HOST)}, ${broker.port}, function(c)
          print("connected")
          tmr.create():alarm(50, tmr.ALARM_SINGLE, function()
            collectgarbage("collect")
            collectgarbage("collect")
            print("alive while connected: " .. tostring(seen[1] ~= nil))
            seen[1]:close()
          end)
        end)
      end
    `);
    clean(r);
    expect(r.lines).toEqual(["connected", "alive while connected: true", "offline", "collected after close: true"]);
  });
});

describe("limits and errors", () => {
  it("a message longer than max_message_length goes to overflow with its first bytes (or nowhere)", async () => {
    const topic = `lua/${uniqueId()}`;
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30, nil, nil, 1, 16)
      local t = ${lq(topic)}
      local step = 0
      m:on("message", function(c, topic, data) print("message " .. data) end)
      m:on("overflow", function(c, topic, data) print("overflow " .. topic .. " " .. data) end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        c:subscribe(t, 1, function()
          c:publish(t, "short", 1, 0)
          c:publish(t, "0123456789abcdefTHE REST IS CUT", 1, 0)
          c:publish(t, "exactly 16 bytes", 1, 0, function()
            c:on("overflow", nil)
            c:publish(t, "0123456789abcdefdropped without an overflow handler", 1, 0)
            c:publish(t, "last", 1, 0)
          end)
        end)
      end)
      m:on("message", function(c, topic, data)
        print("message " .. data)
        if data == "last" then c:close() end
      end)
    `);
    clean(r);
    expect(r.lines).toEqual([
      "message short", `overflow ${topic} 0123456789abcdef`, "message exactly 16 bytes", "message last", "offline",
    ]);
  });

  it("an error in a callback is printed and the client goes on", async () => {
    const topic = `lua/${uniqueId()}`;
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      local t = ${lq(topic)}
      local n = 0
      m:on("connect", function(c)
        c:subscribe(t, 1)
        error("boom in connect")
      end)
      m:on("suback", function(c)
        c:publish(t, "first", 1, 0, function() error("boom in puback") end)
        c:publish(t, "second", 1, 0)
        error({})
      end)
      m:on("message", function(c, topic, data)
        n = n + 1
        print("message " .. data)
        if n == 1 then error("boom in message") end
        c:close()
      end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port})
    `, { name: "errors.lua" });
    clean(r);
    const errors = r.lines.filter((l) => l.startsWith("mqtt: error in"));
    expect(errors).toHaveLength(4);
    for (const pattern of [
      /^mqtt: error in 'connect' callback: .*errors\.lua:\d+: boom in connect$/,
      /^mqtt: error in 'suback' callback: \(error object is a table value\)$/,
      /^mqtt: error in 'puback' callback: .*errors\.lua:\d+: boom in puback$/,
      /^mqtt: error in 'message' callback: .*errors\.lua:\d+: boom in message$/,
    ]) expect(errors.filter((l) => pattern.test(l)), String(pattern)).toHaveLength(1);
    expect(r.lines.filter((l) => !l.startsWith("mqtt: error in") && !/^\s|^stack traceback:/.test(l)))
      .toEqual(["message first", "message second", "offline"]);
  });

  it("the broker's verdict on a bad topic or filter is a Lua error naming it", async () => {
    const r = await runLua(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        print(select(2, pcall(c.publish, c, "a/+/b", "x", 0, 0)))
        print(select(2, pcall(c.subscribe, c, "bad/#/x", 1)))
        print(select(2, pcall(c.subscribe, c, { ["ok/#"] = 0, ["bad/#/x"] = 1 })))
        print(select(2, pcall(c.unsubscribe, c, "a#")))
        print("still connected: " .. tostring(c:publish("fine", "x", 0, 0)))
        c:close()
      end)
    `);
    clean(r);
    expect(r.lines[0]).toMatch(/^mqtt: publish: .*wildcard/);
    expect(r.lines[1]).toMatch(/^mqtt: subscribe: topic 'bad\/#\/x': .*#/);
    expect(r.lines[2]).toMatch(/^mqtt: subscribe: topic 'bad\/#\/x': .*#/);
    expect(r.lines[3]).toMatch(/^mqtt: unsubscribe: topic 'a#': /);
    expect(r.lines[4]).toBe("still connected: true");
  });
});

describe("keepalive", () => {
  it("PINGREQs keep a quiet connection alive past 1.5 x keepalive", async () => {
    const id = uniqueId("ka");
    const r = await runLua(`
      local m = mqtt.Client(${lq(id)}, 1)
      local offline = false
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        print("connected")
        tmr.create():alarm(3200, tmr.ALARM_SINGLE, function()
          print("closing, connected all along")
          c:close()
        end)
      end)
    `);
    clean(r);
    expect(r.lines).toEqual(["connected", "closing, connected all along", "offline"]);
    const pings = broker.log().split("\n").filter((l) => l.includes(`Received PINGREQ from ${id}`));
    expect(pings.length).toBeGreaterThanOrEqual(2);
    expect(broker.log()).not.toMatch(new RegExp(`Client ${id} has exceeded timeout`));
  });
});
