// MQTT 3.1.1 packet types, fields and flag bits (shared by the parser and the generator).

export const CONNECT: i32 = 1;
export const CONNACK: i32 = 2;
export const PUBLISH: i32 = 3;
export const PUBACK: i32 = 4;
export const PUBREC: i32 = 5;
export const PUBREL: i32 = 6;
export const PUBCOMP: i32 = 7;
export const SUBSCRIBE: i32 = 8;
export const SUBACK: i32 = 9;
export const UNSUBSCRIBE: i32 = 10;
export const UNSUBACK: i32 = 11;
export const PINGREQ: i32 = 12;
export const PINGRESP: i32 = 13;
export const DISCONNECT: i32 = 14;

export const PROTOCOL_LEVEL: i32 = 4;
/** The most a 4-byte remaining length holds. */
export const MAX_REMAINING_LENGTH: u32 = 268435455;

// CONNECT flags
export const CF_CLEAN: i32 = 0x02;
export const CF_WILL: i32 = 0x04;
export const CF_WILL_RETAIN: i32 = 0x20;
export const CF_PASSWORD: i32 = 0x40;
export const CF_USERNAME: i32 = 0x80;

/** Fields the decoder reports (also the host-visible field ids of the codec ABI). */
export const F_PROTOCOL_NAME: i32 = 1;
export const F_PROTOCOL_LEVEL: i32 = 2;
export const F_CONNECT_FLAGS: i32 = 3;
export const F_KEEPALIVE: i32 = 4;
export const F_CLIENT_ID: i32 = 5;
export const F_WILL_TOPIC: i32 = 6;
export const F_WILL_MESSAGE: i32 = 7;
export const F_USERNAME: i32 = 8;
export const F_PASSWORD: i32 = 9;
export const F_CONNACK_FLAGS: i32 = 10;
export const F_CONNACK_CODE: i32 = 11;
export const F_TOPIC: i32 = 12;
export const F_PACKET_ID: i32 = 13;
export const F_PAYLOAD: i32 = 14;
export const F_FILTER: i32 = 15;
export const F_REQUESTED_QOS: i32 = 16;
export const F_SUBACK_CODE: i32 = 17;

/** How a string's bytes are checked. */
export const TEXT_BINARY: i32 = 0; // any bytes
export const TEXT_UTF8: i32 = 1; // well-formed UTF-8 without U+0000
export const TEXT_TOPIC: i32 = 2; // UTF-8, non-empty, no wildcards
export const TEXT_FILTER: i32 = 3; // UTF-8, non-empty, '+' and '#' only as whole levels, '#' last
