// Backpressure on the firmware path (hosted runtime, ASan+UBSan): a broker that delivers a burst
// of queued messages (what a device meets when it reconnects with cleansession = 0) gets every
// acknowledgement and the client delivers every message once; a broker that stops reading is
// dropped after MQTT_SEND_STALL_MS with a message saying so; a publish the queue can never hold is
// refused at the call, one larger than a TCP segment goes out whole.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { generate, scriptedBrokers, type ScriptedConn } from "../helpers/scripted-broker.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { expectClean, lq, runLua } from "./lua.js";

const run = promisify(execFile);
const scripted = scriptedBrokers();
const clean = expectClean;

const N = 1000;
const connack = { cmd: "connack", returnCode: 0, sessionPresent: true } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PUBLISH i of the flood: 11 bytes at QoS 1/2 (topic "f", payload 4 digits), as in issue 13. */
const publish = (i: number, qos: 1 | 2) =>
  generate({ cmd: "publish", topic: "f", payload: String(i).padStart(4, "0"), qos, messageId: i, retain: false, dup: false });

/** A client that counts what it gets, prints any repeat, and closes on the broker's "done". */
const CLIENT = `
  local m = mqtt.Client("flood", 60, nil, nil, 0)
  local seen, got, repeats = {}, 0, 0
  m:on("message", function(c, topic, data)
    if topic == "done" then
      print("got " .. got .. " repeats " .. repeats)
      c:close()
      return
    end
    if seen[data] then repeats = repeats + 1 else seen[data] = true; got = got + 1 end
  end)
  m:on("offline", function(c) print("offline") end)
  m:connect("127.0.0.1", PORT, 0, 0, function(c) print("connected") end,
    function(c, reason) print("connfail " .. reason) end)
`;

/** What mosquitto allows unacknowledged per client (max_inflight_messages): the engine holds
 * an inbound QoS 2 id until its PUBREL, and a broker keeps at most this many in flight. */
const QOS2_WINDOW = 20;

/** Sends the flood: in one write (burst) or 20 packets every 2 ms (paced); QoS 2 within the
 * broker's in-flight window, the next PUBLISH as soon as a PUBCOMP frees a place. */
class Flood {
  private next = 1;
  private completed = 0;
  private readonly window: number;
  constructor(private readonly conn: ScriptedConn, private readonly qos: 1 | 2, private readonly paced: boolean) {
    this.window = qos === 2 ? QOS2_WINDOW : N;
  }

  private sendUpTo(max: number): void {
    const ids: number[] = [];
    while (this.next <= N && ids.length < max && this.next - 1 - this.completed < this.window) ids.push(this.next++);
    if (ids.length) this.conn.send(Buffer.concat(ids.map((i) => publish(i, this.qos))));
  }

  async start(): Promise<void> {
    if (!this.paced) return this.sendUpTo(N);
    while (this.next <= N) {
      this.sendUpTo(20);
      await sleep(2);
    }
  }

  complete(): void {
    this.completed++;
    if (!this.paced) this.sendUpTo(N);
  }
}

describe("a flood of inbound QoS 1 and 2 messages", () => {
  for (const qos of [1, 2] as const) {
    for (const paced of [false, true]) {
      it(`${N} QoS ${qos} messages ${paced ? "paced, 20 every 2 ms" : "in one burst"}: every one acknowledged and delivered once, the link kept`, async () => {
        const acked: number[] = [];
        const completed: number[] = [];
        const b = await scripted(async (conn) => {
          await conn.next("connect");
          conn.send(connack);
          const flood = new Flood(conn, qos, paced);
          const sending = flood.start();
          while ((qos === 1 ? acked : completed).length < N) {
            const p = await conn.next(undefined, 20_000) as { cmd: string; messageId: number };
            if (p.cmd === "puback" || p.cmd === "pubrec") acked.push(p.messageId);
            if (p.cmd === "pubrec") conn.send({ cmd: "pubrel", messageId: p.messageId });
            if (p.cmd === "pubcomp") {
              completed.push(p.messageId);
              flood.complete();
            }
          }
          await sending;
          conn.send({ cmd: "publish", topic: "done", payload: "", qos: 0, retain: false, dup: false });
          await conn.next("disconnect", 20_000);
        });
        const r = await runLua(CLIENT.replace("PORT", String(b.port)), { timeout: 60 });
        clean(r);
        expect(r.lines).toEqual(["connected", `got ${N} repeats 0`, "offline"]);
        const all = Array.from({ length: N }, (_, k) => k + 1);
        expect([...acked].sort((x, y) => x - y)).toEqual(all);
        if (qos === 2) expect([...completed].sort((x, y) => x - y)).toEqual(all);
      }, 90_000);
    }
  }
});

