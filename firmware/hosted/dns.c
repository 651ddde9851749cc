/* lwIP's dns_gethostbyname and ipaddr_addr over getaddrinfo (IPv4), and the --broker redirect.
 * getaddrinfo answers at once (it blocks the loop while the resolver works, as the single
 * thread here has nothing else to do meanwhile); the answer is kept and given to the callback
 * from the main loop, as lwIP answers from its own task. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hosted.h"
#include "lwip/dns.h"

typedef struct lookup {
  struct lookup *next;
  dns_found_callback found;
  void *arg;
  bool resolved;
  ip_addr_t addr;
  char name[];
} lookup;

static lookup *pending;
static bool broker_on;
static uint32_t broker_addr;
static uint16_t broker_port;

u32_t ipaddr_addr(const char *cp) { return cp ? (u32_t)inet_addr(cp) : IPADDR_NONE; }

static bool resolve(const char *name, uint32_t *addr) {
  struct addrinfo hints = {0};
  struct addrinfo *result = NULL;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(name, NULL, &hints, &result) != 0 || !result) return false;
  *addr = ((const struct sockaddr_in *)result->ai_addr)->sin_addr.s_addr;
  freeaddrinfo(result);
  return true;
}

bool hosted_broker_set(const char *host_port, char *err, size_t err_len) {
  const char *colon = strrchr(host_port, ':');
  char host[DNS_MAX_NAME_LENGTH + 1];
  size_t host_len = colon ? (size_t)(colon - host_port) : 0;
  if (!colon || host_len == 0 || host_len > DNS_MAX_NAME_LENGTH) {
    snprintf(err, err_len, "--broker wants HOST:PORT (e.g. 127.0.0.1:1883), not '%s'", host_port);
    return false;
  }
  char *end = NULL;
  long port = strtol(colon + 1, &end, 10);
  if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535) {
    snprintf(err, err_len, "--broker %s: the port must be a number from 1 to 65535", host_port);
    return false;
  }
  memcpy(host, host_port, host_len);
  host[host_len] = '\0';
  if (!resolve(host, &broker_addr)) {
    snprintf(err, err_len, "--broker %s: cannot resolve '%s' to an IPv4 address", host_port, host);
    return false;
  }
  broker_port = (uint16_t)port;
  broker_on = true;
  return true;
}

bool hosted_broker(uint32_t *addr, uint16_t *port) {
  if (broker_on) {
    *addr = broker_addr;
    *port = broker_port;
  }
  return broker_on;
}

err_t dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found, void *callback_arg) {
  if (!hostname || !*hostname || !addr) return ERR_ARG;
  size_t len = strlen(hostname);
  if (len > DNS_MAX_NAME_LENGTH) return ERR_ARG;
  u32_t numeric = ipaddr_addr(hostname);
  if (numeric != IPADDR_NONE) {
    addr->addr = broker_on ? broker_addr : numeric;
    return ERR_OK;
  }
  if (!found) return ERR_ARG;
  lookup *l = malloc(sizeof *l + len + 1);
  if (!l) return ERR_MEM;
  memcpy(l->name, hostname, len + 1);
  l->found = found;
  l->arg = callback_arg;
  l->resolved = broker_on || resolve(hostname, &l->addr.addr);
  if (broker_on) l->addr.addr = broker_addr;
  l->next = NULL;
  lookup **tail = &pending;
  while (*tail) tail = &(*tail)->next;
  *tail = l;
  return ERR_INPROGRESS;
}

bool hosted_dns_pending(void) { return pending != NULL; }

void hosted_dns_run(void) {
  /* Lookups started by these callbacks are answered on the next pass. */
  lookup *batch = pending;
  pending = NULL;
  while (batch) {
    lookup *l = batch;
    batch = l->next;
    if (!hosted_restart_requested()) {
      l->found(l->name, l->resolved ? &l->addr : NULL, l->arg);
      hosted_after_callback();
    }
    free(l);
  }
}

void hosted_dns_shutdown(void) {
  while (pending) {
    lookup *l = pending;
    pending = l->next;
    free(l);
  }
}
