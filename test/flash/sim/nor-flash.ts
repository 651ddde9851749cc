// SPI NOR flash: erase sets a 4 KB sector to 0xFF; programming can only clear bits (1 -> 0).
// Addresses wrap at the chip size, as on a real part.
export const SECTOR = 0x1000;

export class NorFlash {
  readonly bytes: Uint8Array;
  constructor(readonly size: number, seed = 0x2545f491) {
    this.bytes = new Uint8Array(size);
    // Old contents: what a used board holds, so a missing erase shows.
    let x = seed >>> 0;
    for (let i = 0; i < size; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      this.bytes[i] = x & 0xff;
    }
  }

  eraseSector(address: number): void {
    const start = (address % this.size) & ~(SECTOR - 1);
    this.bytes.fill(0xff, start, start + SECTOR);
  }

  eraseAll(): void {
    this.bytes.fill(0xff);
  }

  program(address: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.bytes[(address + i) % this.size] &= data[i];
  }

  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.bytes[(address + i) % this.size];
    return out;
  }
}
