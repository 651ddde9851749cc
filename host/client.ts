// NodeMCU's mqtt module for Node: the same calls, callbacks and reason codes, over the wasm engine.
// This file knows sockets, timers and the API; only the engine knows MQTT packets.
import { createEngine } from "./engine/index.js";
import { ConnFail, type Engine, type EngineEvent, type EngineLimits, type SessionConfig, type Will } from "./engine/types.js";
import { DEFAULT_CLIENT_SETTINGS, clientSettings, type ClientSettings } from "./net/settings.js";
import { Transport, type TlsSettings } from "./net/transport.js";

/** NodeMCU's reason constants (mqtt.CONN_FAIL_* and mqtt.CONNACK_*), same names and values. */
export const constants = Object.freeze({
  CONN_FAIL_SERVER_NOT_FOUND: ConnFail.SERVER_NOT_FOUND,
  CONN_FAIL_NOT_A_CONNACK_MSG: ConnFail.NOT_A_CONNACK_MSG,
  CONN_FAIL_DNS: ConnFail.DNS,
  CONN_FAIL_TIMEOUT_RECEIVING: ConnFail.TIMEOUT_RECEIVING,
  CONN_FAIL_TIMEOUT_SENDING: ConnFail.TIMEOUT_SENDING,
  CONNACK_ACCEPTED: ConnFail.ACCEPTED,
  CONNACK_REFUSED_PROTOCOL_VER: ConnFail.REFUSED_PROTOCOL_VER,
  CONNACK_REFUSED_ID_REJECTED: ConnFail.REFUSED_ID_REJECTED,
  CONNACK_REFUSED_SERVER_UNAVAILABLE: ConnFail.REFUSED_SERVER_UNAVAILABLE,
  CONNACK_REFUSED_BAD_USER_OR_PASS: ConnFail.REFUSED_BAD_USER_OR_PASS,
  CONNACK_REFUSED_NOT_AUTHORIZED: ConnFail.REFUSED_NOT_AUTHORIZED,
});

export type Payload = string | Uint8Array | number;
/** NodeMCU's 0/1 flags; booleans too. */
export type Flag = 0 | 1 | boolean;
/** connect()'s `secure`: 0/1, a boolean, or TLS settings for node:tls. */
export type Secure = Flag | TlsSettings;
/** A message's data: a UTF-8 string (NodeMCU), or a Buffer when the client was made with `binary: true`. */
export type MessageData = string | Buffer;
export type ClientCallback = (client: Client) => void;
export type FailCallback = (client: Client, reason: number, error?: Error) => void;
export type MessageCallback = (client: Client, topic: string, data: MessageData) => void;
export type SubackCallback = (client: Client, granted: number[]) => void;
export type ErrorCallback = (client: Client, error: Error) => void;

export interface ClientEvents {
  connect: ClientCallback;
  connfail: FailCallback;
  offline: ClientCallback;
  message: MessageCallback;
  overflow: MessageCallback;
  puback: ClientCallback;
  suback: SubackCallback;
  unsuback: ClientCallback;
  /** Not in NodeMCU: the broker broke the protocol (the client then goes offline). */
  error: ErrorCallback;
  /** Not in NodeMCU: the broker did something legal but odd (e.g. answered a QoS 2 publish with
   *  PUBACK, as RabbitMQ does); the session goes on. Once per kind and connection. */
  warning: ErrorCallback;
}
export type ClientEvent = keyof ClientEvents;
const EVENTS: readonly ClientEvent[] = ["connect", "connfail", "offline", "message", "overflow", "puback", "suback", "unsuback", "error", "warning"];

/** The options form of the constructor: `new Client({ clientid, keepalive, ... })`. */
export interface ClientOptions {
  clientid: string;
  keepalive: number;
  username?: string | null;
  password?: string | Uint8Array | null;
  cleansession?: boolean | number;
  /** NodeMCU's max_message_length (default 1024). */
  maxMessageLength?: number;
  /** Deliver message data as Buffers instead of UTF-8 strings. */
  binary?: boolean;
  /** Host bounds and timings (host/net/settings.ts). */
  settings?: Partial<ClientSettings>;
  /** Engine capacities (queued publishes and their bytes). */
  limits?: Partial<EngineLimits>;
}

type Pending<F> = Map<number, F | undefined>;

function isFlag(v: unknown): boolean {
  return v === 0 || v === 1 || typeof v === "boolean";
}

