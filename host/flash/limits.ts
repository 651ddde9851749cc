// Every bound the flasher and the Lua-prompt tools use, in one place.
export const FLASH_LIMITS = {
  /** Baud rate the ESP8266 ROM loader talks at after reset. */
  romBaud: 115200,
  /** Default flashing baud rate (falls back to romBaud when the chip cannot follow). */
  defaultBaud: 460800,
  /** Default console baud rate of NodeMCU. */
  consoleBaud: 115200,
  /** Connection attempts (each is a reset, when allowed, plus up to five SYNCs). */
  connectAttempts: 7,
  /** Largest flash an ESP8266 can address. */
  maxFlashBytes: 16 * 1024 * 1024,
  /** Erase granularity of the SPI NOR flash: regions must start on it. */
  sectorBytes: 0x1000,
  /** Largest file `flash` will read. */
  maxImageBytes: 16 * 1024 * 1024,
  /** Times a region is written again after a failed block or a wrong MD5. */
  regionAttempts: 2,
  /** Bytes kept from the chip's output while waiting for an answer at the Lua prompt. */
  promptBufferBytes: 64 * 1024,
  /** Raw file bytes per line sent to the Lua prompt (hex-encoded: twice that on the wire). */
  uploadChunkBytes: 96,
  /** Largest file `upload` sends (NodeMCU's SPIFFS is a few hundred KB at most). */
  maxUploadBytes: 1024 * 1024,
  /** Milliseconds to wait for the Lua prompt to answer one line. */
  promptTimeoutMs: 3000,
} as const;
