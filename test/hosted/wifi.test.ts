// The hosted wifi module: a board script's Wi-Fi start-up (setmode, sta.config, the eventmon
// callbacks, polling getip) runs unchanged; the station gets the loopback address at once.
import { describe, expect, it } from "vitest";
import { lines, runLua } from "./runtime.js";

describe("hosted runtime: wifi", () => {
  it("sta.config connects: STA_CONNECTED then STA_GOT_IP from the loop, then getip/status answer", async () => {
    const r = await runLua(`
      print("mode", wifi.setmode(wifi.STATION), wifi.getmode() == wifi.STATION)
      wifi.eventmon.register(wifi.eventmon.STA_CONNECTED, function(T) print("connected", T.SSID, T.channel) end)
      wifi.eventmon.register(wifi.eventmon.STA_GOT_IP, function(T)
        print("got ip", T.IP, T.netmask, T.gateway)
        print("getip", wifi.sta.getip())
        print("status", wifi.sta.status() == wifi.STA_GOTIP)
      end)
      print("config", wifi.sta.config({ ssid = "MyAP", pwd = "secret" }))
      print("before", wifi.sta.getip(), wifi.sta.status() == wifi.STA_CONNECTING)
    `);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([
      "mode\t1\ttrue",
      "config\ttrue",
      "before\tnil\ttrue",
      "connected\tMyAP\t1",
      "got ip\t127.0.0.1\t255.0.0.0\t127.0.0.1",
      "getip\t127.0.0.1\t255.0.0.0\t127.0.0.1",
      "status\ttrue",
    ]);
  });

  it("config callbacks, auto = false with an explicit connect, polling getip with a timer, disconnect", async () => {
    const r = await runLua(`
      wifi.setmode(wifi.STATION)
      wifi.sta.config({ ssid = "Lab", auto = false, got_ip_cb = function(T) print("got_ip_cb", T.IP) end,
        disconnect_cb = function(T) print("disconnect_cb", T.SSID, T.reason == wifi.eventmon.reason.ASSOC_LEAVE) end })
      local polls = 0
      local t = tmr.create()
      t:alarm(15, tmr.ALARM_AUTO, function(timer)
        polls = polls + 1
        if polls == 2 then print("still idle", wifi.sta.getip(), wifi.sta.status() == wifi.STA_IDLE); wifi.sta.connect() end
        if wifi.sta.getip() then timer:unregister(); print("ip", wifi.sta.getip()); wifi.sta.disconnect() end
      end)
    `);
    expect(r.stderr).toBe("");
    expect(lines(r)).toEqual([
      "still idle\tnil\ttrue",
      "got_ip_cb\t127.0.0.1",
      "ip\t127.0.0.1\t255.0.0.0\t127.0.0.1",
      "disconnect_cb\tLab\ttrue",
    ]);
  });

  it("bad configurations raise NodeMCU's errors", async () => {
    const r = await runLua(`
      for _, call in ipairs({
        function() wifi.sta.config("MyAP") end,
        function() wifi.sta.config({ pwd = "x" }) end,
        function() wifi.sta.config({ ssid = "x", auto = 1 }) end,
        function() wifi.setmode(9) end,
        function() wifi.eventmon.register(42, print) end,
      }) do print((select(2, pcall(call)))) end
    `);
    expect(r.code).toBe(0);
    expect(lines(r)).toEqual([
      expect.stringMatching(/bad argument #1 to 'config' \(config table not found!\)$/),
      expect.stringMatching(/bad argument #1 to 'config' \(ssid required\)$/),
      expect.stringMatching(/bad argument #1 to 'config' \(auto:not boolean\)$/),
      expect.stringMatching(/bad argument #1 to 'setmode' \(Invalid mode\)$/),
      expect.stringMatching(/valid wifi events:0-10$/),
    ]);
  });
});
