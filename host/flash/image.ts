// ESP8266 images and flash regions, checked before anything is written.
import { FLASH_LIMITS } from "./limits.js";
import { FlashError, EXIT } from "./errors.js";

export const IMAGE_MAGIC = 0xe9;
const CHECKSUM_SEED = 0xef;
const MAX_SEGMENTS = 16;

export const FLASH_MODES = { qio: 0, qout: 1, dio: 2, dout: 3 } as const;
export const FLASH_FREQS = { "40m": 0x0, "26m": 0x1, "20m": 0x2, "80m": 0xf } as const;
/** High nibble of header byte 3, and the size in bytes. */
export const FLASH_SIZES = {
  "512KB": { code: 0x0, bytes: 512 * 1024 },
  "256KB": { code: 0x1, bytes: 256 * 1024 },
  "1MB": { code: 0x2, bytes: 1 << 20 },
  "2MB": { code: 0x3, bytes: 2 << 20 },
  "4MB": { code: 0x4, bytes: 4 << 20 },
  "2MB-c1": { code: 0x5, bytes: 2 << 20 },
  "4MB-c1": { code: 0x6, bytes: 4 << 20 },
  "8MB": { code: 0x8, bytes: 8 << 20 },
  "16MB": { code: 0x9, bytes: 16 << 20 },
} as const;

export type FlashMode = keyof typeof FLASH_MODES;
export type FlashFreq = keyof typeof FLASH_FREQS;
export type FlashSize = keyof typeof FLASH_SIZES;

export interface Segment {
  loadAddress: number;
  length: number;
  fileOffset: number;
}

export interface ImageInfo {
  segments: Segment[];
  entry: number;
  mode: number;
  sizeFreq: number;
  /** Bytes of the image proper (header, segments, padding, checksum); the rest is trailing data. */
  imageLength: number;
}

function nameOf<T extends Record<string, number | { code: number }>>(table: T, value: number): string {
  for (const [k, v] of Object.entries(table)) if ((typeof v === "number" ? v : v.code) === value) return k;
  return `unknown (0x${value.toString(16)})`;
}

export function describeHeader(mode: number, sizeFreq: number): string {
  return `mode ${nameOf(FLASH_MODES, mode)}, size ${nameOf(FLASH_SIZES, sizeFreq >> 4)}, freq ${nameOf(FLASH_FREQS, sizeFreq & 0xf)}`;
}

