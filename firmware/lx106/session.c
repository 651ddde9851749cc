/* The session runner (session.h): a script drives one mqtt_core through a scripted platform;
 * each step prints what went out, the events, and the transport actions. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "mqtt_core.h"
#include "mqtt_engine.h"
#include "mqtt_limits.h"
#include "out.h"
#include "platform.h"

/* --- counting allocator: live and peak bytes the client asked for ---------------------------- */

static size_t heap_live, heap_peak;
enum { BLOCK_HEAD = 8 };   /* keeps blocks 8-byte aligned (the interpreter's arena needs it) */

void *session_malloc(size_t size)
{
  uint8_t *block = malloc(BLOCK_HEAD + size);
  if (!block) return NULL;
  memcpy(block, &size, sizeof size);
  heap_live += size;
  if (heap_live > heap_peak) heap_peak = heap_live;
  return block + BLOCK_HEAD;
}

void session_free(void *p)
{
  if (!p) return;
  uint8_t *block = (uint8_t *)p - BLOCK_HEAD;
  size_t size;
  memcpy(&size, block, sizeof size);
  heap_live -= size;
  free(block);
}

/* --- the scripted platform ------------------------------------------------------------------ */

enum { LINE_MAX = 1024, LINK_LOG = 128 };

static struct {
  mqtt_core *core;
  uint32_t clock;
  int32_t timer_at;   /* -1: disarmed */
  uint8_t timer_armed, in_flight, posted;
  uint8_t out[4096];       /* bytes sent during this step */
  uint32_t out_count;
  char link[LINK_LOG];     /* the transport actions of this step */
  size_t link_len;
  uint32_t measured;
} s;

static void link_note(const char *text)
{
  size_t n = strlen(text);
  if (s.link_len + n + 1 < sizeof s.link) {
    memcpy(s.link + s.link_len, text, n);
    s.link_len += n;
    s.link[s.link_len++] = '\n';
  }
}

static void out_hex_bytes(const uint8_t *bytes, size_t len)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    char pair[2] = {digits[bytes[i] >> 4], digits[bytes[i] & 15]};
    out_bytes(pair, 2);
  }
}

static void p_open(void *user, const char *host, uint16_t port, int secure)
{
  (void)user;
  char text[LINE_MAX];
  size_t n = strlen(host);
  if (n > 200) n = 200;
  memcpy(text, "link open ", 10);
  memcpy(text + 10, host, n);
  char *at = text + 10 + n;
  *at++ = ':';
  char digits[6];
  int d = 0;
  do digits[d++] = (char)('0' + port % 10); while (port /= 10);
  while (d) *at++ = digits[--d];
  if (secure) memcpy(at, " tls", 4), at += 4;
  *at = 0;
  link_note(text);
}

static int p_send(void *user, const uint8_t *bytes, size_t len)
{
  (void)user;
  for (size_t i = 0; i < len; i++) {
    if (s.out_count < sizeof s.out) s.out[s.out_count] = bytes[i];
    s.out_count++;
  }
  s.in_flight = 1;
  return 0;
}

static void p_close(void *user)
{
  (void)user;
  s.in_flight = 0;
  link_note("link close");
}

static void p_arm(void *user, int32_t delay)
{
  (void)user;
  s.timer_at = delay < 0 ? -1 : (int32_t)(s.clock + (uint32_t)delay);
}

static uint32_t p_now(void *user) { (void)user; return s.clock; }
static void p_post(void *user) { (void)user; s.posted = 1; }

static void p_hold(void *user, int hold) { (void)user; (void)hold; }   /* sends finish between steps */

static const mqtt_core_platform platform = {p_open, p_send, p_close, p_arm, p_now, p_post, p_hold};

/* A step's transcript: its events as they come, then every byte it sent, then the transport
 * actions (the order of sends against events depends on how many sends a transport takes at
 * once, which is the platform's business, not the client's). */
