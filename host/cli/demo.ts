// `wasmqtt demo [--broker mqtt://host:port]`: NodeMCU's mqtt example, run by the Node client.
// Without --broker it starts an embedded aedes broker on 127.0.0.1 (a free port) and stops it after.
import { createServer, type Server, type Socket } from "node:net";
import { Client, constants } from "../client.js";

const TIMEOUT_MS = 10_000;

const REASONS: Record<number, string> = Object.fromEntries(
  Object.entries(constants).map(([name, value]) => [value, name]),
);

interface Target { host: string; port: number; secure: boolean }

function parseBroker(url: string): Target {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--broker: '${url}' is not a URL; give mqtt://host:port`);
  }
  if (u.protocol !== "mqtt:" && u.protocol !== "mqtts:") throw new Error(`--broker: use mqtt:// or mqtts://, not ${u.protocol}//`);
  const secure = u.protocol === "mqtts:";
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new Error(`--broker: '${url}' has no host`);
  return { host, port: u.port ? Number(u.port) : secure ? 8883 : 1883, secure };
}

async function embeddedBroker(): Promise<{ target: Target; stop(): Promise<void> }> {
  const { Aedes } = await import("aedes");
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    target: { host: "127.0.0.1", port, secure: false },
    stop: () => new Promise<void>((resolve) => {
      server.close(() => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
    }),
  };
}

/** The seed's example: connect, subscribe "/topic", publish "hello" at QoS 0, 1 and 2, print what arrives, close. */
function runExample(target: Target): Promise<number> {
  return new Promise((resolve) => {
    const m = new Client(`wasmqtt-demo-${process.pid}`, 120);
    m.lwt("/lwt", "offline", 0, 0);
    let pending = 6; // three "sent" callbacks and three messages back
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      m.close();
      resolve(code);
    };
    const progress = () => { if (--pending === 0) finish(0); };
    const timer = setTimeout(() => {
      console.error(`demo: timed out after ${TIMEOUT_MS / 1000} s (${pending} of 6 steps left); is the broker reachable and forwarding?`);
      finish(1);
    }, TIMEOUT_MS);

    m.on("offline", () => console.log("offline"));
    m.on("message", (_c, topic, data) => {
      console.log(`${topic}:`);
      if (data !== undefined) console.log(data);
      if (topic === "/topic" && data === "hello") progress();
    });
    const ok = m.connect(target.host, target.port, target.secure ? 1 : 0, (client) => {
      console.log("connected");
      client.subscribe("/topic", 2, () => {
        console.log("subscribe success");
        for (const qos of [0, 1, 2] as const) {
          client.publish("/topic", "hello", qos, 0, () => { console.log(`sent (QoS ${qos})`); progress(); });
        }
      });
    }, (_client, reason, error) => {
      const detail = error ? ` (${error.message})` : "";
      console.error(`failed reason: ${reason} ${REASONS[reason] ?? ""}${detail}`);
      finish(1);
    });
    if (!ok) {
      console.error("demo: connect() returned false");
      finish(1);
    }
  });
}

export async function main(_command: string, argv: string[]): Promise<number> {
  let brokerUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--broker") brokerUrl = argv[++i];
    else if (a.startsWith("--broker=")) brokerUrl = a.slice("--broker=".length);
    else if (a === "-h" || a === "--help") {
      console.log("usage: wasmqtt demo [--broker mqtt://host:port]\n\nWithout --broker, an embedded broker is started on 127.0.0.1.");
      return 0;
    } else {
      console.error(`demo: unknown argument '${a}'\nusage: wasmqtt demo [--broker mqtt://host:port]`);
      return 2;
    }
  }
  if (brokerUrl === undefined && argv.includes("--broker")) {
    console.error("demo: --broker needs a URL, e.g. --broker mqtt://127.0.0.1:1883");
    return 2;
  }
  let target: Target;
  let stop: (() => Promise<void>) | null = null;
  try {
    if (brokerUrl !== undefined) {
      target = parseBroker(brokerUrl);
    } else {
      const b = await embeddedBroker();
      target = b.target;
      stop = b.stop;
      console.log(`embedded broker on mqtt://127.0.0.1:${target.port}`);
    }
  } catch (err) {
    console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  try {
    return await runExample(target);
  } finally {
    await stop?.();
  }
}
