// Backpressure on the Node client (issue 13), against a raw TCP broker on 127.0.0.1 and the
// client in a child process (its memory measured alone):
// - a broker that stops reading while sending 5,000,000 PUBRELs: the client stops reading too,
//   memory stays bounded, and when the broker reads again every PUBCOMP arrives, in order;
// - a broker that never reads again is dropped after settings.writeStallMs, with an error that
//   says so;
// - 100,000 QoS 1 messages into a slow message callback: all delivered once, in order, all acked.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deferred } from "../helpers/wait.js";

const CHILD = join(import.meta.dirname, "../helpers/flood-child.ts");
const MB = 1024 * 1024;
const KB = 1024;
/** The bytes waiting to be written stay under settings.pauseReadingBytes (256 KiB) plus what one
 *  socket read (64 KiB of PUBRELs) can add and one staged write (64 KiB). Before backpressure a
 *  broker that stopped reading left 15 MB there. */
const BACKLOG_BOUND = 384 * KB;
/** Peak RSS growth over the client's RSS at CONNACK, generously: any flood at full speed grows
 *  V8's young generation and leaves 64 KiB socket reads for the GC (measured +24 to +85 MB,
 *  the same with a broker that reads; docs/client.md). The backlog bound is the tight check. */
const RSS_BOUND = 128 * MB;

interface Status { ev: string; rss: number; peakRss: number; baseRss: number; peakBacklog: number; messages: number; outOfOrder: number; connected: boolean; error?: string; code?: string }

const servers: Server[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
  for (const s of servers.splice(0)) s.close();
});

