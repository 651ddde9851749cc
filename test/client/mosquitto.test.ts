// The Node client against a real mosquitto, with mosquitto_pub/mosquitto_sub and MQTT.js on the other side.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt from "mqtt";
import { Client, constants } from "../../host/client.js";
import { Mosquitto, freePort } from "../helpers/mosquitto.js";
import { collected, connected, failure, publishAll, published, subscribed, uniqueId } from "../helpers/client.js";
import { deferred, until } from "../helpers/wait.js";

const run = promisify(execFile);
const HOST = "127.0.0.1";

let broker: Mosquitto;
const clients: Client[] = [];
const peers: mqtt.MqttClient[] = [];

function client(...args: ConstructorParameters<typeof Client>): Client {
  const c = new Client(...args);
  clients.push(c);
  return c;
}

async function peer(opts: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const p = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, ...opts });
  peers.push(p);
  return p;
}

beforeAll(async () => { broker = await Mosquitto.start({ tls: true }); });
afterAll(async () => { await broker?.dispose(); });
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(peers.splice(0).map((p) => p.endAsync(true)));
});

describe("QoS 0, 1 and 2 both ways", () => {
  it("publishes to mosquitto_sub at each QoS", async () => {
    const topic = `t/${uniqueId()}`;
    const id = uniqueId("sub");
    const sub = run("mosquitto_sub", ["-h", HOST, "-p", String(broker.port), "-i", id, "-t", topic, "-q", "2", "-C", "3", "-F", "%q %t %p", "-W", "10"]);
    await broker.waitForLog(new RegExp(`${id} 2 ${topic}`));
    const c = client(uniqueId(), 30);
    await connected(c, HOST, broker.port);
    await Promise.all([0, 1, 2].map((q) => published(c, topic, `payload at qos ${q}`, q)));
    const { stdout } = await sub;
    expect(stdout.trim().split("\n").sort()).toEqual([0, 1, 2].map((q) => `${q} ${topic} payload at qos ${q}`));
  });

  it("receives from mosquitto_pub at each QoS, text and binary", async () => {
    const topic = `t/${uniqueId()}`;
    const c = client({ clientid: uniqueId(), keepalive: 30, binary: true });
    const got = collected(c);
    await connected(c, HOST, broker.port);
    expect(await subscribed(c, `${topic}/#`, 2)).toEqual([2]);
    for (const q of [0, 1, 2]) {
      await run("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", `${topic}/${q}`, "-q", String(q), "-m", `from mosquitto_pub ${q}`]);
    }
    const bin = Buffer.from([0, 1, 2, 255, 0, 128, 10, 13]);
    const file = join(broker.dir, "binary.bin");
    writeFileSync(file, bin);
    await run("mosquitto_pub", ["-h", HOST, "-p", String(broker.port), "-t", `${topic}/bin`, "-q", "1", "-f", file]);
    await until(() => got.length === 4, "4 messages");
    expect(got.slice(0, 3).map((m) => [m.topic, m.data.toString()])).toEqual(
      [0, 1, 2].map((q) => [`${topic}/${q}`, `from mosquitto_pub ${q}`]));
    expect(got[3].topic).toBe(`${topic}/bin`);
    expect(Buffer.isBuffer(got[3].data)).toBe(true);
    expect(got[3].data).toEqual(bin);
  });

  it("exchanges 100 messages per QoS with MQTT.js, in order, with the right QoS", async () => {
    const topic = `t/${uniqueId()}`;
    const js = await peer({ clientId: uniqueId("js") });
    const seen: Array<[number, string]> = [];
    js.on("message", (_t, payload, packet) => seen.push([packet.qos, payload.toString()]));
    await js.subscribeAsync(`${topic}/to-js`, { qos: 2 });
    const c = client(uniqueId(), 30);
    const got = collected(c);
    await connected(c, HOST, broker.port);
    await subscribed(c, `${topic}/to-wasmqtt`, 2);

    const sent: Array<[number, string]> = [];
    for (const q of [0, 1, 2]) for (let i = 0; i < 100; i++) sent.push([q, `${q}:${i}`]);
    await publishAll(c, `${topic}/to-js`, sent, 20);
    await until(() => seen.length === sent.length, `MQTT.js to get ${sent.length} messages`);
    for (const q of [0, 1, 2]) {
      expect(seen.filter(([sq]) => sq === q).map(([, m]) => m)).toEqual(sent.filter(([sq]) => sq === q).map(([, m]) => m));
    }

    // At most 10 undelivered at a time: mosquitto 2.0.11 stalls a subscriber's QoS 2 queue once it
    // exceeds max_inflight_messages (MQTT.js as the subscriber stalls the same way).
    let next = 0;
    const feed = () => {
      while (next < sent.length && next - got.length < 10) {
        const [q, m] = sent[next++];
        js.publish(`${topic}/to-wasmqtt`, m, { qos: q as 0 | 1 | 2 });
      }
    };
    c.on("message", (_c, t, data) => { got.push({ topic: t, data }); feed(); });
    feed();
    await until(() => got.length === sent.length, `wasmqtt to get ${sent.length} messages`);
    for (const q of [0, 1, 2]) {
      expect(got.map((g) => g.data as string).filter((m) => m.startsWith(`${q}:`))).toEqual(
        sent.filter(([sq]) => sq === q).map(([, m]) => m));
    }
  });
});

