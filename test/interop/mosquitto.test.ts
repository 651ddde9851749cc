// The interop scenarios against mosquitto 2.0 (a private instance, persistence on for the restart).
import { Mosquitto } from "../helpers/mosquitto.js";
import { interopSuite, PASSWORD, USER } from "./suite.js";

interopSuite({
  name: "mosquitto",
  grantedForQos2: 2,
  wrongPasswordCode: 5, // mosquitto answers "not authorized"
  async start() {
    const m = await Mosquitto.start({ users: { [USER]: PASSWORD }, persistence: true });
    return { get port() { return m.port; }, restart: () => m.restart(), dispose: () => m.dispose() };
  },
});