static void end_step(void)
{
  if (s.out_count) {
    out_str("out ");
    out_hex_bytes(s.out, s.out_count < sizeof s.out ? s.out_count : sizeof s.out);
    if (s.out_count > sizeof s.out) out_str(" (cut)");
    out_str("\n");
    s.out_count = 0;
  }
  if (s.link_len) out_bytes(s.link, s.link_len), s.link_len = 0;
}

static void print_event(const mqtt_core_event *ev)
{
  out_str("ev ");
  switch (ev->type) {
    case MQTT_CORE_CONNECT: out_str(ev->session_present ? "connect sp=1" : "connect sp=0"); break;
    case MQTT_CORE_CONNFAIL: out_str("connfail "); out_i64(ev->reason); break;
    case MQTT_CORE_OFFLINE: out_str("offline"); break;
    case MQTT_CORE_MESSAGE:
    case MQTT_CORE_OVERFLOW:
      out_str("message ");
      out_bytes(ev->topic, ev->topic_len);
      out_str(" ");
      out_hex_bytes(ev->data, ev->data_len);
      out_str(" q");
      out_u64((uint64_t)ev->qos);
      out_str(ev->retain ? " r1" : " r0");
      if (ev->type == MQTT_CORE_OVERFLOW) out_str(" overflow");
      break;
    case MQTT_CORE_PUBACK: out_str("puback "); out_i64(ev->token); break;
    case MQTT_CORE_SUBACK:
      out_str("suback ");
      out_i64(ev->token);
      for (size_t i = 0; i < ev->code_count; i++) {
        out_str(" ");
        out_u64(ev->codes[i]);
      }
      break;
    case MQTT_CORE_UNSUBACK: out_str("unsuback "); out_i64(ev->token); break;
    case MQTT_CORE_DROPPED: out_str("dropped "); out_i64(ev->token); break;
    case MQTT_CORE_PROTOCOL_ERROR:
    case MQTT_CORE_WARNING:
    case MQTT_CORE_LINK_ERROR:
      out_str(ev->type == MQTT_CORE_WARNING ? "warning " : ev->type == MQTT_CORE_LINK_ERROR ? "link error " : "error ");
      out_i64(ev->reason);
      out_str(" ");
      out_str(ev->text);
      break;
  }
  out_str("\n");
}

/* In a measured step the callback only keeps a copy of the message (what a Lua binding would
 * do at least): printing it is the session's business, not the client's cost. */
static struct {
  uint8_t active, have;
  mqtt_core_event ev;
  uint8_t bytes[MQTT_MAX_TOPIC_IN + 1024];
} kept;

static void on_event(void *user, const mqtt_core_event *ev)
{
  (void)user;
  if (kept.active && !kept.have && ev->topic_len + ev->data_len <= sizeof kept.bytes) {
    kept.have = 1;
    kept.ev = *ev;
    memcpy(kept.bytes, ev->topic, ev->topic_len);
    memcpy(kept.bytes + ev->topic_len, ev->data, ev->data_len);
    kept.ev.topic = (const char *)kept.bytes;
    kept.ev.data = kept.bytes + ev->topic_len;
    return;
  }
  print_event(ev);
}

/* The platform's part between steps: report sends done, run posted work. */
static void settle(void)
{
  while (s.core) {
    if (s.in_flight) {
      s.in_flight = 0;
      mqtt_core_transport_sent(s.core);
    } else if (s.posted) {
      s.posted = 0;
      mqtt_core_service(s.core);
    } else {
      return;
    }
  }
}

/* --- script parsing ------------------------------------------------------------------------- */

typedef struct {
  const char *p;
  size_t n;
} token;

static int next_token(const char **at, const char *end, token *t)
{
  while (*at < end && **at == ' ') (*at)++;
  if (*at >= end) return 0;
  t->p = *at;
  while (*at < end && **at != ' ') (*at)++;
  t->n = (size_t)(*at - t->p);
  return 1;
}

