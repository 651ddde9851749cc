import { describe, it, expect } from "vitest";
import { Rig, encode } from "./harness.js";

const WINDOW_WARNING = "inbound QoS 2 beyond the qos2Window setting: oldest ids forgotten";

function qos2(id: number, dup = false, payload = Buffer.from([id & 0xff])) {
  return { cmd: "publish", topic: "w", payload, qos: 2, messageId: id, dup };
}

/** Many packets in one received() call. */
function burst(rig: Rig, packets: Record<string, unknown>[]): void {
  rig.feed(Buffer.concat(packets.map((p) => Buffer.from(encode(p)))));
}

function connected(limits: ConstructorParameters<typeof Rig>[0] = {}, cleanSession = false): Rig {
  const rig = new Rig(limits);
  rig.connect({ cleanSession, autoReconnect: true });
  rig.packets();
  rig.take();
  return rig;
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const messages = (rig: Rig) => rig.take().filter((e) => e.type === "message");

describe("inbound QoS 2: the window of held ids", () => {
  it("the firmware's window (128) holds 100 messages sent back to back: each delivered once, resends acknowledged only", () => {
    const rig = connected({ qos2Window: 128 });
    burst(rig, ids(1, 100).map((id) => qos2(id)));
    expect(messages(rig)).toHaveLength(100);
    expect(rig.packets().map((p: any) => [p.cmd, p.messageId])).toEqual(ids(1, 100).map((id) => ["pubrec", id]));
    // mosquitto resends them all with DUP after a reconnect: acknowledged again, none delivered twice
    burst(rig, ids(1, 100).map((id) => qos2(id, true)));
    expect(rig.take()).toEqual([]);
    expect(rig.packets()).toHaveLength(100);
    burst(rig, ids(1, 100).map((id) => ({ cmd: "pubrel", messageId: id })));
    expect(rig.packets().map((p: any) => [p.cmd, p.messageId])).toEqual(ids(1, 100).map((id) => ["pubcomp", id]));
    rig.feed(qos2(5)); // released: the id is free for a new message
    expect(messages(rig)).toHaveLength(1);
  });

  it("an id past the window forgets the oldest held id with one warning, and the session goes on", () => {
    const rig = connected({ qos2Window: 32 });
    burst(rig, ids(1, 32).map((id) => qos2(id)));
    expect(messages(rig)).toHaveLength(32);
    rig.packets();
    rig.feed(qos2(33));
    const [message, warning] = rig.take();
    expect(warning).toEqual({ type: "warning", code: 33, message: WINDOW_WARNING });
    expect(message).toMatchObject({ type: "message", topic: "w", payload: new Uint8Array([33]) });
    expect(rig.packets()).toMatchObject([{ cmd: "pubrec", messageId: 33 }]);
    rig.feed(qos2(34)); // forgets id 2: the warning was given on this connection already
    expect(rig.take().map((e) => e.type)).toEqual(["message"]);
    // ids still held are not delivered again; the forgotten one is, flagged dup (docs/abi.md says when)
    burst(rig, [qos2(33, true), qos2(34, true), qos2(3, true)]);
    expect(rig.take()).toEqual([]);
    rig.feed(qos2(1, true));
    expect(rig.take()).toMatchObject([{ type: "message", dup: true, payload: new Uint8Array([1]) }]);
    // a new connection may warn again
    rig.engine.transportClosed(rig.now);
    rig.runFor(2000);
    rig.engine.transportOpened(rig.now);
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: true });
    rig.take();
    rig.feed(qos2(35));
    expect(rig.take().map((e) => e.type)).toEqual(["message", "warning"]);
  });

  it("ids wrap at 65535 to 1 inside the window, in the firmware's window and in Node's", () => {
    for (const qos2Window of [32, 65536]) {
      const rig = connected({ qos2Window });
      const wrapping = [...ids(65520, 65535), ...ids(1, 10)];
      burst(rig, wrapping.map((id) => qos2(id)));
      expect(messages(rig)).toHaveLength(26);
      burst(rig, wrapping.map((id) => qos2(id, true)));
      expect(rig.take()).toEqual([]); // all held: no warning, nothing twice
      burst(rig, wrapping.map((id) => ({ cmd: "pubrel", messageId: id })));
      expect(rig.packets().filter((p: any) => p.cmd === "pubcomp")).toHaveLength(26);
      burst(rig, wrapping.map((id) => qos2(id)));
      expect(messages(rig)).toHaveLength(26);
    }
  });

  it("Node's default window holds every id: 65,535 messages awaiting PUBREL at once", () => {
    const rig = connected();
    expect(rig.engine.limits.qos2Window).toBe(65536);
    burst(rig, ids(1, 65535).map((id) => qos2(id)));
    expect(messages(rig)).toHaveLength(65535);
    burst(rig, [1, 2, 30000, 65534, 65535].map((id) => qos2(id, true)));
    expect(rig.take()).toEqual([]);
    expect(rig.packets().filter((p: any) => p.cmd === "pubrec")).toHaveLength(65540);
  });

  it("a session the broker did not keep forgets the held ids", () => {
    const rig = connected({ qos2Window: 128 });
    rig.feed(qos2(9));
    rig.take();
    rig.engine.transportClosed(rig.now);
    rig.runFor(2000);
    rig.engine.transportOpened(rig.now);
    rig.feed({ cmd: "connack", returnCode: 0, sessionPresent: false });
    rig.take();
    rig.feed(qos2(9, true)); // the broker's new session: a new message
    expect(messages(rig)).toHaveLength(1);
  });
});
