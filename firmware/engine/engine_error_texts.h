/* Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs). */
/* The engine's error texts: included by mqtt_engine.c only. In a NodeMCU build <stdint.h>
 * defines ICACHE_RODATA_ATTR and the table stays in flash, where only aligned 32-bit loads work.
 * Character i (7 bits) is bits 7 * i .. 7 * i + 6 of the words, low bits first; texts:
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

static const uint32_t engine_error_texts[414] ENGINE_ERROR_TEXTS_PLACE = {
  0xfddaf775u, 0x6541bbbeu, 0x072dfcb9u, 0x75e3c3c0u, 0xe7a20e99u, 0x0c1065e1u, 0x628396f4u, 0x0e7a5035u,
  0x65e79792u, 0x064cbdb9u, 0xb2f3cbc8u, 0x83265edcu, 0x19f0ecccu, 0xe7d34e24u, 0x4419b7a0u, 0xe6419747u,
  0x064cbe34u, 0x7261cba1u, 0x87420e59u, 0x1d1065edu, 0xe5dd065du, 0x6419f76fu, 0x65ebb30fu, 0x642ab400u,
  0xd048a726u, 0x83474d3du, 0x6829efa2u, 0xdf894206u, 0xfa283474u, 0x69c4829eu, 0x2f341cfau, 0x680053d3u,
  0x4e4cc855u, 0x9a7ba091u, 0xab11068eu, 0x4cbcd050u, 0xa0e98507u, 0x820a7be8u, 0x76e5e401u, 0xbb4eed38u,
  0xd97620cfu, 0x41a3a67du, 0x5cfbb7ecu, 0xe8e88396u, 0x03441bb0u, 0xf2f4f389u, 0xb72f201cu, 0xda7769c3u,
  0xcbb1067du, 0x0d1d33eeu, 0x7741cf4au, 0x067ddbf9u, 0x1072df99u, 0x839e9d1du, 0xbaf1e1e0u, 0xf3d1074cu,
  0x1e0032f0u, 0x74cbaf1eu, 0x9e4dd950u, 0x79eed283u, 0x85065c9au, 0x9974e641u, 0xf388064du, 0xc41cf2f4u,
  0xa0e99b2eu, 0x965e99b0u, 0x32e8e883u, 0xd39e1d88u, 0x9974e641u, 0xcdbd064du, 0x0cba3a20u, 0xebc78782u,
  0x0f001d32u, 0x3a65d78fu, 0xbb2e4d28u, 0xba7369e9u, 0x00c1072cu, 0xed3cba73u, 0x73d2833eu, 0x074dfb90u,
  0x766ccbddu, 0xb796fccbu, 0x955064cbu, 0x00e16c6au, 0xed3cba73u, 0x6fc6833eu, 0x769c3d37u, 0x15d541cfu,
  0x0183060cu, 0x7a786fe8u, 0xdb87720cu, 0x0e7a5065u, 0xf4e1b72au, 0x86fe803cu, 0x7720c7a7u, 0x8d065db8u,
  0x387a6edfu, 0xc2839eedu, 0x4d9a7ba0u, 0x64e5871eu, 0x7a056a10u, 0x14a341cbu, 0xa786fe80u, 0x9a7320c7u,
  0x41cb2f4du, 0xb41cf0e8u, 0xa0e5bd02u, 0x474de811u, 0x3a20e597u, 0x8506ec3au, 0xe830a0e7u, 0xcbb37e8eu,
  0x5ed97620u, 0x23508366u, 0xcecddbd0u, 0x39e1d883u, 0x3e18053du, 0x90e2ce9du, 0xdfcb820au, 0xcdf8f7f4u,
  0xedc3b906u, 0x073d2832u, 0x5074dfb9u, 0x02a54a33u, 0xb3a74f86u, 0xe082a438u, 0x3dfd37f2u, 0xec41b37eu,
  0x06ccbdb2u, 0xf720e7a5u, 0x81a20e9bu, 0x9528cd50u, 0x62b99a0au, 0x300a58aeu, 0xc59d3a7cu, 0x66641521u,
  0x5073cf87u, 0xb30f6ddau, 0x4a1064d3u, 0xe5979e5eu, 0x241932f6u, 0xa059d34eu, 0x06cd9a7bu, 0x97d3df45u,
  0xa70f4cbcu, 0x9a7ba0ddu, 0xe9d77e8eu, 0xcd9a7ba0u, 0xefa28166u, 0x02c66829u, 0xf9f3c3c1u, 0x83272dfdu,
  0xfa3a69eeu, 0xea83a75du, 0x1ddcb2f3u, 0x8053976eu, 0x0ce9d3e1u, 0x7920970eu, 0xdb965e79u, 0x999064cbu,
  0xc4833e1du, 0x341cfa69u, 0xc301d32fu, 0x1c19d3a7u, 0x32f2412eu, 0x83772ebdu, 0x19726fc6u, 0xedbf1614u,
  0x300d5065u, 0xc19d3a7cu, 0x2f2412e1u, 0x30f3eb9bu, 0xd34f741bu, 0x7979a0d1u, 0xddbf4f3eu, 0x3cbcb820u,
  0xa0e9bb2fu, 0x980e9979u, 0xa1d38556u, 0x822c2934u, 0xbd78e5e4u, 0xc997a73cu, 0x0a7be8a0u, 0x65e9e712u,
  0x074dfb90u, 0x18a058c1u, 0xc9072de8u, 0x30aad300u, 0xe4825c38u, 0xee5d7a65u, 0xe4df8d06u, 0xa6fdc832u,
  0x502c6083u, 0x8192058cu, 0x0c1072deu, 0xa601838fu, 0x2874e155u, 0x2c8b0a4du, 0xad39d550u, 0x6943a70au,
  0xbd045852u, 0x5569a0e5u, 0x412e1c18u, 0xfd1d34f7u, 0x6141d3aeu, 0x76541e77u, 0x8079e5d3u, 0x975efe58u,
  0xd979a0e5u, 0x4185074du, 0x5d78f0f0u, 0x6ede83a6u, 0x66341e76u, 0xfa6ecba7u, 0xbb2f341cu, 0x5a7300c9u,
  0xe083a73eu, 0x4cbaf1e1u, 0xefe59907u, 0x2e8e8836u, 0xf7f2c483u, 0xa5072cbau, 0x9bf720e7u, 0x9d3e1a0eu,
  0x0970e0ceu, 0xebdfcb10u, 0x2f341cb2u, 0x30a0e9bbu, 0xbf1e5e68u, 0xf0d064ddu, 0x870674e9u, 0x4000004bu,
  0x63d3c37fu, 0xa6cd3990u, 0xf4a0e597u, 0xc36e541cu, 0xb4c079e9u, 0x970e0c2au, 0x0e787420u, 0xa0e9bf72u,
  0x920cbbb7u, 0xb975e997u, 0x937e341bu, 0x597820cbu, 0xd9a7320eu, 0xf41cb2f4u, 0xf4d28336u, 0x155a6839u,
  0xa4d2874eu, 0xcb1008b0u, 0x1cb2ebdfu, 0xefcf7614u, 0x0c997965u, 0xefa2830au, 0x82064829u, 0xf4ecc5d7u,
  0xa7ba0d1cu, 0xb41068e9u, 0x970e0c2au, 0x0e9a5420u, 0x69d99722u, 0x073e597bu, 0x9053df45u, 0x839e140cu,
  0x2829efa2u, 0xe881da96u, 0x0dd975e1u, 0xe441cf0au, 0x2f6d3b32u, 0x8064cbcbu, 0x975efe58u, 0x78f0a0e5u,
  0xd9df7eedu, 0x4cb9f265u, 0xf0418506u, 0x9e9d98bau, 0x34f741a3u, 0xa3a20d1du, 0xfcbba0cbu, 0xe0833eedu,
  0x4cbaf1e1u, 0x72df9907u, 0x073e9a50u, 0x1dd3df45u, 0x975e1e88u, 0x1cf0a0ddu, 0xd3b32e44u, 0x4cbcb2f6u,
  0xe2dda406u, 0x064ddd77u, 0x9053df45u, 0xbf6a074cu, 0xda5065e5u, 0xd3b3320du, 0x441d3467u, 0x20dd8747u,
  0x8a0cba3au, 0x6bb2e7bfu, 0xdf7e4ddau, 0x9d32f341u, 0x779f769eu, 0x5c9b37a0u, 0x6941d39eu, 0x7e641cf2u,
  0x3a6fcfcbu, 0x0006ecbdu, 0x00000000u, 0x41cf7f10u, 0x0e9cfaedu, 0x30419712u, 0x7a062816u, 0xc03241cbu,
  0xbb4f2e9cu, 0xdbf620cfu, 0x41cb2e7du, 0x0dd87474u, 0xb36ad5b2u, 0xa79c481au, 0x7800e797u, 0xbfbf3e78u,
  0x39d064e5u, 0x41bb2f6du, 0xfd1d34f7u, 0xf541d3aeu, 0x0eee5979u, 0x5420cbb7u, 0x82a54a33u, 0x2b98ae66u,
  0xe5bf3206u, 0x0e7934e2u, 0x8053d34au, 0x6e541bb0u, 0xd079e9c3u, 0xbb2e9d98u, 0x1934a0e9u, 0xc9972ee4u,
  0x34185073u, 0x6ec39766u, 0x9f3cbcd0u, 0x106edfa7u, 0x872ecc6au, 0x7cf2f3ddu, 0x41bb7e9eu, 0x0c2014b1u,
  0xf3c5d79au, 0x2e2d3cb1u, 0x79eeeabfu, 0xcb1f3c5du, 0x6832e2d3u, 0x41b3661cu, 0x3cbaf0f4u, 0xf440c507u,
  0x4e8e8837u, 0x766341cfu, 0x9fa6ecbau, 0x9a7320e6u, 0xe7cb2f4du, 0x4e9979a0u, 0xa0cfbb4fu, 0x7f4419b7u,
  0x9063d3c3u, 0x97a6cd39u, 0x504073e5u, 0xd3b50498u, 0xacbcfaf3u, 0xf2e9cd03u, 0x720cfbb4u, 0x31a0e9bfu,
  0x975e3cbau, 0x9a7ba0c9u, 0xcbd1068eu, 0x052a3a78u, 0x6fcd9712u, 0x9f541979u, 0x72eb0197u, 0xa7661e19u,
  0xbb5065edu, 0xc483a73eu, 0xe5cc1065u, 0xb36ad5b2u, 0x1e5e681au, 0x39e4ddbfu, 0x824c2820u, 0x7d79e9dau,
  0xd881d65eu, 0x8e99f765u, 0xf9cb8906u, 0xa20c9bb7u, 0xf4a0cba3u, 0x9bae241bu, 0x603965cdu, 0xc79726fcu,
  0x5c9bf6a0u, 0xf2dfdd06u, 0x76f41cf5u, 0x7120f3b3u, 0x9796fcd9u, 0xfe70ec41u, 0xd803a75du, 0x4ebbfce1u,
  0x6ede81d7u, 0x2e241e76u, 0x32f2df9bu, 0xcb0f4e68u, 0x38d02ce9u, 0xd38f0f0cu, 0x0e7974f4u, 0xf241bb4au,
  0x065cfbb0u, 0xf1efc8a1u, 0xa71615fcu, 0x0a726d5du, 0x00000000u, 0x00000000u,
};

#endif
