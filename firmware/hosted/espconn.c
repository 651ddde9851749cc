/* espconn's TCP client over non-blocking sockets, and its TLS client (espconn_secure_*, over
 * secure.c). Each connect makes a record; the main loop polls its socket and delivers the
 * callbacks (see espconn.h for what comes when). A record that ended is kept until its last
 * callback went out, then swept after the pass, so a callback may free its espconn or connect it
 * again. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "espconn.h"
#include "hosted.h"

typedef enum {
  CONN_CONNECTING, /* socket connecting */
  CONN_HANDSHAKE,  /* secure: TLS handshake running */
  CONN_OPEN,       /* connected */
  CONN_ENDING,     /* socket closed, the last callback (reconnect or disconnect) is due */
  CONN_ENDED       /* reported: swept after the pass */
} conn_state;

typedef struct conn {
  struct conn *next;
  struct espconn *esp;
  int fd;
  conn_state state;
  int error_due;    /* CONN_ENDING: reconnect callback with this error; 0: disconnect callback */
  const uint8_t *out; /* the caller's bytes being sent (not copied, as on the SDK) */
  size_t out_len, out_done;
  int poll_index;   /* index in this pass's pollfd array, -1 when not polled */
  hosted_tls *tls;  /* secure connections */
  short tls_want;   /* the poll events TLS waits for */
  bool held;        /* espconn_recv_hold */
  size_t held_len;  /* bytes delivered since the hold (the window the peer still had) */
} conn;

static conn *conns;

static bool live(const conn *c) { return c->state <= CONN_OPEN; }

static conn *find_live(const struct espconn *esp) {
  for (conn *c = conns; c; c = c->next)
    if (c->esp == esp && live(c)) return c;
  return NULL;
}

static unsigned live_count(void) {
  unsigned n = 0;
  for (conn *c = conns; c; c = c->next) n += live(c);
  return n;
}

static sint8 error_from_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
    case ECONNRESET:
    case EPIPE: return ESPCONN_RST;
    case ETIMEDOUT: return ESPCONN_TIMEOUT;
    case ENETUNREACH:
    case EHOSTUNREACH: return ESPCONN_RTE;
    case ECONNABORTED: return ESPCONN_ABRT;
    default: return ESPCONN_CONN;
  }
}

static void close_socket(conn *c) {
  hosted_tls_free(c->tls);
  c->tls = NULL;
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  c->out = NULL;
}

/* The connection failed or was reset: report it now (from the loop). */
static void fail_with(conn *c, sint8 err) {
  close_socket(c);
  c->state = CONN_ENDED;
  c->esp->state = ESPCONN_CLOSE;
  if (c->esp->proto.tcp->reconnect_callback) c->esp->proto.tcp->reconnect_callback(c->esp, err);
}

static void fail_now(conn *c, int err) { fail_with(c, error_from_errno(err)); }

static sint8 open_conn(struct espconn *espconn, bool secure) {
  if (!espconn || espconn->type != ESPCONN_TCP || !espconn->proto.tcp) return ESPCONN_ARG;
  if (find_live(espconn) || live_count() >= HOSTED_MAX_CONNECTIONS) return ESPCONN_ISCONN;
  esp_tcp *tcp = espconn->proto.tcp;
  struct sockaddr_in to = {.sin_family = AF_INET};
  uint32_t broker_addr;
  uint16_t broker_port;
  if (hosted_broker(&broker_addr, &broker_port)) {
    to.sin_addr.s_addr = broker_addr;
    to.sin_port = htons(broker_port);
  } else {
    if (tcp->remote_port < 1 || tcp->remote_port > 65535) return ESPCONN_ARG;
    memcpy(&to.sin_addr.s_addr, tcp->remote_ip, 4);
    to.sin_port = htons((uint16_t)tcp->remote_port);
  }
  conn *c = calloc(1, sizeof *c);
  if (!c) return ESPCONN_MEM;
  c->esp = espconn;
  c->poll_index = -1;
  c->tls_want = secure ? POLLOUT : 0;   /* nonzero: the handshake follows the connect */
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    free(c);
    return ESPCONN_MEM;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->state = CONN_CONNECTING;
  if (connect(c->fd, (const struct sockaddr *)&to, sizeof to) != 0 && errno != EINPROGRESS) {
    /* Refused at once (loopback): reported from the loop, as on the ESP8266. */
    c->error_due = error_from_errno(errno);
    close_socket(c);
    c->state = CONN_ENDING;
  }
  espconn->state = ESPCONN_WAIT;
  conn **tail = &conns;
  while (*tail) tail = &(*tail)->next;
  *tail = c;
  return ESPCONN_OK;
}

