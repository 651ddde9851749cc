/* Every bound of the firmware's MQTT client (core + binding) in one place, the engine's capacities
 * too: host/firmware/embed.ts bakes them into the firmware, which gives them to the engine's
 * layout() (docs/abi.md; its ranges are assembly/limits.ts). The interpreter's budgets come from
 * the module (WASM_VM_FROM_MODULE) and mqtt_engine_memory_bytes. */
#ifndef MQTT_LIMITS_H
#define MQTT_LIMITS_H

/* Inbound payload bytes delivered per message (NodeMCU's default max_message_length). */
#define MQTT_DEFAULT_MAX_MESSAGE_LENGTH 1024u
/* The largest max_message_length a script may ask for. */
#define MQTT_MAX_MESSAGE_LENGTH_LIMIT 16384u
/* Longest inbound topic the core assembles (the engine hands topics over in pieces, up to 65,535
 * bytes): a longer one is delivered as overflow, cut at this bound. */
#define MQTT_MAX_TOPIC_IN 256u
/* Outbound publishes held (queued, in flight, or waiting for the transport; also the engine's
 * table, 24 bytes each) and their topic + payload bytes. publish() returns false beyond either,
 * and only then. */
#define MQTT_MAX_QUEUED_MESSAGES 16u
#define MQTT_MAX_QUEUED_BYTES 4096u
/* Subscribe/unsubscribe calls awaiting their acknowledgement (a table is one call; also the
 * engine's table, 8 bytes each). The next call returns false. */
#define MQTT_MAX_PENDING_REQUESTS 32u
/* The engine's inbound QoS 2 window (a power of two; 2 bytes each): 127 ids in sequence awaiting
 * PUBREL at once (mosquitto's window is 20, EMQX's 32; mosquitto with max_inflight_messages 0
 * sends 100 queued ones back to back). Past it the oldest id is forgotten (docs/abi.md). */
#define MQTT_QOS2_WINDOW 128u
/* Filter bytes of subscribe/unsubscribe calls waiting for room in the out records (a burst of
 * them on connect): beyond, the call returns false ("send buffer full") until they went out. */
#define MQTT_MAX_DEFERRED_FILTER_BYTES 2048u
/* Bytes waiting for the transport (espconn takes one send at a time, until its sent callback).
 * subscribe()/unsubscribe() return false while this is full; publishes are bounded above. */
#define MQTT_OUT_BUFFER_BYTES 1536u
/* What the core keeps for those bytes: the engine's own (headers, acks) copied, topics and
 * payloads referenced (never copied). Sized for the worst burst, a reconnect that resends every
 * held publish (mqtt_core.c checks that at compile time). */
#define MQTT_OUT_RECORD_BYTES 960u
/* Inbound bytes given to the engine per call; events are delivered between slices, so the
 * bytes held for undelivered messages stay bounded. */
#define MQTT_RECEIVE_SLICE_BYTES 128u
/* Inbound bytes kept while the out records have no room for what they may make (their acks):
 * the core stops feeding the engine and holds the espconn receive (espconn_recv_hold) until the
 * records drain. After a hold lwIP still delivers what the receive window allowed (TCP_WND,
 * 4 x 1,460 B), on top of the rest of the segment being read (1,460 B at most): a broker that
 * sends more is dropped. Allocated as the bytes arrive, freed as they are fed. */
#define MQTT_RECEIVE_BACKLOG_BYTES (5u * 1460u)
/* A transport send not finished after this long (NodeMCU's MQTT_SEND_TIMEOUT): the broker has
 * stopped reading, and the connection is dropped with a message that says so. */
#define MQTT_SEND_STALL_MS 5000u
/* Non-message events (connect, acks, ...) queued between deliveries. */
#define MQTT_MAX_PENDING_EVENTS 16u
/* Topic filters in one subscribe/unsubscribe call (also the engine's staging table, 9 bytes each). */
#define MQTT_MAX_FILTERS 16u
/* Client id, username, password, will topic: bytes at most. */
#define MQTT_MAX_STRING 65535u
/* The engine's io buffer (layout's io, 128 at least): the last thing in its linear memory, so
 * the RAM backed is its static data plus this. Inbound bytes come in MQTT_RECEIVE_SLICE_BYTES
 * slices anyway; strings longer than it go to the engine in pieces. */
#define MQTT_ENGINE_IO_BYTES 128u
/* Default broker port, and keepalive (NodeMCU's: also when 0 is given). */
#define MQTT_DEFAULT_PORT 1883u
#define MQTT_DEFAULT_KEEPALIVE_S 60u

#endif
