// What MQTT.js users expect on a reconnect: the connect callback sees sessionPresent, and when an
// automatic reconnect finds no session the client subscribes again to what it had subscribed (and
// not unsubscribed, and the broker did not refuse): MQTT.js's `resubscribe`, on by default.
// A scripted broker drops each connection when told, and says whether the session is present.
import { afterEach, describe, expect, it } from "vitest";
import type { IPublishPacket, ISubscribePacket, IUnsubscribePacket } from "mqtt-packet";
import { Client, type ClientOptions } from "../../host/client.js";
import { ScriptedBroker, type ScriptedConn } from "../helpers/scripted-broker.js";
import { connected, uniqueId } from "../helpers/client.js";
import { deferred } from "../helpers/wait.js";

const HOST = "127.0.0.1";
const brokers: ScriptedBroker[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** A broker whose connection i answers CONNACK with sessionPresent[i] and acks what it is sent. */
async function broker(sessionPresent: boolean[]): Promise<ScriptedBroker> {
  const b = await ScriptedBroker.start(async (conn, i) => {
    await conn.next("connect");
    conn.send({ cmd: "connack", returnCode: 0, sessionPresent: sessionPresent[i] ?? false });
    conn.socket.on("data", () => {});
  });
  brokers.push(b);
  return b;
}

function client(options: Partial<ClientOptions<false>> = {}): Client {
  const c = new Client({ clientid: uniqueId("resub"), keepalive: 30, cleansession: 0, ...options });
  clients.push(c);
  return c;
}

/** Answer the next SUBSCRIBE on `conn` (granting what `granted` says) and give it back. */
async function ackSubscribe(conn: ScriptedConn, granted: (topic: string) => number = () => 1): Promise<ISubscribePacket> {
  const p = (await conn.next("subscribe")) as ISubscribePacket;
  conn.send({ cmd: "suback", messageId: p.messageId, granted: p.subscriptions.map((s) => granted(s.topic)) });
  return p;
}

/** The next packet the client sends on `conn` after its CONNECT, whatever it is. */
async function nextPacket(conn: ScriptedConn): Promise<string> {
  const p = await conn.next();
  if (p.cmd === "subscribe") return `subscribe ${(p as ISubscribePacket).subscriptions.map((s) => `${s.topic}:${s.qos}`).join(" ")}`;
  if (p.cmd === "publish") return `publish ${(p as IPublishPacket).topic}`;
  return p.cmd;
}

/** Drop connection `i` from the broker's side and wait for connection i + 1 to be accepted; with
 *  `marker`, the client publishes to that topic from its connect handler (one handler per event). */
async function dropAndReconnect(b: ScriptedBroker, c: Client, i: number, marker?: string): Promise<ScriptedConn> {
  const back = deferred<boolean>(`reconnect ${i + 1}`, 10_000);
  c.on("connect", (cl, connack) => {
    if (marker) cl.publish(marker, "x", 0, 0);
    back.resolve(connack.sessionPresent);
  });
  (await b.connection(i)).destroy();
  await back.promise;
  return b.connection(i + 1);
}

describe("sessionPresent", () => {
  for (const present of [false, true]) {
    it(`the connect callback and the connect event get { sessionPresent: ${present} }`, async () => {
      const b = await broker([present]);
      const c = client();
      const seen: boolean[] = [];
      c.on("connect", (_c, connack) => seen.push(connack.sessionPresent));
      const d = deferred<boolean>("connect callback");
      c.connect(HOST, b.port, 0, 0, (_c, connack) => d.resolve(connack.sessionPresent));
      expect(await d.promise).toBe(present);
      expect(seen).toEqual([present]);
    });
  }
});

describe("resubscribe", () => {
  it("a reconnect without a session subscribes again to what is subscribed: unsubscribed and refused filters left out", async () => {
    const b = await broker([false, false]);
    const c = client();
    await connected(c, HOST, b.port, 0, 1);
    const conn0 = await b.connection(0);
    c.subscribe("a/1", 1);
    c.subscribe({ "b/1": 2, "b/2": 0, "refused/1": 1 });
    c.unsubscribe("b/2");
    await ackSubscribe(conn0);
    await ackSubscribe(conn0, (t) => (t === "refused/1" ? 0x80 : 1));
    const u = (await conn0.next("unsubscribe")) as IUnsubscribePacket;
    conn0.send({ cmd: "unsuback", messageId: u.messageId });
    const acked = deferred<void>("unsuback");
    c.on("unsuback", () => acked.resolve());
    await acked.promise;
    const conn1 = await dropAndReconnect(b, c, 0);
    expect(await nextPacket(conn1)).toBe("subscribe a/1:1 b/1:2");
  });

  const none: Array<[string, boolean, Partial<ClientOptions<false>>]> = [
    ["a reconnect that finds the session sends no SUBSCRIBE", true, {}],
    ["with resubscribe: false a reconnect without a session sends no SUBSCRIBE (the application's to do)", false, { resubscribe: false }],
  ];
  for (const [what, present, options] of none) {
    it(`${what}: the first packet after CONNECT is the client's own publish`, async () => {
      const b = await broker([false, present]);
      const c = client(options);
      await connected(c, HOST, b.port, 0, 1);
      c.subscribe("a/1", 1);
      await ackSubscribe(await b.connection(0));
      const conn1 = await dropAndReconnect(b, c, 0, "marker");
      expect(await nextPacket(conn1)).toBe("publish marker");
    });
  }

  it("more subscriptions than one call takes go again in calls of settings.maxFiltersPerCall", async () => {
    const b = await broker([false, false]);
    const c = client({ settings: { maxFiltersPerCall: 4 } });
    await connected(c, HOST, b.port, 0, 1);
    for (let i = 0; i < 10; i++) expect(c.subscribe(`t/${i}`, 1)).toBe(true);
    const conn0 = await b.connection(0);
    for (let i = 0; i < 10; i++) await ackSubscribe(conn0);
    const conn1 = await dropAndReconnect(b, c, 0);
    expect([await nextPacket(conn1), await nextPacket(conn1), await nextPacket(conn1)]).toEqual([
      "subscribe t/0:1 t/1:1 t/2:1 t/3:1", "subscribe t/4:1 t/5:1 t/6:1 t/7:1", "subscribe t/8:1 t/9:1"]);
  });

  it("what does not fit settings.maxPendingRequests is not sent again, and a warning says which and why", async () => {
    const b = await broker([false, false]);
    const c = client({ settings: { maxFiltersPerCall: 1, maxPendingRequests: 2 } });
    const warnings: string[] = [];
    c.on("warning", (_c, e) => warnings.push(e.message));
    await connected(c, HOST, b.port, 0, 1);
    const conn0 = await b.connection(0);
    for (let i = 0; i < 3; i++) {
      const acked = deferred<void>(`suback ${i}`);
      expect(c.subscribe(`t/${i}`, 1, () => acked.resolve())).toBe(true);
      await ackSubscribe(conn0);
      await acked.promise;
    }
    const conn1 = await dropAndReconnect(b, c, 0, "marker");
    expect([await nextPacket(conn1), await nextPacket(conn1), await nextPacket(conn1)]).toEqual(["subscribe t/0:1", "subscribe t/1:1", "publish marker"]);
    expect(warnings).toEqual(["resubscribe: 1 topic filter(s) from 't/2' on were not subscribed again after a reconnect without a session: " +
      "this client's settings.maxPendingRequests (2) requests already await their SUBACK; subscribe to them again later"]);
  });

  it("a refusal the engine retries (CONNACK 3) keeps the list: the next accepted reconnect subscribes again", async () => {
    const b = await ScriptedBroker.start(async (conn, i) => {
      await conn.next("connect");
      conn.send({ cmd: "connack", returnCode: i === 1 ? 3 : 0, sessionPresent: false });
    });
    brokers.push(b);
    const c = client();
    const reasons: number[] = [];
    c.on("connfail", (_c, reason) => reasons.push(reason));
    await connected(c, HOST, b.port, 0, 1);
    c.subscribe("a/1", 1);
    await ackSubscribe(await b.connection(0));
    const back = deferred<void>("reconnect after the refusal", 15_000);
    c.on("connect", () => back.resolve());
    (await b.connection(0)).destroy();
    await back.promise;
    expect(reasons).toEqual([3]);
    expect(await nextPacket(await b.connection(2))).toBe("subscribe a/1:1");
  });

  it("after close() a new connect() starts with nothing to subscribe again", async () => {
    const b = await broker([false, false, false]);
    const c = client();
    await connected(c, HOST, b.port, 0, 1);
    c.subscribe("a/1", 1);
    await ackSubscribe(await b.connection(0));
    c.close();
    await (await b.connection(0)).waitClosed();
    await connected(c, HOST, b.port, 0, 1);
    const conn2 = await dropAndReconnect(b, c, 1, "marker");
    expect(await nextPacket(conn2)).toBe("publish marker");
  });
});
