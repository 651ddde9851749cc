/* The hosted runtime's internals: how the main loop (loop.c) asks each part of the platform
 * what it waits for and lets it run. Not part of the NodeMCU contract. */
#ifndef HOSTED_H
#define HOSTED_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lua.h"

/* The free heap system_get_free_heap_size() starts from when the script starts: about what a
 * NodeMCU 3.0 board reports after boot. What the runtime allocated before (Lua state, libraries,
 * modules) is not counted: on 64 bits it is twice the board's. */
#define HOSTED_FREE_HEAP_AT_START 45056u
/* Bytes given to one recv callback: one TCP segment of the ESP8266's lwIP. */
#define HOSTED_TCP_MSS 1460u
/* Entries per task priority queue (NodeMCU's TASK_DEFAULT_QUEUE_LEN). */
#define HOSTED_TASK_QUEUE_LEN 8u
/* Task handles platform_task_get_id gives out. */
#define HOSTED_TASK_HANDLES 32u
/* TCP connections at once: the ESP8266 lwIP's MEMP_NUM_TCP_PCB. */
#define HOSTED_MAX_CONNECTIONS 5u
/* The receive window the SDK's lwIP advertises (4 segments): after espconn_recv_hold the peer
 * may still send this much, which recv_callback still delivers. */
#define HOSTED_TCP_WND (4u * HOSTED_TCP_MSS)

/* system.c: the clock and the heap. */
uint64_t hosted_now_us(void);
uint64_t hosted_now_ms(void);
/* Called once the runtime is up, before the script: heap use is counted from here. */
void hosted_heap_baseline(void);
bool hosted_restart_requested(void);

/* timer.c: os_timer. */
bool hosted_timers_armed(void);
/* Milliseconds until the next timer is due (0 when one is due), -1 when none is armed. */
int64_t hosted_timers_next_ms(void);
void hosted_timers_run_due(void);

/* task.c: posted tasks. */
bool hosted_tasks_pending(void);
/* Runs the tasks queued now, highest priority first. */
void hosted_tasks_run(void);

/* dns.c: name lookups and the --broker redirect. */
/* "HOST:PORT" -> the broker every connection goes to; false with a message in err. */
bool hosted_broker_set(const char *host_port, char *err, size_t err_len);
/* True under --broker: its IPv4 address (network order) and port. */
bool hosted_broker(uint32_t *addr, uint16_t *port);
bool hosted_dns_pending(void);
void hosted_dns_run(void);
void hosted_dns_shutdown(void);

/* espconn.c: TCP connections. */
bool hosted_espconn_busy(void);
/* A callback is due without waiting on a socket. */
bool hosted_espconn_due(void);
/* Fills fds (at most max) with what the open connections wait for; returns the count. */
size_t hosted_espconn_poll_fds(struct pollfd *fds, size_t max);
/* Acts on poll's answer for those fds, and delivers the callbacks that are due. */
void hosted_espconn_dispatch(const struct pollfd *fds, size_t count);
void hosted_espconn_shutdown(void);

/* secure.c: TLS for espconn_secure_* (OpenSSL). */
typedef struct hosted_tls hosted_tls;
/* tls.cert.verify(pem): the CA certificates to check brokers against, and checking on; false
 * when pem holds no certificate. */
bool hosted_tls_set_ca(const char *pem, size_t len);
/* tls.cert.verify(true/false); false when turning on without a CA. */
bool hosted_tls_verify(bool on);
/* A client session on connected socket fd; NULL when OpenSSL fails. */
hosted_tls *hosted_tls_new(int fd);
/* 1 done, 0 wait for poll events *want, -1 failed (the reason printed, as the SDK does). */
int hosted_tls_handshake(hosted_tls *t, short *want);
/* Bytes, 0 when the peer closed, -1 with *want set to wait, -1 with *want 0 when broken. */
ssize_t hosted_tls_read(hosted_tls *t, void *buf, size_t len, short *want);
ssize_t hosted_tls_write(hosted_tls *t, const void *buf, size_t len, short *want);
/* Decrypted bytes wait that poll cannot see. */
bool hosted_tls_pending(const hosted_tls *t);
void hosted_tls_shutdown(hosted_tls *t);
void hosted_tls_free(hosted_tls *t);

/* lua_nodemcu.c: the Lua side of the platform. */
void hosted_lua_set_state(lua_State *L);
/* Sets the globals of the registered modules and runs their init functions; false when
 * no module is named `mqtt` (built before firmware/nodemcu/mqtt.c existed). */
bool hosted_open_modules(lua_State *L);
/* A lua_pcall message handler: the message with debug.traceback's trace. */
int hosted_traceback(lua_State *L);
/* Prints an error the way luaL_pcallx does ("lua: " + message). */
void hosted_report_error(const char *message);

/* loop.c: the main loop. */
/* Called after each callback into a module (clears the Lua base level). */
void hosted_after_callback(void);
typedef enum { HOSTED_LOOP_IDLE, HOSTED_LOOP_RESTART, HOSTED_LOOP_TIMEOUT } hosted_loop_end;
/* Runs until nothing is left to do, node.restart(), or deadline_ms (hosted_now_ms(); 0 = none). */
hosted_loop_end hosted_loop_run(uint64_t deadline_ms);
/* What still held the loop open, for the timeout message. */
void hosted_loop_describe(char *out, size_t out_len);

#endif
