// The tests' mosquitto is the one launcher tools/mosquitto.ts (the client bench uses it too).
export * from "../../tools/mosquitto.js";
