// Test images: a well-formed ESP8266 boot image (format 1) and firmware-like payloads.

/** Firmware-like bytes: instruction-ish words from a small vocabulary, so they compress like code (~2:1). */
export function firmwareLike(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const vocab = Array.from({ length: 512 }, () => next());
  for (let i = 0; i < length; i += 4) {
    const r = next();
    const w = r & 1 ? vocab[(r >>> 1) & 511] : r;
    out[i] = w & 0xff; if (i + 1 < length) out[i + 1] = (w >>> 8) & 0xff;
    if (i + 2 < length) out[i + 2] = (w >>> 16) & 0xff; if (i + 3 < length) out[i + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

export interface SegmentSpec { address: number; data: Uint8Array }

/** A boot image: header (magic 0xE9, count, mode, size/freq, entry), segments, padding, checksum. */
export function bootImage(segments: SegmentSpec[], opts: { mode?: number; sizeFreq?: number; entry?: number } = {}): Uint8Array {
  const parts: number[] = [0xe9, segments.length, opts.mode ?? 0, opts.sizeFreq ?? 0x40];
  const entry = opts.entry ?? 0x40100004;
  parts.push(entry & 0xff, (entry >>> 8) & 0xff, (entry >>> 16) & 0xff, entry >>> 24);
  let checksum = 0xef;
  for (const s of segments) {
    const len = s.data.length;
    parts.push(s.address & 0xff, (s.address >>> 8) & 0xff, (s.address >>> 16) & 0xff, s.address >>> 24);
    parts.push(len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, len >>> 24);
    for (const b of s.data) { parts.push(b); checksum ^= b; }
  }
  while (parts.length % 16 !== 15) parts.push(0);
  parts.push(checksum);
  return Uint8Array.from(parts);
}

/** The pair NodeMCU's build makes: 0x00000.bin (boot image) and 0x10000.bin (irom0 text). */
export function nodemcuPair(iromBytes = 256 * 1024): { boot: Uint8Array; irom: Uint8Array } {
  const boot = bootImage([
    { address: 0x40100000, data: firmwareLike(24 * 1024, 1) },
    { address: 0x3ffe8000, data: firmwareLike(2 * 1024 + 3, 2) },
    { address: 0x3ffe8a00, data: firmwareLike(700, 3) },
  ]);
  return { boot, irom: firmwareLike(iromBytes, 4) };
}
