// The client state machine through the real ABI, against a scripted broker and a fake clock.
import { describe, it, expect } from "vitest";
import { Rig, encode } from "./harness.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | Buffer) => Buffer.from(b).toString();

describe("connect", () => {
  it("sends CONNECT with credentials and will, byte-compatible with mqtt-packet", () => {
    const rig = new Rig();
    const [c] = rig.connect({
      clientId: "dev-1", keepaliveSeconds: 120, cleanSession: false, username: "user",
      password: bytes("pw"), will: { topic: "dev/1/status", message: bytes("gone"), qos: 1, retain: true },
    }) as any[];
    expect(c).toMatchObject({
      cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: "dev-1", keepalive: 120, clean: false,
      username: "user", will: { topic: "dev/1/status", qos: 1, retain: true },
    });
    expect(text(c.password)).toBe("pw");
    expect(text(c.will.payload)).toBe("gone");
    expect(rig.take()).toEqual([{ type: "open" }, { type: "connect", sessionPresent: false }]);
  });

  it("refuses a second start and bad arguments with errors naming them", () => {
    const rig = new Rig();
    rig.connect();
    expect(rig.engine.start({ clientId: "x", keepaliveSeconds: 1, cleanSession: true, autoReconnect: false }, rig.now, 1)).toBe(false);
    const fresh = new Rig();
    const cfg = { clientId: "x", keepaliveSeconds: 1, cleanSession: true, autoReconnect: false };
    expect(() => fresh.engine.start({ ...cfg, will: { topic: "a/#", message: bytes(""), qos: 0, retain: false } }, 0, 1)).toThrow(/will\.topic.*wildcard/);
    expect(() => fresh.engine.start({ ...cfg, password: bytes("p") }, 0, 1)).toThrow(/password given without username/);
    expect(() => fresh.engine.start({ ...cfg, clientId: "", cleanSession: false }, 0, 1)).toThrow(/empty client id/);
    expect(() => fresh.engine.start({ ...cfg, keepaliveSeconds: 70000 }, 0, 1)).toThrow(/keepalive/);
    expect(() => fresh.engine.start({ ...cfg, clientId: "a\u0000b" }, 0, 1)).toThrow(/clientId.*U\+0000/);
    expect(fresh.engine.start(cfg, 0, 1)).toBe(true);
  });

  it.each([1, 2, 3, 4, 5])("CONNACK refusal %i -> connfail with that code and close", (rc) => {
    const rig = new Rig();
    rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: true }, rig.now, 1);
    rig.engine.transportOpened(rig.now);
    rig.take();
    rig.feed({ cmd: "connack", returnCode: rc, sessionPresent: false });
    // only "server unavailable" is worth retrying
    expect(rig.take()).toEqual([{ type: "connfail", reason: rc, retrying: rc === 3 }, { type: "close" }]);
    expect(rig.engine.nextWakeup() !== null).toBe(rc === 3);
  });

  it("no CONNACK in time -> connfail -2 and close", () => {
    const rig = new Rig();
    rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, rig.now, 1);
    rig.engine.transportOpened(rig.now);
    rig.take();
    rig.advance(9_999);
    expect(rig.take()).toEqual([]);
    rig.advance(1);
    expect(rig.take()).toEqual([{ type: "connfail", reason: -2, retrying: false }, { type: "close" }]);
    expect(rig.engine.nextWakeup()).toBe(null);
  });

  it("transport not opened in time -> connfail -1; transport failures keep their reason", () => {
    const rig = new Rig();
    rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, rig.now, 1);
    rig.runFor(10_000);
    expect(rig.take()).toEqual([{ type: "open" }, { type: "connfail", reason: -1, retrying: false }, { type: "close" }]);
    for (const reason of [-5, -3]) {
      const r = new Rig();
      r.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, r.now, 1);
      r.engine.transportFailed(reason, r.now);
      expect(r.take()).toEqual([{ type: "open" }, { type: "connfail", reason, retrying: false }]);
    }
  });

  it("a reply that is not a CONNACK -> protocol error, connfail -4, close", () => {
    const rig = new Rig();
    rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, rig.now, 1);
    rig.engine.transportOpened(rig.now);
    rig.take();
    rig.feed({ cmd: "suback", messageId: 1, granted: [0] });
    expect(rig.take()).toEqual([
      { type: "protocol-error", code: 25, message: "first packet from the broker is not CONNACK" },
      { type: "close" }, { type: "connfail", reason: -4, retrying: false },
    ]);
    const http = new Rig();
    http.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: false }, http.now, 1);
    http.engine.transportOpened(http.now);
    http.take();
    http.engine.received(bytes("HTTP/1.1 400 Bad Request\r\n\r\n"), http.now);
    expect(http.take().map((e) => e.type)).toEqual(["protocol-error", "close", "connfail"]);
  });
});

