// globalSetup of the vitest projects whose tests run firmware builds (the interpreter's tool, the
// hosted runtime, the lx106 images): builds the firmware first (scripts/build-firmware.sh; make
// does nothing when it is up to date). Vitest runs it only when such a test is selected, so the
// Node tests need no C or lx106 toolchain.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export default function buildFirmware(): void {
  const root = join(import.meta.dirname, "../..");
  execFileSync("bash", [join(root, "scripts/build-firmware.sh")], { cwd: root, stdio: "inherit" });
}
