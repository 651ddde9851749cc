// The one mosquitto launcher, for the tests (test/helpers/mosquitto.ts) and the client bench: a real
// mosquitto on 127.0.0.1, a free port, a config written here, optional password file, TLS listener
// (CA made with openssl at start), persistence for restarts.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { writeFileSync, chmodSync, rmSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { canConnect, freePort, sleep, stopProcess, tempDir, track } from "./processes.js";

export { freePort };

export interface MosquittoOptions {
  /** user -> password; anonymous access is then refused. */
  users?: Record<string, string>;
  /** Add a TLS listener with a CA, server cert and client cert made now. */
  tls?: boolean;
  /** The TLS listener also requires a client certificate signed by that CA. */
  requireClientCert?: boolean;
  /** Keep sessions and queued QoS 1/2 messages across stop()/start(). */
  persistence?: boolean;
  /** Most messages queued per client (mosquitto's max_queued_messages). */
  maxQueued?: number;
  /** No broker log (a benchmark's broker: nothing written per connection); waitForLog then fails. */
  quiet?: boolean;
  /** Extra config lines. */
  extra?: string[];
}

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  caFile: string;
}

/** A self-signed CA made now in dir (ca.key, ca.crt); returns its certificate (PEM). */
export function makeCa(dir: string, name = "wasmqtt test CA"): Buffer {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", `/CN=${name}`, "-keyout", "ca.key", "-out", "ca.crt"], { cwd: dir, stdio: "pipe" });
  return readFileSync(join(dir, "ca.crt"));
}

function makeTls(dir: string): TlsMaterial {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  makeCa(dir);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr"]);
  run(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "2", "-extfile", "san.ext", "-out", "server.crt"]);
  run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=wasmqtt client", "-keyout", "client.key", "-out", "client.csr"]);
  run(["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-days", "2", "-out", "client.crt"]);
  for (const f of ["ca.crt", "server.crt", "server.key", "client.crt", "client.key"]) chmodSync(join(dir, f), 0o644);
  return {
    ca: readFileSync(join(dir, "ca.crt")),
    cert: readFileSync(join(dir, "client.crt")),
    key: readFileSync(join(dir, "client.key")),
    caFile: join(dir, "ca.crt"),
  };
}

export class Mosquitto {
  readonly dir: string;
  port = 0;
  tlsPort = 0;
  tls: TlsMaterial | null = null;
  private proc: ChildProcess | null = null;

  private constructor(private readonly opts: MosquittoOptions) {
    this.dir = tempDir("wasmqtt-mosq-");
    // mosquitto started as root drops to user mosquitto: it must read the config and write the log.
    chmodSync(this.dir, 0o777);
  }

  static async start(opts: MosquittoOptions = {}): Promise<Mosquitto> {
    const m = new Mosquitto(opts);
    m.port = await freePort();
    if (opts.tls) {
      m.tlsPort = await freePort();
      m.tls = makeTls(m.dir);
    }
    m.writeConfig();
    await m.launch();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  private writeConfig(): void {
    const d = this.dir;
    const lines = [
      "per_listener_settings false",
      ...(this.opts.quiet ? ["log_dest none"] : [`log_dest file ${join(d, "log")}`,
        "log_type error", "log_type warning", "log_type notice", "log_type information", "log_type subscribe"]),
      `persistence ${this.opts.persistence ? "true" : "false"}`,
      "max_inflight_messages 20",
      `max_queued_messages ${this.opts.maxQueued ?? 100_000}`,
    ];
    if (this.opts.persistence) lines.push(`persistence_location ${d}/`, "autosave_interval 1");
    if (this.opts.users) {
      const pw = join(d, "passwd");
      writeFileSync(pw, "");
      for (const [u, p] of Object.entries(this.opts.users)) execFileSync("mosquitto_passwd", ["-b", pw, u, p]);
      chmodSync(pw, 0o644);
      lines.push("allow_anonymous false", `password_file ${pw}`);
    } else {
      lines.push("allow_anonymous true");
    }
    lines.push(`listener ${this.port} 127.0.0.1`);
    if (this.opts.tls) {
      lines.push(`listener ${this.tlsPort} 127.0.0.1`, `cafile ${join(d, "ca.crt")}`,
        `certfile ${join(d, "server.crt")}`, `keyfile ${join(d, "server.key")}`);
      if (this.opts.requireClientCert) lines.push("require_certificate true");
    }
    lines.push(...(this.opts.extra ?? []));
    writeFileSync(join(d, "mosquitto.conf"), lines.join("\n") + "\n");
    writeFileSync(join(d, "log"), "");
    chmodSync(join(d, "log"), 0o666);
  }

  private async launch(): Promise<void> {
    const proc = spawn("mosquitto", ["-c", join(this.dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr!.on("data", (d) => { stderr += d; });
    let exited = false;
    track(proc);
    proc.once("exit", () => { exited = true; });
    this.proc = proc;
    for (let i = 0; i < 200; i++) {
      if (exited) throw new Error(`mosquitto exited at start: ${stderr}\n${this.log()}`);
      const ok = await canConnect(this.port) && (!this.tlsPort || await canConnect(this.tlsPort));
      if (ok) return;
      await sleep(25);
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${stderr}\n${this.log()}`);
  }

  /** Wait until the broker's log matches (e.g. a subscription is in place). */
  async waitForLog(pattern: RegExp, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.log())) {
      if (Date.now() > deadline) throw new Error(`mosquitto log never matched ${pattern}:\n${this.log()}`);
      await sleep(10);
    }
  }

  log(): string {
    const f = join(this.dir, "log");
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  }

  /** Stop by PID (SIGTERM: mosquitto saves persistence) and wait for the exit. */
  async stop(): Promise<void> {
    await stopProcess(this.proc);
    this.proc = null;
  }

  /** Start again on the same port(s) with the same config (and persistence file). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
