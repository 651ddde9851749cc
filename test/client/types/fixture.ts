// Compiled by types.test.ts with tsc: what type-checks must run, and what would throw must not
// type-check (each `@ts-expect-error` fails the compile if its line is accepted).
import { Client, type MessageFlags } from "../../../host/index.js";

const text = new Client("types", 30);
text.on("message", (_c, topic: string, data: string, flags: MessageFlags) => {
  const q: 0 | 1 | 2 = flags.qos;
  void [topic, data.toUpperCase(), q, flags.retain, flags.dup];
});
// @ts-expect-error a client made without `binary: true` delivers strings, never Buffers
text.on("message", (_c, _t, data: Buffer) => void data);

const binary = new Client({ clientid: "types", keepalive: 30, binary: true });
binary.on("message", (_c, _t, data: Buffer) => void data.readUInt8(0));
// @ts-expect-error a binary client delivers Buffers
binary.on("overflow", (_c, _t, data: string) => void data);

declare const maybe: boolean;
const either = new Client({ clientid: "types", keepalive: 30, binary: maybe });
either.on("message", (_c, _t, data) => {
  const d: string | Buffer = data;
  // @ts-expect-error unknown at compile time: could be either
  const s: string = data;
  void [d, s];
});

text.connect("127.0.0.1", 1883, 0, 1, (_c, connack) => void (connack.sessionPresent satisfies boolean));
text.on("connect", (_c, connack) => void (connack.sessionPresent satisfies boolean));

// subscribe: the shapes that run
text.subscribe("a/b");
text.subscribe("a/b", 1);
text.subscribe("a/b", 2, (_c, granted: number[]) => void granted);
text.subscribe("a/b", null, null);
text.subscribe({ "a/b": 0, "c/#": 2 });
text.subscribe({ "a/b": 1 }, (_c, granted) => void granted);
// ... and the shapes that throw at run time
// @ts-expect-error qos 3 throws a RangeError
text.subscribe("a/b", 3);
// @ts-expect-error a callback in qos's place throws (qos must be 0, 1 or 2)
text.subscribe("a/b", (_c: unknown) => {});
// @ts-expect-error the table form takes the callback second, not a qos
text.subscribe({ "a/b": 1 }, 1);
// @ts-expect-error a table's QoS must be 0, 1 or 2
text.subscribe({ "a/b": 5 });
// @ts-expect-error the table form has no third argument
text.subscribe({ "a/b": 1 }, null, () => {});

text.publish("a/b", "x", 1, 0, () => {});
// @ts-expect-error qos 3 throws
text.publish("a/b", "x", 3, 0);
// @ts-expect-error retain must be 0, 1 or a boolean
text.publish("a/b", "x", 0, 2);
text.unsubscribe({ "a/b": true, "c/d": 1 }, () => {});
