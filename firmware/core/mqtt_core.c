/* mqtt_core — one MQTT client over the engine, without Lua or espconn (mqtt_core.h).
 *
 * Three buffers, allocated with the core and never grown:
 *   out    bytes for the transport, as records: the engine's own bytes (copied) and at most one
 *          blob range (referenced: payloads are never copied). One platform send at a time (a
 *          blob range is at most MQTT_MAX_QUEUED_BYTES). Inbound bytes are fed to the engine only while out has
 *          room for what they may make; the rest waits in the backlog (chunks as they came, the
 *          transport held) until sends drain out.
 *   queue  what the engine reported during a call, as records in order: events, and inbound
 *          messages assembled in place. Delivered after the call returns, never inside it.
 *   blobs  one MQTT_MALLOC block per publish (topic + payload), per string, per (un)subscribe.
 *          A call the out records cannot take now is accepted all the same (within the queue and
 *          request bounds, which are then the only ones a script meets): its blob waits, marked
 *          deferred, and goes to the engine in call order as the transport takes what waits.
 * Callbacks may call back into the core (publish, close, even free): every loop re-checks. */
#include "mqtt_core.h"

#include <string.h>

#include "mqtt_alloc.h"
#include "mqtt_engine.h"
#include "mqtt_limits.h"

/* --- blobs ---------------------------------------------------------------------------------- */

/* Inbound bytes not yet fed to the engine, in arrival order. */
typedef struct chunk {
  struct chunk *next;
  uint16_t len, at;   /* bytes, bytes already fed */
  uint8_t bytes[];
} chunk;

/* Bytes the engine names by handle. A request's filters share one block: handles
 * [handle, handle + parts), part i at part_at[i]. Freed when neither the engine, the core, nor
 * a pending send holds it. */
typedef struct blob {
  struct blob *next;
  int32_t handle;
  uint8_t parts;          /* at most MQTT_MAX_FILTERS */
  uint8_t kind;           /* BLOB_* */
  uint8_t engine_owned;
  uint8_t core_owned;
  union {
    uint32_t refs;        /* out records that will send from it */
    int32_t token;        /* while BLOB_DEFERRED: no record refers to it yet */
  };
  uint32_t len;
  uint32_t part_at[1];    /* a publish: its PUBLISH_META; a deferred request: QoS in the top bits */
} blob;

/* A publish (counted in the core's held_*); a call accepted while the out records had no room,
 * handed to the engine when they have (the core holds it); a subscribe/unsubscribe. */
enum { BLOB_PUBLISH = 1, BLOB_DEFERRED = 2, BLOB_REQUEST = 4, BLOB_SUBSCRIBE = 8 };
enum { PART_QOS_SHIFT = 28, PART_AT = 0x0fffffff };

static uint8_t *blob_bytes(blob *b) { return (uint8_t *)&b->part_at[b->parts]; }

/* --- records in out and queue ------------------------------------------------------------- */

/* out: [own_len u16][flags u8][pad] own bytes, padded to 4, then if OUT_BLOB: a blob_ref.
 * Records start 4-aligned in the allocated buffer, so heads and refs are used in place. */
enum { OUT_BLOB = 1, OUT_SEALED = 2 };
typedef struct { uint16_t own_len; uint8_t flags; uint8_t pad; } out_head;
typedef struct { int32_t handle; uint32_t offset; uint32_t len; } blob_ref;   /* offset in the whole blob */

/* queue: a head, then topic + data (messages) or codes (suback); no padding (heads are copied
 * in and out with memcpy). */
enum {
  Q_OPEN = 100,    /* open a transport (the engine's event 1) */
  Q_CLOSE,         /* close it (event 2) */
  Q_DEAD           /* a message cut off: skipped */
};
/* A message record's flags: the engine's QoS, retain, dup and overflow bits, and these. */
enum {
  MSG_TOPIC_CUT = 1,   /* the topic was longer than MQTT_MAX_TOPIC_IN: its first bytes are kept */
  MSG_DONE = 0x80      /* the last piece arrived */
};
enum { MSG_KEPT = MQTT_ENGINE_MSG_RETAIN | MQTT_ENGINE_MSG_DUP | 3 << MQTT_ENGINE_MSG_QOS_SHIFT };
typedef struct {
  uint8_t type;     /* mqtt_core_event_type or Q_* */
  uint8_t flags;    /* messages: MSG_KEPT of the engine's flags, MSG_TOPIC_CUT, overflow, MSG_DONE */
  uint16_t n;       /* topic bytes (messages), codes (suback) */
  union {
    int32_t value;  /* reason, token, session present, error code */
    uint32_t len;   /* data bytes (messages) */
  };
} queue_head;

#define ALIGN4(n) (((n) + 3u) & ~(size_t)3u)
enum { NO_PARTIAL = -1 };

/* Bound of the queue: one message assembled across slices (head, longest topic, max length),
 * the messages wholly inside one slice (a record is its packet's topic and payload plus an
 * 8-byte head, at most twice the packet: a PUBLISH has at least 4 bytes besides them), and the
 * events of one call (drops of every held publish, acks, state changes). */
static size_t queue_capacity(uint32_t max_message_length)
{
  return sizeof(queue_head) + MQTT_MAX_TOPIC_IN + max_message_length
         + 2 * MQTT_RECEIVE_SLICE_BYTES
         + sizeof(queue_head) * (MQTT_MAX_PENDING_EVENTS + MQTT_MAX_QUEUED_MESSAGES);
}

enum { LINK_NONE, LINK_OPENING, LINK_OPEN };
enum { TIMER_UNKNOWN, TIMER_OFF, TIMER_DUE };

struct mqtt_core {
  mqtt_engine *engine;
  const mqtt_core_platform *platform;   /* the caller's: it outlives the core (mqtt_core.h) */
  mqtt_core_event_fn on_event;
  void *user;
  size_t heap;                 /* bytes this core holds (mqtt_core_heap_bytes) */

  /* session settings */
  blob *strings[5];            /* client id, username, password, will topic, will message */
  uint8_t given;               /* strings handed to the engine (bit per kind) */
  uint8_t has_will, will_qos, will_retain;
  uint16_t keepalive, port;
  uint8_t clean_session, auto_reconnect, secure;
  uint32_t seed;
  char *host;

  blob *blobs;
  int32_t next_handle;
  /* publishes accepted and not yet done with (queued, in flight, or waiting for the transport),
   * and their topic + payload bytes: the documented queue bound is checked against these */
  uint16_t held_count;
  /* calls accepted while the out records had no room for them (BLOB_DEFERRED): handed to the
   * engine in call order as the transport takes what waits (the engine checked their topics
   * when they were accepted) */
  uint8_t deferred_count;
  uint8_t requests_open;       /* subscribe/unsubscribe calls accepted and not yet acknowledged */
  uint32_t held_bytes;         /* of the held publishes */
  uint32_t deferred_filter_bytes;

  /* transport */
  uint8_t link;
  uint8_t ignore_link;         /* the engine asked to close it: report nothing more */
  uint8_t close_when_flushed;
  uint8_t send_broken;         /* the platform refused a send: wait for closed */
  uint8_t in_flight;           /* a platform send not yet reported sent */
  uint8_t pumping;             /* out_pump is running (sends may be reported from inside send) */
  uint8_t out_phase;           /* head record: 0 own bytes next, 1 its blob range next */
  uint8_t out_overflow;        /* a send did not fit (or drop_link): the connection is dropped after the call */
  uint8_t *out;
  size_t out_read, out_len;
  long out_tail;               /* offset of the last record (-1: none) */
  size_t pending_bytes;        /* own + blob bytes not yet reported sent */
  uint32_t send_started;       /* when it started (MQTT_SEND_STALL_MS) */

  /* inbound bytes waiting for room in out (the transport is held meanwhile) */
  chunk *backlog;

  /* events and messages */
  uint8_t *queue;
  size_t queue_len, queue_cap;
  long partial;                /* the message record still receiving pieces */
  uint32_t max_message_length;