describe("keepalive", () => {
  it("PINGREQ after keepalive of silence; activity postpones it; no PINGRESP -> close + offline", () => {
    const rig = new Rig();
    rig.connect({ keepaliveSeconds: 30 });
    rig.packets();
    rig.take();
    rig.advance(20_000);
    rig.engine.publish("t", bytes("x"), 0, false, 1, rig.now);
    rig.packets();
    rig.advance(29_999);
    expect(rig.packets()).toEqual([]);
    rig.advance(1);
    expect(rig.packets().map((p) => p.cmd)).toEqual(["pingreq"]);
    rig.feed({ cmd: "pingresp" });
    rig.advance(30_000);
    expect(rig.packets().map((p) => p.cmd)).toEqual(["pingreq"]);
    rig.take();
    rig.advance(29_999);
    expect(rig.take()).toEqual([]);
    rig.advance(1);
    expect(rig.take()).toEqual([{ type: "close" }, { type: "offline", retrying: false }]);
  });

  it("keepalive 0 never pings", () => {
    const rig = new Rig();
    rig.connect({ keepaliveSeconds: 0 });
    expect(rig.engine.nextWakeup()).toBe(null);
  });
});

describe("reconnect", () => {
  it("backs off with growing, jittered, bounded delays and reconnects", () => {
    const delays: number[] = [];
    const rig = new Rig();
    rig.connect({ autoReconnect: true, keepaliveSeconds: 0 });
    rig.take();
    rig.engine.transportClosed(rig.now);
    expect(rig.take()).toEqual([{ type: "offline", retrying: true }]);
    for (let i = 0; i < 10; i++) {
      const wake = rig.engine.nextWakeup()!;
      delays.push(wake - rig.now);
      rig.now = wake;
      rig.engine.tick(rig.now);
      expect(rig.take()).toEqual([{ type: "open" }]);
      rig.engine.transportFailed(-5, rig.now);
      expect(rig.take()).toEqual([{ type: "connfail", reason: -5, retrying: true }]);
    }
    const bases = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 65536, 65536, 65536];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(bases[i] / 2);
      expect(d).toBeLessThan(bases[i]);
    });
    // jitter: the bounded tail is not constant
    expect(new Set(delays.slice(6)).size).toBeGreaterThan(1);
    // success resets the backoff
    const w = rig.engine.nextWakeup()!;
    rig.now = w;
    rig.engine.tick(rig.now);
    rig.engine.transportOpened(rig.now);
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: false });
    rig.engine.transportClosed(rig.now);
    expect(rig.engine.nextWakeup()! - rig.now).toBeLessThan(1024);
  });

  it("different seeds give different jitter", () => {
    const first = (seed: number) => {
      const rig = new Rig();
      rig.engine.start({ clientId: "c", keepaliveSeconds: 0, cleanSession: true, autoReconnect: true }, rig.now, seed);
      rig.engine.transportFailed(-5, rig.now);
      return rig.engine.nextWakeup()! - rig.now;
    };
    const seen = new Set([1, 2, 3, 4, 5, 6].map(first));
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe("QoS and sessions", () => {
  it("QoS 1 and 2 outbound complete on PUBACK / PUBCOMP", () => {
    const rig = new Rig();
    rig.connect();
    rig.packets();
    rig.take();
    rig.engine.publish("q/1", bytes("one"), 1, false, 11, rig.now);
    rig.engine.publish("q/2", bytes("two"), 2, true, 12, rig.now);
    const [p1, p2] = rig.packets() as any[];
    expect(p1).toMatchObject({ cmd: "publish", qos: 1, topic: "q/1", dup: false });
    expect(p2).toMatchObject({ cmd: "publish", qos: 2, topic: "q/2", retain: true });
    expect(rig.take()).toEqual([]);
    rig.feed({ cmd: "puback", messageId: p1.messageId });
    expect(rig.take()).toEqual([{ type: "puback", token: 11 }]);
    rig.feed({ cmd: "pubrec", messageId: p2.messageId });
    expect(rig.packets()).toMatchObject([{ cmd: "pubrel", messageId: p2.messageId }]);
    expect(rig.take()).toEqual([]);
    rig.feed({ cmd: "pubcomp", messageId: p2.messageId });
    expect(rig.take()).toEqual([{ type: "puback", token: 12 }]);
  });

  it("session present: unacknowledged PUBLISH resent with DUP and PUBREL resent, in order", () => {
    const rig = new Rig();
    rig.connect({ cleanSession: false, autoReconnect: true });
    rig.packets();
    rig.take();
    rig.engine.publish("a", bytes("1"), 1, false, 1, rig.now);
    rig.engine.publish("b", bytes("2"), 2, false, 2, rig.now);
    rig.engine.publish("c", bytes("3"), 2, false, 3, rig.now);
    const first = rig.packets() as any[];
    rig.feed({ cmd: "pubrec", messageId: first[1].messageId });
    rig.packets();
    rig.engine.transportClosed(rig.now);
    rig.engine.publish("d", bytes("4"), 1, false, 4, rig.now); // queued while offline
    rig.runFor(2000);
    rig.engine.transportOpened(rig.now);
    rig.packets();
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: true });
    const again = rig.packets() as any[];
    expect(again.map((p) => [p.cmd, p.topic ?? null, p.cmd === "publish" ? p.dup : null, p.messageId])).toEqual([
      ["publish", "a", true, first[0].messageId],
      ["pubrel", null, null, first[1].messageId],
      ["publish", "c", true, first[2].messageId],
      ["publish", "d", false, again[3].messageId],
    ]);
    expect(rig.take().filter((e) => e.type !== "open")).toEqual([{ type: "offline", retrying: true }, { type: "connect", sessionPresent: true }]);
  });

  it("no session present: PUBLISHes sent again as new; messages the broker took are complete", () => {
    const rig = new Rig();
    rig.connect({ cleanSession: false, autoReconnect: true });
    rig.packets();
    rig.engine.publish("a", bytes("1"), 1, false, 1, rig.now);
    rig.engine.publish("b", bytes("2"), 2, false, 2, rig.now);
    const first = rig.packets() as any[];
    rig.feed({ cmd: "pubrec", messageId: first[1].messageId });
    rig.engine.transportClosed(rig.now);
    rig.runFor(2000);
    rig.engine.transportOpened(rig.now);
    rig.packets();
    rig.take();
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: false });
    expect((rig.packets() as any[]).map((p) => [p.cmd, p.topic, p.dup])).toEqual([["publish", "a", false]]);
    expect(rig.take()).toEqual([{ type: "connect", sessionPresent: false }, { type: "puback", token: 2 }]);
  });

  it("inbound QoS 2 is delivered exactly once; PUBREC then PUBCOMP", () => {
    const rig = new Rig();
    rig.connect({ cleanSession: false });
    rig.packets();
    rig.take();
    const pub = { cmd: "publish", topic: "in", payload: Buffer.from("once"), qos: 2, messageId: 77 };
    rig.feed(pub);
    expect(rig.packets()).toMatchObject([{ cmd: "pubrec", messageId: 77 }]);
    rig.feed({ ...pub, dup: true });
    expect(rig.packets()).toMatchObject([{ cmd: "pubrec", messageId: 77 }]);
    expect(rig.take().map((e) => e.type)).toEqual(["message"]);
    rig.feed({ cmd: "pubrel", messageId: 77 });
    expect(rig.packets()).toMatchObject([{ cmd: "pubcomp", messageId: 77 }]);
    rig.feed(pub); // id free again: a new message
    expect(rig.take().map((e) => e.type)).toEqual(["message"]);
  });

  it("inbound QoS 1 is acknowledged after delivery", () => {
    const rig = new Rig();
    rig.connect();
    rig.packets();
    rig.take();
    rig.feed({ cmd: "publish", topic: "in", payload: Buffer.from("x"), qos: 1, messageId: 5 });
    expect(rig.take()).toMatchObject([{ type: "message", qos: 1 }]);
    expect(rig.packets()).toMatchObject([{ cmd: "puback", messageId: 5 }]);
  });

  it("packet ids are never reused while in flight", () => {
    const rig = new Rig({ maxQueuedMessages: 32 });
    rig.connect();
    rig.packets();
    const live = new Set<number>();
    let token = 0;
    const seen: number[] = [];
    // run the id counter round 65535 twice with 20 messages in flight
    for (let round = 0; round < 140_000; round++) {
      if (live.size < 20) {
        rig.engine.publish("t", new Uint8Array(0), 1, false, ++token, rig.now);
        for (const p of rig.packets() as any[]) {
          expect(live.has(p.messageId)).toBe(false);
          expect(p.messageId).toBeGreaterThan(0);
          live.add(p.messageId);
          seen.push(p.messageId);
        }
      } else {
        const oldest = live.values().next().value!;
        live.delete(oldest);
        rig.engine.received(encode({ cmd: "puback", messageId: oldest }), rig.now);
      }
      rig.take();
    }
    expect(Math.max(...seen)).toBe(65535);
  });

  it("queue bounds: count and bytes; offline with no reconnect refuses", () => {
    const rig = new Rig({ maxQueuedMessages: 3, maxQueuedBytes: 100 });
    expect(rig.engine.limits.maxQueuedMessages).toBe(3);
    expect(rig.engine.publish("t", bytes("x"), 1, false, 1, rig.now)).toBe(false); // no session
    rig.connect();
    rig.packets();
    for (let i = 0; i < 3; i++) expect(rig.engine.publish("t", bytes("x"), 1, false, i, rig.now)).toBe(true);
    expect(rig.engine.publish("t", bytes("x"), 1, false, 9, rig.now)).toBe(false);
    const ids = (rig.packets() as any[]).map((p) => p.messageId);
    rig.feed({ cmd: "puback", messageId: ids[0] });
    expect(rig.engine.publish("t", new Uint8Array(98), 1, false, 10, rig.now)).toBe(false); // 97 + 2 > 100 - 2 held
    expect(rig.engine.publish("t", new Uint8Array(90), 1, false, 10, rig.now)).toBe(true);
    expect(rig.engine.close(rig.now)).toBe(true);
    expect(rig.take().filter((e) => e.type === "dropped")).toEqual([
      { type: "dropped", token: 1 }, { type: "dropped", token: 2 }, { type: "dropped", token: 10 },
    ]);
    expect(rig.engine.publish("t", bytes("x"), 0, false, 1, rig.now)).toBe(false);
  });

  it("bad publish arguments throw naming the problem", () => {
    const rig = new Rig();
    rig.connect();
    expect(() => rig.engine.publish("a/+", bytes(""), 0, false, 1, rig.now)).toThrow(RangeError);
    expect(() => rig.engine.publish("", bytes(""), 0, false, 1, rig.now)).toThrow(/publish: topic name is empty/);
    expect(() => rig.engine.publish("t", bytes(""), 3, false, 1, rig.now)).toThrow(/qos must be 0, 1 or 2/);
    expect(() => rig.engine.publish(5 as any, bytes(""), 0, false, 1, rig.now)).toThrow(TypeError);
    expect(() => rig.engine.subscribe([["a/#/b", 0]], 1, rig.now)).toThrow(/filters\[0\].*whole level/);
    expect(() => rig.engine.subscribe([["a", 3]], 1, rig.now)).toThrow(/qos/);
    expect(() => rig.engine.subscribe([], 1, rig.now)).toThrow("filters: topic filters per call: 1 to this client's filters setting");
    // nothing half-staged leaks into the next request
    expect(rig.engine.subscribe([["ok", 0]], 2, rig.now)).toBe(true);
    expect((rig.packets() as any[]).at(-1).subscriptions).toEqual([{ topic: "ok", qos: 0 }]);
  });
});

