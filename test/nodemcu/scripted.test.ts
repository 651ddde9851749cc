// Lua scripts against a scripted broker (test/helpers/scripted-broker.ts) for what mosquitto never
// does: a reply that is not a CONNACK, broken packets after CONNACK, a refused subscription, a long
// message trickling in a few bytes at a time.
import { describe, expect, it } from "vitest";
import { generate, scriptedBrokers } from "../helpers/scripted-broker.js";
import { expectClean, runLua } from "./lua.js";

const scripted = scriptedBrokers();
const clean = expectClean;

const connack = { cmd: "connack", returnCode: 0, sessionPresent: false } as const;

describe("brokers that misbehave", () => {
  it("a reply to CONNECT that is not a CONNACK fails the connection with -4", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send({ cmd: "pingresp" });
    });
    const r = await runLua(`
      local m = mqtt.Client("not-a-connack", 30)
      m:connect("127.0.0.1", ${b.port}, function() print("connected") end, function(c, reason)
        print("connfail " .. reason .. " " .. tostring(reason == mqtt.CONN_FAIL_NOT_A_CONNACK_MSG))
      end)
    `);
    clean(r);
    // the engine's reason is printed too, then the failure callback gets NodeMCU's code
    expect(r.lines).toHaveLength(2);
    expect(r.lines[0]).toMatch(/^mqtt: the broker broke the MQTT protocol \(.*not CONNACK.*\); disconnecting$/);
    expect(r.lines[1]).toBe("connfail -4 true");
  });

  it("a broken packet after CONNACK is reported, the connection dropped, offline fires", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send(connack);
      await new Promise((res) => setTimeout(res, 50));
      conn.send(Uint8Array.from([0x00, 0x00])); // packet type 0 is reserved
    });
    const r = await runLua(`
      local m = mqtt.Client("broken", 30)
      m:on("connect", function() print("connected") end)
      m:on("offline", function() print("offline") end)
      m:connect("127.0.0.1", ${b.port})
    `);
    clean(r);
    expect(r.lines).toHaveLength(3);
    expect(r.lines[0]).toBe("connected");
    expect(r.lines[1]).toMatch(/^mqtt: the broker broke the MQTT protocol \(.+, code \d+\); disconnecting$/);
    expect(r.lines[2]).toBe("offline");
    await (await b.connection(0)).waitClosed();
  });

  it("a refused subscription comes back as 128 in the granted table", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send(connack);
      const sub = await conn.next("subscribe") as { messageId: number };
      conn.send({ cmd: "suback", messageId: sub.messageId, granted: [1, 128] });
      await conn.next("disconnect");
    });
    const r = await runLua(`
      local m = mqtt.Client("refused-sub", 30)
      m:connect("127.0.0.1", ${b.port}, function(c)
        c:subscribe({ ["a/b"] = 1, ["c/d"] = 2 }, function(client, granted)
          print("granted " .. table.concat(granted, ","))
          c:subscribe("x/y", 2, function(client2, granted2) print("never " .. granted2[1]) end)
          client:close()
        end)
      end)
    `);
    clean(r);
    expect(r.lines).toEqual(["granted 1,128"]);
  });

  it("a broker answering QoS 2 with PUBACK (RabbitMQ): each publish callback fires, one warning line", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send(connack);
      for (let i = 0; i < 3; i++) {
        const pub = await conn.next("publish") as { messageId: number };
        conn.send({ cmd: "puback", messageId: pub.messageId });
      }
      await conn.next("disconnect");
    });
    const r = await runLua(`
      local m = mqtt.Client("qos2-puback", 30)
      local n = 0
      local function one(c)
        n = n + 1
        print("sent " .. n)
        if n == 3 then c:close() else c:publish("t", "m", 2, 0, one) end
      end
      m:connect("127.0.0.1", ${b.port}, function(c) c:publish("t", "m", 2, 0, one) end)
    `);
    clean(r);
    expect(r.lines).toHaveLength(4);
    expect(r.lines[0]).toMatch(/^mqtt: warning: broker answered a QoS 2 publish with PUBACK .*\(code 31\)$/);
    expect(r.lines.slice(1)).toEqual(["sent 1", "sent 2", "sent 3"]);
  });

  it("a 10,000-byte message trickling in 7 bytes at a time arrives whole, between two short ones", async () => {
    const payload = Buffer.alloc(10_000, 0).map((_, i) => 97 + (i % 26));
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send(connack);
      const bytes = Buffer.concat([
        generate({ cmd: "publish", topic: "t/first", payload: "before", qos: 0, retain: false, dup: false }),
        generate({ cmd: "publish", topic: "t/long", payload: Buffer.from(payload), qos: 1, messageId: 7, retain: false, dup: false }),
        generate({ cmd: "publish", topic: "t/last", payload: "after", qos: 0, retain: false, dup: false }),
      ]);
      for (let i = 0; i < bytes.length; i += 7) {
        conn.send(bytes.subarray(i, i + 7));
        if (i % 700 === 0) await new Promise((res) => setTimeout(res, 1));
      }
      await conn.next("puback");
      await conn.next("disconnect");
    });
    const r = await runLua(`
      local m = mqtt.Client("trickle", 30, nil, nil, 1, 16384)
      m:on("message", function(c, topic, data)
        local ok = true
        if topic == "t/long" then
          for i = 1, #data, 997 do
            if data:byte(i) ~= 97 + ((i - 1) % 26) then ok = false end
          end
        end
        print(topic .. " " .. #data .. " " .. tostring(ok))
        if topic == "t/last" then c:close() end
      end)
      m:connect("127.0.0.1", ${b.port})
    `);
    clean(r);
    expect(r.lines).toEqual(["t/first 6 true", "t/long 10000 true", "t/last 5 true"]);
  });

  it.each([1, 0])("a publish unacknowledged when the connection drops: cleansession %i", async (cleanSession) => {
    const b = await scripted(async (conn, index) => {
      await conn.next("connect");
      conn.send({ ...connack, sessionPresent: index === 1 && cleanSession === 0 });
      const p = await conn.next("publish");   // the first connection ends with it unacknowledged
      if (index === 0) { conn.destroy(); return; }
      conn.send({ cmd: "puback", messageId: p.cmd === "publish" ? p.messageId! : 0 });
      await conn.next("disconnect");
    });
    const r = await runLua(`
      local m = mqtt.Client("held", 30, nil, nil, ${cleanSession})
      local n = 0
      m:on("connect", function(c)
        n = n + 1
        print("connected " .. n)
        if n == 1 then c:publish("t/held", "x", 1, 0, function(client) print("acknowledged") client:close() end) end
      end)
      m:on("offline", function(c)
        print("offline")
        if n == 1 and ${cleanSession} == 0 then c:connect("127.0.0.1", ${b.port}) end
      end)
      m:connect("127.0.0.1", ${b.port})
    `);
    clean(r);
    // NodeMCU destroys its queue when the socket goes, silently, whatever cleansession says
    expect(r.lines).toEqual(cleanSession === 1
      ? ["connected 1", "offline", "mqtt: a publish was dropped unacknowledged: its clean session ended"]
      : ["connected 1", "offline", "connected 2", "acknowledged", "offline"]);
  });
});
