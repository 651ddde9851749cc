// The contract between the Node client (host/client.ts) and the engine wrapper (host/engine/).
// The wrapper marshals the wasm ABI (docs/abi.md) and knows nothing of MQTT; the client knows
// sockets, timers and the NodeMCU-shaped API and knows nothing of packets.
// Times are milliseconds on a host clock that only has to be monotonic.

/** Seed reason codes (NodeMCU's mqtt.CONN_FAIL_* and mqtt.CONNACK_*), from the ABI table. */
export { ConnFail } from "./abi_table.js";

export interface Will {
  topic: string;
  message: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface SessionConfig {
  clientId: string;
  keepaliveSeconds: number;
  username?: string;
  password?: Uint8Array;
  cleanSession: boolean;
  will?: Will;
  autoReconnect: boolean;
}

/** What the engine asks of its host, and what it reports. Delivered after the engine call returns. */
export type EngineEvent =
  /** Open a transport to the broker now (first connect or an auto-reconnect after backoff). */
  | { type: "open" }
  /** Close the transport (protocol error, keepalive timeout, refused CONNACK, close()). */
  | { type: "close" }
  | { type: "connect"; sessionPresent: boolean }
  /** `retrying`: the engine will open again by itself (autoReconnect, and not a refusal a retry
   *  cannot fix); false: the session ended, its pending requests are forgotten. */
  | { type: "connfail"; reason: number; retrying: boolean }
  | { type: "offline"; retrying: boolean }
  /** A whole inbound message, or its first maxMessageLength bytes when `overflow`. `payload` may be
   *  a view of the bytes given to received() (as MQTT.js does): hosts pass fresh buffers there. */
  | { type: "message"; topic: string; payload: Uint8Array; qos: number; retain: boolean; dup: boolean; overflow: boolean }
  /** Publish `token` is done: PUBACK (QoS 1), PUBCOMP (QoS 2), handed to the transport (QoS 0). */
  | { type: "puback"; token: number }
  | { type: "suback"; token: number; granted: number[] }
  | { type: "unsuback"; token: number }
  /** A publish that will never complete (e.g. dropped from the queue by close()). */
  | { type: "dropped"; token: number }
  /** The broker broke the protocol; the engine also asks for "close". */
  | { type: "protocol-error"; code: number; message: string }
  /** The broker did something legal but odd (e.g. PUBACK for QoS 2); the session goes on. Once per
   *  code and connection. */
  | { type: "warning"; code: number; message: string };

export interface EngineHost {
  /** Bytes to write to the transport, in order. The array may be reused after the call returns. */
  send(bytes: Uint8Array): void;
  event(ev: EngineEvent): void;
}

/** The engine's bounds (docs/abi.md, "Memory and capacities"). All but the message length and
 *  the byte cap size its tables, laid out once when the engine is made. */
export interface EngineLimits {
  /** Inbound messages longer than this fire overflow with their first bytes (NodeMCU default 1024). */
  maxMessageLength: number;
  /** Publishes the engine holds (queued, in flight; QoS 0 only while not connected), and their
   *  topic + payload bytes (up to 4,294,967,295). A publish that can never fit throws RangeError. */
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  /** Subscribe/unsubscribe calls awaiting their acknowledgement; with maxQueuedMessages at most
   *  65,535 (each owns packet ids). */
  maxPendingRequests: number;
  /** Topic filters in one subscribe/unsubscribe call (at most 32,767). */
  maxFiltersPerCall: number;
  /** Inbound QoS 2 window: ids awaiting PUBREL told apart (rounded up to a power of two, 32 to
   *  65,536; 65,536 = every id). */
  qos2Window: number;
}

export interface Engine {
  readonly limits: EngineLimits;
  /** Start a session: remembers the config and asks for "open". Returns false if already started. */
  start(config: SessionConfig, now: number, randomSeed: number): boolean;
  /** The transport is up: the engine sends CONNECT and waits for CONNACK. */
  transportOpened(now: number): void;
  /** Opening the transport failed with a ConnFail reason (-5 refused, -3 DNS). */
  transportFailed(reason: number, now: number): void;
  /** Bytes arrived from the broker. */
  received(bytes: Uint8Array, now: number): void;
  /** The transport closed under us. */
  transportClosed(now: number): void;
  /** Let timers run (keepalive, CONNACK timeout, backoff). */
  tick(now: number): void;
  /** Absolute time of the next tick the engine wants, or null. */
  nextWakeup(): number | null;
  /** Queue or send a publish. Returns false when the queue is full or the client is offline
   *  with no reconnect pending. Throws RangeError/TypeError naming the argument on bad input.
   *  `payload` is kept by reference (as MQTT.js does) until its "puback" or "dropped": do not
   *  modify it before then. */
  publish(topic: string, payload: Uint8Array, qos: number, retain: boolean, token: number, now: number): boolean;
  subscribe(filters: Array<[topic: string, qos: number]>, token: number, now: number): boolean;
  unsubscribe(filters: string[], token: number, now: number): boolean;
  /** Send DISCONNECT, end the session (no reconnect), ask for "close". */
  close(now: number): boolean;
  /** The engine's linear-memory high-water mark in bytes. */
  memoryHighWater(): number;
}