/** A raw broker: `onConnect` gets the socket once the CONNECT arrived and was answered. */
async function rawBroker(onConnect: (sock: Socket) => void): Promise<number> {
  const server = createServer((sock) => {
    sock.on("error", () => {});
    sock.once("data", () => {
      sock.write(Buffer.from([0x20, 0x02, 0x00, 0x00])); // CONNACK accepted
      onConnect(sock);
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as { port: number }).port;
}

/** The client in a child process; `last` is its latest line, `wait` resolves on a matching line. */
function child(port: number, settings: object, slowUs = 0) {
  const p = spawn(process.execPath, ["--import", "tsx", CHILD, String(port), JSON.stringify(settings), String(slowUs)],
    { stdio: ["ignore", "pipe", "inherit"] });
  children.push(p);
  const state = { last: null as Status | null, offline: null as Status | null, waiters: [] as Array<[(s: Status) => boolean, (s: Status) => void]> };
  let rest = "";
  p.stdout!.setEncoding("utf8").on("data", (d: string) => {
    const lines = (rest + d).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      const s = JSON.parse(l) as Status;
      if (s.ev === "status") state.last = s;
      if (s.ev === "offline") state.offline = s;
      state.waiters = state.waiters.filter(([when, done]) => (when(s) ? (done(s), false) : true));
    }
  });
  const wait = (when: (s: Status) => boolean, what: string, ms = 60_000) => {
    const d = deferred<Status>(what, ms);
    state.waiters.push([when, d.resolve]);
    return d.promise;
  };
  return { state, wait };
}

/** Writes `count` packets of `size` bytes made by `make(index, buf, at)`, 16,384 per chunk,
 *  waiting for 'drain' as a well-behaved peer does; `progress` counts them and stamps each write. */
async function writePackets(sock: Socket, count: number, size: number, make: (i: number, b: Buffer, at: number) => void,
  progress: { sent: number; lastWrite: number }) {
  const perChunk = 16_384;
  const drained = () => new Promise<void>((resolve) => {
    const done = () => { sock.off("drain", done); sock.off("close", done); resolve(); };
    sock.on("drain", done);
    sock.on("close", done);
  });
  while (progress.sent < count && !sock.destroyed) {
    const n = Math.min(perChunk, count - progress.sent);
    const chunk = Buffer.allocUnsafe(n * size);
    for (let k = 0; k < n; k++) make(progress.sent + k, chunk, k * size);
    progress.sent += n;
    progress.lastWrite = Date.now();
    if (!sock.write(chunk)) await drained();
    progress.lastWrite = Date.now();
  }
}

/** The child's peak backlog and RSS growth, logged (the figures in docs/client.md) and bounded. */
function expectBounded(what: string, last: Status): void {
  const rss = last.peakRss - last.baseRss;
  console.log(`${what}: backlog peak ${(last.peakBacklog / KB).toFixed(0)} KiB, RSS peak +${(rss / MB).toFixed(1)} MB ` +
    `(RSS ${(last.baseRss / MB).toFixed(1)} MB at CONNACK)`);
  expect(last.peakBacklog).toBeLessThanOrEqual(BACKLOG_BOUND);
  expect(rss).toBeLessThan(RSS_BOUND);
}

const packetId = (i: number) => (i % 65535) + 1;
function pubrel(i: number, b: Buffer, at: number): void {
  b[at] = 0x62; b[at + 1] = 2; b.writeUInt16BE(packetId(i), at + 2);
}

/** Reads the client's 4-byte acks (`first` byte: 0x70 PUBCOMP, 0x40 PUBACK), each checked
 *  against the next expected packet id; returns the live counters. */
function ackReader(sock: Socket, first: number, seen = { count: 0, wrong: 0 }) {
  let carry = Buffer.alloc(0);
  sock.on("data", (d: Buffer) => {
    const buf = carry.length ? Buffer.concat([carry, d]) : d;
    let at = 0;
    for (; at + 4 <= buf.length; at += 4) {
      if (buf[at] !== first || buf[at + 1] !== 2 || buf.readUInt16BE(at + 2) !== packetId(seen.count)) seen.wrong++;
      seen.count++;
    }
    carry = Buffer.from(buf.subarray(at));
  });
  return seen;
}

describe("backpressure: a broker that stops reading", () => {
  it("5,000,000 PUBRELs while it does not read: bounded memory, then every PUBCOMP in order", async () => {
    const N = 5_000_000;
    const progress = { sent: 0, lastWrite: Date.now() };
    let seen = { count: 0, wrong: 0 };
    let sentWhileNotReading = 0;
    let clientHeldReading = false;
    let c: ReturnType<typeof child> | null = null;
    const port = await rawBroker((sock) => {
      // reads nothing until the client holds a backlog at its bound and the broker's own writes
      // have stalled for a second (the client stopped reading), or 60 s passed
      sock.pause();
      const t0 = Date.now();
      writePackets(sock, N, 4, pubrel, progress).catch(() => {});
      const check = setInterval(() => {
        clientHeldReading = (c?.state.last?.peakBacklog ?? 0) > 128 * KB && Date.now() - progress.lastWrite > 1000;
        if (!clientHeldReading && Date.now() - t0 < 60_000) return;
        clearInterval(check);
        sentWhileNotReading = progress.sent;
        seen = ackReader(sock, 0x70);
        sock.resume();
      }, 100);
    });
    c = child(port, { writeStallMs: 90_000 });
    await c.wait((s) => s.ev === "connect", "connect");
    await c.wait(() => seen.count >= N, "5,000,000 PUBCOMPs", 150_000);
    const last = await c.wait((s) => s.ev === "status", "a status line");
    expect(seen).toEqual({ count: N, wrong: 0 });
    expect(progress.sent).toBe(N);
    // the client held its reading: the broker could not push all its PUBRELs while not reading
    expect(sentWhileNotReading).toBeLessThan(N);
    expect(c.state.offline).toBeNull();
    expect(last.connected).toBe(true);
    console.log(`the broker got ${sentWhileNotReading} of 5M PUBRELs out while not reading`);
    expectBounded("5M PUBRELs, broker not reading until the client held its reading", last);
    // the backlog reached the bound and the client held its reading: the broker's writes stalled
    expect(clientHeldReading).toBe(true);
    expect(last.peakBacklog).toBeGreaterThan(128 * KB);
  }, 200_000);

  it("a broker that never reads again is dropped after settings.writeStallMs, saying so", async () => {
    const progress = { sent: 0, lastWrite: 0 };
    const port = await rawBroker((sock) => {
      sock.pause();
      writePackets(sock, 5_000_000, 4, pubrel, progress).catch(() => {});
    });
    const c = child(port, { writeStallMs: 1500 });
    await c.wait((s) => s.ev === "connect", "connect");
    const t0 = Date.now();
    const offline = await c.wait((s) => s.ev === "offline", "offline", 60_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(offline.code).toBe("ESTALLED");
    expect(offline.error).toMatch(/^the broker stopped reading: \d+ bytes waited 1500 ms without any being taken \(settings\.writeStallMs\)/);
    const last = await c.wait((s) => s.ev === "status", "a status line");
    console.log(`broker never reading: dropped ${Date.now() - t0} ms after CONNACK`);
    expectBounded("broker never reading", last);
    expect(last.peakBacklog).toBeGreaterThan(128 * KB);
    expect(progress.sent).toBeLessThan(5_000_000);
  }, 90_000);
});

describe("backpressure: a flood into a slow application", () => {
  it("100,000 QoS 1 messages into a 20 us message callback: all delivered once in order, all acknowledged", async () => {
    const N = 100_000;
    const progress = { sent: 0, lastWrite: 0 };
    const acks = { count: 0, wrong: 0 };
    const port = await rawBroker((sock) => {
      ackReader(sock, 0x40, acks);
      // PUBLISH QoS 1, topic "f", packet id, payload = the message's index (4 bytes)
      writePackets(sock, N, 11, (i, b, at) => {
        b[at] = 0x32; b[at + 1] = 9; b.writeUInt16BE(1, at + 2); b[at + 4] = 0x66;
        b.writeUInt16BE(packetId(i), at + 5); b.writeUInt32BE(i, at + 7);
      }, progress).catch(() => {});
    });
    const c = child(port, {}, 20);
    await c.wait((s) => s.ev === "connect", "connect");
    const last = await c.wait((s) => s.ev === "status" && s.messages >= N && acks.count >= N, "100,000 messages and PUBACKs", 120_000);
    expect(last.messages).toBe(N);
    expect(last.outOfOrder).toBe(0);
    expect(acks).toEqual({ count: N, wrong: 0 });
    expect(c.state.offline).toBeNull();
    expectBounded("100k QoS 1 into a 20 us callback", last);
  }, 150_000);
});
