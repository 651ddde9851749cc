/* Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs). */
/* The engine's error texts: included by mqtt_engine.c only. In a NodeMCU build <stdint.h>
 * defines ICACHE_RODATA_ATTR and the table stays in flash, where only aligned 32-bit loads work:
 * byte i is bits 8 * (i % 4) .. of word i / 4 (the lx106 is little-endian). The pairs (two bytes
 * each) come first, then the texts' symbols. The texts:
 *   0: unknown error
 *   1: packet type 0 or 15 is reserved
 *   2: reserved flag bits of the fixed header have the wrong value
 *   3: PUBLISH with QoS 3 (both QoS bits set)
 *   4: PUBLISH with DUP set at QoS 0
 *   5: remaining length longer than 4 bytes
 *   6: remaining length is wrong for this packet type
 *   7: packet ends inside a field
 *   8: bytes left after the last field of the packet
 *   9: packet identifier 0
 *   10: string is not well-formed UTF-8
 *   11: string contains U+0000
 *   12: topic name is empty
 *   13: topic name contains a wildcard (+ or #)
 *   14: topic filter has + or # other than as a whole level (# only last)
 *   15: CONNECT protocol name is not MQTT
 *   16: CONNECT protocol level is not 4 (MQTT 3.1.1)
 *   17: CONNECT flags invalid (reserved bit, will QoS/retain without will, QoS 3, password without username)
 *   18: CONNACK reserved flag bits set
 *   19: CONNACK return code above 5
 *   20: CONNACK refusal with session present set
 *   21: SUBSCRIBE requested QoS byte not 0, 1 or 2
 *   22: SUBACK return code not 0, 1, 2 or 0x80
 *   23: SUBSCRIBE, UNSUBSCRIBE or SUBACK without any entry
 *   24: broker sent a packet only clients send
 *   25: first packet from the broker is not CONNACK
 *   26: broker sent a second CONNACK
 *   27: (none)
 *   28: (none)
 *   29: topic filter is empty
 *   30: SUBACK has not one return code per filter of its SUBSCRIBE
 *   31: broker answered a QoS 2 publish with PUBACK (it delivers QoS 2 as QoS 1); taken as delivered
 *   32: broker acknowledged a publish with the wrong packet for its QoS; taken as delivered
 *   33: inbound QoS 2 beyond the qos2Window setting: oldest ids forgotten
 *   34: (none)
 *   35: (none)
 *   36: (none)
 *   37: (none)
 *   38: (none)
 *   39: (none)
 *   40: qos must be 0, 1 or 2
 *   41: string longer than 65535 bytes
 *   42: password given without username (MQTT 3.1.1 forbids it)
 *   43: an empty client id needs a clean session (cleansession 1)
 *   44: topic filters per call: 1 to this client's filters setting
 *   45: ABI misuse: string not checked with text() before use
 *   46: keepalive must be 0..65535 seconds
 *   47: ABI misuse: length beyond the io buffer
 *   48: codec mode: before layout only
 *   49: layout: once, before start, capacities in range
 */
#ifndef ENGINE_ERROR_TEXTS_H
#define ENGINE_ERROR_TEXTS_H

#include <stdint.h>

#ifdef ICACHE_RODATA_ATTR
#define ENGINE_ERROR_TEXTS_PLACE ICACHE_RODATA_ATTR
#else
#define ENGINE_ERROR_TEXTS_PLACE
#endif

/* Codes 1..49 have a text (none for unused ones: text 0 then); 0 and the rest read text 0. */
#define ENGINE_ERROR_CODES 50
/* Symbol 128 + k is pair k: bytes 2k and 2k + 1; the texts start after the pairs. */
#define ENGINE_ERROR_TEXT_START 256u
/* Pairs nest at most this deep: the reader's stack of right halves. */
#define ENGINE_ERROR_TEXT_DEPTH 4

