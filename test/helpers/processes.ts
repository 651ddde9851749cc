// Process helpers for the broker launchers: the tooling's (tools/processes.ts), shared with the
// mosquitto launcher the bench uses.
export * from "../../tools/processes.js";
