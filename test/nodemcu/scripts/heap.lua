-- 1,000 connect/close cycles on one client, each with a publish, a subscribe and an unsubscribe
-- whose callbacks the close makes moot: the Lua heap and the C heap end where they started
-- (measured after 10 warm-up cycles, with a full collection first).
local CYCLES = 1000
local WARMUP = 10
local m = mqtt.Client("heap-cycles", 30)
local cycles = 0
local base_kb, base_heap
local connect

local function measure()
  collectgarbage("collect")
  collectgarbage("collect")
  return collectgarbage("count"), node.heap()
end

m:on("connfail", function(c, reason) print("connfail " .. reason) end)
m:on("offline", function(c)
  cycles = cycles + 1
  if cycles == WARMUP then base_kb, base_heap = measure() end
  if cycles == WARMUP + CYCLES then
    local kb, heap = measure()
    print(string.format("cycles %d", CYCLES))
    print(string.format("lua heap before %.3f KiB after %.3f KiB", base_kb, kb))
    print(string.format("node.heap before %d after %d", base_heap, heap))
    return
  end
  connect()
end)

function connect()
  m:connect("192.168.1.10", 1883, false, false, function(c)
    c:publish("heap/t", "x", 1, 0, function() print("never: dropped by close") end)
    c:subscribe("heap/s", 0, function() end)
    c:unsubscribe("heap/s", function() end)
    c:close()
  end)
end

connect()
