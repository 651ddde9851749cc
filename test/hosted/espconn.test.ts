// espconn, DNS and the --broker redirect as a NodeMCU module sees them: the test-only netprobe
// module (firmware/hosted/probe) forwards each espconn/dns callback to Lua, against TCP servers
// run here. ASan+UBSan build.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server, type Socket } from "node:net";
import { PROBE, lines, runLua } from "./runtime.js";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server on 127.0.0.1; onSocket decides what each connection gets. */
async function serve(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const ECHO_HANDLERS = `{
  dns = function(p, ip) print("dns", ip) end,
  connect = function(p) print("connect", p:local_port() > 0); print("send", p:send("hello")) ; print("send again at once", p:send("x")) end,
  sent = function(p) print("sent") end,
  receive = function(p, data) print("receive", data) end,
  disconnect = function(p) print("disconnect") end,
  reconnect = function(p, err) print("reconnect", err) end,
}`;

describe("hosted runtime: espconn", () => {
  it("connect, send (one at a time, then sent), receive, and disconnect when the peer closes", async () => {
    const port = await serve((s) => s.once("data", (d) => s.end(`echo:${d}`)));
    const r = await runLua(`netprobe.connect("127.0.0.1", ${port}, ${ECHO_HANDLERS})`, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([
      "connect\ttrue",
      "send\t0",
      "send again at once\t-12", // ESPCONN_ARG until the sent callback
      "sent",
      "receive\techo:hello",
      "disconnect",
    ]);
  });

  it("espconn_recv_hold as the SDK's: what the window allowed (4 x 1,460 B) still arrives, then nothing until the unhold", async () => {
    const total = 20_000;
    const port = await serve((s) => s.end(Buffer.alloc(total, 0x61)));
    const r = await runLua(`
      local got, t = 0, tmr.create()
      netprobe.connect("127.0.0.1", ${port}, {
        connect = function(p) print("hold", p:hold()) end,
        receive = function(p, data)
          got = got + #data
          if got == 5840 then
            -- the window is used up: release it a little later; nothing may come meanwhile
            t:alarm(200, tmr.ALARM_SINGLE, function() print("at unhold", got); print("unhold", p:unhold()) end)
          end
        end,
        disconnect = function(p) print("disconnect", got) end,
      })
    `, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(["hold\t0", "at unhold\t5840", "unhold\t0", `disconnect\t${total}`]);
  });

  it("a refused connection comes back through the reconnect callback with ESPCONN_RST (-9)", async () => {
    const port = await closedPort();
    const r = await runLua(`netprobe.connect("127.0.0.1", ${port}, ${ECHO_HANDLERS})`, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual(["reconnect\t-9"]);
    expect(r.code).toBe(0);
  });

  it("a local disconnect: the peer sees the close, the disconnect callback follows, nothing is received after", async () => {
    let peerClosed!: () => void;
    const closed = new Promise<void>((r) => { peerClosed = r; });
    const port = await serve((s) => {
      s.on("end", () => { peerClosed(); s.end(); });
      s.write("first");
      setTimeout(() => s.write("late"), 100);
    });
    const r = await runLua(`
      netprobe.connect("127.0.0.1", ${port}, {
        receive = function(p, data)
          print("receive", data)
          print("close", p:close())
          print("close again", p:close())
          print("send after close", p:send("x"))
        end,
        disconnect = function(p) print("disconnect") end,
        reconnect = function(p, err) print("reconnect", err) end,
      })
      tmr.create():alarm(300, tmr.ALARM_SINGLE, function() print("quiet") end)
    `, ["--timeout", "10"], PROBE);
    await closed;
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual(["receive\tfirst", "close\t0", "close again\t-12", "send after close\t-12", "disconnect", "quiet"]);
  });

  it("a local disconnect with a send pending and input unread: the peer gets the bytes, then a FIN, not a reset", async () => {
    let result!: (v: { got: string; ended: boolean; error: string | null }) => void;
    const outcome = new Promise<{ got: string; ended: boolean; error: string | null }>((r) => { result = r; });
    const port = await serve((s) => {
      let got = "";
      let ended = false;
      s.on("data", (d) => { got += d; });
      let error: string | null = null;
      s.on("end", () => { ended = true; });
      s.on("error", (e) => { error = (e as NodeJS.ErrnoException).code ?? String(e); });
      // a reset would come right after the FIN: wait for the socket to close entirely
      s.on("close", () => setTimeout(() => result({ got, ended, error }), 50));
      s.write(Buffer.alloc(50_000, 0x62));
    });
    const r = await runLua(`
      netprobe.connect("127.0.0.1", ${port}, {
        receive = function(p, data)
          if p:send("bye") == 0 then print("close", p:close()) end
        end,
        disconnect = function(p) print("disconnect") end,
      })
    `, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual(["close\t0", "disconnect"]);
    expect(await outcome).toEqual({ got: "bye", ended: true, error: null });
  });

  it("bulk both ways: 200 KB out in sends of 1,000 bytes, 100 KB in as segments of at most 1,460 bytes", async () => {
    let received = 0;
    const port = await serve((s) => {
      s.on("data", (d) => {
        received += d.length;
        if (received === 200_000) s.end(Buffer.alloc(100_000, 0x61));
      });
    });
    const r = await runLua(`
      local chunk = string.rep("z", 1000)
      local sends, got, biggest = 0, 0, 0
      netprobe.connect("127.0.0.1", ${port}, {
        connect = function(p) sends = 1; p:send(chunk) end,
        sent = function(p) if sends < 200 then sends = sends + 1; p:send(chunk) end end,
        receive = function(p, data) got = got + #data; if #data > biggest then biggest = #data end end,
        disconnect = function(p) print("sent", sends * #chunk, "received", got, "biggest", biggest) end,
      })
    `, ["--timeout", "20"], PROBE);
    expect(r.stderr).toBe("");
    const [, sent, , got, , biggest] = lines(r)[0].split("\t");
    expect(Number(sent)).toBe(200_000);
    expect(received).toBe(200_000);
    expect(Number(got)).toBe(100_000);
    expect(Number(biggest)).toBeLessThanOrEqual(1460);
  });

  it("five TCP connections at most, as the ESP8266's lwIP: a sixth connect is refused with ESPCONN_ISCONN (-15)", async () => {
    const port = await serve(() => {});
    const r = await runLua(`
      local probes, connected = {}, 0
      for i = 1, 6 do
        probes[i] = netprobe.connect("127.0.0.1", ${port}, {
          connect = function(p)
            connected = connected + 1
            if connected == 5 then
              print("connected", connected)
              for j = 1, 5 do probes[j]:close() end
            end
          end,
          reconnect = function(p, err) print("reconnect", i, err) end,
          disconnect = function(p) print("disconnect") end,
        })
      end
    `, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual(["reconnect\t6\t-15", "connected\t5", ...Array(5).fill("disconnect")]);
  });

  it("the peer resetting an open connection comes back through reconnect with ESPCONN_RST", async () => {
    const port = await serve((s) => s.once("data", () => s.resetAndDestroy()));
    const r = await runLua(`netprobe.connect("127.0.0.1", ${port}, ${ECHO_HANDLERS})`, ["--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r).slice(-1)).toEqual(["reconnect\t-9"]);
  });
});

describe("hosted runtime: DNS", () => {
  it("a dotted quad is answered at once; a name later, from the loop; an unknown name with nil", async () => {
    const r = await runLua(`
      print("numeric", netprobe.resolve("10.1.2.3", function() print("never called") end))
      print("name", netprobe.resolve("localhost", function(name, ip) print("answer", name, ip) end))
      print("unknown", netprobe.resolve("no-such-host.invalid", function(name, ip) print("answer", name, ip) end))
      print("script done")
    `, ["--timeout", "20"], PROBE);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual([
      "numeric\t0\t10.1.2.3",
      "name\t-5",
      "unknown\t-5",
      "script done",
      "answer\tlocalhost\t127.0.0.1",
      "answer\tno-such-host.invalid\tnil",
    ]);
  });
});

describe("hosted runtime: --broker", () => {
  it("sends every connection to the broker: a board's LAN name and a LAN address alike", async () => {
    const seen: string[] = [];
    const port = await serve((s) => s.once("data", (d) => { seen.push(String(d)); s.end(); }));
    const r = await runLua(`
      for _, host in ipairs({"broker.example.lan", "192.168.11.118"}) do
        netprobe.connect(host, 1883, {
          dns = function(p, ip) print("dns", host, ip) end,
          connect = function(p) print("connect", host); p:send(host) end,
          disconnect = function(p) print("disconnect", host) end,
          reconnect = function(p, err) print("reconnect", host, err) end,
        })
      end
    `, ["--broker", `localhost:${port}`, "--timeout", "10"], PROBE);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toContain("dns\tbroker.example.lan\t127.0.0.1");
    expect(lines(r).filter((l) => l.startsWith("connect"))).toHaveLength(2);
    expect(lines(r).filter((l) => l.startsWith("disconnect"))).toHaveLength(2);
    expect(seen.sort()).toEqual(["192.168.11.118", "broker.example.lan"]);
  });

  it("an unresolvable broker is refused at start with exit 2", async () => {
    const r = await runLua(`print("never")`, ["--broker", "no-such-host.invalid:1883"], PROBE);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("wasmqtt-lua: --broker no-such-host.invalid:1883: cannot resolve 'no-such-host.invalid' to an IPv4 address\n");
  });
});
