// The two clients the interop scenarios run, behind one promise-shaped face: wasmqtt's Node client
// and MQTT.js (the yardstick). A scenario written once runs on both.
import mqtt from "mqtt";
import { Client } from "../../host/client.js";
import { deferred, until } from "../helpers/wait.js";

export interface Login {
  port: number;
  clientId: string;
  clean?: boolean;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: 0 | 1 | 2 };
  /** Reconnect on its own after a lost connection, subscribing again when the session is gone
   *  (wasmqtt: autoreconnect + resubscribe, on by default; MQTT.js: reconnectPeriod + resubscribe). */
  reconnect?: boolean;
}

/** A message as the client's message callback saw it: `retain` is the flag it reports. */
export interface Received { topic: string; payload: string; retain: boolean }

export interface Peer {
  readonly received: Received[];
  /** sessionPresent of every CONNACK accepted, in order. */
  readonly connacks: boolean[];
  /** Granted QoS (or 128) per filter. */
  subscribe(topic: string, qos: 0 | 1 | 2): Promise<number[]>;
  /** Resolves when the client reports the publish done (its callback). */
  publish(topic: string, payload: string | Buffer, qos: 0 | 1 | 2, retain?: boolean): Promise<void>;
  /** Wait until `n` messages have arrived. */
  receive(n: number, timeoutMs?: number): Promise<Received[]>;
  /** Disconnect cleanly. */
  end(): Promise<void>;
}

export interface Implementation {
  name: string;
  /** Connect; rejects with the refusal's CONNACK code (`code`) on refusal. */
  connect(login: Login): Promise<Peer>;
}

function received(list: Received[]): Peer["receive"] {
  return async (n, timeoutMs = 20_000) => {
    await until(() => list.length >= n, `${n} messages (got ${list.length})`, timeoutMs);
    return list.slice(0, n);
  };
}

export const wasmqtt: Implementation = {
  name: "wasmqtt",
  connect(login) {
    const c = new Client(login.clientId, 30, login.username ?? null, login.password ?? null, login.clean === false ? 0 : 1);
    if (login.will) c.lwt(login.will.topic, login.will.payload, login.will.qos, 0);
    const list: Received[] = [];
    const connacks: boolean[] = [];
    c.on("message", (_c, topic, data, flags) => list.push({ topic, payload: data, retain: flags.retain }));
    c.on("connect", (_c, connack) => connacks.push(connack.sessionPresent));
    const d = deferred<Peer>(`wasmqtt connect to ${login.port}`, 20_000);
    const peer: Peer = {
      received: list,
      connacks,
      subscribe(topic, qos) {
        const s = deferred<number[]>(`suback for ${topic}`);
        if (!c.subscribe(topic, qos, (_c, granted) => s.resolve(granted))) s.reject(new Error("subscribe() returned false"));
        return s.promise;
      },
      publish(topic, payload, qos, retain = false) {
        const p = deferred<void>(`publish done on ${topic}`, 20_000);
        if (!c.publish(topic, payload, qos, retain ? 1 : 0, () => p.resolve())) p.reject(new Error("publish() returned false"));
        return p.promise;
      },
      receive: received(list),
      async end() {
        c.close();
        await until(() => !c.connected, "wasmqtt offline", 5000);
      },
    };
    const started = c.connect("127.0.0.1", login.port, 0, login.reconnect ? 1 : 0, () => d.resolve(peer),
      (_c, reason) => { c.close(); d.reject(Object.assign(new Error(`connfail ${reason}`), { code: reason })); });
    if (!started) d.reject(new Error("connect() returned false"));
    return d.promise;
  },
};

export const mqttjs: Implementation = {
  name: "MQTT.js",
  connect(login) {
    const c = mqtt.connect(`mqtt://127.0.0.1:${login.port}`, {
      clientId: login.clientId, clean: login.clean !== false, username: login.username, password: login.password,
      keepalive: 30, reconnectPeriod: login.reconnect ? 1000 : 0, resubscribe: login.reconnect === true,
      will: login.will ? { topic: login.will.topic, payload: Buffer.from(login.will.payload), qos: login.will.qos, retain: false } : undefined,
    });
    const list: Received[] = [];
    const connacks: boolean[] = [];
    c.on("message", (topic, payload, packet) => list.push({ topic, payload: payload.toString(), retain: packet.retain }));
    c.on("connect", (connack) => connacks.push(connack.sessionPresent));
    const d = deferred<Peer>(`MQTT.js connect to ${login.port}`, 20_000);
    const peer: Peer = {
      received: list,
      connacks,
      subscribe: (topic, qos) => new Promise((resolve, reject) => {
        c.subscribe(topic, { qos }, (err, granted) => (err ? reject(err) : resolve((granted ?? []).map((g) => g.qos))));
      }),
      publish: (topic, payload, qos, retain = false) => new Promise((resolve, reject) => {
        c.publish(topic, payload, { qos, retain }, (err) => (err ? reject(err) : resolve()));
      }),
      receive: received(list),
      end: () => new Promise((resolve) => { c.end(false, {}, () => resolve()); }),
    };
    // an error before the first CONNACK is the refusal; later ones (a reset connection) are for
    // the reconnect logic to handle
    const refused = (err: Error) => { c.end(true); d.reject(err); };
    c.once("error", refused);
    c.once("connect", () => { c.off("error", refused); c.on("error", () => {}); d.resolve(peer); });
    return d.promise;
  },
};

export const IMPLEMENTATIONS = [wasmqtt, mqttjs];