/* A close the way lwIP makes it: what is being sent still goes out, then a FIN. Unread input is
 * dropped first, so the kernel does not answer the close with a reset (which could cost the
 * peer the last bytes sent, such as an MQTT DISCONNECT). */
static void close_gracefully(conn *c) {
  if (c->fd < 0) return;
  if (c->state == CONN_OPEN && c->out) {
    int flags = fcntl(c->fd, F_GETFL);
    struct timeval limit = {.tv_sec = 1};
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (flags >= 0) fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK);
    while (c->out_done < c->out_len) {
      short want;
      ssize_t n = c->tls ? hosted_tls_write(c->tls, c->out + c->out_done, c->out_len - c->out_done, &want)
                         : send(c->fd, c->out + c->out_done, c->out_len - c->out_done, MSG_NOSIGNAL);
      if (n <= 0) break;
      c->out_done += (size_t)n;
    }
  }
  if (c->tls && c->state == CONN_OPEN) hosted_tls_shutdown(c->tls);
  char sink[512];
  while (recv(c->fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
  shutdown(c->fd, SHUT_WR);
  close_socket(c);
}

sint8 espconn_connect(struct espconn *espconn) { return open_conn(espconn, false); }

sint8 espconn_secure_connect(struct espconn *espconn) { return open_conn(espconn, true); }

sint8 espconn_disconnect(struct espconn *espconn) {
  conn *c = espconn ? find_live(espconn) : NULL;
  if (!c) return ESPCONN_ARG;
  close_gracefully(c);
  c->state = CONN_ENDING;
  c->error_due = 0;
  espconn->state = ESPCONN_CLOSE;
  return ESPCONN_OK;
}

sint8 espconn_send(struct espconn *espconn, uint8 *psent, uint16 length) {
  conn *c = espconn ? find_live(espconn) : NULL;
  if (!c || c->state != CONN_OPEN || !psent || length == 0 || c->out) return ESPCONN_ARG;
  c->out = psent;
  c->out_len = length;
  c->out_done = 0;
  espconn->state = ESPCONN_WRITE;
  return ESPCONN_OK;
}

sint8 espconn_sent(struct espconn *espconn, uint8 *psent, uint16 length) {
  return espconn_send(espconn, psent, length);
}

sint8 espconn_secure_send(struct espconn *espconn, uint8 *psent, uint16 length) {
  conn *c = espconn ? find_live(espconn) : NULL;
  return c && c->tls ? espconn_send(espconn, psent, length) : ESPCONN_ARG;
}

sint8 espconn_secure_disconnect(struct espconn *espconn) {
  conn *c = espconn ? find_live(espconn) : NULL;
  return c && (c->tls || c->tls_want) ? espconn_disconnect(espconn) : ESPCONN_ARG;
}

/* As the SDK: a hold stops advancing the receive window, so the peer may still send what the
 * window allowed (HOSTED_TCP_WND) and recv_callback still delivers that; then nothing until
 * espconn_recv_unhold. */
sint8 espconn_recv_hold(struct espconn *espconn) {
  conn *c = espconn ? find_live(espconn) : NULL;
  if (!c) return ESPCONN_ARG;
  if (!c->held) c->held_len = 0;
  c->held = true;
  return ESPCONN_OK;
}

sint8 espconn_recv_unhold(struct espconn *espconn) {
  conn *c = espconn ? find_live(espconn) : NULL;
  if (!c) return ESPCONN_ARG;
  c->held = false;
  return ESPCONN_OK;
}

sint8 espconn_regist_connectcb(struct espconn *espconn, espconn_connect_callback connect_cb) {
  if (!espconn || !espconn->proto.tcp) return ESPCONN_ARG;
  espconn->proto.tcp->connect_callback = connect_cb;
  return ESPCONN_OK;
}

sint8 espconn_regist_reconcb(struct espconn *espconn, espconn_reconnect_callback recon_cb) {
  if (!espconn || !espconn->proto.tcp) return ESPCONN_ARG;
  espconn->proto.tcp->reconnect_callback = recon_cb;
  return ESPCONN_OK;
}

sint8 espconn_regist_disconcb(struct espconn *espconn, espconn_connect_callback discon_cb) {
  if (!espconn || !espconn->proto.tcp) return ESPCONN_ARG;
  espconn->proto.tcp->disconnect_callback = discon_cb;
  return ESPCONN_OK;
}

sint8 espconn_regist_recvcb(struct espconn *espconn, espconn_recv_callback recv_cb) {
  if (!espconn) return ESPCONN_ARG;
  espconn->recv_callback = recv_cb;
  return ESPCONN_OK;
}

sint8 espconn_regist_sentcb(struct espconn *espconn, espconn_sent_callback sent_cb) {
  if (!espconn) return ESPCONN_ARG;
  espconn->sent_callback = sent_cb;
  return ESPCONN_OK;
}

uint32 espconn_port(void) {
  static uint32 next = 49152;
  next = next >= 65535 ? 49152 : next + 1;
  return next;
}

bool hosted_espconn_busy(void) {
  for (conn *c = conns; c; c = c->next)
    if (c->state != CONN_ENDED) return true;
  return false;
}

/* The window a held connection still has: bytes the peer may send before it must wait. */
static size_t receive_window(const conn *c) { return c->held ? HOSTED_TCP_WND - c->held_len : HOSTED_TCP_MSS; }

/* Decrypted bytes wait inside TLS, where poll cannot see them. */
static bool tls_input_waits(const conn *c) {
  return c->state == CONN_OPEN && c->tls && receive_window(c) > 0 && hosted_tls_pending(c->tls);
}

bool hosted_espconn_due(void) {
  for (conn *c = conns; c; c = c->next)
    if (c->state == CONN_ENDING || tls_input_waits(c)) return true;
  return false;
}

size_t hosted_espconn_poll_fds(struct pollfd *fds, size_t max) {
  size_t n = 0;
  for (conn *c = conns; c; c = c->next) {
    c->poll_index = -1;
    if (n == max || c->fd < 0) continue;
    short events = c->state == CONN_CONNECTING ? POLLOUT
                   : c->state == CONN_HANDSHAKE   ? c->tls_want
                                                  : (short)((receive_window(c) > 0 ? POLLIN : 0) | (c->out ? POLLOUT : 0) | c->tls_want);
    fds[n] = (struct pollfd){.fd = c->fd, .events = events};
    c->poll_index = (int)n++;
  }
  return n;
}

static void deliver_end(conn *c) {
  int err = c->error_due;
  c->state = CONN_ENDED;
  esp_tcp *tcp = c->esp->proto.tcp;
  if (err) {
    if (tcp->reconnect_callback) tcp->reconnect_callback(c->esp, (sint8)err);
  } else if (tcp->disconnect_callback) {
    tcp->disconnect_callback(c->esp);
  }
}

static void opened(conn *c) {
  c->state = CONN_OPEN;
  c->tls_want = 0;
  c->esp->state = ESPCONN_CONNECT;
  if (c->esp->proto.tcp->connect_callback) c->esp->proto.tcp->connect_callback(c->esp);
}

static void handshake(conn *c) {
  int r = hosted_tls_handshake(c->tls, &c->tls_want);
  if (r > 0) opened(c);
  else if (r < 0) fail_with(c, ESPCONN_HANDSHAKE);
}

static void connected(conn *c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err) {
    fail_now(c, err);
    return;
  }
  struct sockaddr_in local;
  socklen_t local_len = sizeof local;
  if (getsockname(c->fd, (struct sockaddr *)&local, &local_len) == 0) {
    c->esp->proto.tcp->local_port = ntohs(local.sin_port);
    memcpy(c->esp->proto.tcp->local_ip, &local.sin_addr.s_addr, 4);
  }
  if (c->tls_want) {
    c->tls = hosted_tls_new(c->fd);
    if (!c->tls) {
      fail_with(c, ESPCONN_MEM);
      return;
    }
    c->state = CONN_HANDSHAKE;
    handshake(c);
    return;
  }
  opened(c);
}

