// NodeMCU's mqtt module for Node: the same calls, callbacks and reason codes, over the wasm engine.
// This file knows sockets, timers and the API; only the engine knows MQTT packets.
import { createEngine } from "./engine/index.js";
import { ConnFail, type Engine, type EngineEvent, type SessionConfig, type Will } from "./engine/types.js";
import { clientSettings, engineLimits, type ClientSettings } from "./net/settings.js";
import { Transport, type TlsSettings } from "./net/transport.js";
import { Subscriptions, type QoS } from "./subscriptions.js";

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
export type { QoS };
/** NodeMCU's 0/1 flags; booleans too. */
export type Flag = 0 | 1 | boolean;
/** connect()'s `secure`: 0/1, a boolean, or TLS settings for node:tls. */
export type Secure = Flag | TlsSettings;
/** A message's data: a UTF-8 string (NodeMCU), or a Buffer when the client was made with
 *  `binary: true` (`B` is that setting; `boolean` when it is not known at compile time). */
export type MessageData<B extends boolean = boolean> = B extends true ? Buffer : string;
/** Not in NodeMCU (MQTT.js has them): how a message came. `dup` is the broker's DUP flag (a resend). */
export interface MessageFlags { readonly qos: QoS; readonly retain: boolean; readonly dup: boolean }
/** Not in NodeMCU (MQTT.js has it): whether the broker resumed a stored session (cleansession 0). */
export interface ConnackInfo { readonly sessionPresent: boolean }
export type ClientCallback<B extends boolean = boolean> = (client: Client<B>) => void;
export type ConnectCallback<B extends boolean = boolean> = (client: Client<B>, connack: ConnackInfo) => void;
export type FailCallback<B extends boolean = boolean> = (client: Client<B>, reason: number, error?: Error) => void;
export type MessageCallback<B extends boolean = boolean> = (client: Client<B>, topic: string, data: MessageData<B>, flags: MessageFlags) => void;
export type SubackCallback<B extends boolean = boolean> = (client: Client<B>, granted: number[]) => void;
export type ErrorCallback<B extends boolean = boolean> = (client: Client<B>, error: Error) => void;

export interface ClientEvents<B extends boolean = boolean> {
  connect: ConnectCallback<B>;
  connfail: FailCallback<B>;
  offline: ClientCallback<B>;
  message: MessageCallback<B>;
  overflow: MessageCallback<B>;
  puback: ClientCallback<B>;
  suback: SubackCallback<B>;
  unsuback: ClientCallback<B>;
  /** Not in NodeMCU: the broker broke the protocol (the client then goes offline). */
  error: ErrorCallback<B>;
  /** Not in NodeMCU: the broker did something legal but odd (e.g. answered a QoS 2 publish with
   *  PUBACK, as RabbitMQ does), or a resubscription could not be sent; the session goes on. */
  warning: ErrorCallback<B>;
}
export type ClientEvent = keyof ClientEvents;
const EVENTS: readonly ClientEvent[] = ["connect", "connfail", "offline", "message", "overflow", "puback", "suback", "unsuback", "error", "warning"];

/** The options form of the constructor: `new Client({ clientid, keepalive, ... })`. */
export interface ClientOptions<B extends boolean = boolean> {
  clientid: string;
  keepalive: number;
  username?: string | null;
  password?: string | Uint8Array | null;
  cleansession?: boolean | number;
  /** Deliver message data as Buffers instead of UTF-8 strings. */
  binary?: B;
  /** After an automatic reconnect that finds no session, subscribe again to what was subscribed
   *  (MQTT.js's `resubscribe`). Default true. */
  resubscribe?: boolean;
  /** Host bounds, engine capacities and timings (host/net/settings.ts): the one place for them. */
  settings?: Partial<ClientSettings>;
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
    return new E(`${call}: ${settingNames(message)}`);
  }
  if (err instanceof RangeError) return new RangeError(settingNames(err.message));
  return err;
}

