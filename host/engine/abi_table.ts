// Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs).
// The Node host's side of the ABI's numbers and the error texts (docs/abi.md).

/** Event kinds: the `event(kind, a, b, c)` import. */
export const EV = {
  /** open a transport to the broker now */
  OPEN: 1,
  /** close the transport */
  CLOSE: 2,
  /** a = session present */
  CONNECT: 3,
  /** a = reason (connfail reasons) */
  CONNFAIL: 4,
  /** the connection is gone */
  OFFLINE: 5,
  /** a = token, b = the publish blob, released with it */
  PUBACK: 6,
  /** a = token, b = pointer to the return codes (bytes), c = their count */
  SUBACK: 8,
  /** a = token */
  UNSUBACK: 9,
  /** a = token, b = the publish blob, released with it */
  DROPPED: 10,
  /** a = error code; the engine also asks for close */
  PROTOCOL_ERROR: 11,
  /** codec mode: a = count of parser items, b = pointer to them (4 x i32 each: item, x, y, piece pointer) */
  ITEM: 12,
  /** a = error code: the broker did something legal but odd, the session goes on (once per code and connection) */
  WARNING: 13,
} as const;

/** Message flags: the `flags` of the `message` import. */
export const MSG = {
  /** first piece of a message */
  FIRST: 1,
  /** last piece (or an empty one when the rest was cut) */
  LAST: 2,
  /** the payload was longer than maxMessageLength: only its first bytes were delivered */
  OVERFLOW: 4,
  /** the QoS is in bits 3..4 */
  QOS_SHIFT: 3,
  /** retain flag */
  RETAIN: 32,
  /** DUP flag */
  DUP: 64,
  /** the call carries a piece of the topic (a topic not wholly in one io chunk; total = the topic's length) */
  TOPIC: 128,
} as const;

/** Start flags: the `flags` of `start`. */
export const START = {
  /** clean session */
  CLEAN_SESSION: 1,
  /** reconnect after a loss or a failed attempt */
  AUTO_RECONNECT: 2,
  /** the will topic and message are set */
  WILL: 4,
  /** the will's QoS is in bits 3..4 */
  WILL_QOS_SHIFT: 3,
  /** the will is retained */
  WILL_RETAIN: 32,
  /** the username is set */
  HAS_USERNAME: 64,
  /** the password is set */
  HAS_PASSWORD: 128,
} as const;

/** String kinds: the `kind` of `text` and `field`. */
export const KIND = {
  /** client id (text) */
  CLIENT_ID: 0,
  /** username (text) */
  USERNAME: 1,
  /** password (binary: no text()) */
  PASSWORD: 2,
  /** will topic (topic name) */
  WILL_TOPIC: 3,
  /** will message (binary) */
  WILL_MESSAGE: 4,
  /** publish topic (topic name) */
  TOPIC: 5,
  /** topic filter; field() takes its QoS in bits 8..9 */
  FILTER: 6,
} as const;

/** Connfail reasons: `failed(reason)` and event CONNFAIL's a (NodeMCU's mqtt.CONN_FAIL_* and mqtt.CONNACK_*). */
export const ConnFail = {
  /** refused, no listener, or the transport closed while opening */
  SERVER_NOT_FOUND: -5,
  /** the reply was not a CONNACK (or the transport closed before it) */
  NOT_A_CONNACK_MSG: -4,
  /** the host name did not resolve */
  DNS: -3,
  /** no CONNACK in time */
  TIMEOUT_RECEIVING: -2,
  /** the transport did not open in time */
  TIMEOUT_SENDING: -1,
  /** CONNACK accepted (never a failure) */
  ACCEPTED: 0,
  /** CONNACK refusal: protocol version (ends the session) */
  REFUSED_PROTOCOL_VER: 1,
  /** CONNACK refusal: client id rejected (ends the session) */
  REFUSED_ID_REJECTED: 2,
  /** CONNACK refusal: server unavailable (retried) */
  REFUSED_SERVER_UNAVAILABLE: 3,
  /** CONNACK refusal: bad username or password (ends the session) */
  REFUSED_BAD_USER_OR_PASS: 4,
  /** CONNACK refusal: not authorized (ends the session) */
  REFUSED_NOT_AUTHORIZED: 5,
} as const;

