/* The platform of the NodeMCU mqtt module (mqtt_platform.h): what the client core asks of
 * NodeMCU, from the calls NodeMCU's own modules use.
 *
 * A TCP connection lives in a `link` of its own, because the SDK reports on a connection
 * (connect, DNS answer, disconnect) after the core has let go of it, or after the client was
 * collected: a link the core no longer owns waits for the SDK's last word, then frees itself.
 * Calls the SDK does not want from its own callbacks (espconn_disconnect), and open() failures
 * found inside a core call, go through one posted task. */
#include "task/task.h"
#include "osapi.h"
#include "user_interface.h"
#include "espconn.h"
#include "lwip/ip_addr.h"
#include "lwip/dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_platform.h"
#include "mqtt_engine_abi.h" /* the connfail reasons (NodeMCU's mqtt.CONN_FAIL_*) */

/* The longest delay one os_timer_arm takes in ms (the SDK's limit is about 6,870 s); the core
 * re-arms itself when woken early. */
#define TIMER_MAX_DELAY_MS 3600000

typedef mqtt_platform_client client;
typedef mqtt_link link;

enum { LINK_RESOLVING, LINK_CONNECTING, LINK_OPEN };

struct mqtt_link {
  struct espconn conn;       /* conn.reverse points back to this link */
  esp_tcp tcp;
  client *owner;             /* NULL once the core has let go: only the SDK's last word is due */
  link *next_loose;          /* on the list of links the core let go of or that must close */
  uint8_t sending;           /* a send not yet reported sent (its bytes are the core's) */
  uint8_t phase;
  uint8_t secure;
  uint8_t loose;             /* on that list */
  uint8_t doomed;            /* to be disconnected (from the task) */
  uint8_t disconnect_due;
};

static client *live_clients;
static link *loose_links;   /* kept track of until the SDK's last word frees them */
static task_handle_t service_task;
static uint8_t service_posted;
static os_timer_t service_retry;   /* when the task queue is full */

/* ---------- the platform: task, timer, clock ---------- */

static void service_all(task_param_t param, uint8_t prio);
static void post_service_later(void *arg);

static void post_service(void) {
  if (service_posted) return;
  if (service_task == 0) service_task = task_get_id(service_all);
  if (task_post_medium(service_task, 0)) {
    service_posted = 1;
  } else {
    /* the task queue is full: try again from a timer */
    os_timer_disarm(&service_retry);
    os_timer_setfn(&service_retry, (os_timer_func_t *)post_service_later, NULL);
    os_timer_arm(&service_retry, 1, 0);
  }
}

static void request_service(void *user) {
  client *c = user;
  c->service_due = 1;
  post_service();
}

static void timer_fired(void *arg) {
  client *c = arg;
  if (c->core == NULL) return;
  mqtt_platform_enter(c);
  mqtt_core_timer(c->core);
  mqtt_platform_leave(c);
}

static void arm_core_timer(void *user, int32_t delay_ms) {
  client *c = user;
  os_timer_disarm(&c->timer);
  if (delay_ms < 0) return;
  if (delay_ms > TIMER_MAX_DELAY_MS) delay_ms = TIMER_MAX_DELAY_MS;
  os_timer_arm(&c->timer, (uint32_t)delay_ms, 0);
}

/* Milliseconds from system_get_time()'s microseconds, which wrap every 71.6 minutes: the core
 * wants a millisecond count that wraps at 2^32. Any call into the core reads the clock, and the
 * core's timer fires at least hourly while a session runs. */
static uint32_t clock_last_us, clock_ms, clock_rest_us;

static uint32_t clock_now_ms(void *user) {
  (void)user;
  uint32_t us = system_get_time();
  clock_rest_us += us - clock_last_us;   /* under 1,000 before: no wrap within the hour */
  clock_last_us = us;
  clock_ms += clock_rest_us / 1000;
  clock_rest_us %= 1000;
  return clock_ms;
}

/* ---------- the platform: the transport over espconn ---------- */

static void link_free(link *t) {
  if (t->loose) {
    for (link **p = &loose_links; *p; p = &(*p)->next_loose) {
      if (*p == t) {
        *p = t->next_loose;
        break;
      }
    }
  }
  free(t);
}

static void link_loosen(link *t) {
  if (t->loose) return;
  t->loose = 1;
  t->next_loose = loose_links;
  loose_links = t;
}

