// Connections that fail and connections that end: connfail reasons (a wrong password, a refused
// port, an unknown host), the last will when the runtime dies, and a broker restart with
// cleansession = 0 and autoreconnect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { Mosquitto, freePort } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { until } from "../helpers/wait.js";
import { LuaProcess, lq, runLua, sanitizerReports, type LuaResult } from "./lua.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";

function clean(r: LuaResult): void {
  expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
  expect(r.code, `exit code; stderr:\n${r.stderr}\nstdout:\n${r.stdout}`).toBe(0);
}

describe("connection failures", () => {
  let auth: Mosquitto;
  beforeAll(async () => { auth = await Mosquitto.start({ users: { alice: "right" } }); });
  afterAll(async () => { await auth?.dispose(); });

  it("reports 5 for a wrong password, -5 for a refused port, -3 for an unknown host; connect()'s failure callback replaces on(\"connfail\")", async () => {
    const closedPort = await freePort();
    const r = await runLua(`
      local pending = 0
      local function try(name, host, port, user, password)
        local m = mqtt.Client(${lq(uniqueId("fail"))} .. name, 30, user, password)
        m:on("connfail", function(c, reason) print(name .. " on connfail " .. reason) end)
        m:on("connect", function(c) print(name .. " connected"); c:close() end)
        pending = pending + 1
        print(name .. " connect " .. tostring(m:connect(host, port, false, false, nil, function(c, reason)
          print(name .. " connect failure callback " .. reason)
        end)))
      end
      try("password", ${lq(HOST)}, ${auth.port}, "alice", "wrong")
      try("refused", ${lq(HOST)}, ${closedPort})
      try("dns", "no-such-broker.invalid", 1883)
      try("right", ${lq(HOST)}, ${auth.port}, "alice", "right")
    `);
    clean(r);
    // one slot each, as NodeMCU: the function given to connect() is the connfail handler now
    expect([...r.lines].sort()).toEqual([
      "dns connect failure callback -3", "dns connect true",
      "password connect failure callback 5", "password connect true",
      "refused connect failure callback -5", "refused connect true",
      "right connect true", "right connected",
    ]);
  });
});

describe("the last will", () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await Mosquitto.start(); });
  afterAll(async () => { await broker?.dispose(); });

  it("is published when the runtime dies (mosquitto_sub sees it), not when the script closes", async () => {
    const topic = `lwt/${uniqueId()}`;
    const subId = uniqueId("sub");
    // -C 1: the first message on the topic ends it; a will sent by the polite client would be it
    const sub = run("mosquitto_sub", ["-h", HOST, "-p", String(broker.port), "-i", subId, "-t", topic, "-q", "1", "-C", "1",
      "-F", "%q %t %p", "-W", "15"]);
    await broker.waitForLog(new RegExp(`${subId} 1 ${topic.replace(/\//g, "\\/")}`));
    const script = (id: string, close: boolean) => `
      local m = mqtt.Client(${lq(id)}, 30)
      m:lwt(${lq(topic)}, ${lq(`${id} is gone`)}, 1, 0)
      m:on("offline", function(c) print("offline") end)
      m:connect(${lq(HOST)}, ${broker.port}, function(c)
        print("connected")
        ${close ? "c:close()" : ""}
      end)
    `;
    const polite = await runLua(script("polite", true));
    clean(polite);
    expect(polite.lines).toEqual(["connected", "offline"]);
    const doomed = new LuaProcess(script("doomed", false), { timeout: 30 });
    await doomed.waitFor("connected");
    doomed.kill("SIGKILL");
    const killed = await doomed.done;
    expect(killed.signal).toBe("SIGKILL");
    expect((await sub).stdout.trim()).toBe(`1 ${topic} doomed is gone`);
  });
});

describe("broker restart with cleansession = 0", () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await Mosquitto.start({ persistence: true }); });
  afterAll(async () => { await broker?.dispose(); });

  it("reconnects, resumes the session: messages sent while it was away arrive, both ways", async () => {
    const topic = `restart/${uniqueId()}`;
    const id = uniqueId("keep");
    // a peer with a persistent session of its own, for what the Lua client publishes while away
    const peer = await mqtt.connectAsync(broker.url, { clientId: uniqueId("peer"), clean: false, reconnectPeriod: 100 });
    const seen: string[] = [];
    peer.on("message", (_t, p) => seen.push(p.toString()));
    await peer.subscribeAsync(`${topic}/out`, { qos: 1 });

    const lua = new LuaProcess(`
      local m = mqtt.Client(${lq(id)}, 5, nil, nil, 0)
      local connects = 0
      m:on("connect", function(c)
        connects = connects + 1
        print("connected " .. connects)
        if connects == 1 then c:subscribe(${lq(`${topic}/in`)}, 1, function() print("subscribed") end) end
      end)
      m:on("connfail", function(c, reason) print("connfail " .. reason) end)
      local away = false
      local finished = 0
      local function finish(c)
        finished = finished + 1
        if finished == 2 then c:close() end
      end
      m:on("offline", function(c)
        print("offline")
        if away then return end
        away = true
        print("publish while away " .. tostring(c:publish(${lq(`${topic}/out`)}, "sent while away", 1, 0, function()
          print("acknowledged after reconnect")
          finish(c)
        end)))
      end)
      m:on("message", function(c, topic, data)
        print("message " .. data)
        if data == "queued by the broker" then finish(c) end
      end)
      -- the seed's older form: secure 0, autoreconnect 1; no callbacks keeps the handlers above
      m:connect(${lq(HOST)}, ${broker.port}, 0, 1)
    `, { timeout: 30 });
    await lua.waitFor("subscribed");
    await broker.stop();
    await lua.waitFor("offline");
    await lua.waitFor(/^connfail -5$/, 10_000);
    await broker.restart();
    // the client is still in its backoff: this one waits in its session at the broker
    await run("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", `${topic}/in`, "-q", "1", "-m", "queued by the broker"]);
    const reconnectedBeforePublish = lua.lines.includes("connected 2");
    const r = await lua.done;
    expect(sanitizerReports(r.stderr), r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(reconnectedBeforePublish).toBe(false);
    const lines = r.lines.filter((l) => !/^connfail -5$/.test(l));
    expect(lines.slice(0, 4)).toEqual(["connected 1", "subscribed", "offline", "publish while away true"]);
    expect([...lines.slice(4)].sort()).toEqual(["acknowledged after reconnect", "connected 2", "message queued by the broker", "offline"].sort());
    await until(() => seen.includes("sent while away"), "the peer to get what was published while away");
    await peer.endAsync(true);
  });
});