function flag(name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (!isFlag(v)) throw new TypeError(`${name} must be 0, 1, true or false`);
  return v === 1 || v === true;
}

function qosOf(name: string, v: unknown, dflt?: 0 | 1 | 2): 0 | 1 | 2 {
  if ((v === undefined || v === null) && dflt !== undefined) return dflt;
  if (v !== 0 && v !== 1 && v !== 2) throw new RangeError(`${name} must be 0, 1 or 2`);
  return v;
}

function topicOf(name: string, v: unknown): string {
  if (typeof v !== "string") throw new TypeError(`${name} must be a string`);
  return v;
}

function callbackOf<F>(name: string, v: unknown): F | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "function") throw new TypeError(`${name} must be a function`);
  return v as F;
}

function bytesOf(name: string, v: unknown): Uint8Array {
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (typeof v === "number" && Number.isFinite(v)) return Buffer.from(String(v), "utf8");
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`${name} must be a string or a Buffer`);
}

/** The engine's verdict on a topic or filter, named after the call (and the filter, by name). */
function named(call: string, err: unknown, filters?: string[]): unknown {
  if (err instanceof Error && !err.message.startsWith(`${call}:`)) {
    const E = err instanceof TypeError ? TypeError : RangeError;
    let message = err.message;
    if (filters) message = message.replace(/^filters\[(\d+)\]/, (m, i: string) => filters[Number(i)] !== undefined ? `topic '${filters[Number(i)]}'` : m);
    message = message.replace(/^config\.(clientId|username|password|will\.topic|will\.message)/, (_m, f: string) => CONFIG_NAMES[f] ?? f);
    return new E(`${call}: ${message}`);
  }
  return err;
}

/** The engine wrapper's names for the session settings, as the NodeMCU API calls them. */
const CONFIG_NAMES: Record<string, string> = {
  clientId: "clientid", username: "username", password: "password", "will.topic": "lwt topic", "will.message": "lwt message",
};

const TOKEN_LIMIT = 0x7fffffff;
/** CONNACK refusals after which the engine does not retry even with autoreconnect. */
const PERMANENT_REFUSALS = new Set([1, 2, 4, 5]);

export class Client {
  // Real private (#) fields: the session settings (username, password), the engine (which holds
  // them), the target and transport (TLS keys) never show in util.inspect, console.log or JSON.
  readonly #config: Omit<SessionConfig, "autoReconnect" | "will">;
  #will: Will | undefined;
  private readonly binary: boolean;
  private readonly settings: ClientSettings;
  readonly #engine: Engine;
  private readonly handlers: { [K in ClientEvent]?: ClientEvents[K] } = {};
  private readonly pubCallbacks: Pending<ClientCallback> = new Map();
  private readonly subCallbacks: Pending<SubackCallback> = new Map();
  private readonly unsubCallbacks: Pending<ClientCallback> = new Map();
  private nextToken = 1;
  #target: { host: string; port: number; tls: TlsSettings | null } | null = null;
  #transport: Transport | null = null;
  private onConnect: ClientCallback | undefined;
  private onFail: FailCallback | undefined;
  private lastError: Error | undefined;
  private events: EngineEvent[] = [];
  private draining = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private isConnected = false;
  private autoReconnect = false;

