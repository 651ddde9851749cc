// The Node client's bounds, capacities and timings, in one place. The engine lays its tables out
// once, at start, from the capacities here (engineLimits); its timeouts and backoff live in the
// engine (assembly/limits.ts). docs/client.md says what happens at each bound.
import { DEFAULT_LIMITS, type EngineLimits } from "../engine/index.js";


/** The engine's capacities (docs/abi.md) and what the Node host adds around the engine. */
export interface ClientSettings extends EngineLimits {
  /** Inbound messages longer than this fire "overflow" with their first bytes (NodeMCU's
   *  max_message_length, 1024 there). Default: MQTT's maximum, so every message comes whole. */
  maxMessageLength: number;
  /** Publishes the client holds (queued + awaiting their ack): publish() returns false while full. */
  maxQueuedMessages: number;
  /** Topic + payload bytes of the publishes held. A message longer than this on its own throws a
   *  RangeError; otherwise publish() returns false until acks make room. */
  maxQueuedBytes: number;
  /** subscribe/unsubscribe calls awaiting SUBACK/UNSUBACK: past it the call returns false. */
  maxPendingRequests: number;
  /** Topics in one subscribe/unsubscribe call: more throw a RangeError (split the call). */
  maxFiltersPerCall: number;
  /** Inbound QoS 2 ids awaiting PUBREL told apart (65,536: every id, no limit). */
  qos2Window: number;
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
  // the engine's Node capacities (host/engine), generous: no bound below one message of MQTT's
  // maximum size (maxQueuedBytes 4 GiB), every message whole (maxMessageLength MQTT_MAX_PACKET)
  ...DEFAULT_LIMITS,
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

/** The engine's capacities, from the settings. */
export function engineLimits(s: ClientSettings): EngineLimits {
  return {
    maxMessageLength: s.maxMessageLength, maxQueuedMessages: s.maxQueuedMessages, maxQueuedBytes: s.maxQueuedBytes,
    maxPendingRequests: s.maxPendingRequests, maxFiltersPerCall: s.maxFiltersPerCall, qos2Window: s.qos2Window,
  };
}