/** The engine wrapper names its limits; the client's users set them as settings. */
function settingNames(message: string): string {
  return message.replace(/\blimits\.(\w+)/g, "settings.$1").replace(/: raise that limit$/, ": raise that setting or send less");
}

/** The engine wrapper's names for the session settings, as the NodeMCU API calls them. */
const CONFIG_NAMES: Record<string, string> = {
  clientId: "clientid", username: "username", password: "password", "will.topic": "lwt topic", "will.message": "lwt message",
};

const TOKEN_LIMIT = 0x7fffffff;
const SESSION_PRESENT: ConnackInfo = Object.freeze({ sessionPresent: true });
const NO_SESSION: ConnackInfo = Object.freeze({ sessionPresent: false });
/** Every message's flags, made once: index qos * 4 + retain * 2 + dup. */
const FLAGS: readonly MessageFlags[] = Array.from({ length: 12 }, (_, i) =>
  Object.freeze({ qos: (i >> 2) as QoS, retain: (i & 2) !== 0, dup: (i & 1) !== 0 }));

function messageFlags(qos: number, retain: boolean, dup: boolean): MessageFlags {
  return FLAGS[qos * 4 + (retain ? 2 : 0) + (dup ? 1 : 0)];
}

export class Client<B extends boolean = false> {
  // Real private (#) fields: the session settings (username, password), the engine (which holds
  // them), the target and transport (TLS keys) never show in util.inspect, console.log or JSON.
  readonly #config: Omit<SessionConfig, "autoReconnect" | "will">;
  #will: Will | undefined;
  private readonly binary: boolean;
  private readonly settings: ClientSettings;
  readonly #engine: Engine;
  private readonly handlers: { [K in ClientEvent]?: ClientEvents<B>[K] } = {};
  private readonly pubCallbacks: Pending<ClientCallback<B>> = new Map();
  /** Per SUBSCRIBE awaiting its SUBACK: its callback and filters. */
  private readonly subRequests = new Map<number, { fn: SubackCallback<B> | undefined; filters: string[] }>();
  private readonly unsubCallbacks: Pending<ClientCallback<B>> = new Map();
  /** What to subscribe again when an automatic reconnect finds no session (null: resubscribe off). */
  private readonly subscriptions: Subscriptions | null;
  private nextToken = 1;
  #target: { host: string; port: number; tls: TlsSettings | null } | null = null;
  #transport: Transport | null = null;
  private onConnect: ConnectCallback<B> | undefined;
  private onFail: FailCallback<B> | undefined;
  /** CONNACKs accepted since connect(): from the second on, they are automatic reconnects. */
  private connacks = 0;
  private lastError: Error | undefined;
  private events: EngineEvent[] = [];
  private draining = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private isConnected = false;