  /* re-entrancy */
  uint8_t depth;               /* core frames on the C stack */
  uint8_t draining;
  uint8_t doomed;              /* freed from inside a callback: free when the stack unwinds */
  uint8_t dead;                /* the engine trapped */
  uint8_t timer_dirty;
  uint8_t timer_state;         /* TIMER_UNKNOWN, TIMER_OFF, or TIMER_DUE at timer_due */
  uint8_t feeding;             /* backlog_feed is running */
  uint8_t posted;
  uint32_t timer_due;
  uint32_t clock;              /* the last `now` given to the engine */
  uint8_t connected;
  int8_t refused_part;         /* mqtt_core_refused_part() */
  char error[MQTT_ENGINE_ERROR_TEXT_BYTES];   /* any text whole */
};

static uint32_t now(mqtt_core *c);

/* Every block the core holds is counted (mqtt_core_heap_bytes); callers know their sizes. */
static void *core_alloc(mqtt_core *c, size_t size)
{
  void *block = MQTT_MALLOC(size);
  if (block) c->heap += size;
  return block;
}

static void core_free(mqtt_core *c, void *block, size_t size)
{
  if (!block) return;
  c->heap -= size;
  MQTT_FREE(block);
}

static size_t blob_size(const blob *b) { return sizeof(blob) + sizeof(uint32_t) * (b->parts - 1u) + b->len; }

/* --- blobs ---------------------------------------------------------------------------------- */

static blob *blob_new(mqtt_core *c, uint16_t parts, uint32_t len)
{
  blob *b = core_alloc(c, sizeof(blob) + sizeof(uint32_t) * (parts - 1u) + len);
  if (!b) return NULL;
  memset(b, 0, sizeof *b);
  b->parts = (uint8_t)parts;
  b->len = len;
  if (c->next_handle <= 0 || c->next_handle > 0x7fff0000 - (int32_t)parts) c->next_handle = 1;
  b->handle = c->next_handle;
  c->next_handle += parts;
  b->next = c->blobs;
  c->blobs = b;
  return b;
}

static void blob_maybe_free(mqtt_core *c, blob *b)
{
  if (!b || b->engine_owned || b->core_owned || (b->kind & BLOB_DEFERRED) || b->refs) return;
  for (blob **p = &c->blobs; *p; p = &(*p)->next) {
    if (*p == b) {
      *p = b->next;
      if (b->kind & BLOB_PUBLISH) {
        c->held_count--;
        c->held_bytes -= b->len;
      }
      core_free(c, b, blob_size(b));
      return;
    }
  }
}

/* The blob holding `handle` and where that part starts in it. */
static blob *blob_find(mqtt_core *c, int32_t handle, uint32_t *part_start, uint32_t *part_len)
{
  for (blob *b = c->blobs; b; b = b->next) {
    if (handle >= b->handle && handle - b->handle < (int32_t)b->parts) {
      uint32_t i = (uint32_t)(handle - b->handle);
      uint32_t start = b->parts > 1 ? b->part_at[i] & PART_AT : 0;
      uint32_t end = b->parts > 1 && i + 1 < b->parts ? b->part_at[i + 1] & PART_AT : b->len;
      *part_start = start;
      *part_len = end - start;
      return b;
    }
  }
  return NULL;
}

/* The blob an out record refers to (its references keep it alive). */
static blob *blob_of(mqtt_core *c, int32_t handle)
{
  blob *b = c->blobs;
  while (b->handle != handle) b = b->next;
  return b;
}

static blob *string_blob(mqtt_core *c, const void *bytes, size_t len)
{
  blob *b = blob_new(c, 1, (uint32_t)len);
  if (b && len) memcpy(blob_bytes(b), bytes, len);
  if (b) b->core_owned = 1;
  return b;
}

/* --- the transport: out records, one platform send at a time ------------------------------ */

/* When the link is gone its unread bytes mean nothing more (no unhold: the transport went too). */
static void backlog_free(mqtt_core *c)
{
  while (c->backlog) {
    chunk *k = c->backlog;
    c->backlog = k->next;
    core_free(c, k, sizeof *k + k->len);
  }
}

static out_head *head_at(const mqtt_core *c, size_t at) { return (out_head *)(void *)(c->out + at); }

/* The blob range of an OUT_BLOB record, after its own bytes. */
static blob_ref *ref_of(out_head *h) { return (blob_ref *)(void *)((uint8_t *)(h + 1) + ALIGN4(h->own_len)); }

/* A record is done with its blob range (sent, or dropped with the link). */
static void ref_done(mqtt_core *c, const blob_ref *ref)
{
  blob *b = blob_of(c, ref->handle);
  b->refs--;
  blob_maybe_free(c, b);
}

static void out_reset(mqtt_core *c)
{
  /* drop what was waiting (the transport is gone): give back the blob references */
  size_t at = c->out_read;
  while (at < c->out_len) {
    out_head *h = head_at(c, at);
    at += sizeof *h + ALIGN4(h->own_len);
    if (h->flags & OUT_BLOB) {
      ref_done(c, ref_of(h));
      at += sizeof(blob_ref);
    }
  }
  c->out_read = c->out_len = 0;
  c->out_tail = -1;
  c->out_phase = 0;
  c->timer_dirty |= c->in_flight;   /* a stall deadline is gone */
  c->in_flight = 0;
  c->pending_bytes = 0;
  backlog_free(c);
}

static void link_close(mqtt_core *c)
{
  if (c->link != LINK_NONE) {
    c->link = LINK_NONE;
    c->platform->close(c->user);
  }
  c->close_when_flushed = 0;
  c->send_broken = 0;
  out_reset(c);
}

/* Moves what waits to the front. Never while the head record is in flight: out_pump compacts
 * before each send, so a record in flight sits at 0 and there is nothing to move. */
static void out_compact(mqtt_core *c)
{
  size_t keep = c->out_len - c->out_read;
  memmove(c->out, c->out + c->out_read, keep);
  if (c->out_tail >= 0) c->out_tail -= (long)c->out_read;
  c->out_len = keep;
  c->out_read = 0;
}

/* Room for `need` more bytes at the end, compacting if that makes room. */
static int out_room(mqtt_core *c, size_t need)
{
  if (c->out_len + need <= MQTT_OUT_RECORD_BYTES) return 1;
  if (c->out_read == 0 || c->out_len - c->out_read + need > MQTT_OUT_RECORD_BYTES) return 0;
  out_compact(c);
  return 1;
}

/* The tail record if own bytes may still be added to it. */
static out_head *open_tail(mqtt_core *c)
{
  if (c->out_tail < 0) return NULL;
  out_head *h = head_at(c, (size_t)c->out_tail);
  return h->flags & (OUT_BLOB | OUT_SEALED) ? NULL : h;
}

/* Starts a record for `len` own bytes (which the caller writes after its head). */
static int out_new_record(mqtt_core *c, size_t len)
{
  c->out_len = ALIGN4(c->out_len);
  if (len > 0xffff || !out_room(c, sizeof(out_head) + len)) {
    c->out_overflow = 1;
    return 0;
  }
  c->out_tail = (long)c->out_len;
  *head_at(c, c->out_len) = (out_head){(uint16_t)len, 0, 0};
  c->out_len += sizeof(out_head);
  return 1;
}

static void out_own(mqtt_core *c, const uint8_t *bytes, size_t len)
{
  out_head *h = open_tail(c);
  if (h && h->own_len + len <= 0xffff && out_room(c, len)) {
    /* out_room may have moved the records */
    head_at(c, (size_t)c->out_tail)->own_len += (uint16_t)len;
  } else if (!out_new_record(c, len)) {
    return;
  }
  memcpy(c->out + c->out_len, bytes, len);
  c->out_len += len;
  c->pending_bytes += len;
}

static void out_blob(mqtt_core *c, blob *b, uint32_t offset, uint32_t len)
{
  if (!open_tail(c) && !out_new_record(c, 0)) return;
  size_t at = ALIGN4(c->out_len);
  if (!out_room(c, at - c->out_len + sizeof(blob_ref))) {
    c->out_overflow = 1;
    return;
  }
  at = ALIGN4(c->out_len);   /* out_room may have moved the records */
  *(blob_ref *)(void *)(c->out + at) = (blob_ref){b->handle, offset, len};
  c->out_len = at + sizeof(blob_ref);
  head_at(c, (size_t)c->out_tail)->flags |= OUT_BLOB;
  b->refs++;
  c->pending_bytes += len;
}

