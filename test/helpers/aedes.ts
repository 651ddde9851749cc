// An in-process aedes broker on 127.0.0.1 for tests: a free port, optional credentials (a wrong
// password gets CONNACK 4), and a restart that keeps its (in-memory) persistence, as a broker with
// a persistent store would: sessions, subscriptions and queued messages survive it.
import { createServer, type Server, type Socket } from "node:net";
import type { Aedes as AedesBroker, AuthenticateError } from "aedes";
import { freePort } from "./processes.js";

export interface AedesOptions {
  /** user -> password; a client giving a user name must give its password (anonymous is allowed). */
  users?: Record<string, string>;
}

export class AedesServer {
  port = 0;
  private broker: AedesBroker | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  // the memory persistence outlives a broker instance: what a restart keeps
  private persistence: unknown = null;

  private constructor(private readonly opts: AedesOptions) {}

  static async start(opts: AedesOptions = {}): Promise<AedesServer> {
    const a = new AedesServer(opts);
    a.port = await freePort();
    await a.launch();
    return a;
  }

  private async launch(): Promise<void> {
    const { Aedes } = await import("aedes");
    const users = this.opts.users;
    const broker = await Aedes.createBroker({
      persistence: this.persistence ?? undefined,
      authenticate: (_client, username, password, done) => {
        if (!users || username === undefined || users[username] === password?.toString()) return done(null, true);
        const err = Object.assign(new Error("bad user name or password"), { returnCode: 4 }) as AuthenticateError;
        done(err, null);
      },
    });
    this.persistence ??= (broker as unknown as { persistence: unknown }).persistence;
    const server = createServer(broker.handle);
    server.on("connection", (s) => { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.broker = broker;
    this.server = server;
  }

  /** Stop listening, drop every connection (no DISCONNECT: wills are due) and close the broker. */
  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = null;
    this.server = null;
    if (!server || !broker) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  /** A new broker on the same port over the same persistence. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  dispose(): Promise<void> {
    return this.stop();
  }
}