  constructor(options: ClientOptions);
  constructor(clientid: string, keepalive: number, username?: string | null, password?: string | Uint8Array | null,
    cleansession?: boolean | number, max_message_length?: number);
  constructor(...args: unknown[]) {
    const o: ClientOptions = typeof args[0] === "object" && args[0] !== null
      ? (args[0] as ClientOptions)
      : {
        clientid: args[0] as string, keepalive: args[1] as number, username: args[2] as string,
        password: args[3] as string, cleansession: args[4] as number, maxMessageLength: args[5] as number,
      };
    if (typeof o.clientid !== "string") throw new TypeError("Client: clientid must be a string");
    if (!Number.isInteger(o.keepalive) || o.keepalive < 0 || o.keepalive > 65535) {
      throw new RangeError("Client: keepalive must be a whole number of seconds from 0 to 65535");
    }
    if (o.username !== undefined && o.username !== null && typeof o.username !== "string") {
      throw new TypeError("Client: username must be a string");
    }
    if (o.password !== undefined && o.password !== null && typeof o.password !== "string" && !(o.password instanceof Uint8Array)) {
      throw new TypeError("Client: password must be a string or a Buffer");
    }
    const maxLen = o.maxMessageLength ?? o.settings?.maxMessageLength ?? DEFAULT_CLIENT_SETTINGS.maxMessageLength;
    if (!Number.isInteger(maxLen) || maxLen < 1) throw new RangeError("Client: max_message_length must be a positive whole number");
    this.settings = clientSettings({ ...o.settings, maxMessageLength: maxLen });
    this.binary = o.binary === true;
    this.#config = {
      clientId: o.clientid,
      keepaliveSeconds: o.keepalive,
      cleanSession: flag("Client: cleansession", o.cleansession, true),
      ...(o.username != null ? { username: o.username } : {}),
      ...(o.password != null ? { password: bytesOf("Client: password", o.password) } : {}),
    };
    this.#engine = createEngine(
      { send: (bytes) => this.#transport?.write(bytes), event: (ev) => { this.events.push(ev); } },
      { ...o.limits, maxMessageLength: maxLen },
    );
  }

  /** True between the broker's CONNACK and going offline. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** lwt(topic, message[, qos[, retain]]): the will for the next connect(). */
  lwt(topic: string, message: Payload, qos?: number, retain?: boolean | number): void {
    this.#will = {
      topic: topicOf("lwt: topic", topic),
      message: bytesOf("lwt: message", message),
      qos: qosOf("lwt: qos", qos, 0),
      retain: flag("lwt: retain", retain, false),
    };
  }

  /** on(event, fn): register (or, with null, remove) the handler for an event. */
  on<K extends ClientEvent>(event: K, fn: ClientEvents[K] | null): void {
    if (!EVENTS.includes(event)) throw new RangeError(`on: event must be one of ${EVENTS.join(", ")}`);
    const f = callbackOf<ClientEvents[K]>(`on: the ${event} handler`, fn);
    if (f) this.handlers[event] = f as never;
    else delete this.handlers[event];
  }

  /**
   * connect(host[, port[, secure[, autoreconnect]]][, onConnect[, onFail]]) -> boolean.
   * `secure` is 0/1, a boolean, or TLS settings {ca, cert, key, rejectUnauthorized}.
   */
  connect(host: string, onConnect?: ClientCallback | null, onFail?: FailCallback | null): boolean;
  connect(host: string, port: number, onConnect?: ClientCallback | null, onFail?: FailCallback | null): boolean;
  connect(host: string, port: number, secure: Secure, onConnect?: ClientCallback | null, onFail?: FailCallback | null): boolean;
  connect(host: string, port: number, secure: Secure, autoreconnect: Flag,
    onConnect?: ClientCallback | null, onFail?: FailCallback | null): boolean;
  connect(host: string, ...rest: unknown[]): boolean {
    if (typeof host !== "string" || host.length === 0) throw new TypeError("connect: host must be a non-empty string");
    const plain: unknown[] = [];
    let i = 0;
    for (; i < rest.length && typeof rest[i] !== "function" && plain.length < 3; i++) plain.push(rest[i]);
    const fns = rest.slice(i);
    if (fns.length > 2 || fns.some((f) => f !== undefined && f !== null && typeof f !== "function")) {
      throw new TypeError("connect: arguments are host[, port[, secure[, autoreconnect]]][, onConnect[, onFail]]; callbacks must be functions");
    }
    const [portArg, secureArg, autoArg] = plain;
    const port = portArg === undefined || portArg === null ? 1883 : portArg;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RangeError("connect: port must be a whole number from 1 to 65535");
    }
    let tls: TlsSettings | null = null;
    if (typeof secureArg === "object" && secureArg !== null) tls = { ...(secureArg as TlsSettings) };
    else if (flag("connect: secure", secureArg, false)) tls = {};
    const autoReconnect = flag("connect: autoreconnect", autoArg, false);
    const onConnect = callbackOf<ClientCallback>("connect: onConnect", fns[0]);
    const onFail = callbackOf<FailCallback>("connect: onFail", fns[1]);

    const config: SessionConfig = { ...this.#config, autoReconnect, ...(this.#will ? { will: this.#will } : {}) };
    const previous = this.#target;
    this.#target = { host, port, tls };
    let started: boolean;
    try {
      started = this.#engine.start(config, this.now(), Math.floor(Math.random() * TOKEN_LIMIT));
    } catch (err) {
      this.#target = previous;
      throw named("connect", err);
    }
    if (!started) {
      this.#target = previous;
      return false;
    }
    this.onConnect = onConnect;
    this.onFail = onFail;
    this.autoReconnect = autoReconnect;
    this.schedule();
    return true;
  }

  /** publish(topic, payload, qos, retain[, fn]) -> boolean; fn fires once, when this message is done. */
  publish(topic: string, payload: Payload, qos: number, retain: boolean | number, fn?: ClientCallback): boolean {
    const t = topicOf("publish: topic", topic);
    const bytes = bytesOf("publish: payload", payload);
    const q = qosOf("publish: qos", qos);
    const r = flag("publish: retain", retain, false);
    const cb = callbackOf<ClientCallback>("publish: callback", fn);
    if (this.#transport && this.#transport.buffered > this.settings.maxSocketBufferBytes) return false;
    const token = this.token();
    let ok: boolean;
    try {
      ok = this.#engine.publish(t, bytes, q, r, token, this.now());
    } catch (err) {
      throw named("publish", err);
    }
    if (ok) this.pubCallbacks.set(token, cb);
    this.schedule();
    return ok;
  }

  /** subscribe(topic, qos[, fn]) or subscribe({topic: qos, ...}[, fn]) -> boolean. */
  subscribe(topic: string | Record<string, number>, qos?: number | SubackCallback, fn?: SubackCallback): boolean {
    let filters: Array<[string, number]>;
    let cbArg: unknown;
    if (typeof topic === "object" && topic !== null) {
      filters = Object.entries(topic).map(([t, q]) => [t, qosOf(`subscribe: qos of '${t}'`, q)]);
      if (filters.length === 0) throw new RangeError("subscribe: the table must name at least one topic");
      cbArg = qos;
    } else {
      filters = [[topicOf("subscribe: topic", topic), qosOf("subscribe: qos", qos, 0)]];
      cbArg = fn;
    }
    const cb = callbackOf<SubackCallback>("subscribe: callback", cbArg);
    const token = this.token();
    let ok: boolean;
    try {
      ok = this.#engine.subscribe(filters, token, this.now());
    } catch (err) {
      throw named("subscribe", err, filters.map(([t]) => t));
    }
    if (ok) this.subCallbacks.set(token, cb);
    this.schedule();
    return ok;
  }

  /** unsubscribe(topic[, fn]) or unsubscribe({topic: anything, ...}[, fn]) -> boolean. */
  unsubscribe(topic: string | Record<string, unknown>, fn?: ClientCallback): boolean {
    let filters: string[];
    if (typeof topic === "object" && topic !== null) {
      filters = Object.keys(topic);
      if (filters.length === 0) throw new RangeError("unsubscribe: the table must name at least one topic");
    } else {
      filters = [topicOf("unsubscribe: topic", topic)];
    }
    const cb = callbackOf<ClientCallback>("unsubscribe: callback", fn);
    const token = this.token();
    let ok: boolean;
    try {
      ok = this.#engine.unsubscribe(filters, token, this.now());
    } catch (err) {
      throw named("unsubscribe", err, filters);
    }
    if (ok) this.unsubCallbacks.set(token, cb);
    this.schedule();
    return ok;
  }

  /** close() -> boolean: DISCONNECT, no reconnect; the process may exit afterwards. */
  close(): boolean {
    const ok = this.#engine.close(this.now());
    // The engine forgets pending (un)subscribes; publishes it drops come back as "dropped" events.
    this.forgetRequests();
    this.schedule();
    return ok;
  }

  /** Not in NodeMCU: bytes handed to the connection and not yet written to it (0 when offline).
   *  Above settings.pauseReadingBytes the client stops reading until half of them have left. */
  get bufferedBytes(): number {
    return this.#transport?.buffered ?? 0;
  }

  /** JSON.stringify(client): what is safe to log. */
  toJSON(): { clientid: string; connected: boolean; settings: ClientSettings } {
    return { clientid: this.#config.clientId, connected: this.isConnected, settings: this.settings };
  }

  /** Why the broker was dropped last, when it broke the protocol. */
  get error(): Error | undefined {
    return this.lastError;
  }

  private forgetRequests(): void {
    this.subCallbacks.clear();
    this.unsubCallbacks.clear();
  }

  private token(): number {
    const t = this.nextToken;
    this.nextToken = t >= TOKEN_LIMIT ? 1 : t + 1;
    return t;
  }

  private now(): number {
    // process.uptime() runs on the same monotonic clock as performance.now() without loading perf_hooks
    return Math.floor(process.uptime() * 1000);
  }

  /** After an API call: act on the engine's events in a microtask, so no callback runs inside the call. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Act on what the engine asked for, then re-arm the timer. Re-entrant calls just queue. */
  private pump(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.events.length > 0) {
        const batch = this.events;
        this.events = [];
        for (const ev of batch) {
          try {
            this.dispatch(ev);
          } catch (err) {
            // A throwing user callback must not wedge the client: report it as uncaught, carry on.
            queueMicrotask(() => { throw err; });
          }
        }
      }
    } finally {
      this.draining = false;
    }
    this.arm();
  }

  private arm(): void {
    const at = this.#engine.nextWakeup();
    if (at === null) {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; this.timerAt = Infinity; }
      return;
    }
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.#engine.tick(this.now());
      this.pump();
    }, Math.max(0, at - this.now()));
  }

  private call<K extends ClientEvent>(event: K, ...args: unknown[]): void {
    const h = this.handlers[event] as ((...a: unknown[]) => void) | undefined;
    if (h) h(this, ...args);
  }

  private dispatch(ev: EngineEvent): void {
    switch (ev.type) {
      case "open":
        this.openTransport();
        break;
      case "close":
        this.isConnected = false;
        this.#transport?.end(this.settings.closeGraceMs);
        this.#transport = null;
        break;
      case "connect": {
        this.isConnected = true;
        const cb = this.onConnect;
        this.onConnect = undefined;
        this.onFail = undefined;
        cb?.(this);
        this.call("connect");
        break;
      }
      case "connfail": {
        if (!this.autoReconnect || PERMANENT_REFUSALS.has(ev.reason)) this.forgetRequests();
        const cb = this.onFail;
        this.onFail = undefined;
        const detail = this.lastError;
        cb?.(this, ev.reason, detail);
        this.call("connfail", ev.reason, detail);
        break;
      }
      case "offline":
        if (!this.autoReconnect) this.forgetRequests();
        this.isConnected = false;
        this.call("offline");
        break;
      case "message": {
        // The engine hands over a payload of its own (not a view of wasm memory): no copy needed.
        const bytes = Buffer.from(ev.payload.buffer, ev.payload.byteOffset, ev.payload.byteLength);
        const data = this.binary ? bytes : bytes.toString("utf8");
        this.call(ev.overflow ? "overflow" : "message", ev.topic, data);
        break;
      }
      case "puback": {
        if (this.pubCallbacks.has(ev.token)) {
          const cb = this.pubCallbacks.get(ev.token);
          this.pubCallbacks.delete(ev.token);
          cb?.(this);
          this.call("puback");
        }
        break;
      }
      case "suback": {
        const cb = this.subCallbacks.get(ev.token);
        this.subCallbacks.delete(ev.token);
        cb?.(this, ev.granted);
        this.call("suback", ev.granted);
        break;
      }
      case "unsuback": {
        const cb = this.unsubCallbacks.get(ev.token);
        this.unsubCallbacks.delete(ev.token);
        cb?.(this);
        this.call("unsuback");
        break;
      }
      case "dropped":
        this.pubCallbacks.delete(ev.token);
        break;
      case "protocol-error":
        this.lastError = new Error(`the broker broke the MQTT protocol: ${ev.message} (code ${ev.code})`);
        this.call("error", this.lastError);
        break;
      case "warning":
        this.call("warning", new Error(`${ev.message} (code ${ev.code})`));
        break;
    }
  }

  private openTransport(): void {
    this.#transport?.destroy();
    this.lastError = undefined;
    const target = this.#target!;
    const transport: Transport = new Transport(
      target,
      {
        opened: () => {
          if (this.#transport !== transport) return;
          this.#engine.transportOpened(this.now());
          this.pump();
        },
        failed: (reason, error) => {
          if (this.#transport !== transport) return;
          this.#transport = null;
          this.lastError = error;
          this.#engine.transportFailed(reason, this.now());
          this.pump();
        },
        data: (bytes) => {
          if (this.#transport !== transport) return;
          this.#engine.received(bytes, this.now());
          this.pump();
        },
        closed: (error) => {
          if (this.#transport !== transport) return;
          this.#transport = null;
          if (error) this.lastError = error;
          this.#engine.transportClosed(this.now());
          this.pump();
        },
      },
      this.settings,
    );
    this.#transport = transport;
  }
}
