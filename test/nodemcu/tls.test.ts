// The firmware's TLS path (connect with secure = 1: espconn_secure_*) in the hosted runtime
// (ASan+UBSan, OpenSSL under espconn) against mosquitto's TLS listener, with a CA made at test
// time. As on NodeMCU the device does not check the broker's certificate by default;
// tls.cert.verify(pem) makes it check, and a broker signed by another CA fails to connect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Mosquitto, makeCa } from "../helpers/mosquitto.js";
import { uniqueId } from "../helpers/client.js";
import { expectClean, lq, runLua } from "./lua.js";

const HOST = "127.0.0.1";
let broker: Mosquitto;
let otherCa: string;
beforeAll(async () => {
  broker = await Mosquitto.start({ tls: true });
  otherCa = makeCa(mkdtempSync(join(tmpdir(), "wasmqtt-other-ca-")), "another CA").toString();
});
afterAll(async () => { await broker?.dispose(); });

const clean = expectClean;

/** A script that subscribes to its own topic over TLS and publishes at QoS 0, 1 and 2. */
function session(setup: string): string {
  const topic = `tls/${uniqueId()}`;
  return `
    ${setup}
    local m = mqtt.Client(${lq(uniqueId("lua-tls"))}, 30)
    local got, sent = 0, 0
    local function finish() if got == 3 and sent == 3 then m:close() end end
    m:on("message", function(c, topic, data) print("message " .. data); got = got + 1; finish() end)
    m:on("offline", function(c) print("offline") end)
    m:connect(${lq(HOST)}, ${broker.tlsPort}, 1, false, function(c)
      print("connected")
      c:subscribe(${lq(topic)}, 2, function(c)
        print("subscribed")
        for q = 0, 2 do
          c:publish(${lq(topic)}, "over tls at qos " .. q, q, 0, function(c) print("sent " .. q); sent = sent + 1; finish() end)
        end
      end)
    end, function(c, reason) print("connfail " .. reason) end)
  `;
}

const sorted = (lines: string[], prefix: string) => lines.filter((l) => l.startsWith(prefix)).sort();

describe("TLS on the firmware path", () => {
  it("runs a QoS 0/1/2 session over mosquitto's TLS listener without checking the certificate (NodeMCU's default)", async () => {
    const r = await runLua(session(""), { timeout: 20 });
    clean(r);
    expect(r.lines[0]).toBe("connected");
    expect(sorted(r.lines, "sent ")).toEqual(["sent 0", "sent 1", "sent 2"]);
    expect(sorted(r.lines, "message ")).toEqual([0, 1, 2].map((q) => `message over tls at qos ${q}`));
    expect(r.lines[r.lines.length - 1]).toBe("offline");
  });

  it("checks the broker against the CA given to tls.cert.verify: the right CA connects", async () => {
    const r = await runLua(session(`print("verify " .. tostring(tls.cert.verify(${lq(broker.tls!.ca.toString())})))`), { timeout: 20 });
    clean(r);
    expect(r.lines.slice(0, 2)).toEqual(["verify true", "connected"]);
    expect(sorted(r.lines, "message ")).toHaveLength(3);
  });

  it("a broker whose certificate another CA signed fails to connect, with the reason printed", async () => {
    const r = await runLua(session(`tls.cert.verify(${lq(otherCa)})`), { timeout: 20 });
    clean(r);
    expect(r.lines).toContain("connfail -5");
    expect(r.lines).not.toContain("connected");
    const why = r.lines.find((l) => l.startsWith("client handshake failed!"));
    expect(why).toMatch(/did not verify against the CA given to tls\.cert\.verify: (self-signed certificate in certificate chain|unable to get local issuer certificate)$/);
  });

  it("tls.cert.verify(false) turns the check off again; verify(true) needs a CA; bad PEM is refused", async () => {
    const off = await runLua(session(`tls.cert.verify(${lq(otherCa)}); tls.cert.verify(false)`), { timeout: 20 });
    clean(off);
    expect(off.lines[0]).toBe("connected");
    const r = await runLua(`
      print(pcall(tls.cert.verify, true))
      print(pcall(tls.cert.verify, "not a certificate"))
    `);
    clean(r);
    expect(r.lines[0]).toMatch(/^false\t.*no certificates found/);
    expect(r.lines[1]).toMatch(/^false\t.*tls\.cert\.verify: no PEM certificate/);
  });
});
