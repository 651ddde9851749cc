// Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs).
// The engine's side of the ABI's numbers (docs/abi.md); the exports are in abi.ts.

// Event kinds: the `event(kind, a, b, c)` import
export const EV_OPEN: i32 = 1; // open a transport to the broker now
export const EV_CLOSE: i32 = 2; // close the transport
export const EV_CONNECT: i32 = 3; // a = session present
export const EV_CONNFAIL: i32 = 4; // a = reason (connfail reasons)
export const EV_OFFLINE: i32 = 5; // the connection is gone
export const EV_PUBACK: i32 = 6; // a = token, b = the publish blob, released with it
export const EV_SUBACK: i32 = 8; // a = token, b = pointer to the return codes (bytes), c = their count
export const EV_UNSUBACK: i32 = 9; // a = token
export const EV_DROPPED: i32 = 10; // a = token, b = the publish blob, released with it
export const EV_PROTOCOL_ERROR: i32 = 11; // a = error code; the engine also asks for close
export const EV_ITEM: i32 = 12; // codec mode: a = count of parser items, b = pointer to them (4 x i32 each: item, x, y, piece pointer)
export const EV_WARNING: i32 = 13; // a = error code: the broker did something legal but odd, the session goes on (once per code and connection)

// Message flags: the `flags` of the `message` import
export const MSG_FIRST: i32 = 1; // first piece of a message
export const MSG_LAST: i32 = 2; // last piece (or an empty one when the rest was cut)
export const MSG_OVERFLOW: i32 = 4; // the payload was longer than maxMessageLength: only its first bytes were delivered
export const MSG_QOS_SHIFT: i32 = 3; // the QoS is in bits 3..4
export const MSG_RETAIN: i32 = 32; // retain flag
export const MSG_DUP: i32 = 64; // DUP flag
export const MSG_TOPIC: i32 = 128; // the call carries a piece of the topic (a topic not wholly in one io chunk; total = the topic's length)

// Start flags: the `flags` of `start`
export const START_CLEAN_SESSION: i32 = 1; // clean session
export const START_AUTO_RECONNECT: i32 = 2; // reconnect after a loss or a failed attempt
export const START_WILL: i32 = 4; // the will topic and message are set
export const START_WILL_QOS_SHIFT: i32 = 3; // the will's QoS is in bits 3..4
export const START_WILL_RETAIN: i32 = 32; // the will is retained
export const START_HAS_USERNAME: i32 = 64; // the username is set
export const START_HAS_PASSWORD: i32 = 128; // the password is set

// String kinds: the `kind` of `text` and `field`
export const K_CLIENT_ID: i32 = 0; // client id (text)
export const K_USERNAME: i32 = 1; // username (text)
export const K_PASSWORD: i32 = 2; // password (binary: no text())
export const K_WILL_TOPIC: i32 = 3; // will topic (topic name)
export const K_WILL_MESSAGE: i32 = 4; // will message (binary)
export const K_TOPIC: i32 = 5; // publish topic (topic name)
export const K_FILTER: i32 = 6; // topic filter; field() takes its QoS in bits 8..9

// Connfail reasons: `failed(reason)` and event CONNFAIL's a (NodeMCU's mqtt.CONN_FAIL_* and mqtt.CONNACK_*)
export const CONNFAIL_SERVER_NOT_FOUND: i32 = -5; // refused, no listener, or the transport closed while opening
export const CONNFAIL_NOT_A_CONNACK_MSG: i32 = -4; // the reply was not a CONNACK (or the transport closed before it)
export const CONNFAIL_DNS: i32 = -3; // the host name did not resolve
export const CONNFAIL_TIMEOUT_RECEIVING: i32 = -2; // no CONNACK in time
export const CONNFAIL_TIMEOUT_SENDING: i32 = -1; // the transport did not open in time
export const CONNFAIL_ACCEPTED: i32 = 0; // CONNACK accepted (never a failure)
export const CONNFAIL_REFUSED_PROTOCOL_VER: i32 = 1; // CONNACK refusal: protocol version (ends the session)
export const CONNFAIL_REFUSED_ID_REJECTED: i32 = 2; // CONNACK refusal: client id rejected (ends the session)
export const CONNFAIL_REFUSED_SERVER_UNAVAILABLE: i32 = 3; // CONNACK refusal: server unavailable (retried)
export const CONNFAIL_REFUSED_BAD_USER_OR_PASS: i32 = 4; // CONNACK refusal: bad username or password (ends the session)
export const CONNFAIL_REFUSED_NOT_AUTHORIZED: i32 = 5; // CONNACK refusal: not authorized (ends the session)

// Packed arguments: field's kindAndQos and publish's qosRetain
export const FIELD_QOS_SHIFT: i32 = 8; // field(kind | qos << 8, ...): a filter's requested QoS above the kind
export const PUBLISH_QOS_SHIFT: i32 = 1; // publish(..., qos << 1 | retain, ...): the QoS above the retain bit
export const PUBLISH_RETAIN: i32 = 1; // publish's retain bit

// Error codes: returned by calls, and the a of events PROTOCOL_ERROR and WARNING:
//   1..30 a broken packet from the peer
//   31..33 the broker's answer is odd but legal: event WARNING, the session goes on
//   40..50 a bad argument from the host, or ABI misuse
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
export const E_EMPTY_FILTER: i32 = 29;
export const E_SUBACK_COUNT: i32 = 30;
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
export const E_ARG_PUBLISH_TOO_LONG: i32 = 50;
