// The interop scenarios against RabbitMQ 3.10's MQTT plugin (a private node; see helpers/rabbitmq.ts).
// RabbitMQ delivers QoS 2 as QoS 1: it grants QoS 1 and answers a QoS 2 publish with PUBACK.
import { expect, it } from "vitest";
import { Client } from "../../host/client.js";
import { connected, published, uniqueId } from "../helpers/client.js";
import { RabbitMq } from "../helpers/rabbitmq.js";
import { interopSuite, PASSWORD, USER } from "./suite.js";

interopSuite({
  name: "rabbitmq",
  grantedForQos2: 1,
  wrongPasswordCode: 4,
  start: () => RabbitMq.start({ user: USER, password: PASSWORD }),
  more(port) {
    it("wasmqtt: QoS 2 publishes answered with PUBACK complete (callbacks fire, past the 8 held) with one warning", async () => {
      const c = new Client({ clientid: uniqueId("wq-rabbit"), keepalive: 30, username: USER, password: PASSWORD, settings: { maxQueuedMessages: 8 } });
      const warnings: string[] = [];
      c.on("warning", (_c, e) => warnings.push(e.message));
      try {
        await connected(c, "127.0.0.1", port());
        for (let i = 0; i < 20; i++) await published(c, "interop/rabbitmq/qos2-downgrade", `m${i}`, 2);
        expect(warnings).toEqual([expect.stringMatching(/answered a QoS 2 publish with PUBACK.*\(code 31\)/)]);
      } finally {
        c.close();
      }
    });
  },
});
