// Run in a child process by the flood tests, so its memory is measured alone: connects to the
// test's raw broker and prints one JSON line per event, and every 20 ms a status line
// {rss, peakRss, baseRss, peakBacklog, messages, outOfOrder, connected} (backlog:
// client.bufferedBytes, the bytes waiting to be written). Messages carry their index as a
// 4-byte big-endian payload; the message callback busy-waits `slowUs` microseconds.
//   args: PORT SETTINGS_JSON SLOW_US
import { Client } from "../../host/client.js";

const [port, settingsJson, slowUsArg] = process.argv.slice(2);
const slowUs = Number(slowUsArg ?? 0);
const m = new Client({ clientid: `flood-${process.pid}`, keepalive: 0, binary: true, settings: JSON.parse(settingsJson ?? "{}") });

let baseRss = 0;
let peakRss = 0;
let peakBacklog = 0;
let messages = 0;
let outOfOrder = 0;
const say = (line: object) => process.stdout.write(JSON.stringify(line) + "\n");
const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  if (m.bufferedBytes > peakBacklog) peakBacklog = m.bufferedBytes;
  return rss;
};
const status = () => say({ ev: "status", rss: sample(), peakRss, baseRss, peakBacklog, messages, outOfOrder, connected: m.connected });

m.on("message", (_c, _topic, data) => {
  const b = data as Buffer;
  if (b.length !== 4 || b.readUInt32BE(0) !== messages) outOfOrder++;
  messages++;
  if (slowUs > 0) {
    const until = process.hrtime.bigint() + BigInt(slowUs * 1000);
    while (process.hrtime.bigint() < until) { /* a slow application */ }
  }
  if ((messages & 1023) === 0) sample();
});
m.on("offline", (c) => say({ ev: "offline", error: c.error?.message ?? null, code: (c.error as NodeJS.ErrnoException | undefined)?.code ?? null }));
m.connect("127.0.0.1", Number(port), 0, () => {
  baseRss = peakRss = sample();
  say({ ev: "connect", baseRss });
}, (_c, reason) => { say({ ev: "connfail", reason }); process.exit(1); });
setInterval(status, 20);
process.stdout.on("error", () => process.exit(0)); // the test has gone