/** Parses and checks an ESP8266 boot image (format 1: magic 0xE9); throws FlashError saying what is wrong. */
export function parseImage(data: Uint8Array, what: string): ImageInfo {
  const bad = (why: string) =>
    new FlashError(`${what} is not a valid ESP8266 image: ${why}`, EXIT.badInput);
  if (data.length < 8) throw bad(`only ${data.length} bytes, the header alone is 8`);
  if (data[0] !== IMAGE_MAGIC) {
    throw bad(`first byte is 0x${data[0].toString(16).padStart(2, "0")}, expected 0xe9` +
      (data[0] === 0xea ? " (0xea is a format-2 image, which goes at 0x1000 after a boot loader)" : ""));
  }
  const count = data[1];
  if (count === 0 || count > MAX_SEGMENTS) throw bad(`segment count ${count} (expected 1..${MAX_SEGMENTS})`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entry = view.getUint32(4, true);
  const segments: Segment[] = [];
  let offset = 8;
  let checksum = CHECKSUM_SEED;
  for (let i = 0; i < count; i++) {
    if (offset + 8 > data.length) throw bad(`segment ${i + 1} header at byte ${offset} is past the end of the file (${data.length} bytes)`);
    const loadAddress = view.getUint32(offset, true);
    const length = view.getUint32(offset + 4, true);
    if (offset + 8 + length > data.length) {
      throw bad(`segment ${i + 1} (${length} bytes at 0x${loadAddress.toString(16)}) runs past the end of the file`);
    }
    segments.push({ loadAddress, length, fileOffset: offset + 8 });
    for (let j = offset + 8; j < offset + 8 + length; j++) checksum ^= data[j];
    offset += 8 + length;
  }
  // The checksum byte is the last of the 16-byte block the segments end in.
  const checksumAt = (offset | 15);
  if (checksumAt >= data.length) throw bad(`the checksum byte (at ${checksumAt}) is missing: the file is truncated`);
  if (data[checksumAt] !== checksum) {
    throw bad(`checksum 0x${data[checksumAt].toString(16)} does not match the segments (0x${checksum.toString(16)}): the file is damaged`);
  }
  if (entry < 0x40000000 || entry >= 0x40300000) {
    throw bad(`entry point 0x${entry.toString(16)} is outside the ESP8266's code memory`);
  }
  return { segments, entry, mode: data[2], sizeFreq: data[3], imageLength: checksumAt + 1 };
}

export interface HeaderChoice {
  mode?: FlashMode;
  freq?: FlashFreq;
  size?: FlashSize;
}

/** Returns a copy with the header's flash parameters replaced (the checksum covers only segment data). */
export function patchHeader(data: Uint8Array, choice: HeaderChoice): Uint8Array {
  const out = data.slice();
  if (choice.mode !== undefined) out[2] = FLASH_MODES[choice.mode];
  let sizeFreq = out[3];
  if (choice.freq !== undefined) sizeFreq = (sizeFreq & 0xf0) | FLASH_FREQS[choice.freq];
  if (choice.size !== undefined) sizeFreq = (FLASH_SIZES[choice.size].code << 4) | (sizeFreq & 0x0f);
  out[3] = sizeFreq;
  return out;
}

export interface Region {
  address: number;
  data: Uint8Array;
  /** Where it came from, for messages. */
  name: string;
}

export function hex(n: number): string {
  return `0x${n.toString(16).padStart(5, "0")}`;
}

/** Alignment, overlap and (when the size is known) fit; throws FlashError before anything is written. */
export function checkRegions(regions: Region[], flashBytes: number | null, sizeSource = "flash"): void {
  if (regions.length === 0) throw new FlashError("nothing to flash", EXIT.badInput);
  for (const r of regions) {
    if (r.data.length === 0) throw new FlashError(`${r.name} is empty`, EXIT.badInput);
    if (r.address % FLASH_LIMITS.sectorBytes !== 0) {
      throw new FlashError(
        `${r.name} at ${hex(r.address)} does not start on a ${FLASH_LIMITS.sectorBytes}-byte sector boundary: ` +
          `writing it would erase the bytes before it in the same sector`, EXIT.badInput);
    }
    const end = r.address + r.data.length;
    const limit = flashBytes ?? FLASH_LIMITS.maxFlashBytes;
    if (end > limit) {
      throw new FlashError(
        `${r.name} (${r.data.length} bytes at ${hex(r.address)}) ends at ${hex(end)}, past the end of the ` +
          `${flashBytes === null ? "largest ESP8266 flash" : sizeSource} (${formatBytes(limit)})`, EXIT.badInput);
    }
  }
  const sorted = [...regions].sort((a, b) => a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const prevEnd = prev.address + prev.data.length;
    // Sectors are erased whole: two regions sharing a sector would erase each other.
    const prevEndSector = Math.ceil(prevEnd / FLASH_LIMITS.sectorBytes) * FLASH_LIMITS.sectorBytes;
    if (sorted[i].address < prevEndSector) {
      throw new FlashError(
        `${prev.name} (${hex(prev.address)}..${hex(prevEnd)}) overlaps ${sorted[i].name} at ${hex(sorted[i].address)}`,
        EXIT.badInput);
    }
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} B`;
}

/** JEDEC size id (third byte of the flash ID) to bytes, or null when unknown. */
export function flashBytesFromId(id: number): number | null {
  const sizeId = (id >> 16) & 0xff;
  if (sizeId >= 0x12 && sizeId <= 0x18) return 1 << sizeId;
  if (sizeId >= 0x32 && sizeId <= 0x38) return 1 << (sizeId - 0x20);
  return null;
}

export function sizeNameForBytes(bytes: number): FlashSize | null {
  for (const [k, v] of Object.entries(FLASH_SIZES)) if (v.bytes === bytes && !k.endsWith("-c1")) return k as FlashSize;
  return null;
}
