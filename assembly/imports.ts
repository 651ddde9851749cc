// The engine's imports: everything it asks of its host. Part of the ABI (docs/abi.md) with abi.ts.

/** Write `len` bytes at `ptr` to the transport, then bytes [offset, offset + blobLen) of host blob
 *  `handle` (none when blobLen is 0). The host copies what it needs before returning. */
@external("env", "send")
export declare function hostSend(ptr: usize, len: i32, handle: i32, offset: u32, blobLen: u32): void;

/** The engine is done with host blob `handle` (called exactly once per accepted handle). */
@external("env", "release")
export declare function hostRelease(handle: i32): void;

/** An event (kinds: EV_* of abi_table.ts) with up to three integer arguments. */
@external("env", "event")
export declare function hostEvent(kind: i32, a: i32, b: i32, c: i32): void;

/** A piece of an inbound message: topic, payload piece, total payload length, flags. */
@external("env", "message")
export declare function hostMessage(topicPtr: usize, topicLen: i32, ptr: usize, len: u32, total: u32, flags: i32): void;