/** Packed arguments: field's kindAndQos and publish's qosRetain. */
export const PACK = {
  /** field(kind | qos << 8, ...): a filter's requested QoS above the kind */
  FIELD_QOS_SHIFT: 8,
  /** publish(..., qos << 1 | retain, ...): the QoS above the retain bit */
  PUBLISH_QOS_SHIFT: 1,
  /** publish's retain bit */
  PUBLISH_RETAIN: 1,
} as const;

/** Error codes: returned by calls, and the a of events PROTOCOL_ERROR and WARNING: 1..30 a broken packet from the peer; 31..33 the broker's answer is odd but legal: event WARNING, the session goes on; 40..50 a bad argument from the host, or ABI misuse. */
export const ERR = {
  RESERVED_TYPE: 1,
  HEADER_FLAGS: 2,
  PUBLISH_QOS3: 3,
  DUP_QOS0: 4,
  LENGTH_TOO_LONG: 5,
  LENGTH_MISMATCH: 6,
  TRUNCATED: 7,
  TRAILING: 8,
  PACKET_ID_ZERO: 9,
  UTF8: 10,
  NUL: 11,
  EMPTY_TOPIC: 12,
  TOPIC_WILDCARD: 13,
  FILTER_WILDCARD: 14,
  PROTOCOL_NAME: 15,
  PROTOCOL_LEVEL: 16,
  CONNECT_FLAGS: 17,
  CONNACK_FLAGS: 18,
  CONNACK_CODE: 19,
  CONNACK_SESSION: 20,
  REQUESTED_QOS: 21,
  SUBACK_CODE: 22,
  NO_ENTRIES: 23,
  CLIENT_PACKET: 24,
  NOT_CONNACK: 25,
  SECOND_CONNACK: 26,
  EMPTY_FILTER: 29,
  SUBACK_COUNT: 30,
  QOS2_PUBACK: 31,
  WRONG_ACK: 32,
  QOS2_WINDOW: 33,
  ARG_QOS: 40,
  ARG_TOO_LONG: 41,
  ARG_PASSWORD: 42,
  ARG_CLIENT_ID: 43,
  ARG_FILTERS: 44,
  ARG_ORDER: 45,
  ARG_KEEPALIVE: 46,
  ARG_IO: 47,
  ARG_CODEC_IO: 48,
  ARG_LAYOUT: 49,
  ARG_PUBLISH_TOO_LONG: 50,
} as const;

