// The Node client against a scripted broker that answers with exactly the bytes each test gives:
// CONNACK refusals, replies that are not a CONNACK, silence, lost acknowledgements, malformed packets,
// acknowledgements out of order.
import { afterEach, describe, expect, it } from "vitest";
import type { IConnectPacket, IPublishPacket, ISubscribePacket, IUnsubscribePacket, Packet } from "mqtt-packet";
import { Client, constants } from "../../host/client.js";
import { ScriptedBroker, type ScriptedConn } from "../helpers/scripted-broker.js";
import { connected, failure, published, uniqueId } from "../helpers/client.js";
import { deferred, sleep, until } from "../helpers/wait.js";

const HOST = "127.0.0.1";
const brokers: ScriptedBroker[] = [];
const clients: Client[] = [];

async function scripted(script: (conn: ScriptedConn, index: number) => void | Promise<void>): Promise<ScriptedBroker> {
  const b = await ScriptedBroker.start(script);
  brokers.push(b);
  return b;
}

function client(...args: ConstructorParameters<typeof Client>): Client {
  const c = new Client(...args);
  clients.push(c);
  return c;
}

/** Accept the CONNECT (optionally with session present). */
async function accept(conn: ScriptedConn, sessionPresent = false): Promise<IConnectPacket> {
  const p = (await conn.next("connect")) as IConnectPacket;
  conn.send({ cmd: "connack", returnCode: 0, sessionPresent });
  return p;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

describe("CONNECT", () => {
  it("carries the constructor's client id, keepalive, credentials, clean session flag and the will", async () => {
    const seen = deferred<IConnectPacket>("CONNECT");
    const b = await scripted(async (conn) => { seen.resolve(await accept(conn)); });
    const c = client("my-device", 42, "user", "pass", 0);
    c.lwt("/lwt", "offline", 1, 1);
    await connected(c, HOST, b.port);
    const p = await seen.promise;
    expect(p.clientId).toBe("my-device");
    expect(p.keepalive).toBe(42);
    expect(p.protocolVersion).toBe(4);
    expect(p.username).toBe("user");
    expect(Buffer.from(p.password!).toString()).toBe("pass");
    expect(p.clean).toBe(false);
    expect(p.will).toMatchObject({ topic: "/lwt", qos: 1, retain: true });
    expect(Buffer.from(p.will!.payload as Buffer).toString()).toBe("offline");
  });
});

describe("connection refused", () => {
  for (const code of [1, 2, 3, 4, 5]) {
    it(`CONNACK return code ${code} is reported as ${code}, and the client hangs up`, async () => {
      const b = await scripted(async (conn) => {
        await conn.next("connect");
        conn.send({ cmd: "connack", returnCode: code, sessionPresent: false });
      });
      const c = client(uniqueId(), 30);
      const events: number[] = [];
      c.on("connfail", (_c, r) => events.push(r));
      const f = await failure(c, HOST, b.port);
      expect(f.reason).toBe(code);
      expect(events).toEqual([code]);
      await (await b.connection(0)).waitClosed();
      expect(c.connected).toBe(false);
    });
  }

  it("the reason constants have NodeMCU's values", () => {
    expect(constants).toEqual({
      CONN_FAIL_SERVER_NOT_FOUND: -5, CONN_FAIL_NOT_A_CONNACK_MSG: -4, CONN_FAIL_DNS: -3,
      CONN_FAIL_TIMEOUT_RECEIVING: -2, CONN_FAIL_TIMEOUT_SENDING: -1, CONNACK_ACCEPTED: 0,
      CONNACK_REFUSED_PROTOCOL_VER: 1, CONNACK_REFUSED_ID_REJECTED: 2, CONNACK_REFUSED_SERVER_UNAVAILABLE: 3,
      CONNACK_REFUSED_BAD_USER_OR_PASS: 4, CONNACK_REFUSED_NOT_AUTHORIZED: 5,
    });
  });

  it("a reply that is not a CONNACK is CONN_FAIL_NOT_A_CONNACK_MSG (-4)", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect");
      conn.send({ cmd: "pingresp" });
    });
    const f = await failure(client(uniqueId(), 30), HOST, b.port);
    expect(f.reason).toBe(constants.CONN_FAIL_NOT_A_CONNACK_MSG);
  });

  it("an HTTP server's answer is CONN_FAIL_NOT_A_CONNACK_MSG (-4)", async () => {
    const b = await scripted(async (conn) => {
      await conn.next("connect").catch(() => {});
      conn.send(Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
    });
    const f = await failure(client(uniqueId(), 30), HOST, b.port);
    expect(f.reason).toBe(-4);
  });

  it("silence after CONNECT is CONN_FAIL_TIMEOUT_RECEIVING (-2)", async () => {
    const b = await scripted(async (conn) => { await conn.next("connect"); });
    const f = await failure(client(uniqueId(), 2), HOST, b.port, 0, 40_000);
    expect(f.reason).toBe(constants.CONN_FAIL_TIMEOUT_RECEIVING);
    await (await b.connection(0)).waitClosed();
  });
});

