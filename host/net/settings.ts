// The Node client's bounds and timings, in one place. The engine's own capacities and timeouts
// (in-flight window, stored publishes, open/CONNACK timeouts, backoff) live in the engine
// (assembly/limits.ts); these are what the Node host adds around it.
export interface ClientSettings {
  /** Inbound messages longer than this fire "overflow" with their first bytes (NodeMCU: 1024). */
  maxMessageLength: number;
  /** publish() returns false while more than this many bytes wait to be written. */
  maxSocketBufferBytes: number;
  /** Bytes collected in one tick before they go to the socket in one write. */
  writeStageBytes: number;
  /** Backpressure: above this many unwritten bytes the client stops reading the socket (so the
   *  broker's packets stop making acks), and reads again once half of them have left. */
  pauseReadingBytes: number;
  /** A broker that reads none of the backlog for this long while reading is paused is dropped:
   *  the client goes offline, `client.error` says the broker stopped reading. */
  writeStallMs: number;
  /** After the engine asks to close, how long a graceful end may take before the socket is destroyed. */
  closeGraceMs: number;
}

export const DEFAULT_CLIENT_SETTINGS: Readonly<ClientSettings> = Object.freeze({
  maxMessageLength: 1024,
  maxSocketBufferBytes: 1 << 20,
  writeStageBytes: 64 * 1024,
  pauseReadingBytes: 256 * 1024,
  writeStallMs: 30_000,
  closeGraceMs: 1_000,
});

/** The defaults overridden by `partial`, each checked: a clear error names a wrong one. */
export function clientSettings(partial: Partial<ClientSettings> | undefined): ClientSettings {
  const s = { ...DEFAULT_CLIENT_SETTINGS, ...partial };
  for (const key of Object.keys(DEFAULT_CLIENT_SETTINGS) as Array<keyof ClientSettings>) {
    const v = s[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
      throw new RangeError(`Client: settings.${key} must be a positive whole number, got ${String(v)}`);
    }
  }
  return s;
}
