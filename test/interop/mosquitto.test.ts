// The interop scenarios against mosquitto 2.0 (a private instance, persistence on for the restart),
// and the queued-QoS 2 scenario once more with `max_inflight_messages 0`: mosquitto then sends all
// 100 queued messages back to back, before any PUBREL.
import { afterAll, beforeAll, describe } from "vitest";
import { Mosquitto } from "../helpers/mosquitto.js";
import { interopSuite, PASSWORD, queuedQos2Scenario, USER } from "./suite.js";

interopSuite({
  name: "mosquitto",
  grantedForQos2: 2,
  wrongPasswordCode: 5, // mosquitto answers "not authorized"
  async start() {
    const m = await Mosquitto.start({ users: { [USER]: PASSWORD }, persistence: true });
    return { get port() { return m.port; }, restart: () => m.restart(), dispose: () => m.dispose() };
  },
});

describe("interop with mosquitto, max_inflight_messages 0", () => {
  let broker: Mosquitto;
  beforeAll(async () => { broker = await Mosquitto.start({ users: { [USER]: PASSWORD }, extra: ["max_inflight_messages 0"] }); });
  afterAll(async () => { await broker?.dispose(); });
  queuedQos2Scenario(() => broker.port, [], " (no in-flight limit)");
});