describe("message length, unsubscribe, reconnect", () => {
  it("a message longer than max_message_length fires overflow with its first bytes, not message", async () => {
    const topic = `len/${uniqueId()}`;
    const c = client(uniqueId(), 30, null, null, 1, 16);
    const events: string[] = [];
    c.on("message", (_c, t, d) => events.push(`message ${t} ${d}`));
    c.on("overflow", (_c, t, d) => events.push(`overflow ${t} ${d}`));
    await connected(c, HOST, broker.port);
    await subscribed(c, topic, 1);
    const js = await peer({ clientId: uniqueId("js") });
    await js.publishAsync(topic, "exactly sixteen!", { qos: 1 });
    await js.publishAsync(topic, "0123456789abcdef and then some more bytes", { qos: 1 });
    await js.publishAsync(topic, "short", { qos: 0 });
    await until(() => events.length === 3, "three events");
    expect(events).toEqual([`message ${topic} exactly sixteen!`, `overflow ${topic} 0123456789abcdef`, `message ${topic} short`]);
  });

  it("after unsubscribe, messages on that topic stop", async () => {
    const topic = `unsub/${uniqueId()}`;
    const c = client(uniqueId(), 30);
    const got = collected(c);
    await connected(c, HOST, broker.port);
    await subscribed(c, topic, 1);
    await published(c, topic, "before", 1);
    await until(() => got.length === 1, "the first message");
    const unsubscribed = deferred<void>("unsuback");
    expect(c.unsubscribe(topic, () => unsubscribed.resolve())).toBe(true);
    await unsubscribed.promise;
    await published(c, topic, "after", 1);
    await published(c, `${topic}-marker`, "x", 1);
    await subscribed(c, `${topic}-marker`, 1);
    await published(c, `${topic}-marker`, "marker", 1);
    await until(() => got.some((g) => g.data === "marker"), "the marker");
    expect(got.map((g) => g.data)).toEqual(["before", "marker"]);
  });

  it("autoreconnect: a broker that is down at first is reached once it comes up", async () => {
    const later = await Mosquitto.start();
    await later.stop();
    try {
      const c = client(uniqueId(), 30);
      const fails: number[] = [];
      c.on("connfail", (_c, r) => fails.push(r));
      const up = deferred<void>("the connection once the broker is up", 20_000);
      c.on("connect", () => up.resolve());
      expect(c.connect(HOST, later.port, 0, 1)).toBe(true);
      await until(() => fails.length >= 1, "a first failure");
      expect(fails[0]).toBe(constants.CONN_FAIL_SERVER_NOT_FOUND);
      await later.restart();
      await up.promise;
      expect(c.connected).toBe(true);
      c.close();
    } finally {
      await later.dispose();
    }
  });
});

describe("retained messages", () => {
  it("a retained publish reaches a later MQTT.js subscriber, and MQTT.js's reaches a later wasmqtt subscriber", async () => {
    const topic = `r/${uniqueId()}`;
    const c = client(uniqueId(), 30);
    await connected(c, HOST, broker.port);
    await published(c, `${topic}/from-wasmqtt`, "kept", 1, 1);
    const js = await peer({ clientId: uniqueId("js") });
    const d = deferred<[string, boolean]>("retained message at MQTT.js");
    js.on("message", (_t, p, packet) => d.resolve([p.toString(), packet.retain]));
    await js.subscribeAsync(`${topic}/from-wasmqtt`, { qos: 1 });
    expect(await d.promise).toEqual(["kept", true]);

    await js.publishAsync(`${topic}/from-js`, "also kept", { qos: 1, retain: true });
    const got = collected(c);
    await subscribed(c, `${topic}/from-js`, 1);
    await until(() => got.length === 1, "retained message at wasmqtt");
    expect(got[0]).toEqual({ topic: `${topic}/from-js`, data: "also kept" });
  });
});

