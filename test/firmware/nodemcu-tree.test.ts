// The NodeMCU tree before make: switching Lua flavours in one tree (objects compiled against the
// other flavour's headers removed, nothing else), and the offline recipe of docs/firmware.md (the
// cache files make checks, and their ages) against a tree whose Makefile has NodeMCU's download
// and unpack rules (same targets and dependencies, written for this test).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../tools/firmware/nodemcu.js";
import { cleanOtherFlavour, flavourOf, plannedFetches } from "../../tools/firmware/nodemcu-tree.js";

let tmp: string;

const USER_MODULES = "#ifndef LUA_CROSS_COMPILER\n#define LUA_USE_MODULES_MQTT\n#define LUA_USE_MODULES_TMR\n#endif  /* LUA_CROSS_COMPILER */\n";
const APP_MAKEFILE = "OPT_MKTARGETS := coap mqtt\nSELECTED_MODULE_SYMS=$(filter %_module_selected,$(shell nm x.a))\n";

const SDK = "e4434aa730e78c63040ace360493aef420ec267c";
// NodeMCU 3.0's top-level rules for the SDK and esptool: the unpacked files depend on the cache
// files, which make downloads when they are missing (from a host that never resolves here).
const TOP_MAKEFILE = `TOP_DIR := $(abspath .)
SDK_VER := 3.0-e4434aa
SDK_FILE_VER := ${SDK}
ESPTOOL_VER := 2.6
ESPTOOL := $(TOP_DIR)/tools/toolchains/esptool.py
WGET = wget --tries=1 --timeout=5
all: toolchain sdk_pruned
\t@echo built LUA=$(LUA) >> build.log
toolchain: $(ESPTOOL)
sdk_pruned: $(TOP_DIR)/sdk/.extracted-$(SDK_VER) toolchain $(TOP_DIR)/sdk/.pruned-$(SDK_VER)
$(ESPTOOL): $(TOP_DIR)/cache/esptool/v$(ESPTOOL_VER).tar.gz
\ttar -C $(TOP_DIR)/tools/toolchains/ -xzf $< esptool-$(ESPTOOL_VER)/esptool.py; echo unpacked esptool >> build.log
\tmkdir -p $(dir $@) && touch $@
$(TOP_DIR)/cache/esptool/v$(ESPTOOL_VER).tar.gz:
\t$(WGET) https://archive.invalid/esptool/v$(ESPTOOL_VER).tar.gz -O $@ || { rm -f "$@"; exit 1; }
$(TOP_DIR)/sdk/.extracted-$(SDK_VER): $(TOP_DIR)/cache/$(SDK_FILE_VER).zip
\tcd sdk; unzip $(TOP_DIR)/cache/$(SDK_FILE_VER).zip; echo unpacked sdk >> ../build.log
\tmkdir -p $(dir $@) && touch $@
$(TOP_DIR)/sdk/.pruned-$(SDK_VER):
\ttouch $@
$(TOP_DIR)/cache/$(SDK_FILE_VER).zip:
\t$(WGET) https://archive.invalid/sdk/$(SDK_FILE_VER).zip -O $@ || { rm -f "$@"; exit 1; }
`;

function write(path: string, text: string, age?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (age !== undefined) utimesSync(path, age, age);
}

function fakeTree(name: string, makefile = TOP_MAKEFILE): string {
  const dir = join(tmp, name);
  write(join(dir, "Makefile"), makefile);
  write(join(dir, "app/Makefile"), APP_MAKEFILE);
  write(join(dir, "app/include/module.h"), "");
  write(join(dir, "app/include/user_modules.h"), USER_MODULES);
  write(join(dir, "app/modules/tmr.c"), "");
  write(join(dir, "app/lua/lnodemcu.h"), "");
  write(join(dir, "app/lua53/lnodemcu.h"), "");
  write(join(dir, "sdk-overrides/include/osapi.h"), "");
  return dir;
}