static int32_t number(const token *t)
{
  int32_t sign = 1, value = 0;
  size_t i = 0;
  if (t->n && t->p[0] == '-') sign = -1, i = 1;
  for (; i < t->n; i++) value = value * 10 + (t->p[i] - '0');
  return sign * value;
}

static int hex_digit(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0;
}

/* Bytes of a HEX token or a PAYLOAD token (text, "-", x:HEX) into buf. */
static size_t bytes_of(const token *t, uint8_t *buf, size_t size, int payload)
{
  const char *p = t->p;
  size_t n = t->n;
  if (payload) {
    if (n == 1 && p[0] == '-') return 0;
    if (!(n >= 2 && p[0] == 'x' && p[1] == ':')) {
      if (n > size) n = size;
      memcpy(buf, p, n);
      return n;
    }
    p += 2, n -= 2;
  }
  size_t len = 0;
  for (size_t i = 0; i + 1 < n && len < size; i += 2) buf[len++] = (uint8_t)(hex_digit(p[i]) << 4 | hex_digit(p[i + 1]));
  return len;
}

static int is(const token *t, const char *word)
{
  return t->n == strlen(word) && memcmp(t->p, word, t->n) == 0;
}

static void result(int r)
{
  out_str(r == MQTT_CORE_OK ? "= true\n" : r == MQTT_CORE_EINVAL ? "= error\n" : "= false\n");
}

static void advance(uint32_t ms)
{
  uint32_t end = s.clock + ms;
  while (s.core && s.timer_at >= 0 && (uint32_t)s.timer_at - s.clock <= end - s.clock) {
    s.clock = (uint32_t)s.timer_at;
    s.timer_at = -1;
    mqtt_core_timer(s.core);
    settle();
  }
  s.clock = end;
}

static uint8_t scratch[2048];
static char strings[4][LINE_MAX];

static char *string_of(int slot, const token *t)
{
  size_t n = t->n < LINE_MAX - 1 ? t->n : LINE_MAX - 1;
  memcpy(strings[slot], t->p, n);
  strings[slot][n] = 0;
  return strings[slot];
}