describe("a broker that stops reading", () => {
  it("is dropped after 5 s without progress, with a message that says so; the client's memory stays bounded", async () => {
    let pubrels = 0;
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send(connack);
      conn.socket.pause();   // reads nothing from here on
      const chunk = Buffer.concat(Array.from({ length: 256 }, (_, k) => generate({ cmd: "pubrel", messageId: (k % 65535) + 1 })));
      while (!conn.closed) {
        pubrels += 256;
        if (!conn.socket.write(chunk)) {
          await new Promise<void>((res) => { conn.socket.once("drain", res); conn.socket.once("close", res); });
        }
      }
    });
    const r = await runLua(`
      local m = mqtt.Client("reads-nothing", 60, nil, nil, 1)
      local before = node.heap()
      local low = before
      local t = tmr.create()
      t:alarm(50, tmr.ALARM_AUTO, function() low = math.min(low, node.heap()) end)
      m:on("offline", function(c)
        print("offline")
        print("heap used at most " .. (before - low))
        t:unregister()
        c:close()
      end)
      m:connect("127.0.0.1", ${b.port}, 0, 0, function(c) print("connected") end)
    `, { timeout: 60 });
    clean(r);
    expect(r.lines[0]).toBe("connected");
    expect(r.lines[1]).toBe("mqtt: the broker stopped reading for 5 s; disconnecting");
    expect(r.lines[2]).toBe("offline");
    // the receive backlog (7,300 B) and what Lua made meanwhile, not the flood it was sent
    const used = Number(/^heap used at most (\d+)$/.exec(r.lines[3])![1]);
    expect(used).toBeLessThan(32 * 1024);
    expect(pubrels * 4).toBeGreaterThan(used * 10);
  }, 90_000);
});

describe("big publishes", () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await Mosquitto.start({ extra: ["log_type debug"] }); });
  afterAll(async () => { await broker?.dispose(); });

  it("70,000 B and 1 MB are refused at the call, saying why; 4,000 B at QoS 0 and 1 go out whole; the link goes on", async () => {
    const topic = `big/${uniqueId()}`;
    const id = uniqueId("sub");
    const sub = run("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.port), "-i", id, "-t", topic, "-C", "3", "-W", "30",
      "-F", "%l %p"], { maxBuffer: 1024 * 1024 });
    await broker.waitForLog(new RegExp(`${id} \\d ${topic.replace("/", "\\/")}`));
    const r = await runLua(`
      local piece = string.rep("0123456789abcdef", 250)   -- 4,000 B: more than a TCP segment
      local m = mqtt.Client(${lq(uniqueId("big"))}, 60)
      m:on("offline", function() print("offline") end)
      m:connect("127.0.0.1", ${broker.port}, 0, 0, function(c)
        for _, size in ipairs({ 70000, 1048576 }) do
          for q = 0, 1 do
            local ok, err = pcall(c.publish, c, ${lq(topic)}, string.rep("x", size), q, 0)
            print(size .. " qos" .. q .. " " .. tostring(ok) .. " " .. tostring(err))
          end
        end
        local acked = 0
        local function done() acked = acked + 1; if acked == 3 then c:close() end end
        -- the queue holds 4,096 B: each waits for room (publish says false until then)
        local todo, i = { { piece, 0 }, { "1" .. piece:sub(2), 1 }, { "after", 1 } }, 1
        local t = tmr.create()
        t:alarm(10, tmr.ALARM_AUTO, function()
          while todo[i] and c:publish(${lq(topic)}, todo[i][1], todo[i][2], 0, done) do
            print("taken " .. #todo[i][1] .. " qos" .. todo[i][2])
            i = i + 1
          end
          if not todo[i] then t:unregister() end
        end)
      end)
    `, { timeout: 60 });
    clean(r);
    for (const size of [70000, 1048576]) {
      for (const q of [0, 1]) {
        expect(r.lines).toContain(`${size} qos${q} false mqtt: publish: topic + payload is ${size + topic.length} bytes; ` +
          "a publish takes at most 4096 (MQTT_MAX_QUEUED_BYTES): send it in parts");
      }
    }
    expect(r.lines.slice(4)).toEqual(["taken 4000 qos0", "taken 4000 qos1", "taken 5 qos1", "offline"]);
    const piece = "0123456789abcdef".repeat(250);
    const got = (await sub).stdout.split("\n").filter((l) => l !== "");
    expect(got).toEqual([`4000 ${piece}`, `4000 1${piece.slice(1)}`, "5 after"]);
  }, 90_000);
});