/** An object and its dependency file as NodeMCU's make leaves them in app/<folder>/.output. */
function object(tree: string, folder: string, name: string, headers: string[]): string {
  const obj = join(tree, "app", folder, ".output/eagle/debug/obj", `${name}.o`);
  write(obj, "object");
  write(obj.replace(/\.o$/, ".d"), `.output/eagle/debug/obj/${name}.o .output/eagle/debug/obj/${name}.d : ${name}.c \\\n ${headers.join(" \\\n ")}\n`);
  return obj;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => { out += a.join(" ") + "\n"; });
  vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => { err += a.join(" ") + "\n"; });
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => { out += c.toString(); return true; });
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => { err += c.toString(); return true; });
  const code = await main(argv, join(tmp, "images"));
  vi.restoreAllMocks();
  return { code, out, err };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "wasmqtt-nodemcu-tree-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("switching Lua flavours in one tree", () => {
  it("reads the flavour from make's arguments, then the environment; 5.1 by default", () => {
    expect(flavourOf(["LUA=53"], {})).toBe("53");
    expect(flavourOf(["LUA=53", "LUA=51"], {})).toBe("51");
    expect(flavourOf([], { LUA: "53" })).toBe("53");
    expect(flavourOf(["V=1"], {})).toBe("51");
  });

  it("removes exactly the objects compiled against the other flavour's headers, never sdk/", () => {
    const tree = fakeTree("flavours");
    const module51 = object(tree, "modules", "tmr", ["../include/module.h", "../lua/lua.h", "../lua/lnodemcu.h"]);
    const ours51 = object(tree, "wasmqtt", "mqtt", ["../lua/lauxlib.h", "mqtt_core.h"]);
    const nested51 = object(tree, "lwip", "espconn", ["../../lua/lua.h"]);
    const driver = object(tree, "driver", "uart", ["../include/driver/uart.h", "/usr/include/stdint.h"]);
    const lua51 = object(tree, "lua", "lapi", ["lua.h", "lapi.h"]);
    write(join(tree, "sdk/esp_iot_sdk_v3.0-e4434aa/lib/libmain.a"), "sdk");

    const to53 = cleanOtherFlavour(tree, "53");
    expect(to53.removed.sort()).toEqual([
      "app/lwip/.output/eagle/debug/obj/espconn.o",
      "app/modules/.output/eagle/debug/obj/tmr.o",
      "app/wasmqtt/.output/eagle/debug/obj/mqtt.o",
    ]);
    for (const gone of [module51, ours51, nested51]) {
      expect(existsSync(gone)).toBe(false);
      expect(existsSync(gone.replace(/\.o$/, ".d"))).toBe(false);
    }
    // Flavour-free objects, the 5.1 interpreter's own folder (not linked in 5.3) and the SDK stay.
    expect(existsSync(driver)).toBe(true);
    expect(existsSync(lua51)).toBe(true);
    expect(existsSync(join(tree, "sdk/esp_iot_sdk_v3.0-e4434aa/lib/libmain.a"))).toBe(true);

    // Built again for 5.3, then back to 5.1: the 5.3 objects go.
    const module53 = object(tree, "modules", "tmr", ["../include/module.h", "../lua53/lua.h"]);
    expect(cleanOtherFlavour(tree, "53").removed).toEqual([]);
    expect(cleanOtherFlavour(tree, "51").removed).toEqual(["app/modules/.output/eagle/debug/obj/tmr.o"]);
    expect(existsSync(module53)).toBe(false);
  });

  it("the command cleans before make when the flavour changes, and says so", async () => {
    const tree = fakeTree("switch", "all:\n\t@echo built LUA=$(LUA) >> build.log\n\t@mkdir -p bin && touch bin/0x00000.bin bin/0x10000.bin\n");
    const tmr = object(tree, "modules", "tmr", ["../lua/lua.h"]);
    const first = await run(["--nodemcu", tree, "--no-baseline"]);
    expect(first.code).toBe(0);
    expect(first.out).not.toMatch(/removed/);
    expect(existsSync(tmr)).toBe(true);
    const r = await run(["--nodemcu", tree, "--no-baseline", "--", "LUA=53"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/LUA=53: removed 1 objects compiled against the other Lua flavour's headers \(in app\/modules\); make rebuilds them\. sdk\/ and the caches are untouched/);
    expect(existsSync(tmr)).toBe(false);
    expect(readFileSync(join(tree, "build.log"), "utf8")).toBe("built LUA=\nbuilt LUA=53\n");
  });
});

