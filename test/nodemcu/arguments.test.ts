// The module's surface without a broker: the constants, the client's methods, and the errors that
// bad arguments raise (each names the call and the argument and says what it takes).
import { describe, expect, it } from "vitest";
import { runLua, sanitizerReports } from "./lua.js";

const CLIENT_FORM = "[clientid][, keepalive][, username[, password]][, cleansession][, max_message_length]";
const CONNECT_FORM = "host[, port][, secure][, autoreconnect][, fn(client)[, fn(client, reason)]]";

describe("mqtt module surface", () => {
  it("has Client, the seed's reason constants and the client methods", async () => {
    const r = await runLua(`
      local names = { "CONN_FAIL_SERVER_NOT_FOUND", "CONN_FAIL_NOT_A_CONNACK_MSG", "CONN_FAIL_DNS",
        "CONN_FAIL_TIMEOUT_RECEIVING", "CONN_FAIL_TIMEOUT_SENDING", "CONNACK_ACCEPTED",
        "CONNACK_REFUSED_PROTOCOL_VER", "CONNACK_REFUSED_ID_REJECTED", "CONNACK_REFUSED_SERVER_UNAVAILABLE",
        "CONNACK_REFUSED_BAD_USER_OR_PASS", "CONNACK_REFUSED_NOT_AUTHORIZED" }
      for _, n in ipairs(names) do print(n .. " " .. tostring(mqtt[n])) end
      print("Client " .. type(mqtt.Client))
      local m = mqtt.Client("surface", 30)
      print("client " .. type(m))
      for _, f in ipairs({ "connect", "close", "publish", "subscribe", "unsubscribe", "lwt", "on" }) do
        print(f .. " " .. type(m[f]))
      end
      print("lwt returns " .. select("#", m:lwt("/lwt", "offline", 0, 0)) .. " values")
      print("on returns " .. select("#", m:on("message", function() end)) .. " values")
      print("on nil returns " .. select("#", m:on("message", nil)) .. " values")
      print("close without a session " .. tostring(m:close()))
      print("publish without a session", m:publish("t", "x", 0, 0))
      print("subscribe without a session", m:subscribe("t", 0))
      print("unsubscribe without a session", m:unsubscribe("t"))
    `);
    expect(sanitizerReports(r.stderr)).toEqual([]);
    expect(r.lines).toEqual([
      "CONN_FAIL_SERVER_NOT_FOUND -5", "CONN_FAIL_NOT_A_CONNACK_MSG -4", "CONN_FAIL_DNS -3",
      "CONN_FAIL_TIMEOUT_RECEIVING -2", "CONN_FAIL_TIMEOUT_SENDING -1", "CONNACK_ACCEPTED 0",
      "CONNACK_REFUSED_PROTOCOL_VER 1", "CONNACK_REFUSED_ID_REJECTED 2", "CONNACK_REFUSED_SERVER_UNAVAILABLE 3",
      "CONNACK_REFUSED_BAD_USER_OR_PASS 4", "CONNACK_REFUSED_NOT_AUTHORIZED 5",
      "Client function", "client userdata",
      "connect function", "close function", "publish function", "subscribe function", "unsubscribe function",
      "lwt function", "on function",
      "lwt returns 0 values", "on returns 0 values", "on nil returns 0 values",
      "close without a session false",
      // a refused call returns false and why
      "publish without a session\tfalse\tnot connected: wait for the connect callback",
      "subscribe without a session\tfalse\tnot connected: wait for the connect callback",
      "unsubscribe without a session\tfalse\tnot connected: wait for the connect callback",
    ]);
    expect(r.code).toBe(0);
  });

  it("raises errors that name the call and the argument", async () => {
    const cases: Array<[string, string]> = [
      ['mqtt.Client({})', `mqtt.Client: argument 1 (a table) fits no parameter: expects ${CLIENT_FORM}`],
      ['mqtt.Client("id", -1)', "mqtt.Client: keepalive must be whole seconds, 0 to 65535"],
      ['mqtt.Client("id", 1.5)', "mqtt.Client: keepalive must be whole seconds, 0 to 65535"],
      ['mqtt.Client("id", "65536")', "mqtt.Client: keepalive must be whole seconds, 0 to 65535"],
      ['mqtt.Client("id", 10, "u", {})', `mqtt.Client: argument 4 (a table) fits no parameter: expects ${CLIENT_FORM}`],
      ['mqtt.Client("id", 10, nil, nil, "yes")', `mqtt.Client: argument 5 (a string) fits no parameter: expects ${CLIENT_FORM}`],
      ['mqtt.Client("id", 10, nil, nil, 1.5)', "mqtt.Client: cleansession must be 0, 1, true or false"],
      ['mqtt.Client("id", 10, nil, nil, 1, 16385)', "mqtt.Client: max_message_length must be a whole number from 1 to 16384"],
      ['mqtt.Client(string.rep("i", 65536), 10)', "mqtt.Client: clientid is 65536 bytes; MQTT allows at most 65535"],
      ['mqtt.Client("id", 10, nil, string.rep("p", 70000))', "mqtt.Client: password is 70000 bytes; MQTT allows at most 65535"],
      ['m:lwt({}, "x")', "mqtt: lwt: topic must be a string"],
      ['m:lwt("t", string.rep("m", 65536))', "mqtt: lwt: message is 65536 bytes; MQTT allows at most 65535"],
      ['m:lwt("t", {})', "mqtt: lwt: message must be a string"],
      ['m:lwt("t", "x", 3)', "mqtt: lwt: qos must be 0, 1 or 2"],
      ['m:lwt("t", "x", 0, "x")', "mqtt: lwt: retain must be 0, 1, true or false"],
      ['m:on("nope", function() end)', "mqtt: on: event must be one of connect, connfail, offline, message, overflow, puback, suback, unsuback"],
      ['m:on(nil, function() end)', "mqtt: on: event must be one of connect, connfail, offline, message, overflow, puback, suback, unsuback"],
      ['m:on("message", 5)', "mqtt: on: the message handler must be a function (or nil to remove it)"],
      ['m:connect()', "mqtt: connect: host must be a non-empty string"],
      ['m:connect("")', "mqtt: connect: host must be a non-empty string"],
      ['m:connect("h", 0)', "mqtt: connect: port must be a whole number from 1 to 65535"],
      ['m:connect("h", 65536)', "mqtt: connect: port must be a whole number from 1 to 65535"],
      ['m:connect("h", "70000")', "mqtt: connect: port must be a whole number from 1 to 65535"],
      ['m:connect("h", 1883, 1.5)', "mqtt: connect: secure must be 0, 1, true or false"],
      ['m:connect("h", 1883, 0, "x")', `mqtt: connect: argument 4 (a string) must be the connect callback, a function: expects ${CONNECT_FORM}`],
      ['m:connect("h", 1883, 0, 0, 5)', `mqtt: connect: argument 5 (a number) must be the connect callback, a function: expects ${CONNECT_FORM}`],
      ['m:connect("h", function() end, function() end, function() end)', `mqtt: connect: argument 4 (a function) fits no parameter: expects ${CONNECT_FORM}`],
      ['m:connect("h", function() end, 7)', `mqtt: connect: argument 3 (a number) must be the connfail callback, a function: expects ${CONNECT_FORM}`],
      ['m.publish("t", "x", 0, 0)', "mqtt: publish: call it on a client, as client:publish(...)"],
      ['m.connect("h")', "mqtt: connect: call it on a client, as client:connect(...)"],
      ['m:publish(nil, "x", 0, 0)', "mqtt: publish: topic must be a string"],
      ['m:publish("t", {}, 0, 0)', "mqtt: publish: payload must be a string"],
      ['m:publish("t", "x")', "mqtt: publish: qos must be 0, 1 or 2"],
      ['m:publish("t", "x", 3, 0)', "mqtt: publish: qos must be 0, 1 or 2"],
      ['m:publish("t", "x", 0, 7)', "mqtt: publish: retain must be 0, 1, true or false"],
      ['m:publish("t", "x", "3", 0)', "mqtt: publish: qos must be 0, 1 or 2"],
      ['m:publish("t", "x", 0, 0, 5)', "mqtt: publish: the callback must be a function"],
      ['m:publish("t", string.rep("x", 4096), 1, 0)', "mqtt: publish: topic + payload is 4097 bytes; a publish takes at most 4096 (MQTT_MAX_QUEUED_BYTES): send it in parts"],
      ['m:publish("t", string.rep("x", 70000), 0, 0)', "mqtt: publish: topic + payload is 70001 bytes; a publish takes at most 4096 (MQTT_MAX_QUEUED_BYTES): send it in parts"],
      ['m:subscribe(true)', "mqtt: subscribe: topic (or a table of topics) must be a string"],
      ['m:subscribe("t", 3)', "mqtt: subscribe: qos must be 0, 1 or 2"],
      ['m:subscribe("t", 0, "f")', "mqtt: subscribe: the callback must be a function"],
      ['m:subscribe({})', "mqtt: subscribe: the table has no topics"],
      ['m:subscribe({ 0 })', "mqtt: subscribe: table keys must be topic strings"],
      ['m:subscribe({ a = 3 })', "mqtt: subscribe: qos of 'a' must be 0, 1 or 2"],
      ['m:subscribe(seventeen)', "mqtt: subscribe: at most 16 topics per call"],
      ['m:subscribe({ [string.rep("f", 65536)] = 0 })', "mqtt: subscribe: a topic is 65536 bytes; MQTT allows at most 65535"],
      ['m:publish(string.rep("t", 65536), "x", 0, 0)', "mqtt: publish: topic is 65536 bytes; MQTT allows at most 65535"],
      ['m:unsubscribe()', "mqtt: unsubscribe: topic (or a table of topics) must be a string"],
      ['m:unsubscribe({})', "mqtt: unsubscribe: the table has no topics"],
      ['m:unsubscribe("t", 1)', "mqtt: unsubscribe: the callback must be a function"],
      ['m.close()', "mqtt: close: call it on a client, as client:close(...)"],
    ];
    const lua = [
      'local m = mqtt.Client("arguments", 30)',
      "local seventeen = {}",
      'for i = 1, 17 do seventeen["t/" .. i] = 0 end',
      ...cases.map(([code]) => `print(select(2, pcall(function() ${code} end)))`),
      'print("still usable " .. tostring(m:close()))',
    ].join("\n");
    const r = await runLua(lua, { name: "arguments.lua" });
    expect(sanitizerReports(r.stderr)).toEqual([]);
    // luaL_error puts the caller's position first, as for any Lua error
    expect(r.lines.every((l, i) => i === cases.length || /arguments\.lua:\d+: /.test(l)), r.stdout).toBe(true);
    expect(r.lines.map((l) => l.replace(/^.*arguments\.lua:\d+: /, ""))).toEqual([...cases.map(([, msg]) => msg), "still usable false"]);
    expect(r.code).toBe(0);
  });

  it("names the string or the filter the engine refused", async () => {
    // the engine checks strings when connect() hands them over and filters when a request is
    // made: the error says which one (no broker needed: each is refused before anything opens)
    const cases: Array<[string, string]> = [
      ['mqtt.Client("a\\0b", 10):connect("h")', "mqtt: connect: clientid: string contains U+0000"],
      ['mqtt.Client("id", 10, "\\255"):connect("h")', "mqtt: connect: username: string is not well-formed UTF-8"],
      ['local c = mqtt.Client("id", 10); c:lwt("w/#", "gone"); c:connect("h")', "mqtt: connect: lwt topic: topic name contains a wildcard (+ or #)"],
      ['m:subscribe({ ["ok/#"] = 0, ["bad/#/x"] = 1 })', "mqtt: subscribe: topic 'bad/#/x': topic filter has + or # other than as a whole level (# only last)"],
      ['m:unsubscribe({ ["ok/+"] = 1, ["b/c"] = 1, ["a#"] = 1 })', "mqtt: unsubscribe: topic 'a#': topic filter has + or # other than as a whole level (# only last)"],
      ['m:subscribe("x/#/y", 0)', "mqtt: subscribe: topic 'x/#/y': topic filter has + or # other than as a whole level (# only last)"],
    ];
    const lua = [
      'local m = mqtt.Client("names", 30)',
      ...cases.map(([code]) => `print(select(2, pcall(function() ${code} end)))`),
      'print("still usable " .. tostring(m:connect("h")))',
      "m:close()",
    ].join("\n");
    const r = await runLua(lua, { name: "names.lua" });
    expect(sanitizerReports(r.stderr)).toEqual([]);
    expect(r.lines.map((l) => l.replace(/^.*names\.lua:\d+: /, ""))).toEqual([...cases.map(([, msg]) => msg), "still usable true"]);
  });
});
