import { describe, it, expect } from "vitest";
import { Rig } from "./harness.js";

function connected(limits: ConstructorParameters<typeof Rig>[0] = {}): Rig {
  const rig = new Rig(limits);
  rig.connect({ autoReconnect: true });
  rig.packets();
  rig.take();
  return rig;
}

describe("subscribe/unsubscribe at this client's bounds", () => {
  it("100 subscribe calls in a row all go out (Node's default: 1,024 awaiting their SUBACK)", () => {
    const rig = connected();
    for (let i = 0; i < 100; i++) expect(rig.engine.subscribe([[`t/${i}`, 1]], i, rig.now)).toBe(true);
    const subs = rig.packets() as any[];
    expect(subs.map((p) => p.subscriptions[0].topic)).toEqual(Array.from({ length: 100 }, (_, i) => `t/${i}`));
    expect(new Set(subs.map((p) => p.messageId)).size).toBe(100);
    for (const s of subs.reverse()) rig.feed({ cmd: "suback", messageId: s.messageId, granted: [1] });
    expect(rig.take().map((e: any) => e.token)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
  });

  it("past maxPendingRequests a call returns false until an acknowledgement frees one", () => {
    const rig = connected({ maxPendingRequests: 3 });
    for (let i = 0; i < 3; i++) expect(rig.engine.subscribe([["a", 0]], i, rig.now)).toBe(true);
    expect(rig.engine.unsubscribe(["a"], 3, rig.now)).toBe(false);
    const [first] = rig.packets() as any[];
    rig.feed({ cmd: "suback", messageId: first.messageId, granted: [0] });
    expect(rig.take()).toEqual([{ type: "suback", token: 0, granted: [0] }]);
    expect(rig.engine.unsubscribe(["a"], 4, rig.now)).toBe(true);
    const [unsub] = rig.packets() as any[];
    rig.feed({ cmd: "unsuback", messageId: unsub.messageId });
    expect(rig.take()).toEqual([{ type: "unsuback", token: 4 }]);
  });

  it("more filters in one call than maxFiltersPerCall throws, naming the count, the bound and the fix", () => {
    const rig = connected({ maxFiltersPerCall: 16 });
    const filters = Array.from({ length: 17 }, (_, i) => [`f/${i}`, 0] as [string, number]);
    expect(() => rig.engine.subscribe(filters, 1, rig.now))
      .toThrow("subscribe: 17 topic filters in one call; this client takes at most 16 (limits.maxFiltersPerCall): split the call");
    expect(rig.engine.subscribe(filters.slice(0, 16), 1, rig.now)).toBe(true);
    const [sub] = rig.packets() as any[];
    expect(sub.subscriptions).toHaveLength(16);
    rig.feed({ cmd: "suback", messageId: sub.messageId, granted: Array(16).fill(0) });
    expect(rig.take()).toMatchObject([{ type: "suback", token: 1 }]);
  });

  it("requests and publishes never share a packet id in flight", () => {
    const rig = connected({ maxQueuedMessages: 4, maxPendingRequests: 4 });
    rig.engine.publish("p", new Uint8Array(1), 1, false, 1, rig.now);
    rig.engine.subscribe([["s", 0]], 2, rig.now);
    rig.engine.publish("p", new Uint8Array(1), 2, false, 3, rig.now);
    rig.engine.unsubscribe(["s"], 4, rig.now);
    const ids = (rig.packets() as any[]).map((p) => p.messageId);
    expect(new Set(ids).size).toBe(4);
    // an acknowledgement of the wrong type for an id (a SUBACK for a publish's id) settles nothing
    rig.feed({ cmd: "suback", messageId: ids[0], granted: [0] });
    rig.feed({ cmd: "unsuback", messageId: ids[1] });
    expect(rig.take()).toEqual([]);
    rig.feed({ cmd: "puback", messageId: ids[0] });
    rig.feed({ cmd: "suback", messageId: ids[1], granted: [0] });
    expect(rig.take().map((e) => e.type)).toEqual(["puback", "suback"]);
  });
});

describe("outbound publishes at this client's bounds", () => {
  it("a message larger than maxQueuedBytes throws once it would be held, instead of false for ever", () => {
    const rig = connected({ maxQueuedBytes: 100 });
    expect(rig.engine.publish("t", new Uint8Array(200), 0, false, 1, rig.now)).toBe(true); // sent at once, not held
    expect(() => rig.engine.publish("t", new Uint8Array(200), 1, false, 2, rig.now))
      .toThrow("publish: topic + payload are 201 bytes, more than this client ever holds (limits.maxQueuedBytes 100): raise that limit");
  });

  it("60,000 publishes queued offline go out in publish order on reconnect, each id once", () => {
    const rig = new Rig();
    rig.connect({ cleanSession: false, autoReconnect: true });
    rig.packets();
    rig.engine.transportClosed(rig.now);
    for (let i = 0; i < 60_000; i++) expect(rig.engine.publish("q", new Uint8Array([i & 0xff]), 1, false, i, rig.now)).toBe(true);
    rig.runFor(2000);
    rig.engine.transportOpened(rig.now);
    rig.packets();
    rig.take();
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: true });
    const sent = rig.packets() as any[];
    expect(sent).toHaveLength(60_000);
    expect(sent.map((p) => p.payload[0])).toEqual(Array.from({ length: 60_000 }, (_, i) => i & 0xff));
    expect(new Set(sent.map((p) => p.messageId)).size).toBe(60_000);
    for (const p of sent.slice(0, 10)) rig.feed({ cmd: "puback", messageId: p.messageId });
    expect(rig.take().filter((e) => e.type === "puback").map((e: any) => e.token)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