/* As the Node client: publish and (un)subscribe are refused while the transport has more than
 * its buffer waiting, or while the records of one more request might not fit. */
enum { OUT_RESERVE = 128 };

/* The records at their worst moment must fit, or the connection would be dropped and the same
 * resend fail again: a CONNACK with session present resends every held publish (two records:
 * header + topic, packet id + payload; 4-byte head, own bytes padded to 8 and 4, a reference)
 * after CONNECT's five records (its header padded to 20, then 2-byte lengths). */
#define OUT_RECORD(own) (sizeof(out_head) + (own) + sizeof(blob_ref))
_Static_assert(OUT_RECORD(20) + 4 * OUT_RECORD(4) + MQTT_MAX_QUEUED_MESSAGES * (OUT_RECORD(8) + OUT_RECORD(4))
                   + OUT_RESERVE <= MQTT_OUT_RECORD_BYTES,
               "MQTT_OUT_RECORD_BYTES cannot hold a resend of every held publish");
/* one espconn send (16-bit length) takes any blob range: a publish is held within the queue
 * bound, a filter is a string */
_Static_assert(MQTT_MAX_QUEUED_BYTES <= 0xffffu && MQTT_MAX_STRING <= 0xffffu, "a blob range must fit one send");
_Static_assert(sizeof(queue_head) == 8, "queue heads are 8 bytes (the queue bound counts on it)");
/* Room the queue keeps for what one more call and a later session end may report (a puback or
 * suback, then the drop of every held publish, offline, close): calls made from callbacks fill
 * the queue while it is being delivered, and beyond this they are refused rather than lost. */
#define QUEUE_RESERVE (sizeof(queue_head) * (MQTT_MAX_QUEUED_MESSAGES + 6) + MQTT_MAX_FILTERS)

/* No room for the records and reports of one more call. */
static int out_cramped(const mqtt_core *c)
{
  return c->out_len - c->out_read + OUT_RESERVE > MQTT_OUT_RECORD_BYTES
         || c->queue_len + QUEUE_RESERVE > c->queue_cap;
}

/* Requests also wait while the transport has more than its buffer waiting. Publishes do not:
 * their bytes are counted by the queue bound (held_*), which must be the one a script meets. */
static int out_full(const mqtt_core *c)
{
  return c->pending_bytes > MQTT_OUT_BUFFER_BYTES || out_cramped(c);
}

/* The head record's part went out: step to the next part. */
static void out_advance(mqtt_core *c)
{
  out_head *h = head_at(c, c->out_read);
  size_t own_end = c->out_read + sizeof *h + ALIGN4(h->own_len);
  if (c->out_phase == 0) {
    c->pending_bytes -= h->own_len;
    if (h->flags & OUT_BLOB) c->out_phase = 1;
    else c->out_read = own_end;
  } else {
    blob_ref *ref = ref_of(h);
    c->pending_bytes -= ref->len;
    c->out_read = own_end + sizeof *ref;
    c->out_phase = 0;
    ref_done(c, ref);
  }
  if (c->out_read >= c->out_len) {
    c->out_read = c->out_len = 0;
    c->out_tail = -1;
  }
}

/* Start the next platform send, if none is running. */
static void out_pump(mqtt_core *c)
{
  /* a platform may report sent (or closed) from inside send: the loop below goes on from there */
  if (c->pumping) return;
  c->pumping = 1;
  while (!c->in_flight && !c->send_broken && c->link == LINK_OPEN && c->out_read < c->out_len) {
    /* bytes in flight must not move until sent (mqtt_core.h): compact now, not while they fly */
    if (c->out_read) out_compact(c);
    out_head *h = head_at(c, 0);
    const uint8_t *bytes;
    size_t len;
    if (c->out_phase == 0) {
      h->flags |= OUT_SEALED;   /* nothing more may join bytes already on their way */
      bytes = (const uint8_t *)(h + 1);
      len = h->own_len;
    } else {
      blob_ref *ref = ref_of(h);
      bytes = blob_bytes(blob_of(c, ref->handle)) + ref->offset;
      len = ref->len;
    }
    if (len == 0) {   /* an empty part: step over it */
      out_advance(c);
      continue;
    }
    c->in_flight = 1;
    c->send_started = now(c);
    c->timer_dirty = 1;   /* the stall check needs the timer */
    if (c->platform->send(c->user, bytes, len) != 0) {
      c->in_flight = 0;
      c->send_broken = 1;
    }
  }
  c->pumping = 0;
  if (c->close_when_flushed && c->out_read >= c->out_len) link_close(c);
}

/* --- the queue ------------------------------------------------------------------------------ */

static size_t record_size(const queue_head *h)
{
  size_t body = h->type == MQTT_CORE_MESSAGE || h->type == MQTT_CORE_OVERFLOW || h->type == Q_DEAD
                    ? (size_t)h->n + h->len
                    : h->type == MQTT_CORE_SUBACK ? h->n : 0;
  return sizeof *h + body;
}

static void queue_codes(mqtt_core *c, int type, int32_t value, const uint8_t *codes, uint32_t count)
{
  size_t size = sizeof(queue_head) + count;
  if (c->queue_len + size > c->queue_cap) {
    return;   /* never expected: the bounds above hold what one call reports */
  }
  queue_head h = {.type = (uint8_t)type, .n = (uint16_t)count, .value = value};
  memcpy(c->queue + c->queue_len, &h, sizeof h);
  if (count) memcpy(c->queue + c->queue_len + sizeof h, codes, count);
  c->queue_len += size;
}

static void queue_event(mqtt_core *c, int type, int32_t value) { queue_codes(c, type, value, NULL, 0); }

/* --- engine callbacks (inside an engine call: record, never act) ---------------------------- */

static void on_send(void *user, const uint8_t *bytes, size_t len)
{
  mqtt_core *c = user;
  out_own(c, bytes, len);
}

static int on_send_blob(void *user, int32_t handle, uint32_t offset, uint32_t len)
{
  uint32_t start, part_len;
  blob *b = blob_find(user, handle, &start, &part_len);
  if (!b || offset > part_len || len > part_len - offset) return -1;
  out_blob(user, b, start + offset, len);
  return 0;
}

static void engine_released(mqtt_core *c, int32_t handle)
{
  uint32_t start, len;
  blob *b = blob_find(c, handle, &start, &len);
  if (!b) return;
  b->engine_owned = 0;
  /* a session string the engine let go of is handed over again at the next connect */
  for (int kind = 0; kind < 5; kind++) {
    if (c->strings[kind] == b) c->given &= (uint8_t)~(1u << kind);
  }
  blob_maybe_free(c, b);
}

static void on_release(void *user, int32_t handle)
{
  engine_released(user, handle);
}

/* The queue record of each engine event the core passes on (0: none). */
static const uint8_t queued_type[] = {
  [MQTT_ENGINE_EV_OPEN] = Q_OPEN, [MQTT_ENGINE_EV_CLOSE] = Q_CLOSE,
  [MQTT_ENGINE_EV_CONNECT] = MQTT_CORE_CONNECT, [MQTT_ENGINE_EV_CONNFAIL] = MQTT_CORE_CONNFAIL,
  [MQTT_ENGINE_EV_OFFLINE] = MQTT_CORE_OFFLINE, [MQTT_ENGINE_EV_PUBACK] = MQTT_CORE_PUBACK,
  [MQTT_ENGINE_EV_SUBACK] = MQTT_CORE_SUBACK, [MQTT_ENGINE_EV_UNSUBACK] = MQTT_CORE_UNSUBACK,
  [MQTT_ENGINE_EV_DROPPED] = MQTT_CORE_DROPPED, [MQTT_ENGINE_EV_PROTOCOL_ERROR] = MQTT_CORE_PROTOCOL_ERROR,
  [MQTT_ENGINE_EV_WARNING] = MQTT_CORE_WARNING,
};