/* Disconnect from the task: the SDK does not want espconn_disconnect from its own callbacks. */
static void link_doom(link *t) {
  if (t->doomed) return;
  t->doomed = 1;
  t->disconnect_due = 1;
  link_loosen(t);
  post_service();
}

/* The core's link is gone: forget it and tell the core how. */
static void link_lost(link *t, int failed, int reason) {
  client *c = t->owner;
  t->owner = NULL;
  if (c == NULL) return;
  c->link = NULL;
  if (c->core == NULL) return;
  mqtt_platform_enter(c);
  if (failed) mqtt_core_transport_failed(c->core, reason);
  else mqtt_core_transport_closed(c->core);
  mqtt_platform_leave(c);
}

static link *link_of(void *arg) {
  struct espconn *conn = arg;
  return conn ? (link *)conn->reverse : NULL;
}

static void on_connected(void *arg) {
  link *t = link_of(arg);
  if (t == NULL) return;
  t->phase = LINK_OPEN;
  client *c = t->owner;
  if (c == NULL) {
    link_doom(t);
    return;
  }
  mqtt_platform_enter(c);
  mqtt_core_transport_opened(c->core);
  mqtt_platform_leave(c);
}

/* An error on the connection: before it opened, nothing listens (MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND); after, it broke. */
static void on_disconnected(void *arg) {
  link *t = link_of(arg);
  if (t == NULL) return;
  link_lost(t, t->phase != LINK_OPEN, MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND);
  link_free(t);
}

static void on_reconnect(void *arg, int8_t err) {
  (void)err;
  on_disconnected(arg);
}

static void on_received(void *arg, char *data, unsigned short len) {
  link *t = link_of(arg);
  if (t == NULL || t->owner == NULL || t->doomed) return;
  client *c = t->owner;
  mqtt_platform_enter(c);
  mqtt_core_transport_received(c->core, (const uint8_t *)data, len);
  mqtt_platform_leave(c);
}

static void on_sent(void *arg) {
  link *t = link_of(arg);
  if (t == NULL) return;
  t->sending = 0;
  if (t->owner == NULL) return;
  client *c = t->owner;
  mqtt_platform_enter(c);
  mqtt_core_transport_sent(c->core);
  mqtt_platform_leave(c);
}

static int8_t link_connect(link *t) {
  t->phase = LINK_CONNECTING;
#ifdef CLIENT_SSL_ENABLE
  if (t->secure) return espconn_secure_connect(&t->conn);
#endif
  return espconn_connect(&t->conn);
}

static void on_resolved(const char *name, ip_addr_t *ip, void *arg) {
  (void)name;
  link *t = arg;
  if (t->owner == NULL) {
    link_free(t);
    return;
  }
  if (ip == NULL || ip->addr == 0) {
    link_lost(t, 1, MQTT_ENGINE_CONNFAIL_DNS);
    link_free(t);
    return;
  }
  memcpy(t->tcp.remote_ip, &ip->addr, 4);
  if (link_connect(t) != ESPCONN_OK) {
    link_lost(t, 1, MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND);
    link_free(t);
  }
}

/* Called from inside the core: failures found here are reported from the task. */
static void link_open(void *user, const char *host, uint16_t port, int secure) {
  client *c = user;
  c->failure = 0;
  c->opening = 0;
  link *t = calloc(1, sizeof *t);
  if (t == NULL) {
    c->failure = MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND;
    request_service(c);
    return;
  }
  t->owner = c;
  t->secure = (uint8_t)(secure != 0);
  t->conn.type = ESPCONN_TCP;
  t->conn.state = ESPCONN_NONE;
  t->conn.proto.tcp = &t->tcp;
  t->conn.reverse = t;
  t->tcp.remote_port = port;
  t->tcp.local_port = espconn_port();
  espconn_regist_connectcb(&t->conn, on_connected);
  espconn_regist_reconcb(&t->conn, on_reconnect);
  espconn_regist_disconcb(&t->conn, on_disconnected);
  espconn_regist_recvcb(&t->conn, on_received);
  espconn_regist_sentcb(&t->conn, on_sent);
  c->link = t;

  uint32_t numeric = ipaddr_addr(host);
  if (numeric != IPADDR_NONE) {
    memcpy(t->tcp.remote_ip, &numeric, 4);
  } else {
    ip_addr_t ip;
    t->phase = LINK_RESOLVING;
    err_t r = dns_gethostbyname(host, &ip, on_resolved, t);
    if (r == ERR_INPROGRESS) return;
    if (r != ERR_OK) {
      c->failure = MQTT_ENGINE_CONNFAIL_DNS;
      goto failed;
    }
    memcpy(t->tcp.remote_ip, &ip.addr, 4);
  }
  if (link_connect(t) == ESPCONN_OK) return;
  c->failure = MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND;
failed:
  c->link = NULL;
  free(t);
  request_service(c);
}

