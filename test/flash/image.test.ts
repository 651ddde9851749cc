// Checks made before anything is written: ESP8266 image format, header patching, regions; and the
// sysfs port list with automatic port choice.
import { describe, it, expect } from "vitest";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseImage, patchHeader, checkRegions, flashBytesFromId } from "../../host/flash/image.js";
import { listPortsSysfs, pickPort } from "../../host/flash/ports.js";
import { bootImage, firmwareLike, nodemcuPair } from "./sim/images.js";

const { boot } = nodemcuPair(1024);

describe("ESP8266 image checks", () => {
  it("accepts a well-formed image and reads its segments", () => {
    const info = parseImage(boot, "0x00000.bin");
    expect(info.segments.map((s) => s.loadAddress)).toEqual([0x40100000, 0x3ffe8000, 0x3ffe8a00]);
    expect(info.entry).toBe(0x40100004);
    expect(info.imageLength).toBe(boot.length);
    // trailing data after the checksum (a combined image) is fine
    const combined = new Uint8Array(boot.length + 100);
    combined.set(boot);
    expect(parseImage(combined, "x").imageLength).toBe(boot.length);
  });

  it("says what is wrong with a bad image", () => {
    const bad = (mutate: (d: Uint8Array) => Uint8Array) => () => parseImage(mutate(boot.slice()), "f.bin");
    expect(bad((d) => { d[0] = 0xea; return d; })).toThrow(/first byte is 0xea, expected 0xe9 \(0xea is a format-2 image/);
    expect(bad((d) => { d[1] = 0; return d; })).toThrow(/segment count 0/);
    expect(bad((d) => { d[1] = 4; return d; })).toThrow(/segment 4 .*past the end of the file|runs past the end/);
    expect(bad((d) => d.subarray(0, 2000))).toThrow(/segment 1 \(24576 bytes at 0x40100000\) runs past the end of the file/);
    expect(bad((d) => { d[100] ^= 1; return d; })).toThrow(/checksum 0x[0-9a-f]+ does not match the segments/);
    expect(bad((d) => d.subarray(0, d.length - 1))).toThrow(/checksum byte .* is missing: the file is truncated/);
    expect(bad((d) => d.subarray(0, 5))).toThrow(/only 5 bytes/);
    const badEntry = bootImage([{ address: 0x40100000, data: firmwareLike(64) }], { entry: 0x1000 });
    expect(() => parseImage(badEntry, "e.bin")).toThrow(/entry point 0x1000 is outside/);
  });

  it("patches mode, frequency and size into the header and keeps the image valid", () => {
    const patched = patchHeader(boot, { mode: "dout", freq: "80m", size: "1MB" });
    expect([patched[2], patched[3]]).toEqual([3, 0x2f]);
    expect(patched.subarray(4)).toEqual(boot.subarray(4));
    expect(() => parseImage(patched, "p")).not.toThrow();
    const sizeOnly = patchHeader(boot, { size: "16MB" });
    expect([sizeOnly[2], sizeOnly[3]]).toEqual([boot[2], 0x90 | (boot[3] & 0xf)]);
  });

  it("checks regions for alignment, overlap and fit", () => {
    const r = (address: number, n: number, name = `r${address.toString(16)}`) => ({ address, data: new Uint8Array(n), name });
    expect(() => checkRegions([r(0, 100), r(0x1000, 100)], 1 << 20)).not.toThrow();
    expect(() => checkRegions([r(0x800, 10)], null)).toThrow(/does not start on a 4096-byte sector boundary/);
    expect(() => checkRegions([r(0, 0x1001), r(0x1000, 10)], null)).toThrow(/overlaps/);
    expect(() => checkRegions([r(0, 10), r(0x1000, 10)], null)).not.toThrow(); // sharing nothing
    expect(() => checkRegions([r(0, 100), r(0x10, 10)], null)).toThrow(/sector boundary|overlaps/);
    expect(() => checkRegions([r(0xf0000, 0x20000)], 1 << 20)).toThrow(/ends at 0x110000, past the end of the flash \(1 MB\)/);
    expect(() => checkRegions([], null)).toThrow(/nothing to flash/);
  });

  it("maps JEDEC flash ids to sizes", () => {
    expect(flashBytesFromId(0x1640ef)).toBe(4 << 20);
    expect(flashBytesFromId(0x1340c8)).toBe(512 * 1024);
    expect(flashBytesFromId(0xffffff)).toBeNull();
  });
});

describe("serial ports from sysfs", () => {
  function fakeSysfs(devices: Array<{ tty: string; usb?: { vid: string; pid: string; product: string } }>): string {
    const root = mkdtempSync(join(tmpdir(), "wasmqtt-sysfs-"));
    mkdirSync(join(root, "sys/class/tty"), { recursive: true });
    devices.forEach((d, i) => {
      const usbDir = join(root, `sys/devices/pci0000:00/usb1/1-${i}`);
      const ifDir = join(usbDir, `1-${i}:1.0`, d.tty);
      mkdirSync(ifDir, { recursive: true });
      if (d.usb) {
        writeFileSync(join(usbDir, "idVendor"), d.usb.vid + "\n");
        writeFileSync(join(usbDir, "idProduct"), d.usb.pid + "\n");
        writeFileSync(join(usbDir, "product"), d.usb.product + "\n");
      }
      mkdirSync(join(root, "sys/class/tty", d.tty));
      symlinkSync(ifDir, join(root, "sys/class/tty", d.tty, "device"));
      writeFileSync(join(root, "sys/class/tty", d.tty, "type"), "0\n");
    });
    mkdirSync(join(root, "sys/class/tty/tty0")); // a virtual terminal: no device
    return root;
  }

  it("lists USB serial devices with vendor/product ids and picks the only one", () => {
    const root = fakeSysfs([{ tty: "ttyUSB0", usb: { vid: "1a86", pid: "7523", product: "USB2.0-Serial" } }, { tty: "ttyS0" }]);
    const ports = listPortsSysfs(root);
    expect(ports).toEqual([{ path: "/dev/ttyUSB0", usb: true, vendorId: 0x1a86, productId: 0x7523, product: "USB2.0-Serial",
      manufacturer: undefined, serialNumber: undefined, driver: undefined }]);
    expect(pickPort(ports).path).toBe("/dev/ttyUSB0");
  });

  it("with two boards, or none, says which ports there are", () => {
    const two = listPortsSysfs(fakeSysfs([
      { tty: "ttyUSB0", usb: { vid: "1a86", pid: "7523", product: "CH340" } },
      { tty: "ttyUSB1", usb: { vid: "10c4", pid: "ea60", product: "CP2102" } },
    ]));
    expect(() => pickPort(two)).toThrow(/2 USB serial devices found; choose one with --port:\n.*ttyUSB0.*1a86:7523.*\n.*ttyUSB1.*10c4:ea60/);
    expect(() => pickPort([])).toThrow(/no USB serial device found: plug the board in/);
    expect(listPortsSysfs("/nonexistent")).toEqual([]);
  });
});