static void run_step(const char *line, const char *end)
{
  /* static: the stack figure is the client's, not the script reader's */
  static token cmd, a[40];
  static mqtt_core_filter filters[16];
  const char *at = line;
  if (!next_token(&at, end, &cmd)) return;
  int argc = 0;
  while (argc < 40 && next_token(&at, end, &a[argc])) argc++;
  if (is(&cmd, "client")) {
    static mqtt_core_config config;
    memset(&config, 0, sizeof config);
    config.client_id = string_of(0, &a[0]);
    config.client_id_len = a[0].n;
    config.keepalive_s = (uint16_t)number(&a[1]);
    config.clean_session = number(&a[2]);
    config.max_message_length = (uint32_t)number(&a[3]);
    config.random_seed = (uint32_t)number(&a[4]);
    if (argc >= 7 && !is(&a[5], "-")) config.username = string_of(1, &a[5]), config.username_len = a[5].n;
    if (argc >= 7 && !is(&a[6], "-")) config.password = string_of(2, &a[6]), config.password_len = a[6].n;
    int error = 0;
    s.core = mqtt_core_new(&config, &platform, on_event, 0, &error);
    if (!s.core) {
      out_str("= error\n");
    }
  } else if (!s.core) {
    out_str("no client\n");
  } else if (is(&cmd, "will")) {
    mqtt_core_will will = {string_of(0, &a[0]), a[0].n, 0, 0, number(&a[1]), number(&a[2])};
    will.message_len = bytes_of(&a[3], scratch, sizeof scratch, 1);
    will.message = scratch;
    result(mqtt_core_set_will(s.core, &will));
  } else if (is(&cmd, "connect")) {
    result(mqtt_core_connect(s.core, string_of(0, &a[0]), (uint16_t)number(&a[1]), number(&a[2]), number(&a[3])));
  } else if (is(&cmd, "opened")) {
    mqtt_core_transport_opened(s.core);
  } else if (is(&cmd, "failed")) {
    mqtt_core_transport_failed(s.core, number(&a[0]));
  } else if (is(&cmd, "closed")) {
    mqtt_core_transport_closed(s.core);
  } else if (is(&cmd, "in") || is(&cmd, "measure")) {
    size_t n = bytes_of(&a[0], scratch, sizeof scratch, 0);
    int measured = is(&cmd, "measure");
    kept.active = (uint8_t)measured;
    if (measured) bench_begin();
    mqtt_core_transport_received(s.core, scratch, n);
    if (measured) bench_end(), s.measured++;
    kept.active = 0;
    if (kept.have) print_event(&kept.ev), kept.have = 0;
  } else if (is(&cmd, "time")) {
    advance((uint32_t)number(&a[0]));
  } else if (is(&cmd, "publish")) {
    size_t n = bytes_of(&a[4], scratch, sizeof scratch, 1);
    result(mqtt_core_publish(s.core, a[0].p, a[0].n, scratch, n, number(&a[1]), number(&a[2]), number(&a[3])));
  } else if (is(&cmd, "subscribe") || is(&cmd, "unsubscribe")) {
    int sub = is(&cmd, "subscribe");
    size_t count = 0;
    for (int i = 1; i < argc && count < 16; i += sub ? 2 : 1) {
      filters[count].filter = a[i].p;
      filters[count].len = a[i].n;
      filters[count].qos = sub && i + 1 < argc ? number(&a[i + 1]) : 0;
      count++;
    }
    int32_t tok = number(&a[0]);
    result(sub ? mqtt_core_subscribe(s.core, filters, count, tok) : mqtt_core_unsubscribe(s.core, filters, count, tok));
  } else if (is(&cmd, "close")) {
    result(mqtt_core_close(s.core));
  } else if (is(&cmd, "free")) {
    mqtt_core_free(s.core);
    s.core = 0;
  } else if (is(&cmd, "heap")) {
    out_str("# heap now ");
    out_u64(heap_live);
    out_str(" core ");
    out_u64(mqtt_core_heap_bytes(s.core));
    out_str(" engine ");
    out_u64(mqtt_engine_footprint());
    out_str(" linear ");
    out_u64(mqtt_engine_memory_bytes);
    out_str("\n");
  } else {
    out_str("unknown step\n");
  }
}

int session_main(const uint8_t *blob, size_t length)
{
  uint32_t magic = (uint32_t)blob[0] | (uint32_t)blob[1] << 8 | (uint32_t)blob[2] << 16 | (uint32_t)blob[3] << 24;
  uint32_t size = (uint32_t)blob[4] | (uint32_t)blob[5] << 8 | (uint32_t)blob[6] << 16 | (uint32_t)blob[7] << 24;
  if (length < 8 || magic != SESSION_MAGIC || size > length - 8) {
    out_str("session: not a session script (WSS1 blob)\n");
    out_flush();
    return 2;
  }
  const char *text = (const char *)blob + 8, *end = text + size;
  s.timer_at = -1;
  stack_paint();
  while (text < end) {
    const char *eol = text;
    while (eol < end && *eol != '\n') eol++;
    if (eol > text && *text != '#') {
      out_str("> ");
      out_bytes(text, (size_t)(eol - text));
      out_str("\n");
      run_step(text, eol);
      settle();
      end_step();
    }
    text = eol + 1;
  }
  size_t stack = stack_peak();
  if (s.core) mqtt_core_free(s.core), s.core = 0;
  out_str("# heap peak ");
  out_u64(heap_peak);
  out_str("\n# heap end ");
  out_u64(heap_live);
  out_str("\n# stack peak ");
  out_u64(stack);
  out_str("\n# measured ");
  out_u64(s.measured);
  out_str("\n# platform ");
  out_str(platform_name);
  out_str("\n");
  out_flush();
  return heap_live == 0 ? 0 : 1;
}
