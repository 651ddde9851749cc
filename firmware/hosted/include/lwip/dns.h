/* lwIP's dns.h: dns_gethostbyname over getaddrinfo (IPv4).
 * A dotted quad is answered at once (ERR_OK, *addr filled, no callback); any other name gives
 * ERR_INPROGRESS and its answer comes later through found(), from the main loop, never inside
 * this call: ipaddr NULL when the name does not resolve. Under `--broker HOST:PORT` every name,
 * dotted quads included, resolves to HOST. */
#ifndef WASMQTT_HOSTED_LWIP_DNS_H
#define WASMQTT_HOSTED_LWIP_DNS_H

#include "lwip/err.h"
#include "lwip/ip_addr.h"

#define DNS_MAX_NAME_LENGTH 256

typedef void (*dns_found_callback)(const char *name, ip_addr_t *ipaddr, void *callback_arg);

/* ERR_ARG for a NULL or empty name, or one longer than DNS_MAX_NAME_LENGTH; ERR_MEM when out of
 * memory. */
err_t dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found, void *callback_arg);

#endif
