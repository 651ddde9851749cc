// Scripts written the way NodeMCU users write them, run in the hosted runtime (ASan+UBSan) against
// mosquitto, each checked line by line against what the same script prints on NodeMCU 3.0. That
// output is derived from NodeMCU's own module (app/modules/mqtt.c, branch `release`), and each
// case says how: its argument reading (values told apart by type, lua_isstring/lua_isnumber,
// fixed callback places in connect()), its callback slots (one per event: connect() and on() set
// the same one, the last set wins, connect() without functions keeps them), and its one send
// queue, which sends a packet only once the one before it is acknowledged (so acknowledgement
// callbacks fire in call order). The last group is where we differ on purpose (docs/firmware.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { Mosquitto, freePort } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { until } from "../helpers/wait.js";
import { runLua, sanitizerReports, script, type LuaResult } from "./lua.js";

const H = "127.0.0.1";
let broker: Mosquitto;
let closed: number;
let chip: { dec: string; hex: string };

beforeAll(async () => {
  broker = await Mosquitto.start();
  closed = await freePort();
  const r = await runLua('print(node.chipid(), string.format("%x", node.chipid()))');
  const [dec, hex] = r.lines[0].split("\t");
  chip = { dec, hex };
});
afterAll(async () => { await broker?.dispose(); });

/** Runs a script; it must end by itself, clean under the sanitizers. */
async function run(lua: string, opts: { broker?: string; name?: string } = {}): Promise<string[]> {
  const r: LuaResult = await runLua(lua, { timeout: 15, ...opts });
  expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
  return r.lines;
}

/** mosquitto's line for a client that connected: "<id> (p2, c<clean>, k<keepalive>[, u'<user>'])". */
function connectedAs(id: string): string {
  const m = new RegExp(`New client connected from [^ ]+ as ${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(([^)]*)\\)`).exec(broker.log());
  if (!m) throw new Error(`${id} never connected:\n${broker.log()}`);
  return m[1];
}

describe("mqtt.Client: NodeMCU's argument reading", () => {
  it("takes node.chipid() as the client id (lua_isstring accepts numbers) and 120 as keepalive", async () => {
    const lines = await run(`
      m = mqtt.Client(node.chipid(), 120)
      m:on("offline", function(client) print("offline") end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        print("connected")
        client:close()
      end)
    `);
    // NodeMCU: lua_isstring(L, 1) is true for a number, lua_isnumber(L, 2) takes 120; close()
    // queues DISCONNECT, and the socket's disconnect callback fires "offline"
    expect(lines).toEqual(["connected", "offline"]);
    // cleansession: NodeMCU's code leaves it 0 unless given (its docs say 1)
    expect(connectedAs(chip.dec)).toBe("p2, c0, k120");
  });

  it("with no arguments uses NodeMCU_<chip id in hex> and keepalive 60", async () => {
    const lines = await run(`
      m = mqtt.Client()
      m:on("offline", function(client) print("offline") end)
      m:connect("${H}", ${broker.port}, function(client) print("connected") client:close() end)
    `);
    // NodeMCU: sprintf(tempid, "%s%x", "NodeMCU_", system_get_chip_id()); keepalive 0 -> 60
    expect(lines).toEqual(["connected", "offline"]);
    expect(connectedAs(`NodeMCU_${chip.hex}`)).toBe("p2, c0, k60");
  });

  it("reads a numeric string as keepalive, 0 as 60, empty credentials as none, a number as username", async () => {
    const [a, b, c] = [uniqueId("ka"), uniqueId("zero"), uniqueId("user")];
    const lines = await run(`
      local clients = { mqtt.Client("${a}", "30"), mqtt.Client("${b}", 0, "", ""), mqtt.Client("${c}", 45, 1234, "pw", 1) }
      local i = 1
      local function next_client()
        local m = clients[i]
        m:on("offline", function(client)
          print("offline " .. i)
          i = i + 1
          if clients[i] then next_client() end
        end)
        m:connect("${H}", ${broker.port}, function(client) print("connected " .. i) client:close() end)
      end
      next_client()
    `);
    // NodeMCU: lua_isnumber("30") is true and luaL_checkinteger converts it; keepalive 0 becomes
    // MQTT_DEFAULT_KEEPALIVE; mqtt_msg_connect leaves out an empty username/password; a number
    // passes lua_isstring as username; cleansession 1 sets the flag
    expect(lines).toEqual(["connected 1", "offline 1", "connected 2", "offline 2", "connected 3", "offline 3"]);
    expect(connectedAs(a)).toBe("p2, c0, k30");
    expect(connectedAs(b)).toBe("p2, c0, k60");
    expect(connectedAs(c)).toBe("p2, c1, k45, u'1234'");
  });
});

