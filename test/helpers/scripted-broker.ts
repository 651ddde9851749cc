// A tiny TCP "broker" that does exactly what a test scripts: it hands each connection to the test,
// parses what the client sends with mqtt-packet, and writes whatever bytes the test gives.
// Tests may know MQTT packets; production code may not.
import { afterEach } from "vitest";
import { createServer, type Server, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";
import type { Packet } from "mqtt-packet";

export const { generate } = mqttPacket;

export class ScriptedConn {
  readonly packets: Packet[] = [];
  closed = false;
  parseError: Error | null = null;
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (p: Packet) => { this.packets.push(p); this.wake(); });
    parser.on("error", (e: Error) => { this.parseError = e; this.wake(); });
    socket.on("data", (d) => parser.parse(d));
    socket.on("error", () => {});
    socket.on("close", () => { this.closed = true; this.wake(); });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wait for the n-th packet (0-based) matching cmd, or any packet when cmd is omitted. */
  async next(cmd?: string, timeoutMs = 5000): Promise<Packet> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.packets.length; seen++) {
        const p = this.packets[seen];
        if (!cmd || p.cmd === cmd) {
          this.packets.splice(seen, 1);
          return p;
        }
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${cmd ?? "a packet"}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${cmd ?? "a packet"}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  /** Wait until the client closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for the client to close");
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  send(bytes: Uint8Array | Packet): void {
    if (this.closed) return;
    this.socket.write(bytes instanceof Uint8Array ? bytes : generate(bytes as Packet));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class ScriptedBroker {
  readonly conns: ScriptedConn[] = [];
  private waiters: Array<() => void> = [];

  private constructor(private readonly server: Server, readonly port: number) {}

  /** Start on 127.0.0.1 and call `script` for every new connection. */
  static start(script: (conn: ScriptedConn, index: number) => void | Promise<void>): Promise<ScriptedBroker> {
    return new Promise((resolve, reject) => {
      let broker: ScriptedBroker;
      const server = createServer((sock) => {
        sock.setNoDelay(true);
        const conn = new ScriptedConn(sock);
        const index = broker.conns.length;
        broker.conns.push(conn);
        const w = broker.waiters;
        broker.waiters = [];
        for (const f of w) f();
        Promise.resolve().then(() => script(conn, index)).catch(() => conn.destroy());
      });
      server.on("error", reject);
      server.listen(0, "127.0.0.1", () => {
        broker = new ScriptedBroker(server, (server.address() as { port: number }).port);
        resolve(broker);
      });
    });
  }

  async connection(index: number, timeoutMs = 5000): Promise<ScriptedConn> {
    const deadline = Date.now() + timeoutMs;
    while (this.conns.length <= index) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for connection #${index}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
    return this.conns[index];
  }

  close(): Promise<void> {
    for (const c of this.conns) c.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** For one test file: starts scripted brokers, each closed after the test that started it. */
export function scriptedBrokers(): (script: (conn: ScriptedConn) => Promise<void>) => Promise<ScriptedBroker> {
  const brokers: ScriptedBroker[] = [];
  afterEach(async () => { await Promise.all(brokers.splice(0).map((b) => b.close())); });
  return async (script) => {
    const b = await ScriptedBroker.start(script);
    brokers.push(b);
    return b;
  };
}
