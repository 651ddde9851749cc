// The interop scenarios against aedes (in process; its memory persistence kept across the restart).
import { AedesServer } from "../helpers/aedes.js";
import { interopSuite, PASSWORD, USER } from "./suite.js";

interopSuite({
  name: "aedes",
  grantedForQos2: 2,
  wrongPasswordCode: 4,
  start: () => AedesServer.start({ users: { [USER]: PASSWORD } }),
  mqttjsLosesQueuedQos2: ["m0"],
});