describe("acknowledgements", () => {
  it("each publish callback fires once, for its own PUBACK/PUBCOMP, even when acks come out of order", async () => {
    const conn = deferred<ScriptedConn>("connection");
    const b = await scripted(async (cn) => { await accept(cn); conn.resolve(cn); });
    const c = client(uniqueId(), 30);
    await connected(c, HOST, b.port);
    const fired: string[] = [];
    let pubacks = 0;
    c.on("puback", () => pubacks++);
    const N = 12;
    for (let i = 0; i < N; i++) {
      const q = i % 2 ? 2 : 1;
      expect(c.publish("acks/t", `m${i}`, q, 0, () => fired.push(`m${i}`))).toBe(true);
    }
    const cn = await conn.promise;
    const pubs: IPublishPacket[] = [];
    for (let i = 0; i < N; i++) pubs.push((await cn.next("publish")) as IPublishPacket);
    expect(pubs.map((p) => Buffer.from(p.payload as Buffer).toString())).toEqual(Array.from({ length: N }, (_, i) => `m${i}`));
    expect(new Set(pubs.map((p) => p.messageId)).size).toBe(N);
    // Acknowledge in reverse order; after each, exactly that message's callback has fired.
    for (const p of [...pubs].reverse()) {
      const payload = Buffer.from(p.payload as Buffer).toString();
      if (p.qos === 1) {
        cn.send({ cmd: "puback", messageId: p.messageId });
      } else {
        cn.send({ cmd: "pubrec", messageId: p.messageId });
        const rel = await cn.next("pubrel");
        expect(rel.messageId).toBe(p.messageId);
        await sleep(20);
        expect(fired.includes(payload)).toBe(false); // PUBREC is not the end of QoS 2
        cn.send({ cmd: "pubcomp", messageId: p.messageId });
      }
      await until(() => fired.includes(payload), `callback of ${payload}`, 3000);
      expect(fired[fired.length - 1]).toBe(payload);
    }
    await sleep(50);
    expect(fired.length).toBe(N);
    expect(pubacks).toBe(N);
  });

  it("each subscribe and unsubscribe callback fires once, for its own SUBACK/UNSUBACK", async () => {
    const conn = deferred<ScriptedConn>("connection");
    const b = await scripted(async (cn) => { await accept(cn); conn.resolve(cn); });
    const c = client(uniqueId(), 30);
    await connected(c, HOST, b.port);
    const fired: string[] = [];
    c.subscribe("a/1", 0, (_c, granted) => fired.push(`sub a/1 ${granted}`));
    c.subscribe({ "b/1": 1, "b/2": 2 }, (_c, granted) => fired.push(`sub b ${granted}`));
    c.unsubscribe("a/1", () => fired.push("unsub a/1"));
    c.unsubscribe({ "b/1": true, "b/2": true }, () => fired.push("unsub b"));
    const cn = await conn.promise;
    const s1 = (await cn.next("subscribe")) as ISubscribePacket;
    const s2 = (await cn.next("subscribe")) as ISubscribePacket;
    const u1 = (await cn.next("unsubscribe")) as IUnsubscribePacket;
    const u2 = (await cn.next("unsubscribe")) as IUnsubscribePacket;
    expect(s1.subscriptions).toEqual([{ topic: "a/1", qos: 0 }]);
    expect(s2.subscriptions).toEqual([{ topic: "b/1", qos: 1 }, { topic: "b/2", qos: 2 }]);
    expect(u1.unsubscriptions).toEqual(["a/1"]);
    expect(u2.unsubscriptions).toEqual(["b/1", "b/2"]);
    cn.send({ cmd: "unsuback", messageId: u2.messageId });
    cn.send({ cmd: "suback", messageId: s2.messageId, granted: [1, 0x80] });
    cn.send({ cmd: "unsuback", messageId: u1.messageId });
    cn.send({ cmd: "suback", messageId: s1.messageId, granted: [0] });
    await until(() => fired.length === 4, "4 callbacks");
    await sleep(50);
    expect(fired).toEqual(["unsub b", "sub b 1,128", "unsub a/1", "sub a/1 0"]);
  });

  it("recovers when the broker loses every third acknowledgement: reconnect, resend, each callback once", async () => {
    // Connection 0 answers only two of every three acknowledgements (PINGRESP included), so the
    // client's keepalive notices; later connections answer everything.
    let answered = 0;
    const b = await scripted(async (cn, index) => {
      const p = (await cn.next("connect")) as IConnectPacket;
      cn.send({ cmd: "connack", returnCode: 0, sessionPresent: index > 0 && !p.clean });
      const lossy = index === 0;
      let count = 0;
      const ack = (pkt: Packet) => {
        if (lossy && ++count % 3 === 0) return;
        cn.send(pkt);
      };
      for (;;) {
        let pkt: Packet;
        try { pkt = await cn.next(undefined, 60_000); } catch { return; }
        if (pkt.cmd === "publish" && pkt.qos === 1) { answered++; ack({ cmd: "puback", messageId: pkt.messageId }); }
        else if (pkt.cmd === "publish" && pkt.qos === 2) ack({ cmd: "pubrec", messageId: pkt.messageId });
        else if (pkt.cmd === "pubrel") ack({ cmd: "pubcomp", messageId: pkt.messageId });
        else if (pkt.cmd === "pingreq") ack({ cmd: "pingresp" });
      }
    });
    const c = client(uniqueId(), 1, null, null, 0);
    await connected(c, HOST, b.port, 0, 1);
    const fired = new Map<string, number>();
    const N = 30;
    for (let i = 0; i < N; i++) {
      const m = `m${i}`;
      expect(c.publish("lossy/t", m, i % 2 ? 2 : 1, 0, () => fired.set(m, (fired.get(m) ?? 0) + 1))).toBe(true);
    }
    await until(() => fired.size === N, `all ${N} callbacks (got ${fired.size})`, 30_000);
    await sleep(100);
    expect(b.conns.length).toBeGreaterThan(1);
    expect([...fired.values()].every((n) => n === 1)).toBe(true);
    expect(answered).toBeGreaterThan(N / 2);
  });
});

