export * from "./abi";
