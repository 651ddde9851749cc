// The firmware's inbound bounds (firmware/nodemcu/mqtt_limits.h) against a real mosquitto, in the
// hosted runtime: a long topic is delivered whole, a topic past MQTT_MAX_TOPIC_IN reaches the
// overflow handler and the session goes on, and 100 QoS 2 messages queued while the client was
// away (mosquitto with max_inflight_messages 0 sends them back to back) arrive exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Mosquitto } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { firmwareLimit } from "../../tools/firmware/limits.js";
import { expectClean, LuaProcess, lq, runLua } from "./lua.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";
const TOPIC_BOUND = firmwareLimit("MQTT_MAX_TOPIC_IN");

let broker: Mosquitto;
beforeAll(async () => { broker = await Mosquitto.start({ extra: ["max_inflight_messages 0"] }); });
afterAll(async () => { await broker?.dispose(); });

function pub(topic: string, message: string, qos: number): Promise<unknown> {
  return run("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", topic, "-q", String(qos), "-m", message]);
}

/** A topic of exactly `length` bytes under `prefix`. */
const topicOf = (prefix: string, length: number): string => prefix + "x".repeat(length - prefix.length);

describe("inbound topics", () => {
  it("a 300-byte topic arrives whole; one past the bound goes to overflow, cut to the bound, and the next message follows on the same connection", async () => {
    const base = `long/${uniqueId()}`;
    const long = topicOf(`${base}/`, 300);
    const tooLong = topicOf(`${base}/`, TOPIC_BOUND + 100);
    const lua = new LuaProcess(`
      local m = mqtt.Client(${lq(uniqueId("lua"))}, 30)
      local function show(kind, topic, data)
        print(kind .. " " .. #topic .. " " .. topic .. " " .. tostring(data))
      end
      m:on("message", function(c, topic, data)
        show("message", topic, data)
        if data == "after" then c:close() end
      end)
      m:on("overflow", function(c, topic, data) show("overflow", topic, data) end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        c:subscribe(${lq(`${base}/#`)}, 1, function() print("subscribed") end)
      end)
    `, { timeout: 20 });
    await lua.waitFor("subscribed");
    await pub(long, "whole", 1);
    await pub(tooLong, "cut", 1);
    await pub(`${base}/next`, "after", 1);
    const r = await lua.done;
    expectClean(r);
    expect(r.lines).toEqual([
      "subscribed",
      `message 300 ${long} whole`,
      `overflow ${TOPIC_BOUND} ${tooLong.slice(0, TOPIC_BOUND)} cut`,
      `message ${base.length + 5} ${base}/next after`,
      "offline",
    ]);
  });
});

describe("inbound QoS 2 window", () => {
  it("100 QoS 2 messages queued while the client was away arrive exactly once after it reconnects (cleansession 0)", async () => {
    const topic = `window/${uniqueId()}`;
    const id = uniqueId("away");
    const N = 100;
    // the persistent session and its subscription, then away
    const first = await runLua(`
      local m = mqtt.Client(${lq(id)}, 30, nil, nil, 0)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        c:subscribe(${lq(topic)}, 2, function(client, granted)
          print("subscribed " .. granted[1])
          client:close()
        end)
      end)
    `, { timeout: 20 });
    expectClean(first);
    expect(first.lines).toEqual(["subscribed 2", "offline"]);
    // queued at the broker for the session: one mosquitto_pub, a message per line
    const input = Array.from({ length: N }, (_, k) => `queued ${k + 1}`).join("\n") + "\n";
    await new Promise<void>((resolve, reject) => {
      const p = execFile("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", topic, "-q", "2", "-l"],
        (err) => (err ? reject(err) : resolve()));
      p.stdin!.end(input);
    });
    // back: mosquitto sends all 100 at once (no in-flight limit); a last message, published by the
    // client itself after the 100th, shows nothing more was on its way
    const second = await runLua(`
      local m = mqtt.Client(${lq(id)}, 30, nil, nil, 0)
      local seen, repeats, order = {}, 0, true
      local count = 0
      m:on("message", function(c, topic, data)
        if data == "last" then
          print("received " .. count .. " repeats " .. repeats .. " in order " .. tostring(order))
          c:close()
          return
        end
        if seen[data] then repeats = repeats + 1 else count = count + 1 end
        seen[data] = true
        if data ~= "queued " .. count then order = false end
        if count == ${N} then c:publish(${lq(topic)}, "last", 2, 0) end
      end)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c) print("connected") end)
    `, { timeout: 30 });
    expectClean(second);
    expect(second.lines).toEqual(["connected", `received ${N} repeats 0 in order true`, "offline"]);
  });
});
