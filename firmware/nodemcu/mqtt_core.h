/* mqtt_core — one MQTT client without Lua and without espconn: the engine (firmware/engine),
 * the blobs it asks for, the output buffer, inbound message assembly and the event queue.
 * The Lua binding (mqtt.c) puts Lua and espconn around it; the lx106 session program
 * (firmware/lx106/session.c) puts scripted broker bytes around it.
 *
 * Below it, a platform: a transport that takes one send at a time, one timer, a clock and a
 * way to run the core "soon" (NodeMCU's task posting). Above it, one event callback.
 *
 * Events reach the callback only from mqtt_core_service() and from the calls that feed the
 * engine (mqtt_core_transport_*), never from inside an engine call: so the callback may call
 * back into the core (publish from a message callback, close from any callback). */
#ifndef MQTT_CORE_H
#define MQTT_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mqtt_core mqtt_core;

typedef struct {
  /* Open a TCP (secure: TLS) connection. Report the outcome later with
   * mqtt_core_transport_opened() or mqtt_core_transport_failed(). */
  void (*open)(void *user, const char *host, uint16_t port, int secure);
  /* Write bytes. They stay valid and unchanged until mqtt_core_transport_sent() or close(), so
   * the platform need not copy them (espconn_send does not). 0 = taken: call
   * mqtt_core_transport_sent() when they have gone out; nonzero = the transport is gone (the
   * core waits for closed/failed). The core never calls send again before sent. */
  int (*send)(void *user, const uint8_t *bytes, size_t len);
  /* Close the transport; report nothing more about it. */
  void (*close)(void *user);
  /* Call mqtt_core_timer() after delay_ms; -1 disarms. One timer per core, re-armed freely. */
  void (*arm_timer)(void *user, int32_t delay_ms);
  /* Milliseconds on a monotonic clock (wraps at 2^32). */
  uint32_t (*now_ms)(void *user);
  /* Call mqtt_core_service() soon, from the main loop (task_post). */
  void (*post)(void *user);
  /* 1: stop taking inbound bytes for now (espconn_recv_hold); 0: resume. Bytes that still come
   * are kept (MQTT_RECEIVE_BACKLOG_BYTES). A platform that cannot hold does nothing. */
  void (*hold)(void *user, int hold);
} mqtt_core_platform;

typedef enum {
  MQTT_CORE_CONNECT = 1,   /* session_present */
  MQTT_CORE_CONNFAIL,      /* reason: -5..-1, 1..5 (the seed's codes) */
  MQTT_CORE_OFFLINE,
  MQTT_CORE_MESSAGE,       /* topic, data (whole payload), qos, retain, dup */
  MQTT_CORE_OVERFLOW,      /* like MESSAGE, data = the first max_message_length bytes */
  MQTT_CORE_PUBACK,        /* token: QoS 1 PUBACK, QoS 2 PUBCOMP, QoS 0 handed to transport */
  MQTT_CORE_SUBACK,        /* token, codes/code_count (granted QoS or 0x80) */
  MQTT_CORE_UNSUBACK,      /* token */
  MQTT_CORE_DROPPED,       /* token: a publish that will never complete (close, clean session) */
  MQTT_CORE_PROTOCOL_ERROR, /* reason = engine error code, text */
  MQTT_CORE_WARNING,       /* reason = engine error code, text: e.g. PUBACK for QoS 2; goes on */
  MQTT_CORE_LINK_ERROR      /* reason = MQTT_CORE_LINK_*, text: what the broker did ("the broker
                            * " + text), so the core dropped the connection */
} mqtt_core_event_type;

/* Why the core dropped a connection (MQTT_CORE_LINK_ERROR). */
enum {
  MQTT_CORE_LINK_STALLED = 1,   /* a send made no progress for MQTT_SEND_STALL_MS */
  MQTT_CORE_LINK_OVERRUN = 2    /* inbound bytes past MQTT_RECEIVE_BACKLOG_BYTES (or the heap) */
};

typedef struct {
  mqtt_core_event_type type;
  int32_t reason;
  int32_t token;
  int session_present;
  const char *topic;        /* not NUL-terminated */
  size_t topic_len;
  const uint8_t *data;
  size_t data_len;
  int qos, retain, dup;
  int topic_cut;            /* overflow: the topic was longer than MQTT_MAX_TOPIC_IN (its first bytes) */
  const uint8_t *codes;
  size_t code_count;
  const char *text;         /* NUL-terminated, protocol and link errors, warnings */
} mqtt_core_event;

/* Pointers in the event are valid only during the callback. */
typedef void (*mqtt_core_event_fn)(void *user, const mqtt_core_event *event);