static void on_engine_event(void *user, int kind, int32_t a, int32_t b, int32_t count,
                            const uint8_t *codes)
{
  mqtt_core *c = user;
  if ((unsigned)kind >= sizeof queued_type || !queued_type[kind]) return;
  switch (kind) {
    case MQTT_ENGINE_EV_CLOSE:
      c->ignore_link = 1;   /* from now on the engine has moved on: no reports about this link */
      break;
    case MQTT_ENGINE_EV_CONNFAIL:
    case MQTT_ENGINE_EV_OFFLINE:
      c->requests_open = 0;   /* the session's requests are forgotten */
      break;
    case MQTT_ENGINE_EV_PUBACK:
    case MQTT_ENGINE_EV_DROPPED:
      engine_released(c, b);
      break;
    case MQTT_ENGINE_EV_SUBACK:
    case MQTT_ENGINE_EV_UNSUBACK:
      if (c->requests_open) c->requests_open--;
      break;
  }
  if (kind != MQTT_ENGINE_EV_SUBACK) count = 0;
  else if (count > (int32_t)MQTT_MAX_FILTERS) count = MQTT_MAX_FILTERS;
  queue_codes(c, queued_type[kind], a, codes, (uint32_t)count);
}

/* Pieces are assembled in place in the queue: the topic (whole with the first call, or in
 * MQTT_ENGINE_MSG_TOPIC pieces; past MQTT_MAX_TOPIC_IN bytes the rest is cut and the message is
 * delivered as an overflow), then the payload (cut at max_message_length). A first piece while
 * another message is unfinished means the connection dropped mid-message, or a resent QoS 2
 * message was recognised after its topic came: that one is cut. */
static void on_message(void *user, const uint8_t *topic, size_t topic_len, const uint8_t *data,
                       size_t len, uint32_t total, int flags)
{
  (void)total;
  mqtt_core *c = user;
  queue_head h;
  if (flags & MQTT_ENGINE_MSG_FIRST) {
    if (c->partial != NO_PARTIAL) {
      memcpy(&h, c->queue + c->partial, sizeof h);
      if ((size_t)c->partial + sizeof h + h.n + h.len == c->queue_len) {
        c->queue_len = (size_t)c->partial;   /* at the tail: just forget it */
      } else {
        h.type = Q_DEAD;
        memcpy(c->queue + c->partial, &h, sizeof h);
      }
      c->partial = NO_PARTIAL;
    }
    if (c->queue_len + sizeof h > c->queue_cap) return;
    h = (queue_head){.type = MQTT_CORE_MESSAGE, .flags = (uint8_t)(flags & MSG_KEPT)};
    c->partial = (long)c->queue_len;
    c->queue_len += sizeof h;
  } else {
    if (c->partial == NO_PARTIAL) return;
    memcpy(&h, c->queue + c->partial, sizeof h);
    if ((size_t)c->partial + sizeof h + h.n + h.len != c->queue_len) {
      /* something was queued after it: it cannot grow in place */
      h.type = Q_DEAD;
      memcpy(c->queue + c->partial, &h, sizeof h);
      c->partial = NO_PARTIAL;
      return;
    }
  }
  if (flags & MQTT_ENGINE_MSG_TOPIC) {   /* a piece of the topic, before any payload */
    topic = data;
    topic_len = len;
    len = 0;
  }
  if (topic_len > MQTT_MAX_TOPIC_IN - h.n) {
    topic_len = MQTT_MAX_TOPIC_IN - h.n;
    h.flags |= MSG_TOPIC_CUT;
  }
  size_t room = c->max_message_length - h.len;
  if (len > room) len = room;
  if (c->queue_len + topic_len + len > c->queue_cap) {
    h.type = Q_DEAD;
    memcpy(c->queue + c->partial, &h, sizeof h);
    c->partial = NO_PARTIAL;
    return;
  }
  memcpy(c->queue + c->queue_len, topic, topic_len);
  memcpy(c->queue + c->queue_len + topic_len, data, len);
  c->queue_len += topic_len + len;
  h.n = (uint16_t)(h.n + topic_len);
  h.len += (uint32_t)len;
  if (flags & MQTT_ENGINE_MSG_LAST) {
    h.flags |= (uint8_t)((flags & MQTT_ENGINE_MSG_OVERFLOW) | MSG_DONE);
    if (h.flags & (MQTT_ENGINE_MSG_OVERFLOW | MSG_TOPIC_CUT)) h.type = MQTT_CORE_OVERFLOW;
    memcpy(c->queue + c->partial, &h, sizeof h);
    c->partial = NO_PARTIAL;
  } else {
    memcpy(c->queue + c->partial, &h, sizeof h);
  }
}

static const mqtt_engine_host engine_host = {
  on_send, NULL, on_release, on_engine_event, on_message, on_send_blob,   /* blobs by reference */
};

/* --- after each engine call ----------------------------------------------------------------- */

static uint32_t now(mqtt_core *c) { return c->clock = c->platform->now_ms(c->user); }

static void set_error(mqtt_core *c, int32_t code)
{
  mqtt_engine_error_text(c->engine, code, c->error, sizeof c->error);
}

/* Every engine call's result goes through here: a trap ends the client's use of the engine. */
static int32_t checked(mqtt_core *c, int32_t r)
{
  c->timer_dirty = 1;
  if (c->out_overflow) {
    /* bytes were lost: the stream is broken, so the connection goes and the engine resends */
    c->out_overflow = 0;
    if (c->link != LINK_NONE && !c->ignore_link) {
      link_close(c);
      int32_t t = mqtt_engine_closed(c->engine, now(c));
      if (t == MQTT_ENGINE_ETRAP) r = t;
    }
  }
  if (r == MQTT_ENGINE_ETRAP && !c->dead) {
    c->dead = 1;
    set_error(c, r);
    link_close(c);
    c->platform->arm_timer(c->user, -1);
    c->timer_state = TIMER_OFF;
    queue_event(c, MQTT_CORE_PROTOCOL_ERROR, MQTT_ENGINE_ETRAP);
    if (c->connected) queue_event(c, MQTT_CORE_OFFLINE, 0);
  }
  if (!c->in_flight && c->out_read < c->out_len) out_pump(c);
  return r;
}

_Static_assert(MQTT_SEND_STALL_MS == 5000u, "the stall text states MQTT_SEND_STALL_MS: update it with it");

static void deliver(mqtt_core *c, const queue_head *h, const uint8_t *body)
{
  mqtt_core_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = (mqtt_core_event_type)h->type;
  switch (h->type) {
    case Q_OPEN:
      link_close(c);
      c->ignore_link = 0;
      c->link = LINK_OPENING;
      c->platform->open(c->user, c->host, c->port, c->secure);
      return;
    case Q_CLOSE:
      c->connected = 0;
      if (c->link == LINK_OPEN && !c->send_broken && c->out_read < c->out_len) c->close_when_flushed = 1;
      else link_close(c);
      return;
    case MQTT_CORE_CONNECT:
      c->connected = 1;
      ev.session_present = h->value != 0;
      break;
    case MQTT_CORE_CONNFAIL: ev.reason = h->value; break;
    case MQTT_CORE_OFFLINE: c->connected = 0; break;
    case MQTT_CORE_MESSAGE:
    case MQTT_CORE_OVERFLOW:
      ev.topic = (const char *)body;
      ev.topic_len = h->n;
      ev.data = body + h->n;
      ev.data_len = h->len;
      ev.qos = (h->flags >> MQTT_ENGINE_MSG_QOS_SHIFT) & 3;
      ev.retain = (h->flags & MQTT_ENGINE_MSG_RETAIN) != 0;
      ev.dup = (h->flags & MQTT_ENGINE_MSG_DUP) != 0;
      ev.topic_cut = (h->flags & MSG_TOPIC_CUT) != 0;
      break;
    case MQTT_CORE_PUBACK:
    case MQTT_CORE_UNSUBACK:
    case MQTT_CORE_DROPPED: ev.token = h->value; break;
    case MQTT_CORE_SUBACK:
      ev.token = h->value;
      ev.codes = body;
      ev.code_count = h->n;
      break;
    case MQTT_CORE_PROTOCOL_ERROR:
    case MQTT_CORE_WARNING:
      ev.reason = h->value;
      if (h->value != MQTT_ENGINE_ETRAP) set_error(c, h->value);
      ev.text = c->error;
      break;
    case MQTT_CORE_LINK_ERROR:
      ev.reason = h->value;
      /* after "the broker " (mqtt_core.h) */
      ev.text = h->value == MQTT_CORE_LINK_STALLED ? "stopped reading for 5 s" : "overran our receive backlog";
      break;
    default: return;
  }
  c->on_event(c->user, &ev);
}

