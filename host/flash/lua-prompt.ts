// The NodeMCU Lua prompt over the serial console: run a line, wait for the next "> ", and on top of
// that write files (hex-encoded chunks, checked afterwards with an Adler-32 computed by the chip),
// list and remove them.
import { FLASH_LIMITS } from "./limits.js";
import { FlashError, EXIT } from "./errors.js";
import type { SerialLink } from "./serial-link.js";

const PROMPT = "> ";

/** NodeMCU (SPIFFS) file names: up to 31 bytes of a safe alphabet. */
export function checkRemoteName(name: string): string {
  if (!/^[A-Za-z0-9._\-/]{1,31}$/.test(name) || name.startsWith("/") || name.includes("..")) {
    throw new FlashError(`'${name}' cannot be a NodeMCU file name: use up to 31 letters, digits, '.', '_', '-' or '/'`, EXIT.badInput);
  }
  return name;
}

export function adler32Parts(data: Uint8Array): { a: number; b: number } {
  let a = 1, b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return { a, b };
}

// Helpers defined on the chip once per session (each line stays under NodeMCU's 255-byte input limit).
const HELPERS = [
  `__wq=function(s) return (s:gsub("%x%x",function(h) return string.char(tonumber(h,16)) end)) end`,
  `__wc=function(n) local f=file.open(n,"r") if not f then print("WQSUM none") return end local a,b,z=1,0,0`,
  // continuation lines of the function above (NodeMCU shows ">> " for them)
  `while true do local c=f:read(256) if not c then break end for i=1,#c do a=(a+c:byte(i))%65521 b=(b+a)%65521 end z=z+#c end`,
  `f:close() print("WQSUM "..z.." "..a.." "..b) end`,
];

export class LuaPrompt {
  private buffer = "";
  private waiter: (() => void) | null = null;
  private lost: Error | null = null;
  private unsubscribe: Array<() => void> = [];
  private helpersLoaded = false;

  constructor(readonly link: SerialLink, private readonly timeoutMs: number = FLASH_LIMITS.promptTimeoutMs) {}