describe("connect(): fixed callback places, one slot per event", () => {
  it("connect(host, port, 0, nil, failed): nil keeps on('connect'), the function is the failure callback", async () => {
    const lines = await run(`
      local function try(port, name)
        local m = mqtt.Client("${uniqueId("nilcb")}" .. name, 60)
        m:on("connect", function(c) print(name .. " connected") c:close() end)
        m:on("offline", function(c) print(name .. " offline") end)
        m:connect("${H}", port, 0, nil, function(c, reason)
          print(name .. " failed reason: " .. reason)
          if name == "first" then try(${broker.port}, "second") end
        end)
      end
      try(${closed}, "first")
    `);
    // NodeMCU: the 5th argument (nil) is not a function, so cb_connect_ref stays the handler; the
    // 6th becomes cb_connect_fail_ref. A refused port: espconn's reconnect callback ->
    // mqtt_connack_fail(MQTT_CONN_FAIL_SERVER_NOT_FOUND = -5); never connected, so no "offline"
    expect(lines).toEqual(["first failed reason: -5", "second connected", "second offline"]);
  });

  it("the seed's example, subscribe and publish in the connect callback, prints each line once", async () => {
    const lines = await run(script("seed.lua"), { broker: `${H}:${broker.port}`, name: "seed.lua" });
    // NodeMCU: connect()'s function replaces the on("connect") handler (one slot): "connected"
    // once. SUBSCRIBE goes out first; the PUBLISH waits in the queue for the SUBACK ("subscribe
    // success"), then goes and is dequeued when sent ("sent"); the broker echoes it; close() in
    // the message handler ends with "offline"
    expect(lines).toEqual(["connected", "subscribe success", "sent", "/topic:", "hello", "offline"]);
  });

  it("NodeMCU 3.0 docs' example: m:close() right after connect() does nothing, the session goes on", async () => {
    const topic = `/${uniqueId("docs")}`;
    const r = await runLua(`
      m = mqtt.Client("clientid", 120, "user", "password")
      m:lwt("/lwt", "offline", 0, 0)
      m:on("connect", function(client) print ("connected") end)
      m:on("connfail", function(client, reason) print ("connection failed", reason) end)
      m:on("offline", function(client) print ("offline") end)
      m:on("message", function(client, topic, data)
        print(topic .. ":" )
        if data ~= nil then
          print(data)
        end
      end)
      m:on("overflow", function(client, topic, data)
        print(topic .. " partial overflowed message: " .. data )
      end)
      m:connect("${H}", ${broker.port}, false, function(client)
        print("connected")
        client:subscribe("${topic}", 0, function(client) print("subscribe success") end)
        client:publish("${topic}", "hello", 0, 0, function(client) print("sent") end)
      end,
      function(client, reason)
        print("Connection failed reason: " .. reason)
      end)
      m:close()
    `, { timeout: 3, name: "docs.lua" });
    // NodeMCU: mqtt_socket_close acts only when mud->connected (the socket is up): right after
    // connect() it is not, so nothing happens and the example runs as it reads; the client
    // then stays connected (the run ends at its timeout)
    expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
    expect(r.code).toBe(124);
    expect(r.lines).toEqual(["connected", "subscribe success", "sent", `${topic}:`, "hello"]);
  });

  it("reconnects from 'offline' through a timer; connect(host, port) keeps the connect callback", async () => {
    const lines = await run(`
      local n = 0
      m = mqtt.Client("${uniqueId("timer")}", 60)
      m:on("offline", function(client)
        print("offline")
        if n < 3 then
          tmr.create():alarm(100, tmr.ALARM_SINGLE, function() m:connect("${H}", ${broker.port}) end)
        end
      end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        n = n + 1
        print("connected " .. n)
        client:close()
      end, function(client, reason) print("failed " .. reason) end)
    `);
    // NodeMCU: connect() without functions leaves cb_connect_ref as the first connect() set it
    expect(lines).toEqual(["connected 1", "offline", "connected 2", "offline", "connected 3", "offline"]);
  });

  it("reconnects directly inside the 'offline' handler", async () => {
    const lines = await run(`
      local n = 0
      m = mqtt.Client("${uniqueId("direct")}", 60)
      m:on("connect", function(client)
        n = n + 1
        print("connected " .. n)
        client:close()
      end)
      m:on("offline", function(client)
        print("offline")
        if n < 3 then client:connect("${H}", ${broker.port}) end
      end)
      m:connect("${H}", ${broker.port})
    `);
    // NodeMCU: mqtt_socket_disconnected clears mud->connected before calling "offline", so the
    // connect() inside it is allowed and uses the kept handler
    expect(lines).toEqual(["connected 1", "offline", "connected 2", "offline", "connected 3", "offline"]);
  });

  it("the last callback set wins: connect()'s replaces on('connect'), a later on('connect') replaces it", async () => {
    const lines = await run(`
      local n = 0
      m = mqtt.Client("${uniqueId("slots")}", 60)
      m:on("connect", function(c) print("handler A") c:close() end)
      m:on("offline", function(c)
        n = n + 1
        print("offline " .. n)
        if n == 1 then
          m:on("connect", function(c2) print("handler C") c2:close() end)
          m:connect("${H}", ${broker.port})
        end
      end)
      m:connect("${H}", ${broker.port}, function(c) print("callback B") c:close() end)
    `);
    // NodeMCU: both write cb_connect_ref (luaL_unref, then luaL_ref of the new function)
    expect(lines).toEqual(["callback B", "offline 1", "handler C", "offline 2"]);
  });

  it("a connfail/offline state machine: a refused port, then the broker", async () => {
    const lines = await run(`
      local ports = { ${closed}, ${broker.port} }
      local attempt = 0
      local state = "idle"
      local function go()
        attempt = attempt + 1
        state = "connecting"
        m:connect("${H}", ports[attempt])
      end
      m = mqtt.Client("${uniqueId("machine")}", 60)
      m:on("connect", function(c) state = "up" print("up after attempt " .. attempt) c:close() end)
      m:on("connfail", function(c, reason)
        state = "down"
        print("connfail " .. reason)
        tmr.create():alarm(100, tmr.ALARM_SINGLE, go)
      end)
      m:on("offline", function(c) state = "down" print("offline") end)
      go()
    `);
    // NodeMCU: a refused port is connfail -5 and no "offline" (the socket never connected)
    expect(lines).toEqual(["connfail -5", "up after attempt 2", "offline"]);
  });

  it("an unknown host is connfail -3 (DNS), without 'offline'", async () => {
    const lines = await run(`
      m = mqtt.Client("${uniqueId("dns")}", 60)
      m:on("offline", function(c) print("offline") end)
      m:connect("no-such-broker.invalid", 1883, 0, function(c) print("connected") end,
        function(c, reason) print("failed reason: " .. reason) end)
    `);
    // NodeMCU: socket_dns_found without an address -> mqtt_connack_fail(MQTT_CONN_FAIL_DNS = -3),
    // then mqtt_socket_disconnected with mud->connected false: no "offline"
    expect(lines).toEqual(["failed reason: -3"]);
  });

  it("the seed's older form connect(host, port, 0, 0, connected, failed) (autoreconnect 0)", async () => {
    const lines = await run(`
      m = mqtt.Client("${uniqueId("older")}", 60)
      m:on("offline", function(c) print("offline") end)
      m:connect("${H}", ${broker.port}, 0, 0, function(c) print("connected") c:close() end,
        function(c, reason) print("failed reason: " .. reason) end)
    `);
    // the form of NodeMCU 1.5 to 2.x (secure, then autoreconnect), which the seed's API text
    // has; NodeMCU 3.0 would take the 4th argument as the (ignored) connect place
    expect(lines).toEqual(["connected", "offline"]);
  });
});

