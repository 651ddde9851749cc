// Turns the engine's codec items into mqtt-packet-shaped objects, so both codecs can be compared.
import type { CodecItem } from "../../host/engine/codec.js";

const CMD = ["reserved", "connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp",
  "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect"];

const F = { NAME: 1, LEVEL: 2, FLAGS: 3, KEEPALIVE: 4, CLIENT_ID: 5, WILL_TOPIC: 6, WILL_MESSAGE: 7, USERNAME: 8,
  PASSWORD: 9, CONNACK_FLAGS: 10, CONNACK_CODE: 11, TOPIC: 12, PID: 13, PAYLOAD: 14, FILTER: 15, QOS: 16, SUBACK: 17 };

export function itemsToPackets(items: CodecItem[]): Record<string, any>[] {
  const packets: Record<string, any>[] = [];
  let p: Record<string, any> = {};
  let parts: Uint8Array[] = [];
  for (const it of items) {
    switch (it.item) {
      case 1: {
        const type = it.a;
        const flags = (it.b >>> 28) & 15;
        p = { cmd: CMD[type], length: it.b & 0x0fffffff };
        if (type === 3) Object.assign(p, { qos: (flags >> 1) & 3, dup: (flags & 8) !== 0, retain: (flags & 1) !== 0 });
        if (type === 8) p.subscriptions = [];
        if (type === 9) p.granted = [];
        if (type === 10) p.unsubscriptions = [];
        break;
      }
      case 2:
        if (it.a === F.LEVEL) p.protocolVersion = it.b;
        else if (it.a === F.FLAGS) {
          p.clean = (it.b & 2) !== 0;
          if (it.b & 4) p.will = { qos: (it.b >> 3) & 3, retain: (it.b & 32) !== 0 };
        } else if (it.a === F.CONNACK_FLAGS) p.sessionPresent = (it.b & 1) !== 0;
        else if (it.a === F.CONNACK_CODE) p.returnCode = it.b;
        else if (it.a === F.QOS) p.subscriptions[p.subscriptions.length - 1].qos = it.b;
        else if (it.a === F.SUBACK) p.granted.push(it.b);
        break;
      case 3:
        if (it.a === F.KEEPALIVE) p.keepalive = it.b;
        else p.messageId = it.b;
        break;
      case 4:
        parts = [];
        break;
      case 5:
        parts.push(it.bytes!);
        break;
      case 9: // a whole string: start, piece and end in one
        parts = [it.bytes!];
      // falls through
      case 6: {
        const bytes = Buffer.concat(parts);
        const s = bytes.toString("utf8");
        switch (it.a) {
          case F.NAME: p.protocolId = s; break;
          case F.CLIENT_ID: p.clientId = s; break;
          case F.WILL_TOPIC: p.will.topic = s; break;
          case F.WILL_MESSAGE: p.will.payload = bytes; break;
          case F.USERNAME: p.username = s; break;
          case F.PASSWORD: p.password = bytes; break;
          case F.TOPIC: p.topic = s; break;
          case F.PAYLOAD: p.payload = bytes; break;
          case F.FILTER:
            if (p.cmd === "subscribe") p.subscriptions.push({ topic: s, qos: -1 });
            else p.unsubscriptions.push(s);
            break;
        }
        break;
      }
      case 7:
        packets.push(p);
        break;
    }
  }
  return packets;
}

/** The fields both codecs report, in one shape. */
export function normalize(p: Record<string, any>): Record<string, unknown> {
  const buf = (b: unknown) => (b === undefined || b === null ? undefined : Buffer.from(b as Uint8Array).toString("hex"));
  switch (p.cmd) {
    case "connect":
      return { cmd: p.cmd, protocolId: p.protocolId, protocolVersion: p.protocolVersion, clean: p.clean, keepalive: p.keepalive,
        clientId: p.clientId, username: p.username, password: buf(p.password),
        will: p.will ? { topic: p.will.topic, payload: buf(p.will.payload), qos: p.will.qos, retain: p.will.retain } : undefined };
    case "connack": return { cmd: p.cmd, sessionPresent: p.sessionPresent, returnCode: p.returnCode };
    case "publish":
      return { cmd: p.cmd, topic: p.topic, payload: buf(p.payload), qos: p.qos, dup: p.dup, retain: p.retain,
        messageId: p.qos > 0 ? p.messageId : undefined };
    case "subscribe": return { cmd: p.cmd, messageId: p.messageId, subscriptions: p.subscriptions.map((s: any) => ({ topic: s.topic, qos: s.qos })) };
    case "suback": return { cmd: p.cmd, messageId: p.messageId, granted: p.granted };
    case "unsubscribe": return { cmd: p.cmd, messageId: p.messageId, unsubscriptions: p.unsubscriptions };
    case "pingreq": case "pingresp": case "disconnect": return { cmd: p.cmd };
    default: return { cmd: p.cmd, messageId: p.messageId };
  }
}
