// SLIP framing as the ESP8266 loader speaks it: 0xC0 ends frames, 0xDB escapes.
export function slipEncode(data: Uint8Array): Uint8Array {
  const out: number[] = [0xc0];
  for (const b of data) {
    if (b === 0xc0) out.push(0xdb, 0xdc);
    else if (b === 0xdb) out.push(0xdb, 0xdd);
    else out.push(b);
  }
  out.push(0xc0);
  return Uint8Array.from(out);
}

/** Streaming decoder: feed bytes, get whole frames; bytes outside frames and bad escapes are dropped. */
export class SlipDecoder {
  private frame: number[] | null = null;
  private escaping = false;
  constructor(private readonly onFrame: (frame: Uint8Array) => void, private readonly maxFrame = 0x10000) {}

  feed(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === 0xc0) {
        if (this.frame && this.frame.length > 0) this.onFrame(Uint8Array.from(this.frame));
        this.frame = [];
        this.escaping = false;
      } else if (this.frame === null) {
        continue;
      } else if (this.escaping) {
        this.escaping = false;
        if (b === 0xdc) this.frame.push(0xc0);
        else if (b === 0xdd) this.frame.push(0xdb);
        else this.frame = null; // broken escape: the frame is lost
      } else if (b === 0xdb) {
        this.escaping = true;
      } else {
        this.frame.push(b);
        if (this.frame.length > this.maxFrame) this.frame = null;
      }
    }
  }
}