describe("subscribe, publish, unsubscribe as scripts use them", () => {
  it("a dozen subscriptions on connect, one call each, counted in on('suback')", async () => {
    const t = uniqueId("dozen");
    const lines = await run(`
      local topics = {}
      for i = 1, 12 do topics[i] = "${t}/sensor/" .. i end
      local subs, got = 0, 0
      m = mqtt.Client("${uniqueId("dozen")}", 60)
      m:on("suback", function(client)
        subs = subs + 1
        if subs == 12 then
          print("12 subscribed")
          for i = 1, 12 do client:publish(topics[i], "value " .. i, 0, 0) end
        end
      end)
      m:on("message", function(client, topic, data)
        got = got + 1
        if got == 12 then print("12 messages") client:close() end
      end)
      m:on("offline", function() print("offline") end)
      m:on("connect", function(client)
        local ok = 0
        for i = 1, 12 do if client:subscribe(topics[i], 0) then ok = ok + 1 end end
        print("subscribe returned true " .. ok .. " times")
      end)
      m:connect("${H}", ${broker.port})
    `);
    // NodeMCU: each subscribe is queued and returns true; each SUBACK fires cb_suback_ref
    expect(lines).toEqual(["subscribe returned true 12 times", "12 subscribed", "12 messages", "offline"]);
  });

  it("a dozen subscribe tables of long topics on connect: more than the out buffer holds at once", async () => {
    const t = uniqueId("tables");
    const lines = await run(`
      local base = "${t}/" .. string.rep("x", 40)
      local subs, got = 0, 0
      m = mqtt.Client("${uniqueId("tables")}", 60)
      m:on("offline", function() print("offline") end)
      m:on("message", function(c, topic, data)
        got = got + 1
        if got == 12 then print("12 messages") c:close() end
      end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        local ok = 0
        for i = 1, 12 do
          local t = {}
          for j = 1, 4 do t[base .. "/" .. i .. "/" .. j] = 1 end
          if client:subscribe(t, function(c)
            subs = subs + 1
            if subs == 12 then
              print("12 tables subscribed")
              for k = 1, 12 do c:publish(base .. "/" .. k .. "/4", "to " .. k, 1, 0) end
            end
          end) then ok = ok + 1 end
        end
        print("subscribe returned true " .. ok .. " times")
      end)
    `);
    // NodeMCU: each table is one SUBSCRIBE, queued (true); one SUBACK each. Ours: 48 filters of
    // 50 bytes are more than the 1,536-byte out buffer: the rest wait in the core, in order
    expect(lines).toEqual(["subscribe returned true 12 times", "12 tables subscribed", "12 messages", "offline"]);
  });

  it("twelve subscribes, each with its own 'subscribe success' callback", async () => {
    const t = uniqueId("twelve");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("twelve")}", 60)
      m:on("offline", function() print("offline") end)
      local n = 0
      m:connect("${H}", ${broker.port}, 0, function(client)
        for i = 1, 12 do
          client:subscribe("${t}/" .. i, 1, function(c)
            print("subscribe success")
            n = n + 1
            if n == 12 then c:close() end
          end)
        end
      end)
    `);
    // NodeMCU: each call sets cb_suback_ref (the same text each time), fired once per SUBACK
    expect(lines).toEqual([...Array(12).fill("subscribe success"), "offline"]);
  });

  it("subscribes a table {topic = qos} and gets each topic's message in order", async () => {
    const t = uniqueId("table");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("table")}", 60)
      m:on("offline", function() print("offline") end)
      local got = 0
      m:on("message", function(c, topic, data)
        print(topic .. " " .. data)
        got = got + 1
        if got == 3 then c:close() end
      end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        client:subscribe({ ["${t}/a"] = 0, ["${t}/b"] = 1, ["${t}/c"] = 2 }, function(c)
          print("subscribed")
          for _, k in ipairs({ "a", "b", "c" }) do c:publish("${t}/" .. k, "to " .. k, 1, 0) end
        end)
      end)
    `);
    // NodeMCU: one SUBSCRIBE with all three filters, one SUBACK; its QoS 1 publishes go out one
    // by one, each echoed before the next
    expect(lines).toEqual(["subscribed", `${t}/a to a`, `${t}/b to b`, `${t}/c to c`, "offline"]);
  });

  it("a burst of 16 QoS 1 publishes of 200 bytes (the documented queue bound) is accepted and acknowledged", async () => {
    const t = uniqueId("burst");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("burst")}", 60)
      local acked = 0
      m:on("puback", function(client)
        acked = acked + 1
        if acked == 16 then print("16 acknowledged") client:close() end
      end)
      m:on("offline", function() print("offline") end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        local subs = 0
        for i = 1, 12 do client:subscribe("${t}/s/" .. i, 1) end
        local ok = 0
        for i = 1, 16 do if client:publish("${t}/burst", string.rep("x", 200), 1, 0) then ok = ok + 1 end end
        print("accepted " .. ok)
      end)
    `);
    // NodeMCU: every publish is queued (true); each PUBACK fires cb_puback_ref. Ours: within the
    // documented bound (16 messages, 4,096 bytes) whatever the out buffer holds (a dozen
    // SUBSCRIBEs are waiting in it too)
    expect(lines).toEqual(["accepted 16", "16 acknowledged", "offline"]);
  });

  it("10 QoS 1 messages of 300 bytes, then 8 QoS 0 messages of 200 bytes", async () => {
    const t = uniqueId("sizes");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("sizes")}", 60)
      local acked, sent = 0, 0
      m:on("offline", function() print("offline") end)
      m:on("puback", function(client)
        acked = acked + 1
        if acked == 10 then
          print("10 acknowledged")
          local ok = 0
          for i = 1, 8 do
            if client:publish("${t}", string.rep("y", 200), 0, 0, function(c)
              sent = sent + 1
              if sent == 8 then print("8 sent") c:close() end
            end) then ok = ok + 1 end
          end
          print("qos 0 accepted " .. ok)
        end
      end)
      m:connect("${H}", ${broker.port}, 0, function(client)
        local ok = 0
        for i = 1, 10 do if client:publish("${t}", string.rep("x", 300), 1, 0) then ok = ok + 1 end end
        print("qos 1 accepted " .. ok)
      end)
    `);
    // NodeMCU: all queued; a QoS 0 publish's callback fires when espconn reports it sent
    expect(lines).toEqual(["qos 1 accepted 10", "10 acknowledged", "qos 0 accepted 8", "8 sent", "offline"]);
  });

  it("QoS and retain as numeric strings, a number as payload", async () => {
    const t = uniqueId("numbers");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("numbers")}", 60)
      m:on("offline", function() print("offline") end)
      m:on("message", function(c, topic, data) print(topic .. " " .. data .. " " .. type(data)) c:close() end)
      m:connect("${H}", ${broker.port}, 0, function(c)
        c:subscribe("${t}", "1", function(client) client:publish("${t}", 42, "1", "0") end)
      end)
    `);
    // NodeMCU: luaL_checkinteger("1") is 1; luaL_checklstring(42) is "42"
    expect(lines).toEqual([`${t} 42 string`, "offline"]);
  });

  it("nil for every optional callback", async () => {
    const t = uniqueId("nils");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("nils")}", 60)
      m:on("offline", function() print("offline") end)
      m:on("message", function(c, topic, data) print("message " .. data) c:close() end)
      m:on("connect", function(c)
        print("connected")
        c:subscribe("${t}", 0, nil)
        c:publish("${t}", "hello", 0, 0, nil)
      end)
      m:connect("${H}", ${broker.port}, 0, nil, nil)
    `);
    // NodeMCU: lua_isfunction(nil) is false everywhere: nothing is set, the handlers stay
    expect(lines).toEqual(["connected", "message hello", "offline"]);
  });

  it("an empty payload comes as nil", async () => {
    const t = uniqueId("empty");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("empty")}", 60)
      m:on("offline", function() print("offline") end)
      m:on("message", function(c, topic, data) print(topic, data) c:close() end)
      m:connect("${H}", ${broker.port}, 0, function(c)
        c:subscribe("${t}", 1, function(client) client:publish("${t}", "", 1, 0) end)
      end)
    `);
    // NodeMCU: deliver_publish calls the handler with 2 arguments when data_length is 0
    expect(lines).toEqual([`${t}\tnil`, "offline"]);
  });

  it("unsubscribes a table; what follows on that topic no longer arrives", async () => {
    const t = uniqueId("unsub");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("unsub")}", 60)
      m:on("offline", function() print("offline") end)
      m:on("message", function(c, topic, data)
        print("message " .. topic .. " " .. data)
        if data == "marker" then c:close() end
      end)
      m:connect("${H}", ${broker.port}, 0, function(c)
        c:subscribe({ ["${t}/a"] = 0, ["${t}/b"] = 0 }, function(client)
          print("subscribed")
          client:unsubscribe({ ["${t}/a"] = true, ["${t}/b"] = true }, function(c2)
            print("unsubscribed")
            c2:subscribe("${t}/c", 0, function(c3)
              -- in order on one connection: "late" would arrive before "marker" if still subscribed
              c3:publish("${t}/a", "late", 0, 0)
              c3:publish("${t}/c", "marker", 0, 0)
            end)
          end)
        end)
      end)
    `);
    // NodeMCU: mqtt_msg_unsubscribe_topic for each key; UNSUBACK fires cb_unsuback_ref
    expect(lines).toEqual(["subscribed", "unsubscribed", `message ${t}/c marker`, "offline"]);
  });

  it("a sensor loop on tmr publishes readings while connected, then stops and closes", async () => {
    const t = uniqueId("sensor");
    const peer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    const readings: string[] = [];
    peer.on("message", (_topic, p) => readings.push(p.toString()));
    await peer.subscribeAsync(t, { qos: 0 });
    const lines = await run(`
      local connected = false
      local count = 0
      m = mqtt.Client("${uniqueId("sensor")}", 60)
      m:on("connect", function(c) connected = true print("connected") end)
      m:on("offline", function(c) connected = false print("offline") end)
      local t = tmr.create()
      t:alarm(50, tmr.ALARM_AUTO, function()
        if not connected then return end
        count = count + 1
        m:publish("${t}", tostring(count * 10), 0, 0)
        if count == 5 then
          t:unregister()
          m:close()
        end
      end)
      m:connect("${H}", ${broker.port})
    `);
    // NodeMCU: the same: QoS 0 readings go out in order, close() after the fifth
    expect(lines).toEqual(["connected", "offline"]);
    await until(() => readings.length === 5, "five readings at the peer");
    expect(readings).toEqual(["10", "20", "30", "40", "50"]);
    await peer.endAsync(true);
  });

  it("publish callbacks in a loop each print once per message", async () => {
    const t = uniqueId("loop");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("loop")}", 60)
      m:on("offline", function() print("offline") end)
      local n = 0
      m:connect("${H}", ${broker.port}, 0, function(c)
        for i = 1, 3 do
          c:publish("${t}", "reading", 1, 0, function(client)
            print("published")
            n = n + 1
            if n == 3 then client:close() end
          end)
        end
      end)
    `);
    // NodeMCU: each call replaces cb_puback_ref with a function printing the same; one PUBACK each
    expect(lines).toEqual(["published", "published", "published", "offline"]);
  });
});

describe("where we differ on purpose (docs/firmware.md)", () => {
  it("the 17th QoS 1 publish returns false and the reason (NodeMCU's queue has no bound: true)", async () => {
    const lines = await run(`
      m = mqtt.Client("${uniqueId("bound")}", 60)
      m:on("offline", function() print("offline") end)
      local acked = 0
      m:on("puback", function(c)
        acked = acked + 1
        if acked == 16 then c:close() end
      end)
      m:connect("${H}", ${broker.port}, 0, function(c)
        for i = 1, 17 do
          local ok, why = c:publish("${uniqueId("bound")}", "x", 1, 0)
          if not ok then print(i, ok, why) end
        end
      end)
    `);
    // NodeMCU: no line (every publish is queued on the heap until it runs out)
    expect(lines).toEqual(["17\tfalse\tqueue full: 16 messages held; retry after a puback", "offline"]);
  });

  it("the 33rd subscribe waiting for its SUBACK returns false and the reason (long topics too)", async () => {
    const t = uniqueId("requests");
    const lines = await run(`
      m = mqtt.Client("${uniqueId("requests")}", 60)
      m:on("offline", function() print("offline") end)
      local acked = 0
      m:on("suback", function(c)
        acked = acked + 1
        if acked == 32 then print("32 subscribed") c:close() end
      end)
      m:connect("${H}", ${broker.port}, 0, function(c)
        for i = 1, 33 do
          local ok, why = c:subscribe("${t}/" .. string.rep("long/", 16) .. i, 0)
          if not ok then print(i, ok, why) end
        end
      end)
    `);
    // NodeMCU: no line (every subscribe is queued on the heap); ours: 32 whatever the out buffer
    // holds (the SUBSCRIBEs that do not fit in it yet wait in the core)
    expect(lines).toEqual([
      "33\tfalse\t32 subscribe/unsubscribe calls await their acknowledgement; retry after a suback or unsuback",
      "32 subscribed", "offline",
    ]);
  });
});
