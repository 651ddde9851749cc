// The package entry: `import { Client, constants } from "wasmqtt"`.
export { Client, constants } from "./client.js";
export type {
  ClientOptions, ClientEvent, ClientEvents, ClientCallback, ConnectCallback, FailCallback, MessageCallback,
  SubackCallback, ErrorCallback, MessageData, MessageFlags, ConnackInfo, Payload, QoS, Flag, Secure,
} from "./client.js";
export type { ClientSettings } from "./net/settings.js";
export { DEFAULT_CLIENT_SETTINGS } from "./net/settings.js";
export type { TlsSettings } from "./net/transport.js";
