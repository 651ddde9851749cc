import { describe, it, expect } from "vitest";
import { Rig } from "./harness.js";

describe("vertical slice", () => {
  it("connects, publishes, subscribes, receives, pings and disconnects", () => {
    const rig = new Rig();
    const connect = rig.connect({ clientId: "slice", keepaliveSeconds: 10 });
    expect(connect).toHaveLength(1);
    expect(connect[0]).toMatchObject({ cmd: "connect", clientId: "slice", keepalive: 10, clean: true, protocolVersion: 4 });
    expect(rig.take()).toEqual([{ type: "open" }, { type: "connect", sessionPresent: false }]);

    expect(rig.engine.publish("a/b", new TextEncoder().encode("hello"), 0, false, 7, rig.now)).toBe(true);
    const pub = rig.packets();
    expect(pub[0]).toMatchObject({ cmd: "publish", topic: "a/b", qos: 0, retain: false });
    expect(Buffer.from((pub[0] as any).payload).toString()).toBe("hello");
    expect(rig.take()).toEqual([{ type: "puback", token: 7 }]);

    expect(rig.engine.subscribe([["x/+", 1], ["y/#", 0]], 9, rig.now)).toBe(true);
    const sub = rig.packets()[0] as any;
    expect(sub.cmd).toBe("subscribe");
    expect(sub.subscriptions).toEqual([{ topic: "x/+", qos: 1 }, { topic: "y/#", qos: 0 }]);
    rig.feed({ cmd: "suback", messageId: sub.messageId, granted: [1, 0] });
    expect(rig.take()).toEqual([{ type: "suback", token: 9, granted: [1, 0] }]);

    rig.feed({ cmd: "publish", topic: "x/1", payload: Buffer.from("in"), qos: 0, retain: true });
    expect(rig.take()).toEqual([{ type: "message", topic: "x/1", payload: new Uint8Array([105, 110]), qos: 0, retain: true, dup: false, overflow: false }]);

    rig.runFor(10_000);
    expect(rig.packets().map((p) => p.cmd)).toEqual(["pingreq"]);
    rig.feed({ cmd: "pingresp" });

    expect(rig.engine.close(rig.now)).toBe(true);
    expect(rig.packets().map((p) => p.cmd)).toEqual(["disconnect"]);
    expect(rig.types()).toEqual(["close", "offline"]);
  });
});
