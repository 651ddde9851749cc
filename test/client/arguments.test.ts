// Wrong arguments throw a TypeError/RangeError that names the call and the argument.
import { describe, expect, it } from "vitest";
import { Client } from "../../host/client.js";

const mk = () => new Client("args", 30);
type Case = [string, () => unknown, ErrorConstructor, RegExp];

const cases: Case[] = [
  ["Client without a client id", () => new Client(undefined as unknown as string, 30), TypeError, /Client: clientid must be a string/],
  ["Client with a negative keepalive", () => new Client("x", -1), RangeError, /Client: keepalive/],
  ["Client with keepalive 65536", () => new Client("x", 65536), RangeError, /Client: keepalive/],
  ["Client with a numeric username", () => new Client("x", 30, 5 as unknown as string, "p"), TypeError, /Client: username/],
  ["Client with cleansession 2", () => new Client("x", 30, null, null, 2), TypeError, /Client: cleansession/],
  ["Client with max_message_length 0", () => new Client("x", 30, null, null, 1, 0), RangeError, /Client: max_message_length/],
  ["Client with settings.writeStallMs 0", () => new Client({ clientid: "x", keepalive: 30, settings: { writeStallMs: 0 } }),
    RangeError, /Client: settings\.writeStallMs must be a positive whole number, got 0/],
  ["Client with settings.pauseReadingBytes 1.5", () => new Client({ clientid: "x", keepalive: 30, settings: { pauseReadingBytes: 1.5 } }),
    RangeError, /Client: settings\.pauseReadingBytes must be a positive whole number/],
  ["lwt with qos 3", () => mk().lwt("/lwt", "x", 3), RangeError, /lwt: qos must be 0, 1 or 2/],
  ["lwt with a table message", () => mk().lwt("/lwt", {} as unknown as string), TypeError, /lwt: message/],
  ["on with an unknown event", () => mk().on("bogus" as "connect", () => {}), RangeError, /on: event must be one of/],
  ["on with a non-function handler", () => mk().on("message", 5 as unknown as null), TypeError, /on: the message handler must be a function/],
  ["connect without a host", () => mk().connect(undefined as unknown as string), TypeError, /connect: host/],
  ["connect with port 0", () => mk().connect("127.0.0.1", 0), RangeError, /connect: port/],
  ["connect with a string port", () => mk().connect("127.0.0.1", "1883"), RangeError, /connect: port/],
  ["connect with secure 2", () => mk().connect("127.0.0.1", 1883, 2), TypeError, /connect: secure/],
  ["connect with autoreconnect 'yes'", () => mk().connect("127.0.0.1", 1883, 0, "yes"), TypeError, /connect: autoreconnect/],
  ["connect with a non-function after the callbacks", () => mk().connect("127.0.0.1", 1883, 0, 0, () => {}, 7), TypeError, /connect: .*callbacks must be functions/],
  ["publish with qos 3", () => mk().publish("a/b", "x", 3, 0), RangeError, /publish: qos must be 0, 1 or 2/],
  ["publish with qos -1", () => mk().publish("a/b", "x", -1, 0), RangeError, /publish: qos must be 0, 1 or 2/],
  ["publish with qos missing", () => (mk().publish as (...a: unknown[]) => boolean)("a/b", "x"), RangeError, /publish: qos must be 0, 1 or 2/],
  ["publish with a non-string topic", () => mk().publish(42 as unknown as string, "x", 0, 0), TypeError, /publish: topic must be a string/],
  ["publish with an object payload", () => mk().publish("a/b", {} as unknown as string, 0, 0), TypeError, /publish: payload/],
  ["publish with retain 'no'", () => mk().publish("a/b", "x", 0, "no" as unknown as number), TypeError, /publish: retain/],
  ["publish with a non-function callback", () => mk().publish("a/b", "x", 0, 0, "cb" as unknown as () => void), TypeError, /publish: callback must be a function/],
  ["publish to a topic with +", () => mk().publish("a/+/b", "x", 0, 0), RangeError, /publish: .*topic/],
  ["publish to a topic with #", () => mk().publish("a/#", "x", 1, 0), RangeError, /publish: .*topic/],
  ["publish to an empty topic", () => mk().publish("", "x", 1, 0), RangeError, /publish: .*topic/],
  ["subscribe with qos 3", () => mk().subscribe("a/b", 3), RangeError, /subscribe: qos must be 0, 1 or 2/],
  ["subscribe with a non-string topic", () => mk().subscribe(7 as unknown as string, 0), TypeError, /subscribe: topic must be a string/],
  ["subscribe with a table qos of 5", () => mk().subscribe({ "a/b": 5 }), RangeError, /subscribe: qos of 'a\/b' must be 0, 1 or 2/],
  ["subscribe with an empty table", () => mk().subscribe({}), RangeError, /subscribe: the table/],
  ["subscribe with a bad filter", () => mk().subscribe("a/#/b", 0), RangeError, /subscribe: topic 'a\/#\/b'/],
  ["subscribe with a bad filter in a table", () => mk().subscribe({ "ok/+": 0, "bad#": 1 }), RangeError, /subscribe: topic 'bad#'/],
  ["connect with a client id longer than 65535 bytes", () => new Client("x".repeat(70000), 30).connect("127.0.0.1", 1883), RangeError, /connect: .*client/i],
  ["subscribe with a non-function callback", () => mk().subscribe("a/b", 0, 1 as unknown as () => void), TypeError, /subscribe: callback/],
  ["unsubscribe with a non-string topic", () => mk().unsubscribe(null as unknown as string), TypeError, /unsubscribe: topic must be a string/],
  ["unsubscribe with a non-function callback", () => mk().unsubscribe("a/b", 1 as unknown as () => void), TypeError, /unsubscribe: callback/],
  ["unsubscribe with a bad filter", () => mk().unsubscribe("a+/b"), RangeError, /unsubscribe: topic 'a\+\/b'/],
  ["publish of a message larger than settings.maxQueuedBytes",
    () => new Client({ clientid: "x", keepalive: 30, settings: { maxQueuedBytes: 1000 } }).publish("a/b", Buffer.alloc(998), 1, 0),
    RangeError, /^publish: topic \+ payload are 1001 bytes, more than this client ever holds \(settings\.maxQueuedBytes 1000\): raise that setting or send less$/],
  ["subscribe with more topics than settings.maxFiltersPerCall",
    () => new Client({ clientid: "x", keepalive: 30, settings: { maxFiltersPerCall: 2 } }).subscribe({ "a/1": 0, "a/2": 1, "a/3": 2 }),
    RangeError, /^subscribe: 3 topic filters in one call; this client takes at most 2 \(settings\.maxFiltersPerCall\): split the call$/],
  ["unsubscribe with more topics than settings.maxFiltersPerCall",
    () => new Client({ clientid: "x", keepalive: 30, settings: { maxFiltersPerCall: 1 } }).unsubscribe({ "a/1": 1, "a/2": 1 }),
    RangeError, /^unsubscribe: 2 topic filters in one call; this client takes at most 1 \(settings\.maxFiltersPerCall\)/],
  ["Client with settings.qos2Window above 65536", () => new Client({ clientid: "x", keepalive: 30, settings: { qos2Window: 70000 } }),
    RangeError, /^Client: settings\.qos2Window must be an integer from 1 to 65536, got 70000$/],
  ["Client with resubscribe 'yes'", () => new Client({ clientid: "x", keepalive: 30, resubscribe: "yes" as unknown as boolean }), TypeError, /Client: resubscribe/],
];

describe("argument errors", () => {
  for (const [what, fn, type, message] of cases) {
    it(`${what} throws ${type.name} ${message}`, () => {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(type);
      expect((err as Error).message).toMatch(message);
    });
  }

  it("accepts the seed's argument shapes without throwing", () => {
    const c = new Client("ok", 120, "user", "password");
    expect(() => c.lwt("/lwt", "offline", 0, 0)).not.toThrow();
    expect(() => c.lwt("/lwt", Buffer.from("offline"))).not.toThrow();
    expect(() => c.on("connect", () => {})).not.toThrow();
    expect(() => c.on("connect", null)).not.toThrow();
    expect(() => new Client({ clientid: "ok", keepalive: 0, binary: true })).not.toThrow();
  });

  it("publish, subscribe and unsubscribe before connect() return false", () => {
    const c = mk();
    expect(c.publish("a/b", "x", 1, 0)).toBe(false);
    expect(c.subscribe("a/b", 0)).toBe(false);
    expect(c.unsubscribe("a/b")).toBe(false);
  });
});
