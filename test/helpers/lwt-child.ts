// Run in a child process by the last-will test: connect with a will, say so, then wait to be killed.
import { Client } from "../../host/client.js";

const [port, topic] = process.argv.slice(2);
const m = new Client(`lwt-child-${process.pid}`, 30);
m.lwt(topic, "offline", 1, 0);
m.connect("127.0.0.1", Number(port), 0, () => console.log("connected"),
  (_c, reason) => { console.error(`lwt-child: connfail ${reason}`); process.exit(1); });