/* Deliver every finished record in order, including those callbacks add; keep the one message
 * still receiving pieces, moved to the front. */
static void hand_over_deferred(mqtt_core *c);
static void post(mqtt_core *c);

static void drain(mqtt_core *c)
{
  if (c->draining || c->doomed) return;
  c->draining = 1;
  c->posted = 0;
  for (size_t at = 0; at < c->queue_len && !c->doomed;) {
    queue_head h;
    memcpy(&h, c->queue + at, sizeof h);
    size_t next = at + record_size(&h);
    if ((long)at != c->partial && h.type != Q_DEAD) deliver(c, &h, c->queue + at + sizeof h);
    at = next;
  }
  if (!c->doomed) {
    if (c->partial != NO_PARTIAL) {
      queue_head h;
      memcpy(&h, c->queue + c->partial, sizeof h);
      size_t size = record_size(&h);
      memmove(c->queue, c->queue + c->partial, size);
      c->partial = 0;
      c->queue_len = size;
    } else {
      c->queue_len = 0;
    }
  }
  c->draining = 0;
  /* calls deferred while the event queue was short of room may go now */
  if (c->deferred_count && !c->doomed) {
    hand_over_deferred(c);
    post(c);
  }
}

static void really_free(mqtt_core *c);

/* Every entry point: enter, work, leave. Leaving the outermost frame re-arms the timer after
 * engine calls and finishes a free asked for from inside a callback. */
static void enter(mqtt_core *c) { c->depth++; }

static void leave(mqtt_core *c)
{
  if (--c->depth > 0) return;
  if (c->doomed) {
    really_free(c);
    return;
  }
  if (c->timer_dirty && !c->dead) {
    c->timer_dirty = 0;
    /* re-armed only when the deadline moved: most inbound packets leave it where it was, and
     * an os_timer disarm + arm costs more than this check */
    int32_t delay = mqtt_engine_wake_delay(c->engine);
    uint32_t due = c->clock + (uint32_t)delay;
    if (c->in_flight) {
      /* a send in flight: the timer must come by its stall deadline */
      int32_t left = (int32_t)(c->send_started + MQTT_SEND_STALL_MS - c->clock);
      if (left < 0) left = 0;
      if (delay < 0 || left < delay) {
        delay = left;
        due = c->clock + (uint32_t)left;
      }
    }
    if (delay < 0 ? c->timer_state != TIMER_OFF : c->timer_state != TIMER_DUE || due != c->timer_due) {
      c->timer_state = delay < 0 ? TIMER_OFF : TIMER_DUE;
      c->timer_due = due;
      c->platform->arm_timer(c->user, delay < 0 ? -1 : delay);
    }
  }
}

/* After an API call: what the engine reported is delivered from mqtt_core_service (or by the
 * drain already running, when the call came from a callback). */
static void post(mqtt_core *c)
{
  if (c->draining || c->posted || c->queue_len == 0 || c->doomed) return;
  if (c->partial == 0) {   /* only a message still receiving pieces: nothing to deliver */
    queue_head h;
    memcpy(&h, c->queue, sizeof h);
    if (record_size(&h) == c->queue_len) return;
  }
  c->posted = 1;
  c->platform->post(c->user);
}

/* --- public --------------------------------------------------------------------------------- */

mqtt_core *mqtt_core_new(const mqtt_core_config *config, const mqtt_core_platform *platform,
                         mqtt_core_event_fn on_event, void *user, int *error)
{
  int ignored;
  if (!error) error = &ignored;
  *error = MQTT_CORE_EINVAL;
  if (!config || !platform || !on_event || (!config->client_id && config->client_id_len)) return NULL;
  uint32_t max_len = config->max_message_length ? config->max_message_length : MQTT_DEFAULT_MAX_MESSAGE_LENGTH;
  if (max_len > MQTT_MAX_MESSAGE_LENGTH_LIMIT || config->client_id_len > MQTT_MAX_STRING
      || config->username_len > MQTT_MAX_STRING || config->password_len > MQTT_MAX_STRING) {
    return NULL;
  }
  *error = MQTT_CORE_ENOMEM;
  mqtt_core *c = MQTT_MALLOC(sizeof *c);
  if (!c) return NULL;
  memset(c, 0, sizeof *c);
  c->heap = sizeof *c;
  c->platform = platform;
  c->on_event = on_event;
  c->user = user;
  c->partial = NO_PARTIAL;
  c->out_tail = -1;
  c->refused_part = -1;
  c->max_message_length = max_len;
  c->keepalive = config->keepalive_s;
  c->clean_session = config->clean_session != 0;
  c->seed = config->random_seed;
  c->queue_cap = queue_capacity(max_len);
  c->out = core_alloc(c, MQTT_OUT_RECORD_BYTES);
  c->queue = core_alloc(c, c->queue_cap);
  c->strings[MQTT_ENGINE_CLIENT_ID] = string_blob(c, config->client_id, config->client_id_len);
  if (config->username) c->strings[MQTT_ENGINE_USERNAME] = string_blob(c, config->username, config->username_len);
  if (config->password) c->strings[MQTT_ENGINE_PASSWORD] = string_blob(c, config->password, config->password_len);
  int engine_error = 0;
  if (c->out && c->queue && c->strings[0] && (!config->username || c->strings[1])
      && (!config->password || c->strings[2])) {
    c->engine = mqtt_engine_new(&engine_host, c, &engine_error);
  }
  if (c->engine) {
    c->heap += mqtt_engine_footprint();
    if (mqtt_engine_configure(c->engine, max_len, MQTT_MAX_QUEUED_BYTES) == MQTT_ENGINE_OK) {
      *error = MQTT_CORE_OK;
      return c;
    }
    engine_error = MQTT_ENGINE_ETRAP;
  }
  if (engine_error == MQTT_ENGINE_ELOAD || engine_error == MQTT_ENGINE_ETRAP) *error = MQTT_CORE_EENGINE;
  c->depth = 1;
  c->doomed = 1;
  really_free(c);
  return NULL;
}

static void really_free(mqtt_core *c)
{
  if (c->engine) mqtt_engine_free(c->engine);
  while (c->blobs) {
    blob *b = c->blobs;
    c->blobs = b->next;
    core_free(c, b, blob_size(b));
  }
  backlog_free(c);
  core_free(c, c->out, MQTT_OUT_RECORD_BYTES);
  core_free(c, c->queue, c->queue_cap);
  core_free(c, c->host, c->host ? strlen(c->host) + 1 : 0);
  MQTT_FREE(c);
}

void mqtt_core_free(mqtt_core *core)
{
  if (!core || core->doomed) return;
  if (core->link != LINK_NONE) {
    core->link = LINK_NONE;
    core->platform->close(core->user);
  }
  core->platform->arm_timer(core->user, -1);
  if (core->depth > 0) {
    core->doomed = 1;   /* a callback frees its own client: finish when the stack unwinds */
    return;
  }
  really_free(core);
}

/* Replaces string `kind` (given to the engine at the next connect). */
static int set_string(mqtt_core *c, int kind, const void *bytes, size_t len)
{
  blob *b = string_blob(c, bytes, len);
  if (!b) return MQTT_CORE_ENOMEM;
  blob *old = c->strings[kind];
  if (old) {
    old->core_owned = 0;
    blob_maybe_free(c, old);
  }
  c->strings[kind] = b;
  c->given &= (uint8_t)~(1u << kind);
  return MQTT_CORE_OK;
}

int mqtt_core_set_will(mqtt_core *core, const mqtt_core_will *will)
{
  if (!core || core->doomed) return MQTT_CORE_EINVAL;
  if (!will || !will->topic || (!will->message && will->message_len) || will->qos < 0 || will->qos > 2
      || will->topic_len > MQTT_MAX_STRING || will->message_len > MQTT_MAX_STRING) {
    return MQTT_CORE_EINVAL;
  }
  int r = set_string(core, MQTT_ENGINE_WILL_TOPIC, will->topic, will->topic_len);
  if (r == MQTT_CORE_OK) r = set_string(core, MQTT_ENGINE_WILL_MESSAGE, will->message, will->message_len);
  if (r != MQTT_CORE_OK) return r;
  core->has_will = 1;
  core->will_qos = (uint8_t)will->qos;
  core->will_retain = will->retain != 0;
  return MQTT_CORE_OK;
}