typedef struct {
  const char *client_id; size_t client_id_len;
  const char *username; size_t username_len;      /* NULL = none */
  const char *password; size_t password_len;      /* NULL = none */
  uint16_t keepalive_s;
  int clean_session;
  uint32_t max_message_length;                    /* 0 = MQTT_DEFAULT_MAX_MESSAGE_LENGTH */
  uint32_t random_seed;                           /* reconnect jitter; 0 = from the clock */
} mqtt_core_config;

typedef struct {
  const char *topic; size_t topic_len;
  const uint8_t *message; size_t message_len;
  int qos, retain;
} mqtt_core_will;

/* Results of core calls that can fail: 0 ok, else one of these. mqtt_core_strerror() gives a
 * sentence saying what was wrong and what to do. */
enum {
  MQTT_CORE_OK = 0,
  MQTT_CORE_ENOMEM = -1,       /* heap exhausted */
  MQTT_CORE_EBUSY = -2,        /* a session already runs (connect twice) */
  MQTT_CORE_ENOTCONN = -3,     /* no session: connect first */
  MQTT_CORE_EFULL = -4,        /* output buffer full: retry after puback/offline */
  MQTT_CORE_EINVAL = -5,       /* a string the engine refuses (text in mqtt_core_last_error) */
  MQTT_CORE_EENGINE = -6,      /* the engine failed (trap): the client must be closed */
  MQTT_CORE_EQUEUED = -7,      /* MQTT_MAX_QUEUED_MESSAGES publishes held */
  MQTT_CORE_EQUEUEDBYTES = -8, /* MQTT_MAX_QUEUED_BYTES would be passed */
  MQTT_CORE_EREQUESTS = -9     /* MQTT_MAX_PENDING_REQUESTS requests await acknowledgement */
};

mqtt_core *mqtt_core_new(const mqtt_core_config *config, const mqtt_core_platform *platform,
                         mqtt_core_event_fn on_event, void *user, int *error);
/* Ends any session (as close) and frees everything; no events after this. */
void mqtt_core_free(mqtt_core *core);

int mqtt_core_set_will(mqtt_core *core, const mqtt_core_will *will);
/* Starts a session: copies host, asks the platform to open. */
int mqtt_core_connect(mqtt_core *core, const char *host, uint16_t port, int secure,
                      int auto_reconnect);
/* Copies topic + payload; token comes back with PUBACK or DROPPED. */
int mqtt_core_publish(mqtt_core *core, const char *topic, size_t topic_len, const uint8_t *payload,
                      size_t payload_len, int qos, int retain, int32_t token);
typedef struct { const char *filter; size_t len; int qos; } mqtt_core_filter;
int mqtt_core_subscribe(mqtt_core *core, const mqtt_core_filter *filters, size_t count,
                        int32_t token);
int mqtt_core_unsubscribe(mqtt_core *core, const mqtt_core_filter *filters, size_t count,
                          int32_t token);
/* DISCONNECT if connected; every held publish comes back as DROPPED; no reconnect. */
int mqtt_core_close(mqtt_core *core);
/* 1 while a session runs (connecting, connected or waiting to reconnect). */
int mqtt_core_active(const mqtt_core *core);
int mqtt_core_connected(const mqtt_core *core);

/* Platform -> core. */
void mqtt_core_transport_opened(mqtt_core *core);
void mqtt_core_transport_failed(mqtt_core *core, int reason);   /* -5 refused, -3 DNS */
void mqtt_core_transport_received(mqtt_core *core, const uint8_t *bytes, size_t len);
void mqtt_core_transport_sent(mqtt_core *core);
void mqtt_core_transport_closed(mqtt_core *core);
void mqtt_core_timer(mqtt_core *core);
void mqtt_core_service(mqtt_core *core);

/* The texts of EQUEUED, EQUEUEDBYTES and EREQUESTS have a %d: mqtt_core_error_bound() fills it. */
const char *mqtt_core_strerror(int error);
int mqtt_core_error_bound(int error);
/* The engine's text for the last MQTT_CORE_EINVAL / EENGINE of this core. */
const char *mqtt_core_last_error(const mqtt_core *core);
/* What that refusal was about: a session string the engine refused at connect (its kind in
 * mqtt_engine.h: 0 client id, 1 username, 2 password, 3 will topic, 4 will message), filter i of
 * a subscribe/unsubscribe call (MQTT_CORE_PART_FILTER + i), or -1 (nothing in particular). */
enum { MQTT_CORE_PART_FILTER = 16 };
int mqtt_core_refused_part(const mqtt_core *core);

/* Heap bytes this core holds now (core, engine, blobs, buffers): for node.heap-style checks and
 * the lx106 budget report. */
size_t mqtt_core_heap_bytes(const mqtt_core *core);

#ifdef __cplusplus
}
#endif
#endif
