// Streaming checks of MQTT strings: UTF-8 well-formedness (no overlongs, surrogates or values
// above U+10FFFF), no U+0000, and the topic name / topic filter rules. A string may arrive in
// any number of pieces; state lives in a TextCheck.
import { TEXT_BINARY, TEXT_TOPIC, TEXT_FILTER } from "./constants";
import { E_UTF8, E_NUL, E_EMPTY_TOPIC, E_TOPIC_WILDCARD, E_FILTER_WILDCARD, E_EMPTY_FILTER } from "../abi_table";

const SLASH: u32 = 0x2f;
const PLUS: u32 = 0x2b;
const HASH: u32 = 0x23;

@unmanaged
export class TextCheck {
  mode: i32 = 0;
  /** Continuation bytes still expected, and the range the next one must fall in. */
  need: i32 = 0;
  lo: u32 = 0x80;
  hi: u32 = 0xbf;
  /** Previous byte (0x2f at the start of a level), and filter state. */
  prev: u32 = SLASH;
  afterPlus: bool = false;
  afterHash: bool = false;
  count: u32 = 0;
  error: i32 = 0;

  begin(mode: i32): void {
    this.mode = mode;
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
    this.prev = SLASH;
    this.afterPlus = false;
    this.afterHash = false;
    this.count = 0;
    this.error = 0;
  }

  /** Check `len` bytes at `ptr`; returns 0 or an error code (sticky). */
  piece(ptr: usize, len: i32): i32 {
    if (this.error != 0) return this.error;
    this.count += <u32>len;
    const mode = this.mode;
    if (mode == TEXT_BINARY) return 0;
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    const end = ptr + <usize>len;
    let p = ptr;
    if (mode == TEXT_TOPIC && need == 0) {
      // Inbound topics are mostly ASCII: skip four bytes at a time while none is >= 0x80 or below
      // 0x2c (NUL, '#' and '+' are; so are a few rare characters, which merely take the byte
      // loop). A third of an inbound publish's cost otherwise.
      while (p + 4 <= end) {
        const w = load<u32>(p);
        if (((w | ((w - 0x2c2c2c2c) & ~w)) & 0x80808080) != 0) break;
        p += 4;
      }
    }
    for (; p < end; p++) {
      const b = <u32>load<u8>(p);
      if (need > 0) {
        if (b < lo || b > hi) return this.fail(E_UTF8);
        need--;
        lo = 0x80;
        hi = 0xbf;
        continue;
      }
      if (b < 0x80) {
        if (b == 0) return this.fail(E_NUL);
        if (mode >= TEXT_TOPIC) {
          const err = this.level(b);
          if (err != 0) return this.fail(err);
        }
        continue;
      }
      if (mode == TEXT_FILTER && (this.afterPlus || this.afterHash)) return this.fail(E_FILTER_WILDCARD);
      this.prev = b;
      if (b < 0xc2) return this.fail(E_UTF8);
      if (b < 0xe0) { need = 1; continue; }
      if (b < 0xf0) {
        need = 2;
        if (b == 0xe0) lo = 0xa0;
        else if (b == 0xed) hi = 0x9f; // UTF-16 surrogates are not characters
        continue;
      }
      if (b < 0xf5) {
        need = 3;
        if (b == 0xf0) lo = 0x90;
        else if (b == 0xf4) hi = 0x8f;
        continue;
      }
      return this.fail(E_UTF8);
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return 0;
  }

  /** The string is complete: returns 0 or an error code. */
  finish(): i32 {
    if (this.error != 0) return this.error;
    if (this.need != 0) return this.fail(E_UTF8);
    if (this.count == 0) {
      if (this.mode == TEXT_TOPIC) return this.fail(E_EMPTY_TOPIC);
      if (this.mode == TEXT_FILTER) return this.fail(E_EMPTY_FILTER);
    }
    return 0;
  }

  private level(b: u32): i32 {
    if (this.mode == TEXT_TOPIC) {
      if (b == PLUS || b == HASH) return E_TOPIC_WILDCARD;
      return 0;
    }
    if (this.afterHash) return E_FILTER_WILDCARD;
    if (this.afterPlus && b != SLASH) return E_FILTER_WILDCARD;
    this.afterPlus = false;
    if (b == PLUS || b == HASH) {
      if (this.prev != SLASH) return E_FILTER_WILDCARD;
      if (b == PLUS) this.afterPlus = true;
      else this.afterHash = true;
    }
    this.prev = b;
    return 0;
  }

  private fail(code: i32): i32 {
    this.error = code;
    return code;
  }
}
