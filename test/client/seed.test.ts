// The seed's (NodeMCU's) example, transliterated line by line to the Node client, run against mosquitto.
import { afterAll, beforeAll, expect, it } from "vitest";
import mqtt from "mqtt";
import { Client } from "../../host/client.js";
import { Mosquitto } from "../helpers/mosquitto.js";
import { deferred } from "../helpers/wait.js";

let broker: Mosquitto;
beforeAll(async () => { broker = await Mosquitto.start(); });
afterAll(async () => { await broker?.dispose(); });

it("runs end to end: connect, subscribe, publish, message, close, offline", async () => {
  const out: string[] = [];
  const print = (s: string) => out.push(s);
  const finished = deferred<void>("the example to finish");
  const watcher = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  const lwt: string[] = [];
  watcher.on("message", (t, p) => lwt.push(`${t} ${p}`));
  await watcher.subscribeAsync("/lwt", { qos: 0 });

  // init mqtt client without logins, keepalive timer 120s
  const m = new Client("clientid", 120);
  // setup Last Will and Testament (optional)
  m.lwt("/lwt", "offline", 0, 0);
  m.on("connect", () => print("connected"));
  m.on("offline", () => { print("offline"); finished.resolve(); });
  // on publish message receive event
  m.on("message", (_client, topic, data) => {
    print(topic + ":");
    if (data !== undefined) print(data as string);
    m.close();
  });
  expect(m.connect("127.0.0.1", broker.port, 0, () => {
    print("connected (callback)");
    // subscribe topic with qos = 0
    m.subscribe("/topic", 0, () => {
      print("subscribe success");
      // publish a message with data = hello, QoS = 0, retain = 0
      m.publish("/topic", "hello", 0, 0, () => print("sent"));
    });
  }, (_client, reason) => print("failed reason: " + reason))).toBe(true);

  await finished.promise;
  expect(out).toEqual(["connected (callback)", "connected", "subscribe success", "sent", "/topic:", "hello", "offline"]);
  await new Promise((r) => setTimeout(r, 100));
  expect(lwt).toEqual([]); // close() is a clean disconnect: no will
  // "you can call m:connect again"
  const again = deferred<void>("the second connect");
  expect(m.connect("127.0.0.1", broker.port, 0, () => again.resolve())).toBe(true);
  await again.promise;
  expect(m.close()).toBe(true);
  await watcher.endAsync(true);
});
