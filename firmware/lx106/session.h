/* The lx106 session: interpreter + engine + client core (no Lua, no espconn) running a session
 * script against scripted broker bytes and printing a transcript (tools/firmware/session.ts is
 * its Node twin; the two transcripts must be equal).
 *
 * Script blob: "WSS1", u32 little-endian length, then the script text, one step a line:
 *   client ID KEEPALIVE CLEAN MAXLEN SEED [USER PASS]   (USER/PASS "-" = none)
 *   will TOPIC QOS RETAIN MESSAGE
 *   connect HOST PORT SECURE AUTORECONNECT
 *   opened | failed REASON | closed              the transport's reports
 *   in HEX | measure HEX                         broker bytes (measure: counted region)
 *   time MS                                      time passes; due timers fire
 *   publish TOPIC QOS RETAIN TOKEN PAYLOAD       PAYLOAD: text, "-" empty, x:HEX bytes
 *   subscribe TOKEN FILTER QOS [FILTER QOS ...]
 *   unsubscribe TOKEN FILTER [FILTER ...]
 *   close | free | heap
 * Lines starting with '#' are comments; transcript lines starting with '#' are figures that
 * differ between platforms (heap, stack) and are left out of comparisons. */
#ifndef WASMQTT_LX106_SESSION_H
#define WASMQTT_LX106_SESSION_H

#include <stddef.h>
#include <stdint.h>

#define SESSION_MAGIC 0x31535357u /* "WSS1" */

int session_main(const uint8_t *blob, size_t length);

/* The counting allocator the core and engine use (-DMQTT_MALLOC=session_malloc). */
void *session_malloc(size_t size);
void session_free(void *block);

#endif