/* The engine's verdict on an API call: its error text for refusals, EENGINE for a trap. */
static int refused(mqtt_core *c, int32_t r)
{
  c->refused_part = -1;
  if (r == MQTT_ENGINE_ETRAP || c->dead) {
    set_error(c, MQTT_ENGINE_ETRAP);
    return MQTT_CORE_EENGINE;
  }
  if (r == MQTT_ENGINE_EBUSY) return MQTT_CORE_EBUSY;
  set_error(c, r < 0 ? -r : r);
  return MQTT_CORE_EINVAL;
}

/* Hands the strings that changed since the last connect to the engine. */
static int give_strings(mqtt_core *c)
{
  for (int kind = 0; kind < 5; kind++) {
    blob *b = c->strings[kind];
    if (!b || (c->given & (1u << kind))) continue;
    b->engine_owned = 1;
    int32_t r = checked(c, mqtt_engine_field(c->engine, kind, 0, b->handle, blob_bytes(b), b->len));
    if (r != 0) {
      b->engine_owned = 0;
      int result = refused(c, r);
      c->refused_part = (int8_t)kind;
      return result;
    }
    c->given |= (uint8_t)(1u << kind);
  }
  return MQTT_CORE_OK;
}

int mqtt_core_connect(mqtt_core *core, const char *host, uint16_t port, int secure, int auto_reconnect)
{
  if (!core || core->doomed || !host) return MQTT_CORE_EINVAL;
  if (core->dead) return MQTT_CORE_EENGINE;
  enter(core);
  int result = MQTT_CORE_OK;
  int32_t r = checked(core, mqtt_engine_active(core->engine));
  if (r != 0) {
    result = r == 1 ? MQTT_CORE_EBUSY : refused(core, r);
    goto out;
  }
  size_t host_len = strlen(host);
  char *copy = core_alloc(core, host_len + 1);
  if (!copy) {
    result = MQTT_CORE_ENOMEM;
    goto out;
  }
  memcpy(copy, host, host_len + 1);
  core_free(core, core->host, core->host ? strlen(core->host) + 1 : 0);
  core->host = copy;
  core->port = port ? port : MQTT_DEFAULT_PORT;
  core->secure = secure != 0;
  core->auto_reconnect = auto_reconnect != 0;
  result = give_strings(core);
  if (result != MQTT_CORE_OK) goto out;
  uint32_t flags = (core->clean_session ? MQTT_ENGINE_CLEAN_SESSION : 0)
                   | (core->auto_reconnect ? MQTT_ENGINE_AUTO_RECONNECT : 0)
                   | (core->strings[MQTT_ENGINE_USERNAME] ? MQTT_ENGINE_HAS_USERNAME : 0)
                   | (core->strings[MQTT_ENGINE_PASSWORD] ? MQTT_ENGINE_HAS_PASSWORD : 0);
  if (core->has_will) {
    flags |= MQTT_ENGINE_WILL | (uint32_t)core->will_qos << MQTT_ENGINE_WILL_QOS_SHIFT
             | (core->will_retain ? MQTT_ENGINE_WILL_RETAIN : 0);
  }
  uint32_t t = now(core);
  uint32_t seed = core->seed ? core->seed : t ^ (uint32_t)(uintptr_t)core;
  r = checked(core, mqtt_engine_start(core->engine, core->keepalive, flags, t, seed));
  if (r != 1) result = r == 0 ? MQTT_CORE_EBUSY : refused(core, r);
out:
  post(core);
  leave(core);
  return result;
}

/* The engine's verdict on a publish topic without publishing: field() checks it as a topic and
 * then refuses the kind with E_ARG_ORDER, there being no session slot for it. */

static int32_t topic_verdict(mqtt_core *c, const char *topic, size_t len)
{
  int32_t r = checked(c, mqtt_engine_field(c->engine, MQTT_ENGINE_TOPIC, 0, 0, (const uint8_t *)topic, len));
  return r == MQTT_ENGINE_ERR_ARG_ORDER ? 0 : r == 0 ? MQTT_ENGINE_ERR_ARG_ORDER : r;
}

/* A publish blob keeps topic length, QoS and retain in its part_at[0]. */
#define PUBLISH_META(topic_len, qos, retain) ((uint32_t)(topic_len) | (uint32_t)(qos) << 16 | (uint32_t)(retain) << 18)

/* Hands publish blob `b` to the engine: MQTT_CORE_OK, or why not (the blob is gone then). */
static int hand_over(mqtt_core *c, blob *b, int32_t token)
{
  uint32_t meta = b->part_at[0], topic_len = meta & 0xffff;
  int qos = (int)(meta >> 16 & 3), retain = (int)(meta >> 18 & 1);
  b->engine_owned = 1;
  int32_t r = checked(c, mqtt_engine_publish(c->engine, b->handle, blob_bytes(b), topic_len,
                                             b->len - topic_len, qos, retain, token, now(c)));
  if (r == 1) return MQTT_CORE_OK;
  b->engine_owned = 0;
  blob_maybe_free(c, b);
  if (r == 2) {
    queue_event(c, MQTT_CORE_PUBACK, token);   /* sent and complete */
    return MQTT_CORE_OK;
  }
  if (r == 0) return mqtt_engine_active(c->engine) == 1 ? MQTT_CORE_EFULL : MQTT_CORE_ENOTCONN;
  return refused(c, r);
}

/* Stages request blob `b`'s filters (QoS in part_at's top bits) and, when `send`, sends them.
 * 0 = staged (and sent); > 0 the engine refused filter *bad; -1 not sent (not connected, or the
 * engine's requests are all pending); < -1 the engine failed. The blob is the core's again. */
static int32_t stage_request(mqtt_core *c, blob *b, int send, int32_t token, size_t *bad)
{
  int32_t r = 0;
  b->engine_owned = 1;   /* staged: the engine's until the request call returns */
  for (size_t i = 0; i < b->parts && r == 0; i++) {
    uint32_t at = b->part_at[i] & PART_AT;
    uint32_t end = i + 1 < b->parts ? b->part_at[i + 1] & PART_AT : b->len;
    r = checked(c, mqtt_engine_field(c->engine, MQTT_ENGINE_FILTER, (int)(b->part_at[i] >> PART_QOS_SHIFT),
                                     b->handle + (int32_t)i, blob_bytes(b) + at, end - at));
    *bad = i;
  }
  if (r == 0 && send) {
    r = checked(c, b->kind & BLOB_SUBSCRIBE ? mqtt_engine_subscribe(c->engine, token, now(c))
                                            : mqtt_engine_unsubscribe(c->engine, token, now(c)));
    r = r == 1 ? 0 : r == 0 ? -1 : r;
  }
  checked(c, mqtt_engine_clear_fields(c->engine));
  b->engine_owned = 0;
  return r;
}

/* No room in the out records for a request of `count` filters: a header (fixed header, packet
 * id, first length), a length and the previous QoS byte beside each filter's reference, the
 * last QoS byte; nor while the transport has more than its buffer waiting. */
static int request_cramped(const mqtt_core *c, size_t count)
{
  return out_full(c) || c->out_len - c->out_read + OUT_RECORD(12) + count * OUT_RECORD(4) + OUT_RECORD(0)
                                + OUT_RESERVE > MQTT_OUT_RECORD_BYTES;
}

/* The deferred call accepted first (handles grow with each blob; they restart at 1 only after
 * two billion). */
static blob *oldest_deferred(mqtt_core *c)
{
  blob *oldest = NULL;
  for (blob *b = c->blobs; b; b = b->next)
    if ((b->kind & BLOB_DEFERRED) && (!oldest || b->handle < oldest->handle)) oldest = b;
  return oldest;
}

/* Takes `b` off the deferred calls: its token. */
static int32_t undefer(mqtt_core *c, blob *b)
{
  int32_t token = b->token;
  b->refs = 0;
  b->kind &= (uint8_t)~BLOB_DEFERRED;
  c->deferred_count--;
  if (b->kind & BLOB_REQUEST) c->deferred_filter_bytes -= b->len;
  return token;
}

