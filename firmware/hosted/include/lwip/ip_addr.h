/* lwIP's ip_addr.h (IPv4): the address is kept in network byte order, so its bytes in memory
 * are the dotted quad's, as on the ESP8266. */
#ifndef WASMQTT_HOSTED_LWIP_IP_ADDR_H
#define WASMQTT_HOSTED_LWIP_IP_ADDR_H

#include "lwip/arch.h"

struct ip_addr {
  u32_t addr;
};
typedef struct ip_addr ip_addr_t;

#define IPADDR_NONE ((u32_t)0xffffffffUL)
#define IPADDR_LOOPBACK ((u32_t)0x7f000001UL)
#define IPADDR_ANY ((u32_t)0x00000000UL)

#define IP4_ADDR(ipaddr, a, b, c, d)                  \
  do {                                                \
    u8_t *ip4_addr_bytes_ = (u8_t *)&(ipaddr)->addr;  \
    ip4_addr_bytes_[0] = (u8_t)(a);                   \
    ip4_addr_bytes_[1] = (u8_t)(b);                   \
    ip4_addr_bytes_[2] = (u8_t)(c);                   \
    ip4_addr_bytes_[3] = (u8_t)(d);                   \
  } while (0)

#define ip4_addr1(ipaddr) (((const u8_t *)(ipaddr))[0])
#define ip4_addr2(ipaddr) (((const u8_t *)(ipaddr))[1])
#define ip4_addr3(ipaddr) (((const u8_t *)(ipaddr))[2])
#define ip4_addr4(ipaddr) (((const u8_t *)(ipaddr))[3])
#define ip4_addr1_16(ipaddr) ((u16_t)ip4_addr1(ipaddr))
#define ip4_addr2_16(ipaddr) ((u16_t)ip4_addr2(ipaddr))
#define ip4_addr3_16(ipaddr) ((u16_t)ip4_addr3(ipaddr))
#define ip4_addr4_16(ipaddr) ((u16_t)ip4_addr4(ipaddr))
#define IP2STR(ipaddr) ip4_addr1_16(ipaddr), ip4_addr2_16(ipaddr), ip4_addr3_16(ipaddr), ip4_addr4_16(ipaddr)
#define IPSTR "%d.%d.%d.%d"

/* A dotted quad to its address (network order); IPADDR_NONE when cp is not one. */
u32_t ipaddr_addr(const char *cp);

#endif
