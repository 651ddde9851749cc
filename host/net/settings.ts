// The Node client's bounds and timings, in one place. The engine's own capacities and timeouts
// (in-flight window, stored publishes, open/CONNACK timeouts, backoff) live in the engine
// (assembly/limits.ts); these are what the Node host adds around it.
export interface ClientSettings {
  /** Inbound messages longer than this fire "overflow" with their first bytes (NodeMCU: 1024). */
  maxMessageLength: number;
  /** publish() returns false while more than this many bytes wait in the socket's write buffer. */
  maxSocketBufferBytes: number;
  /** After the engine asks to close, how long a graceful end may take before the socket is destroyed. */
  closeGraceMs: number;
}

export const DEFAULT_CLIENT_SETTINGS: Readonly<ClientSettings> = Object.freeze({
  maxMessageLength: 1024,
  maxSocketBufferBytes: 1 << 20,
  closeGraceMs: 1_000,
});
