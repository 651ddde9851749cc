// The generator: every packet's own bytes (fixed header, fixed fields, lengths, packet ids) written
// into a scratch buffer. Each put<Packet> writes a packet up to its first string and says what
// follows; strings and payloads never pass through here: the caller sends them (the client from
// host blobs, codec mode from io).
import { CONNECT, CONNACK, PUBLISH, PUBREL, SUBACK, PROTOCOL_LEVEL, CF_WILL, CF_USERNAME, CF_PASSWORD } from "./constants";

/** Fixed header: first byte and remaining length; returns the write position after it. */
export function putHeader(p: usize, first: i32, rl: u32): usize {
  store<u8>(p++, first);
  do {
    let b = rl & 127;
    rl >>= 7;
    if (rl != 0) b |= 128;
    store<u8>(p++, b);
  } while (rl != 0);
  return p;
}

export function putWord(p: usize, v: i32): usize {
  store<u8>(p, v >> 8);
  store<u8>(p + 1, v);
  return p + 2;
}

export function putByte(p: usize, v: i32): usize {
  store<u8>(p, v);
  return p + 1;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: fixed header (PUBREL's reserved flags are 0010)
 *  and packet id. */
export function putAck(p: usize, type: i32, pid: i32): usize {
  return putWord(putHeader(p, (type << 4) | (type == PUBREL ? 2 : 0), 2), pid);
}

/** PINGREQ, PINGRESP, DISCONNECT: a fixed header alone. */
// @ts-ignore: decorator
@inline export function putEmpty(p: usize, type: i32): usize {
  return putHeader(p, type << 4, 0);
}

/** CONNECT up to its client id's bytes: fixed header, protocol name and level, `flags`, keepalive
 *  and the client id's length. The client id follows, then (as `flags` say) will topic and will
 *  message, username, password: each a 2-byte length (putWord) and its bytes. */
export function putConnect(p: usize, flags: i32, keepalive: i32, clientId: u32, willTopic: u32, willMessage: u32,
  username: u32, password: u32): usize {
  let rl: u32 = 10 + 2 + clientId;
  if (flags & CF_WILL) rl += 4 + willTopic + willMessage;
  if (flags & CF_USERNAME) rl += 2 + username;
  if (flags & CF_PASSWORD) rl += 2 + password;
  p = putWord(putHeader(p, CONNECT << 4, rl), 4);
  store<u32>(p, 0x5454514d); // "MQTT"
  return putWord(putWord(putByte(putByte(p + 4, PROTOCOL_LEVEL), flags), keepalive), <i32>clientId);
}

/** PUBLISH's remaining length (at most MAX_REMAINING_LENGTH). */
// @ts-ignore: decorator
@inline export function publishLength(topicLen: u32, payloadLen: u32, qos: i32): u32 {
  return 2 + topicLen + (qos != 0 ? 2 : 0) + payloadLen;
}

/** PUBLISH up to its topic's bytes: fixed header and the topic's length. The topic follows, then
 *  at QoS 1 and 2 the packet id (putWord), then the payload. */
// @ts-ignore: decorator
@inline export function putPublish(p: usize, qos: i32, retain: i32, dup: bool, topicLen: u32, payloadLen: u32): usize {
  const first = (PUBLISH << 4) | (dup ? 8 : 0) | (qos << 1) | retain;
  return putWord(putHeader(p, first, publishLength(topicLen, payloadLen, qos)), <i32>topicLen);
}

/** putPublish() with the fixed header's flags as the packet holds them (dup 8, QoS << 1, retain 1):
 *  codec mode's form. Two spellings of one encoder, each the cheapest for its caller. */
// @ts-ignore: decorator
@inline export function putPublishFlags(p: usize, flags: i32, topicLen: u32, payloadLen: u32): usize {
  return putWord(putHeader(p, (PUBLISH << 4) | flags, publishLength(topicLen, payloadLen, flags & 6)), <i32>topicLen);
}

/** Bytes a filter of `len` bytes takes in a SUBSCRIBE (`subscribe`) or UNSUBSCRIBE: its length,
 *  its bytes and, subscribing, the requested QoS. */
// @ts-ignore: decorator
@inline export function filterEntrySize(len: u32, subscribe: bool): u32 {
  return 2 + len + (subscribe ? 1 : 0);
}

/** SUBSCRIBE or UNSUBSCRIBE (`type`) up to its first filter: fixed header and packet id. Its
 *  filters follow (`entries` bytes in all, as filterEntrySize counts them), each a 2-byte length
 *  (putWord) and its bytes, in a SUBSCRIBE then the requested QoS (putByte). */
export function putRequest(p: usize, type: i32, pid: i32, entries: u32): usize {
  return putWord(putHeader(p, (type << 4) | 2, 2 + entries), pid);
}

/** CONNACK: `flags` (session present) and return `code`. */
export function putConnack(p: usize, flags: i32, code: i32): usize {
  return putByte(putByte(putHeader(p, CONNACK << 4, 2), flags), code);
}

/** SUBACK up to its return codes: fixed header and packet id. Its `codes` return codes follow, a
 *  byte each. */
export function putSuback(p: usize, pid: i32, codes: u32): usize {
  return putWord(putHeader(p, SUBACK << 4, 2 + codes), pid);
}
