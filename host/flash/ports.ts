// Serial ports, read from sysfs on Linux (SerialPort.list() runs `udevadm`, and where that is
// missing Node crashed instead of rejecting); other systems use SerialPort.list().
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { FlashError, EXIT } from "./errors.js";

export interface PortInfo {
  path: string;
  usb: boolean;
  vendorId?: number;
  productId?: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  driver?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Ports under a sysfs root ("/" normally); USB ones carry their vendor and product ids. */
export function listPortsSysfs(root = "/"): PortInfo[] {
  const classDir = join(root, "sys/class/tty");
  let names: string[];
  try {
    names = readdirSync(classDir);
  } catch {
    return [];
  }
  const ports: PortInfo[] = [];
  for (const name of names.sort()) {
    const deviceLink = join(classDir, name, "device");
    if (!existsSync(deviceLink)) continue; // virtual terminals, ptys
    let device: string;
    try {
      device = realpathSync(deviceLink);
    } catch {
      continue;
    }
    const driver = (() => {
      try {
        return realpathSync(join(device, "driver")).split("/").pop();
      } catch {
        return undefined;
      }
    })();
    let dir = device;
    let usbDir: string | null = null;
    for (let i = 0; i < 6 && dir.length > 1; i++, dir = dirname(dir)) {
      if (existsSync(join(dir, "idVendor"))) {
        usbDir = dir;
        break;
      }
    }
    const path = join("/dev", name);
    if (usbDir) {
      ports.push({
        path, usb: true, driver,
        vendorId: parseInt(readText(join(usbDir, "idVendor")) ?? "", 16),
        productId: parseInt(readText(join(usbDir, "idProduct")) ?? "", 16),
        manufacturer: readText(join(usbDir, "manufacturer")),
        product: readText(join(usbDir, "product")),
        serialNumber: readText(join(usbDir, "serial")),
      });
    } else {
      // Legacy 8250 entries exist whether or not a UART is there; type 0 means none.
      if (name.startsWith("ttyS") && (readText(join(classDir, name, "type")) ?? "0") === "0") continue;
      ports.push({ path, usb: false, driver });
    }
  }
  return ports;
}

export async function listPorts(): Promise<PortInfo[]> {
  if (process.platform === "linux") return listPortsSysfs("/");
  const { SerialPort } = await import("serialport");
  const found = await SerialPort.list();
  return found.map((p) => ({
    path: p.path,
    usb: p.vendorId !== undefined,
    vendorId: p.vendorId ? parseInt(p.vendorId, 16) : undefined,
    productId: p.productId ? parseInt(p.productId, 16) : undefined,
    manufacturer: p.manufacturer,
    serialNumber: p.serialNumber,
  }));
}

export function hex4(n: number | undefined): string {
  return n === undefined || Number.isNaN(n) ? "----" : n.toString(16).padStart(4, "0");
}

export function describePort(p: PortInfo): string {
  const ids = p.usb ? `${hex4(p.vendorId)}:${hex4(p.productId)}` : "(not USB)";
  const what = [p.manufacturer, p.product].filter(Boolean).join(" ") || p.driver || "";
  return `${p.path.padEnd(14)} ${ids.padEnd(10)} ${what}${p.serialNumber ? ` serial ${p.serialNumber}` : ""}`;
}

/** The one USB serial device, or an error listing what there is. */
export function pickPort(ports: PortInfo[]): PortInfo {
  const usb = ports.filter((p) => p.usb);
  if (usb.length === 1) return usb[0];
  if (usb.length === 0) {
    const others = ports.length ? `\n  other serial ports: ${ports.map((p) => p.path).join(", ")}` : "";
    throw new FlashError(
      "no USB serial device found: plug the board in with a data cable, or give --port PATH" + others, EXIT.device);
  }
  throw new FlashError(
    `${usb.length} USB serial devices found; choose one with --port:\n` + usb.map((p) => "  " + describePort(p)).join("\n"),
    EXIT.device);
}
