// The flashing progress bar: bytes, percent, rate and time left; a line per quarter when not a terminal.
import type { Progress } from "./flasher.js";
import { formatBytes, hex } from "./image.js";

export function progressRenderer(out: NodeJS.WriteStream): (p: Progress) => void {
  let lastQuarter = -1;
  let lastKey = "";
  return (p) => {
    const fraction = p.total ? p.sent / p.total : 1;
    const seconds = (Date.now() - p.startedAt) / 1000;
    const rate = seconds > 0 ? p.sent / seconds : 0;
    const left = rate > 0 ? (p.total - p.sent) / rate : NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const line = `[${p.index + 1}/${p.count}] ${hex(p.address)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ` +
      `${String(Math.floor(fraction * 100)).padStart(3)}% ${formatBytes(p.sent)}/${formatBytes(p.total)} ` +
      `${formatBytes(Math.round(rate))}/s ${Number.isFinite(left) ? `${Math.ceil(left)}s left` : ""}`;
    const key = `${p.index}`;
    if (out.isTTY) {
      out.write(`\r${line}\x1b[K`);
      if (p.sent >= p.total) out.write("\n");
      return;
    }
    if (key !== lastKey) {
      lastKey = key;
      lastQuarter = -1;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== lastQuarter) {
      lastQuarter = quarter;
      out.write(line + "\n");
    }
  };
}