describe("bounds", () => {
  it("publish() returns false once the client holds settings.maxQueuedMessages unacknowledged messages, true again after acks", async () => {
    const conn = deferred<ScriptedConn>("connection");
    const b = await scripted(async (cn) => { await accept(cn); conn.resolve(cn); });
    const c = client({ clientid: uniqueId(), keepalive: 30, settings: { maxQueuedMessages: 16 } });
    await connected(c, HOST, b.port);
    let accepted = 0;
    while (accepted < 1000 && c.publish("bound/t", `m${accepted}`, 1, 0)) accepted++;
    expect(accepted).toBe(16);
    const cn = await conn.promise;
    const first = (await cn.next("publish")) as IPublishPacket;
    cn.send({ cmd: "puback", messageId: first.messageId });
    await until(() => c.publish("bound/t", "one more", 1, 0), "room for one more publish", 3000);
    expect(c.publish("bound/t", "and another", 1, 0)).toBe(false);
  });
});

describe("bounds in bytes", () => {
  it("a message that fits settings.maxQueuedBytes but not the room left: false now, true once an ack made room", async () => {
    const conn = deferred<ScriptedConn>("connection");
    const b = await scripted(async (cn) => { await accept(cn); conn.resolve(cn); });
    const c = client({ clientid: uniqueId(), keepalive: 30, settings: { maxQueuedBytes: 1000 } });
    await connected(c, HOST, b.port);
    const payload = Buffer.alloc(600, 1);
    expect(c.publish("bytes/t", payload, 1, 0)).toBe(true);
    expect(c.publish("bytes/t", payload, 1, 0)).toBe(false);
    const cn = await conn.promise;
    const first = (await cn.next("publish")) as IPublishPacket;
    cn.send({ cmd: "puback", messageId: first.messageId });
    await until(() => c.publish("bytes/t", payload, 1, 0), "room for the second message", 3000);
  });
});

