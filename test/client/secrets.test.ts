// Secrets never show in util.inspect, console.log or JSON.stringify of our objects: a Client
// before and while connected (its engine then holds the CONNECT with the password), its settings,
// a Transport with bytes staged, an Engine.
import { format, inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "../../host/client.js";
import { createEngine } from "../../host/engine/index.js";
import { DEFAULT_CLIENT_SETTINGS } from "../../host/net/settings.js";
import { Transport } from "../../host/net/transport.js";
import { ScriptedBroker } from "../helpers/scripted-broker.js";
import { connected } from "../helpers/client.js";

const USER = "user-5ecret-u";
const PASSWORD = "pw-5ecret-p";
const KEY = "tls-5ecret-key";

/** Everything a user may print about `obj`. */
function printed(obj: unknown): string {
  return [
    inspect(obj),
    inspect(obj, { depth: Infinity, showHidden: true, getters: true }),
    format("%o", obj),
    format("%s %j", obj, obj),
    JSON.stringify(obj) ?? "",
  ].join("\n");
}

function expectNoSecrets(obj: unknown): void {
  const text = printed(obj);
  for (const secret of [USER, PASSWORD, KEY]) expect(text).not.toContain(secret);
  // the bytes as a Buffer would print them, too
  for (const secret of [USER, PASSWORD]) expect(text).not.toContain(Buffer.from(secret).toString("hex").slice(0, 12));
}

const brokers: ScriptedBroker[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

describe("secrets stay out of printed objects", () => {
  it("a Client, made with a username and password (string or Buffer), before connecting", () => {
    expectNoSecrets(new Client("c", 30, USER, PASSWORD));
    expectNoSecrets(new Client({ clientid: "c", keepalive: 30, username: USER, password: Buffer.from(PASSWORD) }));
  });

  it("a Client while connected (the CONNECT with the password went through the engine)", async () => {
    const broker = await ScriptedBroker.start(async (conn) => {
      await conn.next("connect");
      conn.send({ cmd: "connack", returnCode: 0, sessionPresent: false });
    });
    brokers.push(broker);
    const c = new Client("c", 30, USER, PASSWORD);
    clients.push(c);
    c.lwt("will/topic", "bye", 0, 0);
    await connected(c, "127.0.0.1", broker.port);
    expectNoSecrets(c);
    expect(JSON.parse(JSON.stringify(c))).toMatchObject({ clientid: "c", connected: true });
  });

  it("a Client connecting over TLS: its TLS settings are not printed", async () => {
    const c = new Client("c", 30, USER, PASSWORD);
    clients.push(c);
    // nothing listens on port 1; the settings are held while the attempt runs. (A made-up key
    // would not parse: the server name stands for every TLS setting, keys included.)
    const failed = new Promise<void>((resolve) => {
      c.connect("127.0.0.1", 1, { servername: KEY, rejectUnauthorized: false }, 0, null, () => resolve());
    });
    expectNoSecrets(c);
    await new Promise((r) => setImmediate(r));
    expectNoSecrets(c); // the transport is open(ing) now
    await failed;
  });

  it("a Transport with a password staged for writing, an Engine, the settings", () => {
    const t = new Transport({ host: "127.0.0.1", port: 1, tls: null },
      { opened() {}, failed() {}, data() {}, closed() {} }, DEFAULT_CLIENT_SETTINGS);
    t.write(Buffer.from(PASSWORD));
    expectNoSecrets(t);
    t.destroy();
    const engine = createEngine({ send() {}, event() {} });
    engine.start({ clientId: "c", keepaliveSeconds: 30, cleanSession: true, autoReconnect: false, username: USER,
      password: Buffer.from(PASSWORD) }, 0, 1);
    engine.transportOpened(0);
    expectNoSecrets(engine);
    expectNoSecrets(DEFAULT_CLIENT_SETTINGS);
  });
});
