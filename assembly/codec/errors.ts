// Error codes: malformed packets from the peer (1..39) and bad arguments from the host (40..).
// The texts below are compiled into error_texts.ts (ASCII) by gen-error-texts.mjs.
// Texts say what was wrong; error_text() hands them to the host.

export const E_RESERVED_TYPE: i32 = 1;
export const E_HEADER_FLAGS: i32 = 2;
export const E_PUBLISH_QOS3: i32 = 3;
export const E_DUP_QOS0: i32 = 4;
export const E_LENGTH_TOO_LONG: i32 = 5;
export const E_LENGTH_MISMATCH: i32 = 6;
export const E_TRUNCATED: i32 = 7;
export const E_TRAILING: i32 = 8;
export const E_PACKET_ID_ZERO: i32 = 9;
export const E_UTF8: i32 = 10;
export const E_NUL: i32 = 11;
export const E_EMPTY_TOPIC: i32 = 12;
export const E_TOPIC_WILDCARD: i32 = 13;
export const E_FILTER_WILDCARD: i32 = 14;
export const E_PROTOCOL_NAME: i32 = 15;
export const E_PROTOCOL_LEVEL: i32 = 16;
export const E_CONNECT_FLAGS: i32 = 17;
export const E_CONNACK_FLAGS: i32 = 18;
export const E_CONNACK_CODE: i32 = 19;
export const E_CONNACK_SESSION: i32 = 20;
export const E_REQUESTED_QOS: i32 = 21;
export const E_SUBACK_CODE: i32 = 22;
export const E_NO_ENTRIES: i32 = 23;
export const E_CLIENT_PACKET: i32 = 24;
export const E_NOT_CONNACK: i32 = 25;
export const E_SECOND_CONNACK: i32 = 26;
// 27 and 28 are retired (inbound topics have no engine bound; the QoS 2 window never drops the link).
export const E_EMPTY_FILTER: i32 = 29;
export const E_SUBACK_COUNT: i32 = 30;
// Warnings (event 13): the broker's answer is odd but the session goes on.
export const E_QOS2_PUBACK: i32 = 31;
export const E_WRONG_ACK: i32 = 32;
export const E_QOS2_WINDOW: i32 = 33;

export const E_ARG_QOS: i32 = 40;
export const E_ARG_TOO_LONG: i32 = 41;
export const E_ARG_PASSWORD: i32 = 42;
export const E_ARG_CLIENT_ID: i32 = 43;
export const E_ARG_FILTERS: i32 = 44;
export const E_ARG_ORDER: i32 = 45;
export const E_ARG_KEEPALIVE: i32 = 46;
export const E_ARG_IO: i32 = 47;
export const E_ARG_CODEC_IO: i32 = 48;
export const E_ARG_LAYOUT: i32 = 49;

export function errorText(code: i32): string {
  switch (code) {
    case E_RESERVED_TYPE: return "packet type 0 or 15 is reserved";
    case E_HEADER_FLAGS: return "reserved flag bits of the fixed header have the wrong value";
    case E_PUBLISH_QOS3: return "PUBLISH with QoS 3 (both QoS bits set)";
    case E_DUP_QOS0: return "PUBLISH with DUP set at QoS 0";
    case E_LENGTH_TOO_LONG: return "remaining length longer than 4 bytes";
    case E_LENGTH_MISMATCH: return "remaining length is wrong for this packet type";
    case E_TRUNCATED: return "packet ends inside a field";
    case E_TRAILING: return "bytes left after the last field of the packet";
    case E_PACKET_ID_ZERO: return "packet identifier 0";
    case E_UTF8: return "string is not well-formed UTF-8";
    case E_NUL: return "string contains U+0000";
    case E_EMPTY_TOPIC: return "topic name is empty";
    case E_TOPIC_WILDCARD: return "topic name contains a wildcard (+ or #)";
    case E_FILTER_WILDCARD: return "topic filter has + or # other than as a whole level (# only last)";
    case E_PROTOCOL_NAME: return "CONNECT protocol name is not MQTT";
    case E_PROTOCOL_LEVEL: return "CONNECT protocol level is not 4 (MQTT 3.1.1)";
    case E_CONNECT_FLAGS: return "CONNECT flags invalid (reserved bit, will QoS/retain without will, QoS 3, password without username)";
    case E_CONNACK_FLAGS: return "CONNACK reserved flag bits set";
    case E_CONNACK_CODE: return "CONNACK return code above 5";
    case E_CONNACK_SESSION: return "CONNACK refusal with session present set";
    case E_REQUESTED_QOS: return "SUBSCRIBE requested QoS byte not 0, 1 or 2";
    case E_SUBACK_CODE: return "SUBACK return code not 0, 1, 2 or 0x80";
    case E_NO_ENTRIES: return "SUBSCRIBE, UNSUBSCRIBE or SUBACK without any entry";
    case E_CLIENT_PACKET: return "broker sent a packet only clients send";
    case E_NOT_CONNACK: return "first packet from the broker is not CONNACK";
    case E_SECOND_CONNACK: return "broker sent a second CONNACK";
    case E_EMPTY_FILTER: return "topic filter is empty";
    case E_SUBACK_COUNT: return "SUBACK has not one return code per filter of its SUBSCRIBE";
    case E_QOS2_PUBACK: return "broker answered a QoS 2 publish with PUBACK (it delivers QoS 2 as QoS 1); taken as delivered";
    case E_WRONG_ACK: return "broker acknowledged a publish with the wrong packet for its QoS; taken as delivered";
    case E_QOS2_WINDOW: return "inbound QoS 2 beyond the qos2Window setting: oldest ids forgotten";
    case E_ARG_QOS: return "qos must be 0, 1 or 2";
    case E_ARG_TOO_LONG: return "string longer than 65535 bytes";
    case E_ARG_PASSWORD: return "password given without username (MQTT 3.1.1 forbids it)";
    case E_ARG_CLIENT_ID: return "an empty client id needs a clean session (cleansession 1)";
    case E_ARG_FILTERS: return "topic filters per call: 1 to this client's filters setting";
    case E_ARG_ORDER: return "ABI misuse: string not checked with text() before use";
    case E_ARG_KEEPALIVE: return "keepalive must be 0..65535 seconds";
    case E_ARG_IO: return "ABI misuse: length beyond the io buffer";
    case E_ARG_CODEC_IO: return "codec mode: before layout only";
    case E_ARG_LAYOUT: return "layout: once, before start, capacities in range";
  }
  return "unknown error";
}