/* A deferred call that will not be made: a publish reports DROPPED, a request is forgotten (as
 * the engine forgets pending ones when a session ends). */
static void drop_deferred(mqtt_core *c, blob *b)
{
  int32_t token = undefer(c, b);
  if (b->kind & BLOB_PUBLISH) queue_event(c, MQTT_CORE_DROPPED, token);
  else if (c->requests_open) c->requests_open--;
  blob_maybe_free(c, b);
}

/* Deferred calls to the engine, in call order, while the records have room; after a session
 * ended they go too (the engine queues publishes for the next session or drops them). */
static void hand_over_deferred(mqtt_core *c)
{
  blob *b;
  while (!c->dead && (b = oldest_deferred(c)) != NULL) {
    int request = b->kind & BLOB_REQUEST;
    if (c->connected && (request ? request_cramped(c, b->parts) : out_cramped(c))) return;
    int32_t token = undefer(c, b);   /* first: the sends below count references in its place */
    if (!request) {
      if (hand_over(c, b, token) != MQTT_CORE_OK) queue_event(c, MQTT_CORE_DROPPED, token);
      continue;
    }
    size_t bad;
    if (stage_request(c, b, 1, token, &bad) != 0 && c->requests_open) c->requests_open--;
    for (size_t i = 0; i < b->parts; i++) b->part_at[i] &= PART_AT;
    blob_maybe_free(c, b);
  }
}

/* Marks `b` deferred with `token`. */
static void defer_call(mqtt_core *c, blob *b, int32_t token)
{
  b->kind |= BLOB_DEFERRED;
  b->token = token;
  c->deferred_count++;
  if (b->kind & BLOB_REQUEST) c->deferred_filter_bytes += b->len;
}

int mqtt_core_publish(mqtt_core *core, const char *topic, size_t topic_len, const uint8_t *payload,
                      size_t payload_len, int qos, int retain, int32_t token)
{
  if (!core || core->doomed || (!topic && topic_len) || (!payload && payload_len) || qos < 0 || qos > 2) {
    return MQTT_CORE_EINVAL;
  }
  if (core->dead) return MQTT_CORE_EENGINE;
  if (topic_len > MQTT_MAX_STRING || payload_len > 0x0fffffffu - topic_len) {
    static const char text[] = "topic + payload too long for one packet";
    memcpy(core->error, text, sizeof text);
    core->refused_part = -1;
    return MQTT_CORE_EINVAL;
  }
  if (core->held_count >= MQTT_MAX_QUEUED_MESSAGES) return MQTT_CORE_EQUEUED;
  if (core->held_bytes + topic_len + payload_len > MQTT_MAX_QUEUED_BYTES) return MQTT_CORE_EQUEUEDBYTES;
  /* the out records may be full (a burst after a dozen subscriptions): the publish waits in
   * the core, counted by the queue bound, so that bound is the only one a script meets */
  int defer = core->connected && (core->deferred_count || out_cramped(core));
  if (defer && core->queue_len + QUEUE_RESERVE > core->queue_cap) return MQTT_CORE_EFULL;
  enter(core);
  int result = MQTT_CORE_OK;
  int32_t verdict = defer ? topic_verdict(core, topic, topic_len) : 0;
  blob *b = verdict ? NULL : blob_new(core, 1, (uint32_t)(topic_len + payload_len));
  if (verdict) {
    result = refused(core, verdict);
  } else if (!b) {
    result = MQTT_CORE_ENOMEM;
  } else {
    b->kind = BLOB_PUBLISH;
    core->held_count++;
    core->held_bytes += b->len;
    b->part_at[0] = PUBLISH_META(topic_len, qos, retain);
    if (topic_len) memcpy(blob_bytes(b), topic, topic_len);
    if (payload_len) memcpy(blob_bytes(b) + topic_len, payload, payload_len);
    if (defer) defer_call(core, b, token);
    else result = hand_over(core, b, token);
  }
  post(core);
  leave(core);
  return result;
}

static int request(mqtt_core *c, const mqtt_core_filter *filters, size_t count, int32_t token, int sub)
{
  if (!c || c->doomed || (!filters && count)) return MQTT_CORE_EINVAL;
  if (c->dead) return MQTT_CORE_EENGINE;
  if (count == 0 || count > MQTT_MAX_FILTERS) {
    static const char text[] = "1 to 16 filters per call";
    memcpy(c->error, text, sizeof text);
    c->refused_part = -1;
    return MQTT_CORE_EINVAL;
  }
  size_t total = 0;
  for (size_t i = 0; i < count; i++) {
    if ((!filters[i].filter && filters[i].len) || filters[i].len > MQTT_MAX_STRING) return MQTT_CORE_EINVAL;
    total += filters[i].len;
  }
  if (c->connected && c->requests_open >= MQTT_MAX_PENDING_REQUESTS) return MQTT_CORE_EREQUESTS;
  /* as publishes: a request the out records cannot take now waits in the core */
  int defer = c->connected && (c->deferred_count || request_cramped(c, count));
  if (defer && (c->queue_len + QUEUE_RESERVE > c->queue_cap
                || c->deferred_filter_bytes + total > MQTT_MAX_DEFERRED_FILTER_BYTES))
    return MQTT_CORE_EFULL;
  blob *b = blob_new(c, (uint16_t)count, (uint32_t)total);
  if (!b) return MQTT_CORE_ENOMEM;
  b->kind = (uint8_t)(BLOB_REQUEST | (sub ? BLOB_SUBSCRIBE : 0));
  uint32_t at = 0;
  for (size_t i = 0; i < count; i++) {
    int qos = sub ? filters[i].qos : 0;
    if (qos < 0 || qos > 2) qos = 3;   /* the engine names the error */
    b->part_at[i] = at | (uint32_t)qos << PART_QOS_SHIFT;
    if (filters[i].len) memcpy(blob_bytes(b) + at, filters[i].filter, filters[i].len);
    at += (uint32_t)filters[i].len;
  }
  enter(c);
  int result = MQTT_CORE_OK;
  size_t bad = 0;
  int32_t r = stage_request(c, b, !defer, token, &bad);
  if (r > 0) {
    result = refused(c, r);
    c->refused_part = (int8_t)(MQTT_CORE_PART_FILTER + bad);
  } else if (r == -1) {
    result = c->connected ? MQTT_CORE_EREQUESTS : MQTT_CORE_ENOTCONN;
  } else if (r < 0) {
    result = refused(c, r);
  } else {
    c->requests_open++;
    if (defer) defer_call(c, b, token);
    else for (size_t i = 0; i < count; i++) b->part_at[i] &= PART_AT;
  }
  blob_maybe_free(c, b);
  post(c);
  leave(c);
  return result;
}

int mqtt_core_subscribe(mqtt_core *core, const mqtt_core_filter *filters, size_t count, int32_t token)
{
  return request(core, filters, count, token, 1);
}

int mqtt_core_unsubscribe(mqtt_core *core, const mqtt_core_filter *filters, size_t count, int32_t token)
{
  return request(core, filters, count, token, 0);
}

int mqtt_core_close(mqtt_core *core)
{
  if (!core || core->doomed) return MQTT_CORE_EINVAL;
  if (core->dead) return MQTT_CORE_EENGINE;
  enter(core);
  int32_t r = checked(core, mqtt_engine_close(core->engine, now(core)));
  int result = r == 1 ? MQTT_CORE_OK : r == 0 ? MQTT_CORE_ENOTCONN : refused(core, r);
  /* close() drops every held publish: the deferred ones after the engine's, in call order */
  for (blob *b; (b = oldest_deferred(core)) != NULL;) drop_deferred(core, b);
  core->requests_open = 0;
  post(core);
  leave(core);
  return result;
}

int mqtt_core_active(const mqtt_core *core)
{
  if (!core || core->doomed || core->dead) return 0;
  /* the engine's own answer (a query: it changes nothing) */
  return mqtt_engine_active(((mqtt_core *)core)->engine) == 1;
}

int mqtt_core_connected(const mqtt_core *core)
{
  return core && !core->doomed && core->connected;
}

/* --- platform -> core ---------------------------------------------------------------------- */

