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
 *   50: publish: topic + payload past MQTT's packet limit (268,435,455 bytes)
 */
#ifndef ENGINE_ERROR_TEXTS_H
#define ENGINE_ERROR_TEXTS_H

#include <stdint.h>

#ifdef ICACHE_RODATA_ATTR
#define ENGINE_ERROR_TEXTS_PLACE ICACHE_RODATA_ATTR
#else
#define ENGINE_ERROR_TEXTS_PLACE
#endif

/* Codes 1..50 have a text (none for unused ones: text 0 then); 0 and the rest read text 0. */
#define ENGINE_ERROR_CODES 51
/* Symbol 128 + k is pair k: bytes 2k and 2k + 1; the texts start after the pairs. */
#define ENGINE_ERROR_TEXT_START 256u
/* Pairs nest at most this deep: the reader's stack of right halves. */
#define ENGINE_ERROR_TEXT_DEPTH 4

static const uint32_t engine_error_texts[293] ENGINE_ERROR_TEXTS_PLACE = {
  0x20742073u, 0x20657265u, 0x20646874u, 0x6e696e6fu, 0x6573726fu, 0x61702082u, 0x6e656220u, 0x69776572u,
  0x6f51696cu, 0x53916b63u, 0x42558f20u, 0x80696966u, 0x65926f6eu, 0x6e614341u, 0x6f742067u, 0x20882084u,
  0x4b9a998bu, 0x4f43202cu, 0x85654e4eu, 0x6f727469u, 0x81988384u, 0xa4a381a0u, 0x95539f20u, 0x20632061u,
  0x756f616cu, 0x20937473u, 0x8061203au, 0x65646f63u, 0xaf698866u, 0xb970656cu, 0x82738173u, 0xbb9d9c87u,
  0x205420a1u, 0x87616d61u, 0x6c65a762u, 0x746c8a6bu, 0x7373c26eu, 0x79746574u, 0x658c7489u, 0xc7969e94u,
  0x80a6209bu, 0xc6c481b1u, 0x312e2820u, 0x52434542u, 0x514dd649u, 0x8663d753u, 0x83648064u, 0xbe72206eu,
  0xd284ca79u, 0x748d6e89u, 0xbd8e748eu, 0xa9977690u, 0xdfb2daadu, 0x54d983c8u, 0xd8e876e5u, 0xb520a820u,
  0xa2303030u, 0x35353533u, 0xf445c143u, 0x6c619550u, 0x90639062u, 0x6d656465u, 0x8669b066u, 0x796c206cu,
  0x986b6e75u, 0x7282de77u, 0xcbaa0088u, 0xac308370u, 0x97203531u, 0xec00faecu, 0x8c67fca5u, 0xee666fd1u,
  0x68a57896u, 0x8a646165u, 0x83766168u, 0x867277a8u, 0x75f7769cu, 0x4cf60065u, 0xce485349u, 0x62d433b3u,
  0x8c939e6fu, 0x0029ccd1u, 0x53494cf6u, 0x5544ce48u, 0x81892050u, 0x30b38161u, 0xc36d8e00u, 0x678d6cbeu,
  0x67866c9eu, 0x34d0848au, 0x0073e08cu, 0xbec36d8eu, 0x9e678d6cu, 0x86727797u, 0x849f669cu, 0x70cbaa97u,
  0x8daa0065u, 0x697387dcu, 0xc596aeddu, 0xe0620064u, 0x8166ba80u, 0x8a746661u, 0x96bcb0a8u, 0x666f85c5u,
  0x0074a0eeu, 0xe36469aau, 0x308a9669u, 0x77e7e900u, 0xb82d6cc5u, 0x5455a56du, 0x00382d46u, 0xc374dbe9u,
  0xf02b5580u, 0xeabf00f0u, 0xcb70fb97u, 0xdbeabf00u, 0x6180c374u, 0x63646c94u, 0x28857261u, 0x2923ac2bu,
  0x8acfbf00u, 0xac2bb568u, 0x846f2023u, 0xb5d0848au, 0x6f6877aeu, 0x76ba836cu, 0x2023d4c5u, 0xb020ff86u,
  0xab0029b2u, 0x9da770f5u, 0xe7eafeb6u, 0xab0054ebu, 0x9da770f5u, 0x76bafeb6u, 0x34e720c5u, 0x33c1ebd4u,
  0x0029d5d5u, 0x67fcf5abu, 0x61768780u, 0xec288590u, 0x2ca662a5u, 0x93fe6c94u, 0x94c3e42fu, 0x6c6c8fe1u,
  0xa233b3a2u, 0x8877c98bu, 0x75e18f85u, 0x2965c8bdu, 0xecc0ab00u, 0x8c67fca5u, 0xab00ccd1u, 0x7275e4c0u,
  0x61ddb6deu, 0x83766f62u, 0xc0ab0035u, 0x7375668eu, 0xc989cef7u, 0x8e7020fdu, 0x00cc81e2u, 0x718e20edu,
  0xa5b26575u, 0x74798c93u, 0x31f1a983u, 0xad0032acu, 0x7275e4c0u, 0xa9ddb6deu, 0x32a231f1u, 0x387830acu,
  0xa2ed0030u, 0xaced4e55u, 0xe194a1adu, 0xe320799bu, 0xd3007972u, 0xaaae81e2u, 0xf920ff86u, 0x64e280e3u,
  0xbc729600u, 0x6da766aau, 0xabe7d3eeu, 0xe2d300a1u, 0xdb89ae81u, 0x00a1ab85u, 0xcfbf0000u, 0x70fb978au,
  0xc0ad00cbu, 0x86a9b568u, 0x7275e483u, 0x70ddb6deu, 0x6f8acf8au, 0xedd12066u, 0x739bd300u, 0xaea58277u,
  0x702032b3u, 0x6873f875u, 0x28c0f6ceu, 0xe6b78169u, 0x32b38082u, 0x2931b3efu, 0x6174203bu, 0xb7ef8d6bu,
  0x00fa82e6u, 0x989261d3u, 0x6764ba77u, 0x7570aea5u, 0xce6873f8u, 0x867277a8u, 0x9f66aa9cu, 0x203b93d1u,
  0x8d6b6174u, 0x82e6b7efu, 0x628700fau, 0xb3856eb1u, 0x8679cd32u, 0x6f71a885u, 0x87573273u, 0x20776f64u,
  0x678774ccu, 0xb76c6fb4u, 0xb8dc69bcu, 0x74746f67u, 0x0000008du, 0x00000000u, 0x6d806f71u, 0x8362bc75u,
  0x32ac31f1u, 0x866ce900u, 0xd0848a67u, 0x8cf2f336u, 0x8b0073e0u, 0x858877c9u, 0x8d766967u, 0xbd75e194u,
  0xc1eb28eau, 0x20d5d533u, 0xdc6962b8u, 0xd00029a6u, 0x20cb70fbu, 0x69818df9u, 0x65656e85u, 0xba63aedcu,
  0xfdc989d0u, 0x9bba63d4u, 0x20fdc989u, 0xbf002931u, 0x708082cfu, 0x6cf7638au, 0x9d2031b4u, 0xf9978420u,
  0xcf8027e3u, 0x74cc8082u, 0x41006787u, 0x6d204942u, 0x89757369u, 0x63a9e9b4u, 0x85996568u, 0x78ca9e8fu,
  0xcd292874u, 0x897583b8u, 0x65656b00u, 0x6d83e68bu, 0x8362bc75u, 0x362e2e30u, 0x8920f2f3u, 0x007364dbu,
  0x20494241u, 0x7573696du, 0x8d6cb489u, 0x79cd8467u, 0x69a88586u, 0x66758c6fu, 0xb6008266u, 0x6f6dafb7u,
  0xb8cd3ab7u, 0xd279b083u, 0xb000ff86u, 0xb474b179u, 0x2c656386u, 0xb283b8cdu, 0xa2747261u, 0x638b6163u,
  0x806569a6u, 0x9b722087u, 0x70006567u, 0x6873f875u, 0x202bbfb4u, 0x6f6c798bu, 0xbc8b8561u, 0x802754ebu,
  0x696d90aau, 0x36322881u, 0xf2342c38u, 0x8cf3342cu, 0x002973e0u,
};

#endif
