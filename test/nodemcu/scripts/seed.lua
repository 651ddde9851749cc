-- The seed's example (../shared/reference/nodemcu-mqtt-api.txt), as it stands, with what its own
-- comments ask for: subscribe and publish once connected (in the connect callback), and close()
-- once the message is back. The broker's address is the seed's; run it with --broker.

-- init mqtt client without logins, keepalive timer 120s
m = mqtt.Client("clientid", 120)

-- setup Last Will and Testament (optional)
-- Broker will publish a message with qos = 0, retain = 0, data = "offline"
-- to topic "/lwt" if client don't send keepalive packet
m:lwt("/lwt", "offline", 0, 0)

m:on("connect", function(client) print ("connected") end)
m:on("offline", function(client) print ("offline") end)

-- on publish message receive event
m:on("message", function(client, topic, data)
  print(topic .. ":" )
  if data ~= nil then
    print(data)
  end
  m:close();
  -- you can call m:connect again
end)

-- for TLS: m:connect("192.168.11.118", secure-port, 1)
m:connect("192.168.11.118", 1883, 0, function(client)
  print("connected")
  -- subscribe topic with qos = 0
  m:subscribe("/topic",0, function(client) print("subscribe success") end)
  -- publish a message with data = hello, QoS = 0, retain = 0
  m:publish("/topic","hello",0,0, function(client) print("sent") end)
end,
function(client, reason) print("failed reason: "..reason) end)
