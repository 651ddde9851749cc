// --broker with the mqtt module: a script written for a board (its LAN broker's name or
// address) runs unchanged against a real mosquitto here. ASan+UBSan build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../helpers/mosquitto.js";
import { lines, runLua } from "./runtime.js";

let broker: Mosquitto;
beforeAll(async () => { broker = await Mosquitto.start(); });
afterAll(async () => { await broker?.stop(); });

const boardScript = (host: string, topic: string) => `
  local m = mqtt.Client("hosted-${topic}", 120)
  m:on("message", function(client, t, data)
    print("message", t, data)
    client:close()
  end)
  m:connect("${host}", 1883, 0, function(client)
    print("connected")
    client:subscribe("${topic}", 0, function() print("subscribed") end)
    client:publish("${topic}", "hello from ${host}", 0, 0)
  end, function(client, reason) print("failed reason: " .. reason) end)
`;

describe("hosted runtime: --broker with the mqtt module", () => {
  for (const host of ["broker.example.lan", "192.168.11.118"]) {
    it(`a script connecting to ${host}:1883 reaches the broker given, subscribes, and gets its own message`, async () => {
      const topic = `hosted/redirect/${host}`;
      const r = await runLua(boardScript(host, topic), ["--broker", `127.0.0.1:${broker.port}`, "--timeout", "10"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(lines(r)).toContain("connected");
      expect(lines(r)).toContain(`message\t${topic}\thello from ${host}`);
      expect(r.ms).toBeLessThan(5000);
    });
  }

  it("a board's start-up script (Wi-Fi, then MQTT to the LAN broker once it has an IP) runs unchanged", async () => {
    const r = await runLua(`
      wifi.setmode(wifi.STATION)
      wifi.sta.config({ ssid = "HomeAP", pwd = "secret" })
      wifi.eventmon.register(wifi.eventmon.STA_GOT_IP, function(T)
        print("IP " .. T.IP)
        local m = mqtt.Client("board-" .. node.chipid(), 120)
        m:on("message", function(client, topic, data) print(topic .. ": " .. data); client:close() end)
        m:connect("192.168.1.10", 1883, 0, function(client)
          client:subscribe("home/board", 1, function()
            client:publish("home/board", "heap " .. (node.heap() > 0 and "ok" or "empty"), 1, 0)
          end)
        end, function(client, reason) print("failed reason: " .. reason) end)
      end)
    `, ["--broker", `127.0.0.1:${broker.port}`, "--timeout", "10"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual(["IP 127.0.0.1", "home/board: heap ok"]);
  });
});
