// The serial console: chip output to stdout, keyboard (or piped stdin) to the chip; Ctrl-] quits.
import { FlashError, EXIT } from "./errors.js";
import type { SerialLink } from "./serial-link.js";

const QUIT = 0x1d; // Ctrl-]

export async function monitor(link: SerialLink, baud: number, io: {
  input: NodeJS.ReadStream | NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  note: (line: string) => void;
}): Promise<number> {
  await link.open(baud);
  io.note(`--- ${link.path} at ${baud} baud; Ctrl-] quits ---`);
  const tty = (io.input as NodeJS.ReadStream).isTTY ? (io.input as NodeJS.ReadStream) : null;
  tty?.setRawMode(true);
  return await new Promise<number>((resolve) => {
    let done = false;
    const finish = async (code: number, message?: string) => {
      if (done) return;
      done = true;
      io.input.removeListener("data", onInput);
      io.input.removeListener("end", onEnd);
      tty?.setRawMode(false);
      io.input.pause();
      offData();
      offLost();
      await link.close().catch(() => undefined);
      if (message) io.note(message);
      resolve(code);
    };
    const offData = link.onData((d) => io.output.write(Buffer.from(d)));
    const offLost = link.onLost((err) =>
      void finish(EXIT.device, new FlashError(`--- the serial device went away (unplugged?): ${err.message} ---`).message));
    const onInput = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const quit = bytes.indexOf(QUIT);
      const send = quit >= 0 ? bytes.subarray(0, quit) : bytes;
      // In raw mode Enter gives "\r"; the Lua prompt wants a line end.
      const out = tty ? Buffer.from(send.toString("latin1").replace(/\r/g, "\r\n"), "latin1") : send;
      const sent = out.length ? link.write(out) : Promise.resolve();
      sent.then(
        () => { if (quit >= 0) void finish(EXIT.ok, "--- quit ---"); },
        (err: Error) => void finish(EXIT.device, `--- cannot write to ${link.path}: ${err.message} ---`),
      );
    };
    // Piped input that ends: keep showing output until Ctrl-] never comes would hang; stop after a grace period.
    const onEnd = () => setTimeout(() => void finish(EXIT.ok), 500);
    io.input.on("data", onInput);
    io.input.on("end", onEnd);
    io.input.resume();
  });
}
