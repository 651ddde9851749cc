// Codec mode of the engine (tests and benchmarks): the engine's own parser and generator driven
// directly through the same ABI. Reports raw items; what they mean is documented in docs/abi.md.
import { EV, errorText } from "./abi_table.js";
import { instantiate, type EngineExports, type ImportSink } from "./index.js";

export interface CodecItem {
  /** 1 packet, 2 byte field, 3 two-byte field, 4 string start, 5 piece, 6 string end, 7 end, 8 error,
   *  9 whole string (start, one piece and end together). */
  item: number;
  a: number;
  b: number;
  bytes?: Uint8Array;
}

/** MQTT packet types: codec_generate's `type` and a packet item's `a`. */
export const PacketType = {
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7,
  SUBSCRIBE: 8, SUBACK: 9, UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13, DISCONNECT: 14,
} as const;
const ITEM_PIECE = 5;
const ITEM_WHOLE_STRING = 9;

export class EngineCodec implements ImportSink {
  readonly x: EngineExports;
  private readonly ioPtr: number;
  private readonly ioSize: number;
  private items: CodecItem[] = [];
  private out: Uint8Array[] = [];
  /** Called per item instead of collecting, when set (benchmarks). */
  onItem: ((item: number, a: number, b: number, bytes?: Uint8Array) => void) | null = null;

  constructor() {
    this.x = instantiate(this);
    this.ioPtr = this.x.io_ptr();
    this.ioSize = this.x.io_size();
  }

  private view(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.x.memory.buffer, ptr, len);
  }

  send(ptr: number, len: number): void {
    this.out.push(this.view(ptr, len).slice());
  }
  release(): void {}
  private words = new Int32Array(0);
  private mem = new Uint8Array(0);

  /** A batch of `count` items, 4 i32 each (item, a, b, piece pointer), at `ptr`. With onItem set,
   *  pieces are views valid during the callback only; collected items get copies. */
  event(kind: number, count: number, ptr: number): void {
    if (kind !== EV.ITEM) return;
    if (this.mem.byteLength === 0) {
      this.mem = new Uint8Array(this.x.memory.buffer);
      this.words = new Int32Array(this.x.memory.buffer);
    }
    const w = this.words;
    const mem = this.mem;
    const onItem = this.onItem;
    for (let i = ptr >> 2, end = i + count * 4; i < end; i += 4) {
      const item = w[i];
      const a = w[i + 1];
      const b = w[i + 2];
      const hasBytes = item === ITEM_PIECE || item === ITEM_WHOLE_STRING;
      if (onItem) onItem(item, a, b, hasBytes ? mem.subarray(w[i + 3], w[i + 3] + b) : undefined);
      else if (hasBytes) this.items.push({ item, a, b, bytes: mem.slice(w[i + 3], w[i + 3] + b) });
      else this.items.push({ item, a, b });
    }
  }

  message(): void {}

  /** Parse a stream (continuing the previous one); returns the items and 0 or the error code. */
  parse(bytes: Uint8Array): { items: CodecItem[]; error: number } {
    this.items = [];
    let error = 0;
    const io = this.view(this.ioPtr, this.ioSize);
    for (let at = 0; at < bytes.length && error === 0; at += this.ioSize) {
      const piece = bytes.subarray(at, Math.min(bytes.length, at + this.ioSize));
      io.set(piece);
      error = this.x.codec_parse(piece.length);
    }
    const items = this.items;
    this.items = [];
    return { items, error };
  }

  reset(): void {
    this.x.codec_reset();
  }

  /** Packets a broker sends: CONNACK (a flags, b code), SUBACK (a id, codes), PUBACK, PUBREC,
   *  PUBREL, PUBCOMP, UNSUBACK (a id, b 1), PINGRESP; PUBLISH through publish(). */
  generate(type: number, a = 0, b = 0, bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
    if (bytes.length > this.ioSize) {
      throw new RangeError(`codec mode generates packets of up to ${this.ioSize} bytes of strings and payload (io_size); got ${bytes.length}`);
    }
    this.out = [];
    this.view(this.ioPtr, this.ioSize).set(bytes);
    this.x.codec_generate(type, a, b, bytes.length);
    return Buffer.concat(this.out);
  }

  /** A PUBLISH as a broker sends it (`id` only at QoS 1 and 2). */
  publish(topic: string, payload: Uint8Array, options: { qos?: 0 | 1 | 2; id?: number; retain?: boolean; dup?: boolean } = {}): Uint8Array {
    const t = new TextEncoder().encode(topic);
    const flags = (options.dup ? 8 : 0) | ((options.qos ?? 0) << 1) | (options.retain ? 1 : 0);
    return this.generate(PacketType.PUBLISH | (flags << 4), options.id ?? 0, t.length, Buffer.concat([t, payload]));
  }

  /** The text of an error code (the ABI table's, as every host has it). */
  errorText(code: number): string {
    return errorText(code);
  }
}