describe("building offline: the cache files NodeMCU's make checks", () => {
  const HOUR = 3600;
  const now = Math.floor(Date.now() / 1000);
  /** GitHub's archives as the recipe puts them in cache/. */
  function cacheFiles(tree: string, age: number): void {
    const stage = join(tmp, `stage-${Math.random().toString(36).slice(2)}`);
    write(join(stage, "esptool-2.6/esptool.py"), "#!/usr/bin/env python\n");
    mkdirSync(join(tree, "cache/esptool"), { recursive: true });
    execFileSync("tar", ["-czf", join(tree, "cache/esptool/v2.6.tar.gz"), "-C", stage, "esptool-2.6"]);
    utimesSync(join(tree, "cache/esptool/v2.6.tar.gz"), age, age);
    write(join(tree, `cache/${SDK}.zip`), "zip", age);
  }

  it("names each file make would download, before make runs", async () => {
    const tree = fakeTree("offline-empty");
    expect(plannedFetches(tree, [])).toEqual({ downloads: ["cache/esptool/v2.6.tar.gz", `cache/${SDK}.zip`], unpacks: [] });
    const r = await run(["--nodemcu", tree, "--no-baseline", "--no-make"]);
    expect(r.code).toBe(0);
    // --no-make runs nothing; with make, the note comes first.
    expect(r.out).not.toMatch(/download/);
  });

  it("downloads nothing when the cache files are there, unpacked by make itself", () => {
    const tree = fakeTree("offline-cache");
    cacheFiles(tree, now - HOUR);
    expect(plannedFetches(tree, [])).toEqual({ downloads: [], unpacks: [] });
  });

  it("after a hand unpack, wants the cache files older than what was unpacked", () => {
    const tree = fakeTree("offline-unpacked");
    write(join(tree, "sdk/esp_iot_sdk_v3.0-e4434aa/lib/libc.a"), "a changed libc");
    write(join(tree, "tools/toolchains/esptool.py"), "#!/usr/bin/env python\n", now - HOUR);
    write(join(tree, "sdk/.extracted-3.0-e4434aa"), "", now - HOUR);
    write(join(tree, "sdk/.pruned-3.0-e4434aa"), "", now - HOUR);
    // Copied in after the unpack: newer, so make would unpack them over it.
    cacheFiles(tree, now);
    expect(plannedFetches(tree, [])).toEqual({ downloads: [], unpacks: ["cache/esptool/v2.6.tar.gz", `cache/${SDK}.zip`] });
    // The recipe's step: the cache files made older than what was unpacked.
    execFileSync("touch", ["-d", "@0", join(tree, `cache/${SDK}.zip`), join(tree, "cache/esptool/v2.6.tar.gz")]);
    expect(plannedFetches(tree, [])).toEqual({ downloads: [], unpacks: [] });
  });

  it("the command warns before make about a download it would make", async () => {
    const tree = fakeTree("offline-warn");
    write(join(tree, "tools/toolchains/esptool.py"), "", now - HOUR);
    write(join(tree, "cache/esptool/v2.6.tar.gz"), "", now - 2 * HOUR);
    const r = await run(["--nodemcu", tree, "--no-baseline"]);
    expect(r.out).toMatch(new RegExp(`NodeMCU's make is going to download cache/${SDK}\\.zip \\(not in cache/\\): offline, put them there first`));
    // Offline here: make's wget fails, and the advice names the file.
    expect(r.code).toBe(4);
    expect(r.err).toMatch(new RegExp(`What to do: NodeMCU's make tried to download cache/${SDK}\\.zip`));
  });
});
