// A private RabbitMQ node with its MQTT plugin on 127.0.0.1 for the interop tests: Debian's
// rabbitmq-server run as its real script (not the wrapper that switches user), configured only by
// environment variables pointing into a temporary folder, with its own epmd on a free port, its
// own node name and no AMQP listener. Stopped by PID (beam, then epmd); the folder is removed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canConnect, freePort, hasExited, sleep, stopProcess, tempDir, track } from "./processes.js";

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const START_TIMEOUT_MS = 60_000;

export interface RabbitMqOptions {
  /** The user every client logs in as (anonymous clients too); a wrong password gets CONNACK 4. */
  user: string;
  password: string;
}

export class RabbitMq {
  port = 0;
  private readonly dir = tempDir("wasmqtt-rabbit-");
  private readonly node = `wasmqtt${process.pid}x${Date.now() % 100000}@localhost`;
  private epmdPort = 0;
  private distPort = 0;
  private epmd: ChildProcess | null = null;
  private server: ChildProcess | null = null;
  private output = "";

  private constructor(private readonly opts: RabbitMqOptions) {}

  static available(): boolean {
    return existsSync(SERVER);
  }

  static async start(opts: RabbitMqOptions): Promise<RabbitMq> {
    const r = new RabbitMq(opts);
    try {
      [r.port, r.epmdPort, r.distPort] = [await freePort(), await freePort(), await freePort()];
      // A free port can be taken by another process before the node binds it (tests run in
      // parallel): the node then refuses to boot, and a fresh pair of ports is tried.
      for (let attempt = 1; ; attempt++) {
        r.writeConfig();
        try {
          await r.launch();
          break;
        } catch (e) {
          if (attempt >= 3 || !/dist_port_already_used|could not bind|eaddrinuse/i.test(String(e))) throw e;
          [r.port, r.distPort] = [await freePort(), await freePort()];
        }
      }
    } catch (e) {
      await r.dispose();
      throw e;
    }
    return r;
  }

  private writeConfig(): void {
    const d = this.dir;
    const { user, password } = this.opts;
    writeFileSync(join(d, "rabbitmq.conf"), [
      "listeners.tcp = none",
      `mqtt.listeners.tcp.1 = 127.0.0.1:${this.port}`,
      "mqtt.allow_anonymous = true",
      `mqtt.default_user = ${user}`,
      `mqtt.default_pass = ${password}`,
      `default_user = ${user}`,
      `default_pass = ${password}`,
      "loopback_users = none",
      "",
    ].join("\n"));
    writeFileSync(join(d, "advanced.config"), "[].\n");
    writeFileSync(join(d, "rabbitmq-env.conf"), "");
    writeFileSync(join(d, "enabled_plugins"), "[rabbitmq_mqtt].\n");
  }

  private env(): NodeJS.ProcessEnv {
    const d = this.dir;
    return {
      ...process.env,
      HOME: d, // the Erlang cookie is written here, not in the user's home
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_CONFIG_FILE: join(d, "rabbitmq"),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(d, "advanced.config"),
      RABBITMQ_CONF_ENV_FILE: join(d, "rabbitmq-env.conf"),
      RABBITMQ_MNESIA_BASE: join(d, "mnesia"),
      RABBITMQ_LOG_BASE: join(d, "log"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(d, "enabled_plugins"),
      RABBITMQ_PLUGINS_EXPAND_DIR: join(d, "plugins"),
      RABBITMQ_PID_FILE: join(d, "rabbit.pid"),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
      ERL_EPMD_ADDRESS: "127.0.0.1",
      ERL_EPMD_PORT: String(this.epmdPort),
      ERL_CRASH_DUMP: join(d, "erl_crash.dump"), // a node that fails to boot writes here, not in the checkout
    };
  }

  private async launch(): Promise<void> {
    if (!this.epmd || hasExited(this.epmd)) {
      this.epmd = spawn("epmd", ["-port", String(this.epmdPort), "-address", "127.0.0.1"], { stdio: "ignore", env: this.env() });
      track(this.epmd);
      await this.waitForPort(this.epmdPort, this.epmd, "epmd");
    }
    const server = spawn(SERVER, [], { stdio: ["ignore", "pipe", "pipe"], env: this.env(), cwd: this.dir });
    track(server);
    // a test process that dies without dispose() takes the VM with it, not only the script
    process.once("exit", () => { const pid = this.beamPid(); if (pid && this.server === server) killQuietly(pid, "SIGKILL"); });
    this.server = server;
    this.output = "";
    server.stdout!.on("data", (b) => { this.output += b; });
    server.stderr!.on("data", (b) => { this.output += b; });
    await this.waitForPort(this.port, server, "rabbitmq-server");
  }

  private async waitForPort(port: number, proc: ChildProcess, what: string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await canConnect(port))) {
      if (hasExited(proc)) throw new Error(`${what} exited at start:\n${this.output}${this.log()}`);
      if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port} in ${START_TIMEOUT_MS} ms:\n${this.output}${this.log()}`);
      await sleep(50);
    }
  }

  /** The node's log (for failure messages). */
  log(): string {
    const f = join(this.dir, "log", `${this.node}.log`);
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  }

  /** SIGTERM to the beam's PID (from its pid file); the start script then exits too. epmd stays. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server || hasExited(server)) return;
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    const beam = this.beamPid();
    if (beam) killQuietly(beam, "SIGTERM");
    else server.kill("SIGTERM"); // no pid file yet: the script forwards TERM to the VM
    const timer = setTimeout(() => { if (beam) killQuietly(beam, "SIGKILL"); server.kill("SIGKILL"); }, 15_000);
    await exited;
    clearTimeout(timer);
  }

  private beamPid(): number {
    const f = join(this.dir, "rabbit.pid");
    return existsSync(f) ? Number(readFileSync(f, "utf8").trim()) || 0 : 0;
  }

  /** Stop and start again on the same ports with the same database: durable sessions survive. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    await stopProcess(this.epmd);
    this.epmd = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