describe("inbound messages", () => {
  it("longer than maxMessageLength -> overflow with the first bytes", () => {
    const rig = new Rig({ maxMessageLength: 16 });
    rig.connect();
    rig.take();
    const payload = Buffer.alloc(5000, 0x41);
    payload.write("0123456789abcdef", 0);
    rig.feed({ cmd: "publish", topic: "big", payload, qos: 1, messageId: 3 });
    const [m] = rig.take() as any[];
    expect(m).toMatchObject({ type: "message", topic: "big", overflow: true });
    expect(text(m.payload)).toBe("0123456789abcdef");
    expect(rig.packets().at(-1)).toMatchObject({ cmd: "puback", messageId: 3 });
    rig.feed({ cmd: "publish", topic: "small", payload: Buffer.from("0123456789abcdef"), qos: 0 });
    expect(rig.take()).toMatchObject([{ overflow: false, payload: bytes("0123456789abcdef") }]);
  });

  it("a 2 MB payload passes through in pieces without being stored", () => {
    const rig = new Rig({ maxMessageLength: 1024 }); // NodeMCU's bound: the rest is cut, never kept
    rig.connect();
    rig.take();
    const before = rig.engine.memoryHighWater();
    const big = encode({ cmd: "publish", topic: "huge", payload: Buffer.alloc(2_000_000, 7), qos: 0 });
    for (let at = 0; at < big.length; at += 70_000) rig.engine.received(big.subarray(at, at + 70_000), rig.now);
    expect(rig.take()).toMatchObject([{ type: "message", topic: "huge", overflow: true }]);
    expect(rig.engine.memoryHighWater()).toBe(before);
  });

  it("malformed broker input -> protocol error and close, never a trap", () => {
    const rig = new Rig();
    rig.connect({ autoReconnect: true });
    rig.take();
    rig.feed(new Uint8Array([0x30, 0x05, 0x00, 0x03, 0x61, 0x2b, 0x62])); // topic "a+b"
    expect(rig.take()).toEqual([
      { type: "protocol-error", code: 13, message: "topic name contains a wildcard (+ or #)" },
      { type: "close" }, { type: "offline", retrying: true },
    ]);
    // bytes after the close are ignored; the session reconnects
    rig.feed(new Uint8Array([0xff, 0xff]));
    expect(rig.take()).toEqual([]);
    rig.runFor(1024);
    expect(rig.take()).toEqual([{ type: "open" }]);
  });
});

