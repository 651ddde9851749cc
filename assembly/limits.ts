// Every capacity and time bound of the engine, in one place. Memory is laid out once at start
// from these numbers; nothing grows afterwards.

/** Bytes of the io buffer the host writes inbound bytes and strings into: IO_MAX by default (a TCP
 *  segment fits); a host short of RAM sets less with set_io_size (the buffer is the last thing in
 *  linear memory, so it backs only high_water() bytes). IO_MIN holds every error text. */
export const IO_MAX: i32 = 2048;
export const IO_MIN: i32 = 128;
/** Scratch for the bytes the engine builds itself (fixed headers, lengths, ids). */
export const OUT_SIZE: i32 = 32;
/** Outbound publishes held by the engine (queued + in flight). */
export const MAX_OUTBOUND: i32 = 32;
/** Inbound QoS 2 packet ids held until PUBREL (mosquitto sends up to 20 at once by default). */
export const MAX_QOS2_IN: i32 = 32;
/** SUBSCRIBE/UNSUBSCRIBE requests awaiting SUBACK/UNSUBACK (7 bytes each): scripts subscribe to a
 *  dozen topics in a row on connect, one call each. */
export const MAX_PENDING_REQUESTS: i32 = 32;
/** Topic filters in one subscribe/unsubscribe call. */
export const MAX_FILTERS: i32 = 16;
/** Longest inbound topic name delivered to the host. */
export const MAX_TOPIC_IN: i32 = 256;
/** Default max_message_length (inbound payload bytes delivered; NodeMCU uses 1024 too). */
export const DEFAULT_MAX_MESSAGE: i32 = 1024;

/** The host must open the transport within this time after "open" (else connfail -1). */
export const OPEN_TIMEOUT_MS: u32 = 10000;
/** CONNACK must arrive within this time after CONNECT (else connfail -2). */
export const CONNACK_TIMEOUT_MS: u32 = 10000;
/** Reconnect backoff: uniform in [base/2, base), base doubling from MIN to MAX (powers of two). */
export const BACKOFF_MIN_SHIFT: i32 = 10; // 1024 ms
export const BACKOFF_MAX_SHIFT: i32 = 16; // 65536 ms