  async open(baud: number = FLASH_LIMITS.consoleBaud): Promise<void> {
    this.unsubscribe.push(
      this.link.onData((d) => {
        this.buffer += Buffer.from(d).toString("latin1");
        if (this.buffer.length > FLASH_LIMITS.promptBufferBytes) this.buffer = this.buffer.slice(-FLASH_LIMITS.promptBufferBytes);
        this.waiter?.();
      }),
      this.link.onLost((err) => {
        this.lost = err;
        this.waiter?.();
      }),
    );
    await this.link.open(baud);
    // An empty line: whatever state the console is in, the prompt answers.
    await this.run("", "waiting for the Lua prompt");
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await Promise.race([this.link.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  /** Sends one line, returns what the chip printed before the next prompt (without the echo). */
  async run(line: string, what = line): Promise<string> {
    if (line.length > 250) throw new Error(`internal: Lua line too long (${line.length})`);
    this.buffer = "";
    // Not awaited alone: on a line nobody reads, the write never drains; the deadline still applies.
    let writeError: Error | null = null;
    this.link.write(Buffer.from(line + "\n", "latin1")).catch((err: Error) => {
      writeError = err;
      this.waiter?.();
    });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (writeError) throw new FlashError(`cannot write to ${this.link.path}: ${(writeError as Error).message}`, EXIT.device);
      if (this.lost) throw new FlashError(`the serial device went away (unplugged?): ${this.lost.message}`, EXIT.device);
      const text = this.buffer.replace(/\r/g, "");
      if (text.endsWith("\n" + PROMPT) || text === PROMPT || text.endsWith(">> ")) {
        const lines = text.slice(0, text.lastIndexOf("\n") + 1 || 0).split("\n");
        if (lines.length && lines[0] === line) lines.shift();
        return lines.join("\n").replace(/\n+$/, "");
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FlashError(
          `no Lua prompt from ${this.link.path} while ${what}: is NodeMCU running at this baud rate ` +
            `(--baud), and no script busy? Press RESET and try again`, EXIT.device);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Runs a line and fails on a Lua error message. */
  async exec(line: string, what?: string): Promise<string> {
    const out = await this.run(line, what);
    const err = out.split("\n").find((l) => /^(stdin|Lua error|lua:)/.test(l));
    if (err) throw new FlashError(`the chip refused '${what ?? line}': ${err}`, EXIT.writeFailed);
    return out;
  }

  private async loadHelpers(): Promise<void> {
    if (this.helpersLoaded) return;
    for (const h of HELPERS) await this.run(h, "defining the upload helpers");
    this.helpersLoaded = true;
  }

  async writeFile(name: string, data: Uint8Array, onProgress?: (done: number) => void): Promise<void> {
    checkRemoteName(name);
    if (data.length > FLASH_LIMITS.maxUploadBytes) {
      throw new FlashError(`${name} is ${data.length} bytes; NodeMCU's file system takes at most ${FLASH_LIMITS.maxUploadBytes}`, EXIT.badInput);
    }
    await this.loadHelpers();
    const opened = await this.exec(`__wf=file.open("${name}","w+") print(__wf and "WQOK" or "WQFAIL")`, `opening ${name}`);
    if (!opened.includes("WQOK")) throw new FlashError(`the chip could not create ${name} (file system full or not formatted? run file.format())`, EXIT.writeFailed);
    for (let at = 0; at < data.length; at += FLASH_LIMITS.uploadChunkBytes) {
      const chunk = Buffer.from(data.subarray(at, at + FLASH_LIMITS.uploadChunkBytes)).toString("hex");
      const out = await this.exec(`__wf:write(__wq("${chunk}"))`, `writing ${name}`);
      if (out.trim()) throw new FlashError(`unexpected answer while writing ${name}: ${out.trim()}`, EXIT.writeFailed);
      onProgress?.(Math.min(data.length, at + FLASH_LIMITS.uploadChunkBytes));
    }
    await this.exec(`__wf:close() __wf=nil`, `closing ${name}`);
    const sum = await this.checksum(name);
    const want = adler32Parts(data);
    if (!sum || sum.size !== data.length || sum.a !== want.a || sum.b !== want.b) {
      throw new FlashError(
        `${name} on the chip does not match the file (${sum ? `${sum.size} bytes, sum ${sum.a}/${sum.b}` : "missing"}; ` +
          `expected ${data.length} bytes, sum ${want.a}/${want.b}): upload again, or at a lower --baud`, EXIT.writeFailed);
    }
  }

  async checksum(name: string): Promise<{ size: number; a: number; b: number } | null> {
    await this.loadHelpers();
    const out = await this.exec(`__wc("${checkRemoteName(name)}")`, `checking ${name}`);
    const m = /WQSUM (\d+) (\d+) (\d+)/.exec(out);
    return m ? { size: Number(m[1]), a: Number(m[2]), b: Number(m[3]) } : null;
  }

  async list(): Promise<Array<{ name: string; size: number }>> {
    const out = await this.exec(`for k,v in pairs(file.list()) do print("WQLS "..v.." "..k) end`, "listing files");
    return out.split("\n").flatMap((l) => {
      const m = /^WQLS (\d+) (.+)$/.exec(l);
      return m ? [{ name: m[2], size: Number(m[1]) }] : [];
    }).sort((x, y) => x.name.localeCompare(y.name));
  }

  async remove(name: string): Promise<boolean> {
    checkRemoteName(name);
    const out = await this.exec(`print(file.exists("${name}") and "WQYES" or "WQNO")`, `looking for ${name}`);
    if (!out.includes("WQYES")) return false;
    await this.exec(`file.remove("${name}")`, `removing ${name}`);
    const after = await this.exec(`print(file.exists("${name}") and "WQYES" or "WQNO")`, `checking ${name} is gone`);
    if (after.includes("WQYES")) throw new FlashError(`the chip did not remove ${name}`, EXIT.writeFailed);
    return true;
  }

  /** dofile() and what it printed until the prompt came back (or the timeout: a script may keep running). */
  async runFile(name: string): Promise<string> {
    checkRemoteName(name);
    try {
      return await this.run(`dofile("${name}")`, `running ${name}`);
    } catch (err) {
      if (err instanceof FlashError && /no Lua prompt/.test(err.message)) return this.buffer.replace(/\r/g, "");
      throw err;
    }
  }
}