describe("message flags", () => {
  it("the message callback's fourth argument is the message's { qos, retain, dup }, as the broker sent them", async () => {
    const b = await scripted(async (cn) => {
      await accept(cn);
      cn.send({ cmd: "publish", topic: "f/t", payload: Buffer.from("live"), qos: 0, retain: false, dup: false });
      cn.send({ cmd: "publish", topic: "f/t", payload: Buffer.from("stored"), qos: 1, messageId: 3, retain: true, dup: false });
      cn.send({ cmd: "publish", topic: "f/t", payload: Buffer.from("again"), qos: 2, messageId: 4, retain: false, dup: true });
    });
    const c = client(uniqueId(), 30);
    const got: string[] = [];
    c.on("message", (_c, _t, d, f) => got.push(`${d} qos=${f.qos} retain=${f.retain} dup=${f.dup}`));
    await connected(c, HOST, b.port);
    await until(() => got.length === 3, "3 messages");
    expect(got).toEqual(["live qos=0 retain=false dup=false", "stored qos=1 retain=true dup=false", "again qos=2 retain=false dup=true"]);
  });
});

describe("inbound QoS 2", () => {
  it("a duplicate PUBLISH before PUBREL is acknowledged again but delivered once", async () => {
    const done = deferred<string[]>("the exchange");
    const b = await scripted(async (cn) => {
      await accept(cn);
      const log: string[] = [];
      const pub = { cmd: "publish", topic: "q2/t", payload: Buffer.from("once"), qos: 2, messageId: 7, retain: false } as const;
      cn.send({ ...pub, dup: false });
      const r1 = await cn.next();
      log.push(`${r1.cmd} ${r1.messageId}`);
      cn.send({ ...pub, dup: true });
      const r2 = await cn.next();
      log.push(`${r2.cmd} ${r2.messageId}`);
      cn.send({ cmd: "pubrel", messageId: 7 });
      const r3 = await cn.next();
      log.push(`${r3.cmd} ${r3.messageId}`);
      done.resolve(log);
    });
    const c = client(uniqueId(), 30);
    const got: string[] = [];
    c.on("message", (_c, t, d) => got.push(`${t} ${d}`));
    await connected(c, HOST, b.port);
    expect(await done.promise).toEqual(["pubrec 7", "pubrec 7", "pubcomp 7"]);
    await sleep(50);
    expect(got).toEqual(["q2/t once"]);
  });

  it("holds a broker's whole in-flight window (mosquitto's default: 20) of QoS 2 messages awaiting PUBREL", async () => {
    const WINDOW = 20;
    const done = deferred<string[]>("the exchange");
    const b = await scripted(async (cn) => {
      cn.socket.on("close", () => done.reject(new Error("the client hung up")));
      await accept(cn);
      const ids = Array.from({ length: WINDOW }, (_, i) => i + 1);
      for (const id of ids) {
        cn.send({ cmd: "publish", topic: "q2/w", payload: Buffer.from(`m${id}`), qos: 2, messageId: id, retain: false, dup: false });
      }
      const log: string[] = [];
      for (const _ of ids) { const p = await cn.next(); log.push(`${p.cmd} ${p.messageId}`); }
      for (const id of ids) cn.send({ cmd: "pubrel", messageId: id });
      for (const _ of ids) { const p = await cn.next(); log.push(`${p.cmd} ${p.messageId}`); }
      done.resolve(log);
    });
    const c = client(uniqueId(), 30);
    const got: string[] = [];
    const errors: Error[] = [];
    c.on("message", (_c, _t, d) => got.push(d as string));
    c.on("error", (_c, e) => errors.push(e));
    await connected(c, HOST, b.port);
    const log = await done.promise.catch((e) => { throw new Error(`${e.message}; client errors: ${errors.map((x) => x.message).join("; ")}`); });
    const ids = Array.from({ length: WINDOW }, (_, i) => i + 1);
    expect(log).toEqual([...ids.map((id) => `pubrec ${id}`), ...ids.map((id) => `pubcomp ${id}`)]);
    expect(got).toEqual(ids.map((id) => `m${id}`));
    expect(errors).toEqual([]);
    expect(c.connected).toBe(true);
  });
});