/* Platform reports about a link the engine still cares about. */
static int link_live(const mqtt_core *c)
{
  return !c->doomed && !c->dead && !c->ignore_link;
}

void mqtt_core_transport_opened(mqtt_core *core)
{
  if (!core || core->link != LINK_OPENING || !link_live(core)) return;
  enter(core);
  core->link = LINK_OPEN;
  checked(core, mqtt_engine_opened(core->engine, now(core)));
  drain(core);
  leave(core);
}

/* The transport is gone: failed before it opened (reason), or closed (reason 0). */
static void link_gone(mqtt_core *c, int reason)
{
  if (!c || c->link == LINK_NONE) return;
  /* closed while opening counts as refused (docs/abi.md) */
  if (c->link == LINK_OPENING && reason == 0) reason = MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND;
  c->link = LINK_NONE;   /* gone already: link_close only resets */
  link_close(c);
  if (!link_live(c)) return;
  enter(c);
  checked(c, reason ? mqtt_engine_failed(c->engine, reason, now(c)) : mqtt_engine_closed(c->engine, now(c)));
  hand_over_deferred(c);
  drain(c);
  leave(c);
}

void mqtt_core_transport_failed(mqtt_core *core, int reason)
{
  link_gone(core, reason ? reason : MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND);
}

/* The most one slice can add to out: an ack per 4 inbound bytes at worst (PUBREL -> PUBCOMP)
 * in one new record (head, alignment). Slices are fed only while that fits beside the reserve
 * kept for timers and API calls, so acks never overflow out. */
#define SLICE_OUT_BYTES (sizeof(out_head) + 3u + MQTT_RECEIVE_SLICE_BYTES)
_Static_assert(OUT_RESERVE + 2 * SLICE_OUT_BYTES <= MQTT_OUT_RECORD_BYTES,
               "MQTT_OUT_RECORD_BYTES leaves no room to feed inbound bytes");

static int feeding_allowed(const mqtt_core *c)
{
  return c->link == LINK_OPEN && link_live(c)
         && c->out_len - c->out_read + OUT_RESERVE + SLICE_OUT_BYTES <= MQTT_OUT_RECORD_BYTES;
}

/* Feeds the engine a slice at a time, delivering between slices (what waits for delivery stays
 * bounded), while out has room for what a slice may make. Returns the bytes taken. */
static size_t feed(mqtt_core *c, const uint8_t *bytes, size_t len)
{
  size_t at = 0;
  while (at < len && feeding_allowed(c)) {
    size_t n = len - at < MQTT_RECEIVE_SLICE_BYTES ? len - at : MQTT_RECEIVE_SLICE_BYTES;
    checked(c, mqtt_engine_received(c->engine, bytes + at, n, now(c)));
    drain(c);
    at += n;
  }
  return at;
}

/* The core drops the connection itself (its reason comes as MQTT_CORE_LINK_ERROR); the engine
 * hears it closed, as if the broker had closed it, and reconnects if asked to. */
static void drop_link(mqtt_core *c, int32_t why)
{
  queue_event(c, MQTT_CORE_LINK_ERROR, why);
  c->out_overflow = 1;   /* checked() closes the link and tells the engine */
}

/* Keeps bytes the engine cannot take now, and holds the transport. */
static void backlog_add(mqtt_core *c, const uint8_t *bytes, size_t len)
{
  size_t total = len;
  chunk **end = &c->backlog;   /* a few chunks at most: walk to the end, counting */
  for (; *end; end = &(*end)->next) total += (*end)->len;
  chunk *k = total > MQTT_RECEIVE_BACKLOG_BYTES ? NULL : core_alloc(c, sizeof *k + len);
  if (!k) {   /* past the bound, or no memory for it */
    drop_link(c, MQTT_CORE_LINK_OVERRUN);
    return;
  }
  k->next = NULL;
  k->len = (uint16_t)len;
  k->at = 0;
  memcpy(k->bytes, bytes, len);
  if (!c->backlog) c->platform->hold(c->user, 1);   /* the first: hold */
  *end = k;
}

/* Feeds what waits, as far as out has room; resumes the transport once all is fed. */
static void backlog_feed(mqtt_core *c)
{
  if (c->feeding || !c->backlog) return;
  c->feeding = 1;
  while (c->backlog) {
    chunk *k = c->backlog;
    size_t n = feed(c, k->bytes + k->at, k->len - k->at);
    if (!c->backlog) break;       /* the link went (its chunks were freed): nothing to resume */
    k->at = (uint16_t)(k->at + n);
    if (k->at < k->len) break;    /* no room: wait for a send */
    c->backlog = k->next;
    core_free(c, k, sizeof *k + k->len);
  }
  c->feeding = 0;
  if (!c->backlog) c->platform->hold(c->user, 0);
}

void mqtt_core_transport_received(mqtt_core *core, const uint8_t *bytes, size_t len)
{
  if (!core || core->link != LINK_OPEN || !link_live(core)) return;
  enter(core);
  /* bytes already waiting go first */
  size_t taken = core->backlog ? 0 : feed(core, bytes, len);
  if (taken < len && core->link == LINK_OPEN && link_live(core)) backlog_add(core, bytes + taken, len - taken);
  checked(core, 0);   /* a link dropped for an overrun goes now */
  drain(core);
  leave(core);
}

void mqtt_core_transport_sent(mqtt_core *core)
{
  if (!core || !core->in_flight || core->doomed) return;
  enter(core);
  core->in_flight = 0;
  core->timer_dirty = 1;   /* its stall deadline is gone */
  out_advance(core);
  out_pump(core);
  backlog_feed(core);   /* acks of what was held back first: they keep the link going */
  if (core->deferred_count) {
    hand_over_deferred(core);
    post(core);
  }
  leave(core);
}

void mqtt_core_transport_closed(mqtt_core *core)
{
  link_gone(core, 0);
}

void mqtt_core_timer(mqtt_core *core)
{
  if (!core || core->doomed || core->dead) return;
  core->timer_state = TIMER_UNKNOWN;   /* it fired: whatever comes next must be armed */
  enter(core);
  uint32_t t = now(core);
  if (core->in_flight && t - core->send_started >= MQTT_SEND_STALL_MS) drop_link(core, MQTT_CORE_LINK_STALLED);
  checked(core, mqtt_engine_tick(core->engine, t));
  drain(core);
  leave(core);
}

void mqtt_core_service(mqtt_core *core)
{
  if (!core || core->doomed) return;
  enter(core);
  drain(core);
  leave(core);
}

const char *mqtt_core_strerror(int error)
{
  switch (error) {
    case MQTT_CORE_OK: return "no error";
    case MQTT_CORE_ENOMEM: return "out of memory";
    case MQTT_CORE_EBUSY: return "already connecting or connected: close() first";
    case MQTT_CORE_ENOTCONN: return "not connected: wait for the connect callback";
    case MQTT_CORE_EFULL:
      return "send buffer full: retry once the broker has acknowledged what waits (a puback, suback or unsuback)";
    case MQTT_CORE_EQUEUED: return "queue full: %d messages held; retry after a puback";
    case MQTT_CORE_EQUEUEDBYTES:
      return "queue full: the held messages would pass %d bytes (topic + payload); retry after a puback";
    case MQTT_CORE_EREQUESTS:
      return "%d subscribe/unsubscribe calls await their acknowledgement; retry after a suback or unsuback";
    case MQTT_CORE_EINVAL: return "invalid argument";
    case MQTT_CORE_EENGINE: return "the MQTT engine failed: make a new client";
    default: return "unknown error";
  }
}

int mqtt_core_error_bound(int error)
{
  return (int)(error == MQTT_CORE_EQUEUED ? MQTT_MAX_QUEUED_MESSAGES
               : error == MQTT_CORE_EQUEUEDBYTES ? MQTT_MAX_QUEUED_BYTES : MQTT_MAX_PENDING_REQUESTS);
}

const char *mqtt_core_last_error(const mqtt_core *core)
{
  return core ? core->error : "";
}

int mqtt_core_refused_part(const mqtt_core *core)
{
  return core ? core->refused_part : -1;
}

size_t mqtt_core_heap_bytes(const mqtt_core *core)
{
  return core ? core->heap : 0;
}
