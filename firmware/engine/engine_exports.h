/* Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs). */
/* The engine's exports mqtt_engine.c calls, by number; included by mqtt_engine_backend.h. */
#ifndef ENGINE_EXPORTS_H
#define ENGINE_EXPORTS_H

enum {
  X_IO_PTR, /* io_ptr() -> i32 */
  X_LAYOUT, /* layout(outbound, window, requests, filters, ioBytes) -> i32 */
  X_CONFIGURE, /* configure(maxMessageLength, maxQueuedBytes) */
  X_TEXT, /* text(kind, len, last) -> i32 */
  X_FIELD, /* field(kindAndQos, handle, len) -> i32 */
  X_CLEAR_FIELDS, /* clear_fields() */
  X_ACTIVE, /* active() -> i32 */
  X_START, /* start(keepalive, flags, now, seed) -> i32 */
  X_OPENED, /* opened(now) -> i32 */
  X_FAILED, /* failed(reason, now) -> i32 */
  X_RECEIVED, /* received(len, now) -> i32 */
  X_CLOSED, /* closed(now) -> i32 */
  X_TICK, /* tick(now) -> i32 */
  X_WAKE_DELAY, /* wake_delay() -> i32 */
  X_PUBLISH, /* publish(handle, topicLen, payloadLen, qosRetain, token, now) -> i32 */
  X_SUBSCRIBE, /* subscribe(token, now) -> i32 */
  X_UNSUBSCRIBE, /* unsubscribe(token, now) -> i32 */
  X_CLOSE, /* close(now) -> i32 */
  X_HIGH_WATER, /* high_water() -> i32 */
  X_COUNT
};

/* Their names, in X_* order, NUL-separated (for a string of them, no pointer per entry). */
#define ENGINE_EXPORT_NAMES "io_ptr\0layout\0configure\0text\0field\0clear_fields\0active\0start\0opened\0failed\0received\0closed\0tick\0wake_delay\0publish\0subscribe\0unsubscribe\0close\0high_water"
/* Parameters << 1 | results (0 or 1) of export i: nibble i % 8 of word i / 8. */
#define ENGINE_EXPORT_ARITY { 0x910774b1u, 0x5d133553u, 0x00000135u }

#endif