describe("a broker that breaks the protocol", () => {
  const garbage: Array<[string, Buffer]> = [
    ["a remaining length longer than four bytes", Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f])],
    ["a reserved packet type", Buffer.from([0xf0, 0x00])],
    ["a second CONNACK", Buffer.from([0x20, 0x02, 0x00, 0x00])],
    ["a PUBACK with the wrong length", Buffer.from([0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00])],
  ];
  for (const [what, bytes] of garbage) {
    it(`${what}: a clear error, offline, the connection closed, no crash, connect() works again`, async () => {
      const b = await scripted(async (cn, index) => {
        await accept(cn);
        if (index === 0) cn.send(bytes);
      });
      const c = client(uniqueId(), 30);
      const errors: Error[] = [];
      const offline = deferred<void>("offline");
      c.on("error", (_c, e) => errors.push(e));
      c.on("offline", () => offline.resolve());
      await connected(c, HOST, b.port);
      await offline.promise;
      await (await b.connection(0)).waitClosed();
      expect(errors.length).toBe(1);
      expect(errors[0].message).toMatch(/protocol/i);
      expect(c.error).toBe(errors[0]);
      expect(c.connected).toBe(false);
      await connected(c, HOST, b.port);
      expect(c.connected).toBe(true);
    });
  }
});

describe("acknowledgements of the wrong kind", () => {
  /** A broker that answers each publish (QoS > 0) with the packet `answer` picks. */
  async function answering(answer: (qos: number) => "puback" | "pubrec" | "pubcomp"): Promise<{ broker: ScriptedBroker; pubrels: number[] }> {
    const pubrels: number[] = [];
    const broker = await scripted(async (cn) => {
      await accept(cn);
      for (;;) {
        let pkt: Packet;
        try { pkt = await cn.next(undefined, 60_000); } catch { return; }
        if (pkt.cmd === "publish" && pkt.qos > 0) cn.send({ cmd: answer(pkt.qos), messageId: pkt.messageId! } as Packet);
        else if (pkt.cmd === "pubrel") pubrels.push(pkt.messageId!);
      }
    });
    return { broker, pubrels };
  }

  it("a QoS 2 publish answered with PUBACK (RabbitMQ) completes: callbacks fire, slots free, one warning", async () => {
    const { broker, pubrels } = await answering(() => "puback");
    const c = client({ clientid: uniqueId(), keepalive: 30, settings: { maxQueuedMessages: 8 } });
    const warnings: string[] = [];
    c.on("warning", (_c, e) => warnings.push(e.message));
    await connected(c, HOST, broker.port);
    // More than the 8 messages the client holds: a wedge would refuse publish() after 8.
    for (let i = 0; i < 20; i++) await published(c, "downgrade/t", `m${i}`, 2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/QoS 2 publish with PUBACK.*taken as delivered/);
    expect(pubrels).toEqual([]);
  });

  it("PUBREC for QoS 1 and PUBCOMP before PUBREC complete the message too, with one warning for both", async () => {
    let n = 0;
    const { broker, pubrels } = await answering(() => (n++ === 0 ? "pubrec" : "pubcomp"));
    const c = client(uniqueId(), 30);
    const warnings: string[] = [];
    c.on("warning", (_c, e) => warnings.push(e.message));
    await connected(c, HOST, broker.port);
    await published(c, "odd/t", "qos1 answered with pubrec", 1);
    await until(() => pubrels.length === 1, "PUBREL releasing the broker's id", 3000);
    await published(c, "odd/t", "qos2 answered with pubcomp", 2);
    await published(c, "odd/t", "qos1 answered with pubcomp", 1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/wrong packet for its QoS/);
  });
});
