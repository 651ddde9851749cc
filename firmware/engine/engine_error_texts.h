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
 *   33: inbound QoS 2: more in flight than the qos2Window setting; oldest ids forgotten
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
 *   44: a subscribe/unsubscribe call takes 1 to this client's filters setting of topic filters
 *   45: ABI misuse: string not checked with text() before use
 *   46: keepalive must be 0..65535 seconds
 *   47: ABI misuse: length beyond the io buffer
 *   48: codec mode works only before layout
 *   49: layout: only before start, capacities in range (docs/abi.md)
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

static const uint32_t engine_error_texts[294] ENGINE_ERROR_TEXTS_PLACE = {
  0x20742073u, 0x72652065u, 0x726f6874u, 0x20646e69u, 0x65736e6fu, 0x6e652083u, 0x69776572u, 0x61702067u,
  0x656b6f51u, 0x5390696cu, 0x42558d20u, 0x69666e61u, 0x6f6e8069u, 0x43412084u, 0x20859163u, 0x4b9b2093u,
  0x4f43202cu, 0x20614e4eu, 0x74698765u, 0x6f746f72u, 0x9c8f8284u, 0xa2a18199u, 0x95539d20u, 0x756f616cu,
  0x8e867473u, 0x622081a9u, 0x20638061u, 0x85666f63u, 0x656c206cu, 0x61748373u, 0x209f2096u, 0x6d612054u,
  0x6564a662u, 0xb5698264u, 0x746c8a6bu, 0xc370bf6eu, 0x81737373u, 0x74897974u, 0xc5979a94u, 0xc7a780a5u,
  0x312ec4c0u, 0x4542203au, 0xd3495243u, 0x8863d453u, 0x20668064u, 0x206e796cu, 0xb172d96fu, 0x65747573u,
  0xbc84af84u, 0x6e89da88u, 0xba8c748bu, 0xaa987692u, 0xddb0d6adu, 0x81e082c6u, 0xd5e876e5u, 0xb4202820u,
  0xa0303030u, 0xbe43203bu, 0x514df345u, 0x6c619550u, 0xce628262u, 0x64659263u, 0x6d656c65u, 0xae66b765u,
  0x996b6e75u, 0x7283db77u, 0xcab20085u, 0xac308270u, 0x98203531u, 0xec00fbecu, 0xf98effa4u, 0x7897a8dcu,
  0x616568a4u, 0x61688a64u, 0x77a88276u, 0x768e8872u, 0x006575f7u, 0x53494cf6u, 0x339ecc48u, 0x9a6f62eeu,
  0x29cbf99eu, 0x494cf600u, 0x44cc4853u, 0x89205055u, 0x9e816181u, 0x6d8c0030u, 0x6cb18661u, 0x6c9a678bu,
  0xe18a6788u, 0xdf79b334u, 0x6d8c0073u, 0x6cb18661u, 0x989a678bu, 0x8e887277u, 0x98849d66u, 0x6570cab2u,
  0xd88bb200u, 0xc2697386u, 0x64fc97a3u, 0xdf796200u, 0x8166b980u, 0x8a746661u, 0x97c9aea8u, 0xa8dc87fcu,
  0xb20074a9u, 0x69e46469u, 0x00308a97u, 0xfc77e7e9u, 0x6db72d6cu, 0x465455a4u, 0xe900382du, 0x8086bbd7u,
  0xf0f02b55u, 0x98eacf00u, 0x00ca70fdu, 0xbbd7eacfu, 0x94618086u, 0x6163646cu, 0x2b288772u, 0x002923acu,
  0x688acdcfu, 0x23ac2bb4u, 0x8a846f20u, 0x77a3b4e1u, 0x826c6f68u, 0xb86576b9u, 0xe2202328u, 0x29b0ae20u,
  0x70f4ab00u, 0xb8b6a7a6u, 0x54f5e7eau, 0xf4ab0054u, 0xb6a7a670u, 0x6576b9b8u, 0xee34e7b8u, 0x33be54f5u,
  0x0029d1d1u, 0x67fff4abu, 0x61768680u, 0xec288792u, 0x2ca562a4u, 0x93b86c94u, 0x86bb8c2fu, 0x6c8deb94u,
  0x339ea06cu, 0x77c88fa0u, 0xeb8d8785u, 0x65c6ba75u, 0xbdab0029u, 0x8effa4ecu, 0xab00cbf9u, 0x75748cbdu,
  0xc2b6db72u, 0x766f6261u, 0xab003582u, 0x75668cbdu, 0x89ccf773u, 0x208869c8u, 0x81e38c70u, 0x20ed00cbu,
  0x6575718cu, 0x629ea4b0u, 0xaa827479u, 0x32ac31f1u, 0x8cbdad00u, 0xdb727574u, 0xf1aac2b6u, 0xac32a031u,
  0x30387830u, 0x55a0ed00u, 0xadaced4eu, 0x96eb949fu, 0x72e42079u, 0xe3d00079u, 0xe2b2a381u, 0x80e4fa20u,
  0x970064e3u, 0x66b2c972u, 0xa8206da6u, 0x9fabe7d0u, 0x81e3d000u, 0x87d789a3u, 0x00009fabu, 0x8acdcf00u,
  0xca70fd98u, 0x68bdad00u, 0x8288aab4u, 0x7275748cu, 0x70c2b6dbu, 0xdc8acd8au, 0xd000edceu, 0x83777396u,
  0x329ea3a4u, 0x62757020u, 0xcc687392u, 0x6928bdf6u, 0x83e6c181u, 0xef329e80u, 0xf229319eu, 0xef8b6bbbu,
  0xfb83e6c1u, 0x6361d000u, 0xb977996bu, 0xa3a46764u, 0x92627570u, 0xa8cc6873u, 0x8e887277u, 0xce9d66b2u,
  0x6bbbf293u, 0xe6c1ef8bu, 0x8600fb83u, 0x876eaf62u, 0x6dd2329eu, 0x20868285u, 0x68679266u, 0x71a8e181u,
  0x5732736fu, 0x776f6486u, 0x8674cb20u, 0x6c6ff267u, 0xd869c9c1u, 0x746f67b7u, 0x00008b74u, 0x00000000u,
  0x806f7100u, 0xf8c9756du, 0x32ac31f1u, 0x886ce900u, 0x36e18a67u, 0x35333535u, 0x73df79b3u, 0x77c88f00u,
  0x69678785u, 0xeb948b76u, 0x28eaba75u, 0x33be54f5u, 0xb720d1d1u, 0xa5d86962u, 0xfdbc0029u, 0xfa20ca70u,
  0x8769818bu, 0xd865656eu, 0xbcb963a3u, 0x8869c889u, 0x96b963eeu, 0x8869c889u, 0x00293120u, 0x7362dea3u,
  0x62697263u, 0x6e752f65u, 0x637362deu, 0x63f86972u, 0x91bbb8f7u, 0xa7203180u, 0xfa988420u, 0xcd8027e4u,
  0x74cb8083u, 0xcdcfdcb1u, 0x41007383u, 0x6d204942u, 0xd289de69u, 0x6863aae9u, 0x8d879c65u, 0x7478df9au,
  0xfeb32928u, 0x00897582u, 0xe68f6591u, 0xc9756d82u, 0x2e2e30f8u, 0x33353536u, 0xd7892035u, 0x41007364u,
  0x6d204942u, 0xd289de69u, 0x9a678b6cu, 0x88796562u, 0x6f69a887u, 0x666675b3u, 0xc1b60083u, 0xc26f6db5u,
  0x806b8577u, 0x82feb3e2u, 0x74af79aeu, 0xaf79ae00u, 0xb3e2d274u, 0x61b082feu, 0x63a07472u, 0xa5638f61u,
  0x86806569u, 0x67967220u, 0x6f642882u, 0x612f7363u, 0x6d2e6962u, 0x00002964u,
};

#endif