const ERROR_TEXTS: Readonly<Record<number, string>> = {
  1: "packet type 0 or 15 is reserved",
  2: "reserved flag bits of the fixed header have the wrong value",
  3: "PUBLISH with QoS 3 (both QoS bits set)",
  4: "PUBLISH with DUP set at QoS 0",
  5: "remaining length longer than 4 bytes",
  6: "remaining length is wrong for this packet type",
  7: "packet ends inside a field",
  8: "bytes left after the last field of the packet",
  9: "packet identifier 0",
  10: "string is not well-formed UTF-8",
  11: "string contains U+0000",
  12: "topic name is empty",
  13: "topic name contains a wildcard (+ or #)",
  14: "topic filter has + or # other than as a whole level (# only last)",
  15: "CONNECT protocol name is not MQTT",
  16: "CONNECT protocol level is not 4 (MQTT 3.1.1)",
  17: "CONNECT flags invalid (reserved bit, will QoS/retain without will, QoS 3, password without username)",
  18: "CONNACK reserved flag bits set",
  19: "CONNACK return code above 5",
  20: "CONNACK refusal with session present set",
  21: "SUBSCRIBE requested QoS byte not 0, 1 or 2",
  22: "SUBACK return code not 0, 1, 2 or 0x80",
  23: "SUBSCRIBE, UNSUBSCRIBE or SUBACK without any entry",
  24: "broker sent a packet only clients send",
  25: "first packet from the broker is not CONNACK",
  26: "broker sent a second CONNACK",
  29: "topic filter is empty",
  30: "SUBACK has not one return code per filter of its SUBSCRIBE",
  31: "broker answered a QoS 2 publish with PUBACK (it delivers QoS 2 as QoS 1); taken as delivered",
  32: "broker acknowledged a publish with the wrong packet for its QoS; taken as delivered",
  33: "inbound QoS 2 beyond the qos2Window setting: oldest ids forgotten",
  40: "qos must be 0, 1 or 2",
  41: "string longer than 65535 bytes",
  42: "password given without username (MQTT 3.1.1 forbids it)",
  43: "an empty client id needs a clean session (cleansession 1)",
  44: "topic filters per call: 1 to this client's filters setting",
  45: "ABI misuse: string not checked with text() before use",
  46: "keepalive must be 0..65535 seconds",
  47: "ABI misuse: length beyond the io buffer",
  48: "codec mode: before layout only",
  49: "layout: once, before start, capacities in range",
  50: "publish: topic + payload past MQTT's packet limit (268,435,455 bytes)",
};

/** The text of an error code (what was wrong), the same on every host. */
export function errorText(code: number): string {
  return ERROR_TEXTS[code] ?? "unknown error";
}

/** The engine's exports (all values i32). */
export interface EngineExports {
  memory: WebAssembly.Memory;
  /** address of the io buffer */
  io_ptr(): number;
  /** size of the io buffer */
  io_size(): number;
  /** the host's capacities, once, before start: high_water() or -error */
  layout(outbound: number, window: number, requests: number, filters: number, ioBytes: number): number;
  /** inbound payload bytes per message, the cap on topic + payload bytes of the publishes held; any time */
  configure(maxMessageLength: number, maxQueuedBytes: number): void;
  /** checks the next len bytes (in io) of a string longer than io: 0 or an error code */
  text(kind: number, len: number, last: number): number;
  /** hands over a session string or stages a filter: 0 (the engine owns the handle) or an error code */
  field(kindAndQos: number, handle: number, len: number): number;
  /** forgets staged filters */
  clear_fields(): void;
  /** 1 while a session runs */
  active(): number;
  /** starts a session: 1, 0 already running, -error */
  start(keepalive: number, flags: number, now: number, seed: number): number;
  /** the transport is up; returns wake_delay() */
  opened(now: number): number;
  /** opening failed with a connfail reason; returns wake_delay() */
  failed(reason: number, now: number): number;
  /** len bytes from the broker are in io; returns wake_delay() */
  received(len: number, now: number): number;
  /** the transport closed under us; returns wake_delay() */
  closed(now: number): number;
  /** runs timers; returns wake_delay() */
  tick(now: number): number;
  /** ms after the last now when tick is wanted, -1 = never */
  wake_delay(): number;
  /** 2 sent and done, 1 held, 0 queue full or no session, -error */
  publish(handle: number, topicLen: number, payloadLen: number, qosRetain: number, token: number, now: number): number;
  /** sends the staged filters: 1, 0 not connected or too many pending, -error */
  subscribe(token: number, now: number): number;
  /** as subscribe */
  unsubscribe(token: number, now: number): number;
  /** DISCONNECT if connected, drop every message, end the session: 1/0 */
  close(now: number): number;
  /** bytes of linear memory in use (static data, then io) */
  high_water(): number;
  /** codec mode: parses len bytes in io as a stream of packets: 0 or an error code */
  codec_parse(len: number): number;
  /** codec mode: starts over */
  codec_reset(): void;
  /** codec mode: writes a CONNACK, SUBACK, UNSUBACK or PINGRESP through send() */
  codec_generate(type: number, a: number, b: number, n: number): void;
}