static const uint32_t engine_error_texts[282] ENGINE_ERROR_TEXTS_PLACE = {
  0x20742073u, 0x20657265u, 0x20646874u, 0x6e696e6fu, 0x6573726fu, 0x6e652082u, 0x69776572u, 0x61706220u,
  0x53906f51u, 0x42558d20u, 0x69666b63u, 0x696c8069u, 0x43416f6eu, 0x85656e61u, 0x20842067u, 0x4b992088u,
  0x4f43202cu, 0x74694e4eu, 0x6f746f72u, 0x948f8384u, 0xa2a18198u, 0x9e2065a7u, 0x20619353u, 0x756f616cu,
  0x20917473u, 0x806181aau, 0x6f632063u, 0x88666564u, 0x8273656cu, 0x209f9c87u, 0x2054203au, 0x87616d61u,
  0x6c65a462u, 0x8a6bb469u, 0xbe6e746cu, 0x7373c270u, 0x79748173u, 0x658e7489u, 0xc4959d92u, 0x80a3209au,
  0x81afc6a5u, 0x2820c3c0u, 0x4542312eu, 0xd5495243u, 0x8663d653u, 0x83648064u, 0xba72206eu, 0xd1846574u,
  0x748b6e89u, 0xb98c748cu, 0x7697a896u, 0xddb0d8acu, 0x76e383c5u, 0xa620d7e6u, 0x3030b320u, 0xbd43a030u,
  0x514def45u, 0x6c619350u, 0x64659763u, 0xae666d65u, 0x206c8669u, 0x8b6c796cu, 0xc970666fu, 0xdc728672u,
  0x986b6e75u, 0x7282dc77u, 0xc9b20088u, 0xab308370u, 0x96203531u, 0xe900f5e9u, 0x8e67f79bu, 0x95ebfccfu,
  0x65689b78u, 0x688a6461u, 0xa6837661u, 0x769cfe77u, 0x006575f3u, 0x53494cf2u, 0x33b1cc48u, 0x9d6f62d3u,
  0xcacf8e91u, 0x4cf20029u, 0xcc485349u, 0x20505544u, 0x81618189u, 0x8c0030b1u, 0xfbbabf6du, 0x866c9d67u,
  0xce848a67u, 0xde798e34u, 0x6d8c0073u, 0x67fbbabfu, 0xfe77969du, 0x849e669cu, 0x70c9b296u, 0x8bb20065u,
  0x697387dau, 0xc195addbu, 0x79620064u, 0x66b880deu, 0x74666181u, 0xc8aea68au, 0xfc85c195u, 0x0074aaebu,
  0xe16469b2u, 0x308a9569u, 0x77e4e700u, 0xb72d6cc1u, 0x54559b6du, 0x00382d46u, 0xbf74d9e7u, 0xed2b5580u,
  0xe8d000edu, 0x00fdf696u, 0x74d9e8d0u, 0x926180bfu, 0x6163646cu, 0x2b288572u, 0x002923abu, 0x688acdd0u,
  0x23ab2bb3u, 0x8a846f20u, 0xadb3ce84u, 0x6c6f6877u, 0xc176b883u, 0x862023d3u, 0xb0ae20fau, 0xf0a90029u,
  0xb5a5a470u, 0xf1e4e8f9u, 0xa9005454u, 0xa5a470f0u, 0x76b8f9b5u, 0x34e420c1u, 0xbd54f1d3u, 0x29d4d433u,
  0xf7f0a900u, 0x76878067u, 0x28859761u, 0xa3629be9u, 0xf96c922cu, 0xbfe22f91u, 0x6c8ddf92u, 0x33b1a06cu,
  0x77c78fa0u, 0xdf8d8588u, 0x65c5b975u, 0xbba90029u, 0x67f79be9u, 0x00cacf8eu, 0x75e2bba9u, 0x61dbb5ffu,
  0x83766f62u, 0xbba90035u, 0x7375668cu, 0xc789ccf3u, 0x8c7020f8u, 0x00ca81e0u, 0x718c20eau, 0x9bb06575u,
  0x74798e91u, 0x31eea883u, 0xac0032abu, 0xff75e2bbu, 0xeea8dbb5u, 0xab32a031u, 0x30387830u, 0x55a0ea00u,
  0xacabea4eu, 0x9adf929fu, 0x72e12079u, 0xe0d20079u, 0x86b2ad81u, 0xe1f420fau, 0x0064e080u, 0xb2c87295u,
  0xeb6da466u, 0x9fa9e4d2u, 0x81e0d200u, 0x85d989adu, 0x00009fa9u, 0x8acdd000u, 0x00fdf696u, 0xb368bbacu,
  0xe28386a8u, 0xdbb5ff75u, 0x8acd8a70u, 0xeacf20fcu, 0x739ad200u, 0xad9b8277u, 0x702032b1u, 0x73976275u,
  0xbbf2cc68u, 0xb6816928u, 0xb18082e5u, 0x31b1ec32u, 0x74203b29u, 0xec8b6b61u, 0xf582e5b6u, 0x9461d200u,
  0x64b87798u, 0x70ad9b67u, 0x73976275u, 0x77a6cc68u, 0x66b29cfeu, 0x3b91cf9eu, 0x6b617420u, 0xe5b6ec8bu,
  0x8700f582u, 0x856eaf62u, 0x79cb32b1u, 0x71a68586u, 0x5732736fu, 0x776f6487u, 0x8774ca20u, 0x6c6fbc67u,
  0xda69c8b6u, 0x746f67b7u, 0x00008b74u, 0x00000000u, 0x806f7100u, 0x62c8756du, 0xab31ee83u, 0x6ce70032u,
  0x848a6786u, 0x353536ceu, 0x798e3533u, 0x8f0073deu, 0x858877c7u, 0x8b766967u, 0xb975df92u, 0x54f128e8u,
  0xd4d433bdu, 0x6962b720u, 0x0029a3dau, 0x20fdf6ceu, 0x69818bf4u, 0x65656e85u, 0xb863addau, 0xf8c789ceu,
  0x9ab863d3u, 0x20f8c789u, 0xd0002931u, 0x708082cdu, 0x6cf3638au, 0xa52031bcu, 0xf4968420u, 0xcd8027e1u,
  0x74ca8082u, 0x41006787u, 0x6d204942u, 0x89757369u, 0x63a8e7bcu, 0x9b946568u, 0x78de9d8du, 0xcb292874u,
  0x897583b7u, 0x65656b00u, 0x6d83e58fu, 0x8362c875u, 0x362e2e30u, 0x35333535u, 0x64d98920u, 0x42410073u,
  0x696d2049u, 0xbc897573u, 0xcb8467fbu, 0xa6858679u, 0x758e6f69u, 0x00826666u, 0x6db4b6b5u, 0xcb3ab66fu,
  0x79ae83b7u, 0x00fa86d1u, 0x74af79aeu, 0x656386bcu, 0x83b7cb2cu, 0x747261b0u, 0x8f6163a0u, 0x6569a363u,
  0x72208780u, 0x0065679au,
};

#endif