  constructor(options: ClientOptions<B>);
  constructor(clientid: string, keepalive: number, username?: string | null, password?: string | Uint8Array | null,
    cleansession?: boolean | number, max_message_length?: number);
  constructor(...args: unknown[]) {
    const positional = !(typeof args[0] === "object" && args[0] !== null);
    const o: ClientOptions<B> = positional
      ? {
        clientid: args[0] as string, keepalive: args[1] as number, username: args[2] as string,
        password: args[3] as string, cleansession: args[4] as number,
      }
      : (args[0] as ClientOptions<B>);
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
    // NodeMCU's sixth argument is settings.maxMessageLength under its own name
    const maxLen = positional ? args[5] : undefined;
    if (maxLen !== undefined && maxLen !== null && (!Number.isInteger(maxLen) || (maxLen as number) < 1)) {
      throw new RangeError("Client: max_message_length must be a positive whole number");
    }
    this.settings = clientSettings(maxLen == null ? o.settings : { ...o.settings, maxMessageLength: maxLen as number });
    this.binary = o.binary === true;
    this.subscriptions = flag("Client: resubscribe", o.resubscribe, true) ? new Subscriptions() : null;
    this.#config = {
      clientId: o.clientid,
      keepaliveSeconds: o.keepalive,
      cleanSession: flag("Client: cleansession", o.cleansession, true),
      ...(o.username != null ? { username: o.username } : {}),
      ...(o.password != null ? { password: bytesOf("Client: password", o.password) } : {}),
    };
    try {
      this.#engine = createEngine(
        { send: (bytes) => this.#transport?.write(bytes), event: (ev) => { this.events.push(ev); } },
        engineLimits(this.settings),
      );
    } catch (err) {
      throw err instanceof RangeError ? new RangeError(`Client: ${settingNames(err.message)}`) : err;
    }
  }

  /** True between the broker's CONNACK and going offline. */
  get connected(): boolean {
    return this.isConnected;
  }

  /** lwt(topic, message[, qos[, retain]]): the will for the next connect(). */
  lwt(topic: string, message: Payload, qos?: QoS, retain?: Flag): void {
    this.#will = {
      topic: topicOf("lwt: topic", topic),
      message: bytesOf("lwt: message", message),
      qos: qosOf("lwt: qos", qos, 0),
      retain: flag("lwt: retain", retain, false),
    };
  }

  /** on(event, fn): register (or, with null, remove) the handler for an event. */
  on<K extends ClientEvent>(event: K, fn: ClientEvents<B>[K] | null): void {
    if (!EVENTS.includes(event)) throw new RangeError(`on: event must be one of ${EVENTS.join(", ")}`);
    const f = callbackOf<ClientEvents<B>[K]>(`on: the ${event} handler`, fn);
    if (f) this.handlers[event] = f as never;
    else delete this.handlers[event];
  }

  /**
   * connect(host[, port[, secure[, autoreconnect]]][, onConnect[, onFail]]) -> boolean.
   * `secure` is 0/1, a boolean, or TLS settings {ca, cert, key, rejectUnauthorized}.
   */
  connect(host: string, onConnect?: ConnectCallback<B> | null, onFail?: FailCallback<B> | null): boolean;
  connect(host: string, port: number, onConnect?: ConnectCallback<B> | null, onFail?: FailCallback<B> | null): boolean;
  connect(host: string, port: number, secure: Secure, onConnect?: ConnectCallback<B> | null, onFail?: FailCallback<B> | null): boolean;
  connect(host: string, port: number, secure: Secure, autoreconnect: Flag,
    onConnect?: ConnectCallback<B> | null, onFail?: FailCallback<B> | null): boolean;
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
    const onConnect = callbackOf<ConnectCallback<B>>("connect: onConnect", fns[0]);
    const onFail = callbackOf<FailCallback<B>>("connect: onFail", fns[1]);

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
    this.connacks = 0;
    this.schedule();
    return true;
  }

  /** publish(topic, payload, qos, retain[, fn]) -> boolean; fn fires once, when this message is done. */
  publish(topic: string, payload: Payload, qos: QoS, retain: Flag, fn?: ClientCallback<B> | null): boolean {
    const t = topicOf("publish: topic", topic);
    const bytes = bytesOf("publish: payload", payload);
    const q = qosOf("publish: qos", qos);
    const r = flag("publish: retain", retain, false);
    const cb = callbackOf<ClientCallback<B>>("publish: callback", fn);
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

  /** subscribe(topic[, qos[, fn]]) or subscribe({topic: qos, ...}[, fn]) -> boolean. */
  subscribe(topic: string, qos?: QoS | null, fn?: SubackCallback<B> | null): boolean;
  subscribe(topics: Readonly<Record<string, QoS>>, fn?: SubackCallback<B> | null): boolean;
  subscribe(topic: unknown, qos?: unknown, fn?: unknown): boolean {
    let filters: Array<[string, QoS]>;
    let cbArg: unknown;
    if (typeof topic === "object" && topic !== null) {
      filters = Object.entries(topic).map(([t, q]) => [t, qosOf(`subscribe: qos of '${t}'`, q)]);
      if (filters.length === 0) throw new RangeError("subscribe: the table must name at least one topic");
      cbArg = qos;
    } else {
      filters = [[topicOf("subscribe: topic", topic), qosOf("subscribe: qos", qos, 0)]];
      cbArg = fn;
    }
    const cb = callbackOf<SubackCallback<B>>("subscribe: callback", cbArg);
    const ok = this.request(filters, cb);
    if (ok) this.subscriptions?.add(filters);
    return ok;
  }

  /** Send one SUBSCRIBE; `cb` fires with its SUBACK. */
  private request(filters: Array<[string, QoS]>, cb: SubackCallback<B> | undefined): boolean {
    const token = this.token();
    let ok: boolean;
    try {
      ok = this.#engine.subscribe(filters, token, this.now());
    } catch (err) {
      throw named("subscribe", err, filters.map(([t]) => t));
    }
    if (ok) this.subRequests.set(token, { fn: cb, filters: filters.map(([t]) => t) });
    this.schedule();
    return ok;
  }

  /** unsubscribe(topic[, fn]) or unsubscribe({topic: anything, ...}[, fn]) -> boolean. */
  unsubscribe(topic: string | Readonly<Record<string, unknown>>, fn?: ClientCallback<B> | null): boolean {
    let filters: string[];
    if (typeof topic === "object" && topic !== null) {
      filters = Object.keys(topic);
      if (filters.length === 0) throw new RangeError("unsubscribe: the table must name at least one topic");
    } else {
      filters = [topicOf("unsubscribe: topic", topic)];
    }
    const cb = callbackOf<ClientCallback<B>>("unsubscribe: callback", fn);
    const token = this.token();
    let ok: boolean;
    try {
      ok = this.#engine.unsubscribe(filters, token, this.now());
    } catch (err) {
      throw named("unsubscribe", err, filters);
    }
    if (ok) {
      this.unsubCallbacks.set(token, cb);
      this.subscriptions?.remove(filters);
    }
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

  /** The session ended: the engine forgot its pending requests, and there is nothing to resubscribe. */
  private forgetRequests(): void {
    this.subRequests.clear();
    this.unsubCallbacks.clear();
    this.subscriptions?.clear();
  }

  /** An automatic reconnect found no session: subscribe again, in calls the engine takes. */
  private resubscribe(): void {
    for (const filters of this.subscriptions!.calls(this.settings.maxFiltersPerCall)) {
      if (!this.request(filters, undefined)) {
        this.call("warning", new Error(`resubscribe: ${filters.length} topic filter(s) from '${filters[0][0]}' on were not ` +
          `subscribed again after a reconnect without a session: this client's settings.maxPendingRequests ` +
          `(${this.settings.maxPendingRequests}) requests already await their SUBACK; subscribe to them again later`));
      }
    }
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
        const connack = ev.sessionPresent ? SESSION_PRESENT : NO_SESSION;
        if (++this.connacks > 1 && !ev.sessionPresent && this.subscriptions?.size) this.resubscribe();
        const cb = this.onConnect;
        this.onConnect = undefined;
        this.onFail = undefined;
        cb?.(this, connack);
        this.call("connect", connack);
        break;
      }
      case "connfail": {
        if (!ev.retrying) this.forgetRequests();
        const cb = this.onFail;
        this.onFail = undefined;
        const detail = this.lastError;
        cb?.(this, ev.reason, detail);
        this.call("connfail", ev.reason, detail);
        break;
      }
      case "offline":
        if (!ev.retrying) this.forgetRequests();
        this.isConnected = false;
        this.call("offline");
        break;
      case "message": {
        // The engine hands over a payload of its own (not a view of wasm memory): no copy needed.
        const bytes = Buffer.from(ev.payload.buffer, ev.payload.byteOffset, ev.payload.byteLength);
        const data = this.binary ? bytes : bytes.toString("utf8");
        this.call(ev.overflow ? "overflow" : "message", ev.topic, data, messageFlags(ev.qos, ev.retain, ev.dup));
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
        const req = this.subRequests.get(ev.token);
        this.subRequests.delete(ev.token);
        if (req) this.subscriptions?.refused(req.filters, ev.granted);
        req?.fn?.(this, ev.granted);
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
