// Every capacity and time bound of the engine, in one place. The capacities are the host's: it
// gives them with layout() (docs/abi.md), and these are their ranges. Memory is laid out then;
// nothing grows afterwards.

/** The io buffer the host writes inbound bytes and strings into (the last thing in linear
 *  memory, so a host short of RAM backs only high_water() bytes). IO_MIN holds every error text. */
export const IO_MIN: i32 = 128;
export const IO_MAX: i32 = 65536;
/** Scratch for the bytes the engine builds itself (fixed headers, lengths, ids). */
export const OUT_SIZE: i32 = 32;
/** Packet ids: outbound publishes and subscribe/unsubscribe requests each own the ids congruent
 *  to their slot, so together they hold at most this many. */
export const MAX_IDS: i32 = 65535;
/** Filters in one call: a request keeps its count in 15 bits. */
export const MAX_FILTERS: i32 = 32767;
/** The inbound QoS 2 window, in packet ids (a power of two): 65536 spans every id. */
export const MIN_QOS2_WINDOW: i32 = 32;
export const MAX_QOS2_WINDOW: i32 = 65536;

/** The io buffer before layout() (codec mode, which works only then, and error texts). */
export const DEFAULT_IO: i32 = 2048;
/** Default max_message_length (inbound payload bytes delivered; NodeMCU uses 1024 too). */
export const DEFAULT_MAX_MESSAGE: i32 = 1024;

/** The host must open the transport within this time after "open" (else connfail -1). */
export const OPEN_TIMEOUT_MS: u32 = 10000;
/** CONNACK must arrive within this time after CONNECT (else connfail -2). */
export const CONNACK_TIMEOUT_MS: u32 = 10000;
/** Reconnect backoff: uniform in [base/2, base), base doubling from MIN to MAX (powers of two). */
export const BACKOFF_MIN_SHIFT: i32 = 10; // 1024 ms
export const BACKOFF_MAX_SHIFT: i32 = 16; // 65536 ms