describe("last will", () => {
  it("mosquitto publishes the will when the client's process dies", async () => {
    const topic = `lwt/${uniqueId()}`;
    const js = await peer({ clientId: uniqueId("js") });
    const d = deferred<[string, string]>("the will");
    js.on("message", (t, p) => d.resolve([t, p.toString()]));
    await js.subscribeAsync(topic, { qos: 1 });
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../helpers/lwt-child.ts"), String(broker.port), topic],
      { stdio: ["ignore", "pipe", "inherit"] });
    const ready = deferred<void>("the child to connect");
    child.stdout!.on("data", (b) => { if (String(b).includes("connected")) ready.resolve(); });
    await ready.promise;
    child.kill("SIGKILL");
    expect(await d.promise).toEqual([topic, "offline"]);
  });

  it("close() sends DISCONNECT: no will", async () => {
    const topic = `lwt/${uniqueId()}`;
    const js = await peer({ clientId: uniqueId("js") });
    const wills: string[] = [];
    js.on("message", (_t, p) => wills.push(p.toString()));
    await js.subscribeAsync(topic, { qos: 1 });
    const id = uniqueId();
    const c = client(id, 30);
    c.lwt(topic, "offline", 1, 0);
    await connected(c, HOST, broker.port);
    const offline = deferred<void>("offline after close");
    c.on("offline", () => offline.resolve());
    expect(c.close()).toBe(true);
    await offline.promise;
    await broker.waitForLog(new RegExp(`Client ${id} disconnected\\.`));
    await js.publishAsync(topic, "marker", { qos: 1 });
    await until(() => wills.length === 1, "the marker");
    expect(wills).toEqual(["marker"]);
  });
});

describe("connection failures", () => {
  it("a refused port is CONN_FAIL_SERVER_NOT_FOUND (-5)", async () => {
    const port = await freePort();
    const f = await failure(client(uniqueId(), 30), HOST, port);
    expect(f.reason).toBe(constants.CONN_FAIL_SERVER_NOT_FOUND);
    expect(f.reason).toBe(-5);
    expect(f.error?.message).toMatch(/ECONNREFUSED/);
  });

  it("an unknown host is CONN_FAIL_DNS (-3)", async () => {
    const f = await failure(client(uniqueId(), 30), "no-such-host.invalid", 1883);
    expect(f.reason).toBe(constants.CONN_FAIL_DNS);
    expect(f.reason).toBe(-3);
  });

  it("a wrong password against a password file is refused with mosquitto's code (5), the right one connects", async () => {
    const secured = await Mosquitto.start({ users: { alice: "s3cret" } });
    try {
      const bad = new Client(uniqueId(), 30, "alice", "wrong");
      const connfails: number[] = [];
      bad.on("connfail", (_c, r) => connfails.push(r));
      const f = await failure(bad, HOST, secured.port);
      expect(f.reason).toBe(constants.CONNACK_REFUSED_NOT_AUTHORIZED);
      expect(f.reason).toBe(5);
      expect(connfails).toEqual([5]);
      const good = client(uniqueId(), 30, "alice", "s3cret");
      await connected(good, HOST, secured.port);
      expect(good.connected).toBe(true);
      good.close();
    } finally {
      await secured.dispose();
    }
  });
});

describe("TLS", () => {
  it("connects to a TLS listener with a CA made at test time and exchanges messages", async () => {
    const topic = `tls/${uniqueId()}`;
    const c = client(uniqueId(), 30);
    const got = collected(c);
    await connected(c, "localhost", broker.tlsPort, { ca: broker.tls!.ca });
    await subscribed(c, topic, 1);
    await published(c, topic, "over TLS", 1);
    await until(() => got.length === 1, "the message back over TLS");
    expect(got[0]).toEqual({ topic, data: "over TLS" });
  });

  it("presents a client certificate ({ca, cert, key}) to a listener that requires one; without it, a connfail", async () => {
    const strict = await Mosquitto.start({ tls: true, requireClientCert: true });
    try {
      const m = strict.tls!;
      const c = client(uniqueId(), 30);
      await connected(c, "127.0.0.1", strict.tlsPort, { ca: m.ca, cert: m.cert, key: m.key, servername: "localhost" });
      await published(c, "tls/client-cert", "ok", 1);
      c.close();
      const f = await failure(client(uniqueId(), 30), "localhost", strict.tlsPort, { ca: m.ca });
      expect(f.reason).toBeLessThan(0);
    } finally {
      await strict.dispose();
    }
  });

  it("refuses a broker whose certificate does not verify (secure = 1, system CAs only)", async () => {
    const f = await failure(client(uniqueId(), 30), "localhost", broker.tlsPort, 1);
    expect(f.reason).toBeLessThan(0);
    expect(f.error?.message).toMatch(/certificate/i);
  });
});