static int link_send(void *user, const uint8_t *bytes, size_t len) {
  client *c = user;
  link *t = c->link;
  if (t == NULL || t->phase != LINK_OPEN || t->doomed || t->sending || len == 0 || len > 0xffff)
    return -1;
  /* espconn reads the bytes until its sent callback; the core keeps them still till then */
  uint8_t *out = (uint8_t *)bytes;
  int8_t r;
#ifdef CLIENT_SSL_ENABLE
  if (t->secure) r = espconn_secure_send(&t->conn, out, (uint16_t)len);
  else
#endif
  r = espconn_send(&t->conn, out, (uint16_t)len);
  if (r == ESPCONN_OK) {
    t->sending = 1;
    return 0;
  }
  /* the connection is broken: end it; its disconnect callback tells the core */
  link_doom(t);
  return -1;
}

/* Backpressure from the core: stop (and resume) taking inbound bytes while its acks cannot go out. */
static void link_hold(void *user, int hold) {
  link *t = ((client *)user)->link;
  if (t) (hold ? espconn_recv_hold : espconn_recv_unhold)(&t->conn);   /* ESPCONN_ARG if not open */
}

static void link_release(void *user) {
  client *c = user;
  c->failure = 0;
  link *t = c->link;
  if (t == NULL) return;
  c->link = NULL;
  t->owner = NULL;
  link_loosen(t);
  /* a link still resolving or connecting frees itself when the SDK answers */
  if (t->phase == LINK_OPEN) link_doom(t);
}

static void disconnect_doomed(void) {
  /* telling a core may close other links: rescan from the head after each one */
  for (;;) {
    link *t = loose_links;
    while (t && !t->disconnect_due) t = t->next_loose;
    if (t == NULL) return;
    t->disconnect_due = 0;
    int8_t r;
#ifdef CLIENT_SSL_ENABLE
    if (t->secure) r = espconn_secure_disconnect(&t->conn);
    else
#endif
    r = espconn_disconnect(&t->conn);
    if (r != ESPCONN_OK) {
      /* the SDK no longer knows it: no callback will come. Tell the core if it still owns it;
       * keep the memory (a late callback would find freed memory otherwise). */
      link_lost(t, 0, 0);
    }
  }
}

/* The task: disconnect what was doomed, report open() failures, run the cores that asked. */
static void service_all(task_param_t param, uint8_t prio) {
  (void)param;
  (void)prio;
  service_posted = 0;
  disconnect_doomed();
  /* a callback may collect clients or post again: rescan from the head after each one */
  for (;;) {
    client *c = live_clients;
    while (c && !c->service_due && c->failure == 0) c = c->next_live;
    if (c == NULL) break;
    mqtt_platform_enter(c);
    int32_t reason = c->failure;
    c->failure = 0;
    if (reason != 0 && c->core) mqtt_core_transport_failed(c->core, reason);
    if (c->service_due) {
      c->service_due = 0;
      if (c->core) mqtt_core_service(c->core);
    }
    mqtt_platform_leave(c);
  }
}

static void post_service_later(void *arg) {
  (void)arg;
  post_service();
}

const mqtt_core_platform mqtt_platform = {
  link_open, link_send, link_release, arm_core_timer, clock_now_ms, request_service, link_hold
};

void mqtt_platform_add(client *c) {
  os_timer_setfn(&c->timer, (os_timer_func_t *)timer_fired, c);
  c->next_live = live_clients;
  live_clients = c;
}

void mqtt_platform_remove(client *c) {
  os_timer_disarm(&c->timer);
  for (client **p = &live_clients; *p; p = &(*p)->next_live) {
    if (*p == c) {
      *p = c->next_live;
      break;
    }
  }
  if (c->link) link_release(c);
}

int mqtt_platform_opening(const client *c) {
  return c->opening || (c->link && c->link->phase != LINK_OPEN);
}