/* A TLS call that returned -1: wait for what it wants, or the connection broke. */
static bool tls_broken(conn *c) {
  if (c->tls_want) return false;
  fail_with(c, ESPCONN_RST);
  return true;
}

static void write_out(conn *c) {
  ssize_t n;
  if (c->tls) {
    n = hosted_tls_write(c->tls, c->out + c->out_done, c->out_len - c->out_done, &c->tls_want);
    if (n < 0) {
      tls_broken(c);
      return;
    }
  } else {
    n = send(c->fd, c->out + c->out_done, c->out_len - c->out_done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) fail_now(c, errno);
      return;
    }
  }
  c->out_done += (size_t)n;
  if (c->out_done < c->out_len) return;
  c->out = NULL;
  c->esp->state = ESPCONN_CONNECT;
  if (c->esp->sent_callback) c->esp->sent_callback(c->esp);
}

static void read_in(conn *c) {
  char buf[HOSTED_TCP_MSS];
  size_t want = receive_window(c) < sizeof buf ? receive_window(c) : sizeof buf;
  if (want == 0) return;
  ssize_t n;
  if (c->tls) {
    c->tls_want = 0;
    n = hosted_tls_read(c->tls, buf, want, &c->tls_want);
    if (n < 0) {
      tls_broken(c);
      return;
    }
  } else {
    n = recv(c->fd, buf, want, MSG_DONTWAIT);
  }
  if (n > 0) {
    if (c->held) c->held_len += (size_t)n;
    c->esp->state = ESPCONN_READ;
    if (c->esp->recv_callback) c->esp->recv_callback(c->esp, buf, (unsigned short)n);
    if (c->state == CONN_OPEN && c->esp->state == ESPCONN_READ) c->esp->state = ESPCONN_CONNECT;
  } else if (n == 0) {
    close_socket(c);
    c->state = CONN_ENDED;
    c->esp->state = ESPCONN_CLOSE;
    if (c->esp->proto.tcp->disconnect_callback) c->esp->proto.tcp->disconnect_callback(c->esp);
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    fail_now(c, errno);
  }
}

