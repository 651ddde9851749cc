-- A script as it would run on a board: its broker is on the LAN at 192.168.1.10. It sends three
-- readings from a timer, then goes to sleep (here: closes, and the run ends).
local BROKER = "192.168.1.10"
local client = mqtt.Client("board-" .. node.chipid(), 60)
local readings = 0
local timer = tmr.create()

client:on("offline", function() print("offline") end)
client:connect(BROKER, 1883, false, false, function(c)
  print("connected to " .. BROKER)
  timer:alarm(50, tmr.ALARM_AUTO, function(t)
    readings = readings + 1
    local n = readings
    c:publish("board/readings", "reading " .. n, 1, 0, function()
      print("reading " .. n .. " delivered")
    end)
    if readings == 3 then
      t:unregister()
      tmr.create():alarm(200, tmr.ALARM_SINGLE, function() c:close() end)
    end
  end)
end, function(c, reason) print("no broker: " .. reason) end)
