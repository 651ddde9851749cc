/* NodeMCU's espconn.h (app/include/lwip/app/espconn.h), the TCP client part, over non-blocking
 * POSIX sockets. Every callback runs from the hosted main loop, never inside an espconn call,
 * and gets the struct espconn * as its arg. As on the ESP8266:
 * - espconn_connect: ESPCONN_OK, then connect_callback, or reconnect_callback(err) when the
 *   connection fails (refused or reset: ESPCONN_RST; timed out: ESPCONN_TIMEOUT; no route:
 *   ESPCONN_RTE; otherwise ESPCONN_CONN). ESPCONN_ISCONN when this espconn is already open.
 *   Under `--broker HOST:PORT` every connection goes to that broker, whatever remote_ip and
 *   remote_port say. local_port is set to the port the connection got.
 * - espconn_send: one send at a time: ESPCONN_ARG until the previous one's sent_callback (and
 *   on an espconn that is not connected, or for 0 bytes). The bytes are NOT copied (the SDK's
 *   default, without ESPCONN_COPY): they are read until sent_callback, so keep them until then.
 *   sent_callback comes once every byte went to the kernel.
 * - recv_callback: up to 1460 bytes (one TCP segment) per call; the data is valid during it.
 * - the peer closing cleanly: disconnect_callback; the peer resetting: reconnect_callback
 *   (ESPCONN_RST). Either ends the connection: the espconn may be freed in the callback.
 * - espconn_disconnect: ESPCONN_OK and, later, disconnect_callback (only then may the espconn be
 *   freed); no recv/sent callback after it. ESPCONN_ARG on an espconn that is not open. */
#ifndef __ESPCONN_H__
#define __ESPCONN_H__

#include "lwip/err.h"
#include "lwip/dns.h"
#include "os_type.h"

typedef void *espconn_handle;
typedef void (*espconn_connect_callback)(void *arg);
typedef void (*espconn_reconnect_callback)(void *arg, sint8 err);

#define ESPCONN_OK 0
#define ESPCONN_MEM -1
#define ESPCONN_TIMEOUT -3
#define ESPCONN_RTE -4
#define ESPCONN_INPROGRESS -5
#define ESPCONN_MAXNUM -7
#define ESPCONN_ABRT -8
#define ESPCONN_RST -9
#define ESPCONN_CLSD -10
#define ESPCONN_CONN -11
#define ESPCONN_ARG -12
#define ESPCONN_IF -14
#define ESPCONN_ISCONN -15
#define ESPCONN_TIME -16
#define ESPCONN_NODATA -17
#define ESPCONN_HANDSHAKE -28
#define ESPCONN_SSL_INVALID_DATA -61

enum espconn_type {
  ESPCONN_INVALID = 0,
  ESPCONN_TCP = 0x10,
  ESPCONN_UDP = 0x20,
};

enum espconn_state {
  ESPCONN_NONE,
  ESPCONN_WAIT,
  ESPCONN_LISTEN,
  ESPCONN_CONNECT,
  ESPCONN_WRITE,
  ESPCONN_READ,
  ESPCONN_CLOSE
};

typedef struct _esp_tcp {
  int remote_port;
  int local_port;
  uint8 local_ip[4];
  uint8 remote_ip[4];
  espconn_connect_callback connect_callback;
  espconn_reconnect_callback reconnect_callback;
  espconn_connect_callback disconnect_callback;
  espconn_connect_callback write_finish_fn;
} esp_tcp;

typedef struct _esp_udp {
  int remote_port;
  int local_port;
  uint8 local_ip[4];
  uint8 remote_ip[4];
} esp_udp;

typedef void (*espconn_recv_callback)(void *arg, char *pdata, unsigned short len);
typedef void (*espconn_sent_callback)(void *arg);

struct espconn {
  enum espconn_type type;
  enum espconn_state state;
  union {
    esp_tcp *tcp;
    esp_udp *udp;
  } proto;
  espconn_recv_callback recv_callback;
  espconn_sent_callback sent_callback;
  uint8 link_cnt;
  void *reverse;
};

sint8 espconn_connect(struct espconn *espconn);
sint8 espconn_disconnect(struct espconn *espconn);
sint8 espconn_send(struct espconn *espconn, uint8 *psent, uint16 length);
sint8 espconn_sent(struct espconn *espconn, uint8 *psent, uint16 length);
sint8 espconn_regist_connectcb(struct espconn *espconn, espconn_connect_callback connect_cb);
sint8 espconn_regist_reconcb(struct espconn *espconn, espconn_reconnect_callback recon_cb);
sint8 espconn_regist_disconcb(struct espconn *espconn, espconn_connect_callback discon_cb);
sint8 espconn_regist_recvcb(struct espconn *espconn, espconn_recv_callback recv_cb);
sint8 espconn_regist_sentcb(struct espconn *espconn, espconn_sent_callback sent_cb);
/* A local port number for the next client connection. */
uint32 espconn_port(void);

/* Receive flow control, as the SDK: after espconn_recv_hold the receive window stops advancing,
 * so recv_callback still delivers what the peer had been allowed to send (HOSTED_TCP_WND bytes
 * at most), then nothing until espconn_recv_unhold. ESPCONN_ARG on an espconn that is not open. */
sint8 espconn_recv_hold(struct espconn *espconn);
sint8 espconn_recv_unhold(struct espconn *espconn);

/* TLS (the hosted build defines CLIENT_SSL_ENABLE, as a NodeMCU build with TLS does): the same
 * calls and callbacks as above over OpenSSL. connect_callback comes after the handshake; a
 * failed handshake prints why and ends in reconnect_callback(ESPCONN_HANDSHAKE). The broker's
 * certificate is checked only after tls.cert.verify (NodeMCU's default: not checked).
 * espconn_secure_send/_disconnect: ESPCONN_ARG on a connection that is not secure. */
sint8 espconn_secure_connect(struct espconn *espconn);
sint8 espconn_secure_disconnect(struct espconn *espconn);
sint8 espconn_secure_send(struct espconn *espconn, uint8 *psent, uint16 length);

#endif
