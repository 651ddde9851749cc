// The firmware's bounds, read from their one place (firmware/nodemcu/mqtt_limits.h), for the
// Node tools that must agree with the C: the engine embedder and the lx106 session's Node twin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../engine/index.js";

export function limitsHeader(): string {
  return join(packageRoot(), "firmware", "nodemcu", "mqtt_limits.h");
}

/** The engine's capacities the firmware lays out (layout()'s first four arguments, docs/abi.md):
 *  held outbound publishes, inbound QoS 2 window, pending requests, filters per call. */
export function firmwareCapacities(header: string = limitsHeader()): number[] {
  return ["MQTT_MAX_QUEUED_MESSAGES", "MQTT_QOS2_WINDOW", "MQTT_MAX_PENDING_REQUESTS", "MQTT_MAX_FILTERS"]
    .map((name) => firmwareLimit(name, header));
}

/** The value of `#define NAME 123u` in the header. */
export function firmwareLimit(name: string, header: string = limitsHeader()): number {
  const m = new RegExp(`#define\\s+${name}\\s+(\\d+)u?\\b`).exec(readFileSync(header, "utf8"));
  if (!m) throw new Error(`${header} defines no ${name}`);
  return Number(m[1]);
}
