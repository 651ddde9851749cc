// Event kinds reported through the `event` import, and `message` flags.

export const EV_OPEN: i32 = 1;
export const EV_CLOSE: i32 = 2;
export const EV_CONNECT: i32 = 3; // a = session present
export const EV_CONNFAIL: i32 = 4; // a = reason
export const EV_OFFLINE: i32 = 5;
export const EV_PUBACK: i32 = 6; // a = token, b = blob handle released with it
export const EV_SUBACK: i32 = 8; // a = token, b = pointer to the return codes (bytes), c = count
export const EV_UNSUBACK: i32 = 9; // a = token
export const EV_DROPPED: i32 = 10; // a = token, b = blob handle released with it
export const EV_PROTOCOL_ERROR: i32 = 11; // a = error code
/** Codec mode: a = count of parser items, b = pointer to them (4 x i32 each: item, x, y, piece ptr). */
export const EV_ITEM: i32 = 12;
/** The broker did something legal but unexpected; the session goes on (a = error code, once each per connection). */
export const EV_WARNING: i32 = 13;

export const MSG_FIRST: i32 = 1;
export const MSG_LAST: i32 = 2;
export const MSG_OVERFLOW: i32 = 4;
export const MSG_QOS_SHIFT: i32 = 3;
export const MSG_RETAIN: i32 = 32;
export const MSG_DUP: i32 = 64;
/** The call carries a piece of the topic (a topic not wholly in one io chunk). */
export const MSG_TOPIC: i32 = 128;
