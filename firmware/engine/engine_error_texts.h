/* Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs). */
/* The engine's error texts: included by mqtt_engine.c only. In a NodeMCU build <stdint.h>
 * defines ICACHE_RODATA_ATTR and the table stays in flash, where only aligned 32-bit loads work:
 * read it through `words` (the lx106 is little-endian: byte i is bits 8 * (i % 4) of word i / 4). */
#ifndef ENGINE_ERROR_TEXTS_H
#define ENGINE_ERROR_TEXTS_H

#include <stdint.h>

#ifdef ICACHE_RODATA_ATTR
#define ENGINE_ERROR_TEXTS_PLACE ICACHE_RODATA_ATTR
#else
#define ENGINE_ERROR_TEXTS_PLACE
#endif

/* Codes 1..49 have a text (empty for unused ones); 0 and the rest read text 0. */
#define ENGINE_ERROR_CODES 50

static const union {
  char text[1884];
  uint32_t words[471];
} engine_error_texts ENGINE_ERROR_TEXTS_PLACE = {
  "unknown error\0" /* unknown codes */
  "packet type 0 or 15 is reserved\0" /* 1 */
  "reserved flag bits of the fixed header have the wrong value\0" /* 2 */
  "PUBLISH with QoS 3 (both QoS bits set)\0" /* 3 */
  "PUBLISH with DUP set at QoS 0\0" /* 4 */
  "remaining length longer than 4 bytes\0" /* 5 */
  "remaining length is wrong for this packet type\0" /* 6 */
  "packet ends inside a field\0" /* 7 */
  "bytes left after the last field of the packet\0" /* 8 */
  "packet identifier 0\0" /* 9 */
  "string is not well-formed UTF-8\0" /* 10 */
  "string contains U+0000\0" /* 11 */
  "topic name is empty\0" /* 12 */
  "topic name contains a wildcard (+ or #)\0" /* 13 */
  "topic filter has + or # other than as a whole level (# only last)\0" /* 14 */
  "CONNECT protocol name is not MQTT\0" /* 15 */
  "CONNECT protocol level is not 4 (MQTT 3.1.1)\0" /* 16 */
  "CONNECT flags invalid (reserved bit, will QoS/retain without will, QoS 3, password without username)\0" /* 17 */
  "CONNACK reserved flag bits set\0" /* 18 */
  "CONNACK return code above 5\0" /* 19 */
  "CONNACK refusal with session present set\0" /* 20 */
  "SUBSCRIBE requested QoS byte not 0, 1 or 2\0" /* 21 */
  "SUBACK return code not 0, 1, 2 or 0x80\0" /* 22 */
  "SUBSCRIBE, UNSUBSCRIBE or SUBACK without any entry\0" /* 23 */
  "broker sent a packet only clients send\0" /* 24 */
  "first packet from the broker is not CONNACK\0" /* 25 */
  "broker sent a second CONNACK\0" /* 26 */
  "\0" /* 27 */
  "\0" /* 28 */
  "topic filter is empty\0" /* 29 */
  "SUBACK has not one return code per filter of its SUBSCRIBE\0" /* 30 */
  "broker answered a QoS 2 publish with PUBACK (it delivers QoS 2 as QoS 1); taken as delivered\0" /* 31 */
  "broker acknowledged a publish with the wrong packet for its QoS; taken as delivered\0" /* 32 */
  "inbound QoS 2: more in flight than the qos2Window setting; oldest ids forgotten\0" /* 33 */
  "\0" /* 34 */
  "\0" /* 35 */
  "\0" /* 36 */
  "\0" /* 37 */
  "\0" /* 38 */
  "\0" /* 39 */
  "qos must be 0, 1 or 2\0" /* 40 */
  "string longer than 65535 bytes\0" /* 41 */
  "password given without username (MQTT 3.1.1 forbids it)\0" /* 42 */
  "an empty client id needs a clean session (cleansession 1)\0" /* 43 */
  "a subscribe/unsubscribe call takes 1 to this client's filters setting of topic filters\0" /* 44 */
  "ABI misuse: string not checked with text() before use\0" /* 45 */
  "keepalive must be 0..65535 seconds\0" /* 46 */
  "ABI misuse: length beyond the io buffer\0" /* 47 */
  "codec mode works only before layout\0" /* 48 */
  "layout: only before start, capacities in range (docs/abi.md)" /* 49 */
};

#endif