describe("streaming and time", () => {
  it("a stream of broker packets gives the same events and replies split at every byte", () => {
    const stream = Buffer.concat([
      encode({ cmd: "publish", topic: "a/b", payload: Buffer.from("zero"), qos: 0 }),
      encode({ cmd: "publish", topic: "a/ü", payload: Buffer.alloc(700, 3), qos: 1, messageId: 10 }),
      encode({ cmd: "publish", topic: "q2", payload: Buffer.from("two"), qos: 2, messageId: 11 }),
      encode({ cmd: "pubrel", messageId: 11 }),
      encode({ cmd: "pingresp" }),
      encode({ cmd: "publish", topic: "empty", payload: Buffer.alloc(0), qos: 1, retain: true, messageId: 12 }),
    ].map((b) => Buffer.from(b)));
    const run = (cuts: number[]) => {
      const rig = new Rig();
      rig.connect();
      rig.packets();
      rig.take();
      let from = 0;
      for (const cut of [...cuts, stream.length]) {
        rig.engine.received(stream.subarray(from, cut), rig.now);
        from = cut;
      }
      return { events: rig.take(), replies: rig.packets() };
    };
    const whole = run([]);
    expect(whole.events.map((e) => e.type)).toEqual(["message", "message", "message", "message"]);
    expect(whole.replies.map((p) => p.cmd)).toEqual(["puback", "pubrec", "pubcomp", "puback"]);
    for (let cut = 1; cut < stream.length; cut++) expect(run([cut])).toEqual(whole);
    const bytewise = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(run(bytewise)).toEqual(whole);
  });

  it("timers work across the u32 millisecond wrap", () => {
    const rig = new Rig();
    rig.now = 2 ** 32 - 5_000; // the host clock passes 2^32 during the session
    rig.connect({ keepaliveSeconds: 10 });
    rig.packets();
    rig.take();
    rig.advance(9_999);
    expect(rig.packets()).toEqual([]);
    rig.advance(1);
    expect(rig.packets().map((p) => p.cmd)).toEqual(["pingreq"]);
    expect(rig.engine.nextWakeup()).toBe(rig.now + 10_000);
    rig.advance(10_000);
    expect(rig.take()).toEqual([{ type: "close" }, { type: "offline", retrying: false }]);
  });
});

