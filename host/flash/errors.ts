// Errors a person can act on: each carries the exit code the CLI returns.
export const EXIT = {
  ok: 0,
  /** Wrong arguments or a file that is not what it should be: nothing was written. */
  badInput: 2,
  /** No port, no answer, wrong chip, device gone. */
  device: 3,
  /** Writing or verification failed: the flash contents are not what was asked for. */
  writeFailed: 4,
} as const;

export class FlashError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.device) {
    super(message);
    this.name = "FlashError";
  }
}

/** The port closed under us (unplugged): raised by a write that finds it gone before the close
 *  event has been seen, so callers can report it the same way as a lost device. */
export class PortGoneError extends FlashError {}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