static void service(conn *c, short revents) {
  if (c->state == CONN_CONNECTING) {
    if (revents & (POLLOUT | POLLERR | POLLHUP)) connected(c);
    return;
  }
  if (c->state == CONN_HANDSHAKE) {
    handshake(c);
    return;
  }
  if (tls_input_waits(c)) revents |= POLLIN;
  if (receive_window(c) == 0 && (revents & (POLLHUP | POLLERR))) {
    /* held, the window used up, and the connection broke: nothing more will be read */
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    fail_now(c, err ? err : ECONNRESET);
    return;
  }
  /* TLS may need to read before it can write */
  short write_when = (short)(POLLOUT | POLLERR | (c->tls ? POLLIN : 0));
  if (c->state == CONN_OPEN && c->out && (revents & write_when)) write_out(c);
  if (c->state == CONN_OPEN && (revents & (POLLIN | POLLHUP | POLLERR))) read_in(c);
}

static void sweep(void) {
  for (conn **link = &conns; *link;) {
    conn *c = *link;
    if (c->state == CONN_ENDED) {
      *link = c->next;
      close_socket(c);
      free(c);
    } else {
      link = &c->next;
    }
  }
}

void hosted_espconn_dispatch(const struct pollfd *fds, size_t count) {
  /* Records added by callbacks during this pass have poll_index -1: they wait for the next. */
  for (conn *c = conns; c && !hosted_restart_requested(); c = c->next) {
    if (c->state == CONN_ENDING) {
      deliver_end(c);
      hosted_after_callback();
      continue;
    }
    bool polled = c->poll_index >= 0 && (size_t)c->poll_index < count;
    short revents = polled ? fds[c->poll_index].revents : 0;
    c->poll_index = -1;
    if (revents || tls_input_waits(c)) {
      service(c, revents);
      hosted_after_callback();
    }
  }
  sweep();
}

void hosted_espconn_shutdown(void) {
  for (conn *c = conns; c; c = c->next) c->state = CONN_ENDED;
  sweep();
}