describe("SUBACK", () => {
  it.each([[[0]], [[0, 1, 2]]])("with return codes %j for two filters is a protocol error", (granted) => {
    const rig = new Rig();
    rig.connect();
    rig.take();
    rig.engine.subscribe([["a", 0], ["b", 1]], 5, rig.now);
    const sub = rig.packets().at(-1) as any;
    rig.feed({ cmd: "suback", messageId: sub.messageId, granted });
    expect(rig.take()).toEqual([
      { type: "protocol-error", code: 30, message: "SUBACK has not one return code per filter of its SUBSCRIBE" },
      { type: "close" }, { type: "offline", retrying: false },
    ]);
  });

  it("for an unknown packet id is ignored", () => {
    const rig = new Rig();
    rig.connect();
    rig.take();
    rig.feed({ cmd: "suback", messageId: 999, granted: [0, 1] });
    rig.feed({ cmd: "unsuback", messageId: 998 });
    expect(rig.take()).toEqual([]);
  });
});

describe("strings longer than the io buffer", () => {
  it("are checked piece by piece and sent whole", () => {
    const rig = new Rig();
    const clientId = "c".repeat(5000);
    const [c] = rig.connect({ clientId, username: "ü".repeat(3000) }) as any[];
    expect(c.clientId).toBe(clientId);
    expect(c.username).toBe("ü".repeat(3000));
    rig.take();
    const topic = "t/".repeat(2000) + "end";
    expect(rig.engine.publish(topic, bytes("x"), 1, false, 1, rig.now)).toBe(true);
    expect(rig.packets()).toMatchObject([{ cmd: "publish", topic }]);
    const filter = "f/".repeat(1500) + "#";
    expect(rig.engine.subscribe([[filter, 1], ["short", 0]], 2, rig.now)).toBe(true);
    expect((rig.packets()[0] as any).subscriptions).toEqual([{ topic: filter, qos: 1 }, { topic: "short", qos: 0 }]);
  });

  it("a bad character far into a long string is found", () => {
    const rig = new Rig();
    rig.connect();
    expect(() => rig.engine.publish("a".repeat(4000) + "+", bytes(""), 0, false, 1, rig.now)).toThrow(/wildcard/);
    expect(() => rig.engine.subscribe([["a".repeat(3000) + "#/b", 0]], 1, rig.now)).toThrow(/whole level/);
    expect(() => rig.engine.publish("a".repeat(70000), bytes(""), 0, false, 1, rig.now)).toThrow(/65535/);
    // a good publish still works afterwards
    expect(rig.engine.publish("ok", bytes(""), 0, false, 1, rig.now)).toBe(true);
  });
});
