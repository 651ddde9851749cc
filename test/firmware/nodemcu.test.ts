// `wasmqtt firmware --nodemcu DIR` against small fake NodeMCU trees in a temp folder: what it
// refuses, what it copies and edits, that a second run changes nothing, and what it says when
// the tree's make fails or succeeds. The fake app/Makefile computes NodeMCU's optional components
// the way the real one does, so the test sees whether app/wasmqtt would be built and linked.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adviceFor, findFailure, main } from "../../tools/firmware/nodemcu.js";

const ROOT = join(import.meta.dirname, "../..");
let tmp: string;

// The lines of NodeMCU 3.0's app/Makefile that wasmqtt edits and the ones that use them, plus a
// target that prints what would be built and which module symbols linked.
const APP_MAKEFILE = `TARGET = eagle
FLAVOR = debug
ifndef PDIR # {
OPT_MKTARGETS        := coap dht http mqtt pcm sjson tsl2561 websocket
SEL_MKTARGETS        := $(shell cc -E -dM include/user_modules.h | sed -n '/^\\#define LUA_USE_MODULES_/{s/.\\{24\\}\\(.*\\)/\\L\\1/; p}')
OPT_SEL_MKTARGETS    := $(foreach tgt,$(OPT_MKTARGETS),$(findstring $(tgt), $(SEL_MKTARGETS)))
OPT_SEL_COMPONENTS   := $(foreach tgt,$(OPT_SEL_MKTARGETS),$(tgt)/lib$(tgt).a)
endif # } PDIR
NM = nm
SELECTED_MODULE_SYMS=$(filter %_module_selected %module_selected1,$(shell $(NM) modules/.output/$(TARGET)/$(FLAVOR)/lib/libmodules.a))
components:
\t@echo $(OPT_SEL_COMPONENTS)
`;

const USER_MODULES = `#ifndef __USER_MODULES_H__
#define __USER_MODULES_H__

#ifndef LUA_CROSS_COMPILER
#define LUA_USE_MODULES_ADC
//#define LUA_USE_MODULES_MDNS
#define LUA_USE_MODULES_MQTT
#define LUA_USE_MODULES_NET
#define LUA_USE_MODULES_TMR

#endif  /* LUA_CROSS_COMPILER */
#endif	/* __USER_MODULES_H__ */
`;

/** A NodeMCU 3.0 tree as far as wasmqtt looks at it, with `makefile` as its top-level Makefile. */
function fakeTree(name: string, makefile = "all:\n\t@echo built\n", skip: string[] = []): string {
  const dir = join(tmp, name);
  const files: Record<string, string> = {
    Makefile: makefile,
    "app/Makefile": APP_MAKEFILE,
    "app/include/module.h": "/* NODEMCU_MODULE */\n",
    "app/include/user_modules.h": USER_MODULES,
    "app/modules/tmr.c": "/* a module */\n",
    "app/lua/lnodemcu.h": "/* LROT_* */\n",
    "app/lua53/lnodemcu.h": "/* LROT_* */\n",
    "sdk-overrides/include/osapi.h": "/* os_timer_* */\n",
  };
  for (const [path, text] of Object.entries(files)) {
    if (skip.includes(path)) continue;
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

/** main() with console and process output captured. */
async function run(argv: string[], images = join(tmp, "images")): Promise<Run> {
  let out = "", err = "";
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => { out += a.join(" ") + "\n"; });
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => { err += a.join(" ") + "\n"; });
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => { out += c.toString(); return true; });
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => { err += c.toString(); return true; });
  try {
    const code = await main(argv, images);
    return { code, out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Every file under dir with its bytes and modification time. */
function snapshot(dir: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else seen.set(p, `${s.mtimeMs} ${readFileSync(p).toString("base64")}`);
    }
  };
  walk(dir);
  return seen;
}

/** Module defines that NodeMCU's build sees (it runs the C preprocessor over user_modules.h). */
function enabledModules(tree: string): string[] {
  const out = execFileSync("cc", ["-E", "-dM", join(tree, "app/include/user_modules.h")], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.startsWith("#define LUA_USE_MODULES_")).map((l) => l.split(/\s+/)[1].slice(16)).sort();
}

/** Our sources as the command copies them: firmware/{nodemcu,core,engine,vm} *.c/*.h (the C tests
 *  live apart, in firmware/test). */
function expectedSources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const part of ["firmware/nodemcu", "firmware/core", "firmware/engine", "firmware/vm"]) {
    for (const name of readdirSync(join(ROOT, part))) {
      if (/\.[ch]$/.test(name)) files.set(name, join(ROOT, part, name));
    }
  }
  files.set("engine_wasm.c", join(ROOT, "build/firmware/engine_wasm.c"));
  return files;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "wasmqtt-nodemcu-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("wasmqtt firmware --nodemcu: what it refuses", () => {
  it("says a folder that is not a NodeMCU tree is not one, and where to get one", async () => {
    const empty = join(tmp, "empty");
    mkdirSync(empty);
    const r = await run(["--nodemcu", empty, "--no-make"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not a NodeMCU firmware checkout/);
    expect(r.err).toMatch(/branch release/);
    expect(readdirSync(empty)).toEqual([]);

    const none = await run(["--nodemcu", join(tmp, "nowhere"), "--no-make"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/nowhere does not exist/);
  });

  it("names the ESP32 firmware as the wrong one", async () => {
    const esp32 = join(tmp, "esp32");
    mkdirSync(join(esp32, "components"), { recursive: true });
    writeFileSync(join(esp32, "sdkconfig.defaults"), "");
    const r = await run(["--nodemcu", esp32]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/NodeMCU for the ESP32/);
  });

  it("says user_modules.h is missing and what to do, and changes nothing", async () => {
    const tree = fakeTree("no-user-modules", undefined, ["app/include/user_modules.h"]);
    const before = snapshot(tree);
    const r = await run(["--nodemcu", tree]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/app\/include\/user_modules\.h is missing/);
    expect(r.err).toMatch(/git checkout app\/include\/user_modules\.h/);
    expect(snapshot(tree)).toEqual(before);
  });

  it("refuses an app/Makefile without the lines it extends", async () => {
    const tree = fakeTree("old-makefile");
    writeFileSync(join(tree, "app/Makefile"), "all:\n");
    const r = await run(["--nodemcu", tree]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/app\/Makefile has no 'OPT_MKTARGETS =' line/);
  });

  it("rejects a missing DIR and unknown options with the usage", async () => {
    expect((await run(["--nodemcu"])).err).toMatch(/needs the NodeMCU checkout's folder/);
    const r = await run(["--nodemcu", tmp, "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown argument '--bogus'[\s\S]*usage: wasmqtt firmware --nodemcu DIR/);
  });
});

describe("wasmqtt firmware --nodemcu: the tree it leaves", () => {
  it("copies our sources into app/wasmqtt, switches the modules and adds the component", async () => {
    const tree = fakeTree("edits");
    expect(enabledModules(tree)).toContain("MQTT");
    const r = await run([`--nodemcu=${tree}`, "--no-make"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);

    const component = join(tree, "app/wasmqtt");
    const expected = expectedSources();
    for (const [name, source] of expected) {
      expect(readFileSync(join(component, name)).equals(readFileSync(source)), name).toBe(true);
    }
    expect(existsSync(join(component, "test_engine.c"))).toBe(false);
    const makefile = readFileSync(join(component, "Makefile"), "utf8");
    expect(makefile).toMatch(/GEN_LIBS = libwasmqtt\.a/);
    expect(makefile).toMatch(/-DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1/);
    const marker = readFileSync(join(component, "WASMQTT.txt"), "utf8");
    expect(marker).toMatch(/app\/include\/user_modules\.h/);
    for (const name of expected.keys()) expect(marker).toContain(name);

    // NodeMCU's build would now have our module and not its own, and build and link app/wasmqtt.
    const modules = enabledModules(tree);
    expect(modules).toContain("WASMQTT");
    expect(modules).not.toContain("MQTT");
    expect(modules).toEqual(["ADC", "NET", "TMR", "WASMQTT"]);
    const components = execFileSync("make", ["-s", "-C", join(tree, "app"), "components"], { encoding: "utf8" });
    expect(components.split(/\s+/)).toContain("wasmqtt/libwasmqtt.a");
    expect(readFileSync(join(tree, "app/Makefile"), "utf8")).toMatch(/^SELECTED_MODULE_SYMS \+= .*libwasmqtt\.a/m);
  });

  it("changes nothing on a second run", async () => {
    const tree = fakeTree("twice");
    expect((await run(["--nodemcu", tree, "--no-make"])).code).toBe(0);
    const first = snapshot(tree);
    const again = await run(["--nodemcu", tree, "--no-make"]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/nothing changed/);
    expect(snapshot(tree)).toEqual(first);
    const userModules = readFileSync(join(tree, "app/include/user_modules.h"), "utf8");
    expect(userModules.match(/LUA_USE_MODULES_WASMQTT/g)).toHaveLength(1);
    expect(userModules.match(/LUA_USE_MODULES_MQTT\b/g)).toHaveLength(1);
    expect(readFileSync(join(tree, "app/Makefile"), "utf8").match(/OPT_MKTARGETS \+= wasmqtt/g)).toHaveLength(1);
  });

  it("removes a source an earlier version put there and this one no longer has", async () => {
    const tree = fakeTree("upgrade");
    await run(["--nodemcu", tree, "--no-make"]);
    const marker = join(tree, "app/wasmqtt/WASMQTT.txt");
    writeFileSync(marker, readFileSync(marker, "utf8") + "  gone_in_this_version.c           0123456789abcdef\n");
    writeFileSync(join(tree, "app/wasmqtt/gone_in_this_version.c"), "int old;\n");
    const r = await run(["--nodemcu", tree, "--no-make"]);
    expect(r.out).toMatch(/gone_in_this_version\.c \(removed\)/);
    expect(existsSync(join(tree, "app/wasmqtt/gone_in_this_version.c"))).toBe(false);
  });

  it("puts the native engine in with --engine native, and takes the interpreter's files out", async () => {
    const tree = fakeTree("engines");
    expect((await run(["--nodemcu", tree, "--no-make"])).code).toBe(0);
    const component = join(tree, "app/wasmqtt");
    expect(existsSync(join(component, "wasm_exec.c"))).toBe(true);
    // What NodeMCU's make built of the interpreter: its library keeps members make never removes.
    const library = join(component, ".output/eagle/debug/lib/libwasmqtt.a");
    mkdirSync(join(library, ".."), { recursive: true });
    writeFileSync(library, "engine_vm.o wasm_exec.o");
    const r = await run(["--nodemcu", tree, "--engine", "native", "--no-make"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    for (const name of ["engine_native.c", "engine_native.h", "wasm-rt.h", "native_rt.c", "native_engine.c", "mqtt_engine.c", "wasm_vm.h", "mqtt.c", "mqtt_core.c"]) {
      expect(existsSync(join(component, name)), name).toBe(true);
    }
    expect(readFileSync(join(component, "engine_native.c")).equals(readFileSync(join(ROOT, "build/firmware/native/engine_native.c")))).toBe(true);
    for (const name of ["wasm_exec.c", "engine_vm.c", "engine_wasm.c"]) {
      expect(existsSync(join(component, name)), name).toBe(false);
      expect(r.out).toContain(`app/wasmqtt/${name} (removed)`);
    }
    expect(readFileSync(join(component, "Makefile"), "utf8")).toMatch(/--engine native[\s\S]*-DWABT_BIG_ENDIAN=0/);
    expect(existsSync(library)).toBe(false);
    expect(r.out).toContain("app/wasmqtt/.output (removed: built again)");
    expect(readFileSync(join(component, "WASMQTT.txt"), "utf8")).toMatch(/--engine native/);
    // And back.
    expect((await run(["--nodemcu=" + tree, "--engine=wasm", "--no-make"])).code).toBe(0);
    expect(existsSync(join(component, "wasm_exec.c"))).toBe(true);
    expect(existsSync(join(component, "engine_native.c"))).toBe(false);
  });

  it("refuses an engine it does not have", async () => {
    const r = await run(["--nodemcu", tmp, "--engine", "jit"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--engine takes wasm \(the interpreter, the default\) or native/);
  });

  it("keeps a tree whose stock module was already off, and adds ours once", async () => {
    const tree = fakeTree("stock-off");
    const path = join(tree, "app/include/user_modules.h");
    writeFileSync(path, USER_MODULES.replace("#define LUA_USE_MODULES_MQTT", "//#define LUA_USE_MODULES_MQTT"));
    await run(["--nodemcu", tree, "--no-make"]);
    expect(enabledModules(tree)).toEqual(["ADC", "NET", "TMR", "WASMQTT"]);
    expect(readFileSync(path, "utf8")).toMatch(/\/\/#define LUA_USE_MODULES_MQTT\n#define LUA_USE_MODULES_WASMQTT/);
  });
});

describe("wasmqtt firmware --nodemcu: make", () => {
  it("names the failing step and the compiler's error when make fails", async () => {
    const tree = fakeTree("fails", [
      "all:",
      "\t@echo 'CC app/modules/tmr.c'",
      "\t@echo 'CC app/wasmqtt/mqtt.c'",
      "\t@echo \"mqtt.c:12:3: error: unknown type name 'lua_Foo'\" >&2",
      "\t@echo '   12 |   lua_Foo x;' >&2",
      "\t@exit 2",
      "",
    ].join("\n"));
    const r = await run(["--nodemcu", tree, "--no-baseline"]);
    expect(r.code).toBe(4);
    expect(r.out).toContain("CC app/wasmqtt/mqtt.c");   // make's own output, streamed
    expect(r.err).toMatch(/NodeMCU's build failed \(make exited with 2\) at step: CC app\/wasmqtt\/mqtt\.c/);
    expect(r.err).toMatch(/mqtt\.c:12:3: error: unknown type name 'lua_Foo'/);
    expect(r.err).toMatch(/What to do: the failing step is wasmqtt's code/);
    expect(existsSync(join(tmp, "images"))).toBe(false);
  });

  it("points at NodeMCU's own build, or at the toolchain, when that is what failed", async () => {
    const own = fakeTree("fails-nodemcu", "all:\n\t@echo 'CC app/modules/tmr.c'\n\t@echo 'tmr.c:1:1: error: boom' >&2\n\t@exit 2\n");
    const r = await run(["--nodemcu", own, "--no-baseline"]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/at step: CC app\/modules\/tmr\.c/);
    expect(r.err).toMatch(/in NodeMCU's own sources, which wasmqtt does not change/);
    expect(r.err).not.toMatch(/git stash/);

    const compiler = fakeTree("no-compiler", "all:\n\t@echo 'CC app/user/user_main.c'\n\txtensa-lx106-elf-gcc-absent-wasmqtt-test -c x.c\n");
    const c = await run(["--nodemcu", compiler, "--no-baseline"]);
    expect(c.code).toBe(4);
    expect(c.err).toMatch(/cannot find the ESP8266 compiler \(xtensa-lx106-elf-gcc\)/);
  });

  it("passes make arguments, copies the images for 'wasmqtt flash' and reports the module's cost and the image delta", async () => {
    // The fake make links "our" map when user_modules.h has our module on, the stock map otherwise,
    // and logs each build's configuration.
    const tree = fakeTree("succeeds", [
      "all:",
      "\t@echo 'CC app/wasmqtt/mqtt.c'",
      "\t@if grep -q '^#define LUA_USE_MODULES_WASMQTT' app/include/user_modules.h; then cp ours.map app/mapfile; echo ours >> builds.log; \\",
      "\t else cp stock.map app/mapfile; echo stock >> builds.log; fi",
      "\t@mkdir -p bin && printf 'boot' > bin/0x00000.bin && printf 'lua=$(LUA)' > bin/0x10000.bin",
      "",
    ].join("\n"));
    writeFileSync(join(tree, "stock.map"), STOCK_MAP);
    writeFileSync(join(tree, "ours.map"), OURS_MAP);
    const images = join(tmp, "flash-images");
    mkdirSync(images);
    writeFileSync(join(images, "0x20000.bin"), "stale");
    const r = await run(["--nodemcu", tree, "--", "LUA=53"], images);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(readdirSync(images).sort()).toEqual(["0x00000.bin", "0x10000.bin"]);
    expect(readFileSync(join(images, "0x10000.bin"), "utf8")).toBe("lua=53");
    expect(readFileSync(join(tree, "builds.log"), "utf8")).toBe("stock\nours\n");
    // Ours: 0xfd0 of flash code, strings 0x30 (merged into the next: 0x20 counted) and 0x10,
    // libgcc's _moddi3 (0x3c0) that only our wasm_exec.o pulled in; 0x40 IRAM, 0x10 data, 8 bss.
    expect(r.out).toMatch(/the module \(wasm engine\) in the image: 5,136 B stored in flash \(code and constants 5,056 B, IRAM 64 B, initialised RAM 16 B\), 8 B bss; flash budget 65,536 B: OK/);
    expect(r.out).toMatch(/libgcc helpers only it pulls in: libgcc\.a\(_moddi3\.o\) 960\n/);
    // Stock: NodeMCU's mqtt 0x400 + 0x100; the image grew by 5,136 - 1,280.
    expect(r.out).toMatch(/against the same tree with NodeMCU's own mqtt \(1,280 B\): the image grew by 3,856 B \(ours - NodeMCU's = 3,856 B, 0\.0% off the delta\)/);
    expect(r.out).toMatch(/npm run flash/);

    // The baseline is kept for this configuration: a second run builds only ours.
    const again = await run(["--nodemcu", tree, "--", "LUA=53"], images);
    expect(again.code).toBe(0);
    expect(readFileSync(join(tree, "builds.log"), "utf8")).toBe("stock\nours\nours\n");
    expect(again.out).toMatch(/the image grew by 3,856 B/);
    // Another flavour is another configuration: its own baseline first.
    await run(["--nodemcu", tree], images);
    expect(readFileSync(join(tree, "builds.log"), "utf8")).toBe("stock\nours\nours\nstock\nours\n");
  });

  it("says when the tree does not build even with NodeMCU's own mqtt, and changes nothing of ours", async () => {
    const tree = fakeTree("stock-fails", "all:\n\t@echo 'CC app/modules/net.c'\n\t@echo \"net.c:969:3: error: unknown type name 'ssize_t'\" >&2\n\t@exit 2\n");
    const r = await run(["--nodemcu", tree]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/NodeMCU's build with its own mqtt \(the baseline\) failed \(make exited with 2\) at step: CC app\/modules\/net\.c/);
    expect(r.err).toMatch(/NodeMCU's tree does not build even with its own mqtt module/);
    expect(enabledModules(tree)).toContain("MQTT");
    expect(existsSync(join(tree, "app/wasmqtt/mqtt.c"))).toBe(false);
  });
});

// NodeMCU's link maps as far as the cost needs them: our library's sections (one of them strings
// the linker merged into the next), fill, a libgcc member our object pulled in, NodeMCU's own.
const OURS_MAP = [
  "Archive member included to satisfy reference by file (symbol)",
  "",
  "/sdk/lib/libgcc.a(_moddi3.o)",
  "                              wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(wasm_exec.o) (__moddi3)",
  "/sdk/lib/libc.a(lib_a-memcpy.o)",
  "                              user/.output/eagle/debug/lib/libuser.a(user_main.o) (memcpy)",
  "",
  "Discarded input sections",
  " .text.unused   0x00000000      0x999 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(wasm_api.o)",
  "",
  "Linker script and memory map",
  "",
  ".text           0x40100000     0x6b40",
  " .text          0x40100000     0x6b00 /sdk/lib/libmain.a(ets_timer.o)",
  " .text.wasm_call",
  "                0x40106b00       0x40 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(wasm_exec.o)",
  ".data           0x3ffe8000      0x6e8",
  " .data          0x3ffe8000      0x6d8 /sdk/lib/libmain.a(app_main.o)",
  " .data          0x3ffe86d8       0x10 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(mqtt.o)",
  ".bss            0x3ffe86e8     0x6ba8",
  " .bss.state     0x3ffe86e8        0x8 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(mqtt.o)",
  " .bss           0x3ffe86f0     0x6ba0 /sdk/lib/libmain.a(app_main.o)",
  ".irom0.text     0x40210000    0x69400",
  " .irom0.text    0x40210000     0x1000 /sdk/lib/libmain.a(app_main.o)",
  " .text.wasm_run 0x40211000      0xfd0 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(wasm_exec.o)",
  " .rodata.a.str1.1",
  "                0x40211fd0       0x30 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(mqtt.o)",
  "                                 0x3a (size before relaxing)",
  " .rodata.str1.1 0x40211ff0       0x10 wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(mqtt_core.o)",
  " .text          0x40212000      0x3c0 /sdk/lib/libgcc.a(_moddi3.o)",
  "                0x40212000                __moddi3",
  " .text          0x402123c0       0x40 /sdk/lib/libc.a(lib_a-memcpy.o)",
  " *fill*         0x40212400       0x10 ",
  " .text.rest     0x40212410    0x66ff0 modules/.output/eagle/debug/lib/libmodules.a(tmr.o)",
  "",
].join("\n");

const STOCK_MAP = [
  "Archive member included to satisfy reference by file (symbol)",
  "",
  "/sdk/lib/libc.a(lib_a-memcpy.o)",
  "                              user/.output/eagle/debug/lib/libuser.a(user_main.o) (memcpy)",
  "",
  "Linker script and memory map",
  "",
  ".text           0x40100000     0x6b00",
  " .text          0x40100000     0x6b00 /sdk/lib/libmain.a(ets_timer.o)",
  ".data           0x3ffe8000      0x6d8",
  " .data          0x3ffe8000      0x6d8 /sdk/lib/libmain.a(app_main.o)",
  ".bss            0x3ffe86d8     0x6ba0",
  " .bss           0x3ffe86d8     0x6ba0 /sdk/lib/libmain.a(app_main.o)",
  ".irom0.text     0x40210000    0x68540",
  " .irom0.text    0x40210000     0x1000 /sdk/lib/libmain.a(app_main.o)",
  " .irom0.text    0x40211000      0x400 modules/.output/eagle/debug/lib/libmodules.a(mqtt.o)",
  " .irom0.text    0x40211400      0x100 mqtt/.output/eagle/debug/lib/libmqtt.a(mqtt_msg.o)",
  " .text          0x40211500       0x40 /sdk/lib/libc.a(lib_a-memcpy.o)",
  " .text.rest     0x40211540    0x67000 modules/.output/eagle/debug/lib/libmodules.a(tmr.o)",
  "",
].join("\n");

describe("findFailure", () => {
  it("names the link step and the undefined symbols of a failed NodeMCU link", () => {
    const lines = [
      "make[2]: Entering directory '/tmp/nm/app/wasmqtt'",
      "CC app/wasmqtt/mqtt.c",
      "AR app/wasmqtt/",
      "make[2]: Leaving directory '/tmp/nm/app/wasmqtt'",
      "LD app/.output/eagle/debug/image/eagle.app.v6.out",
      "/usr/bin/ld: wasmqtt/.output/eagle/debug/lib/libwasmqtt.a(mqtt.o): in function `client_gc':",
      "/tmp/nm/app/wasmqtt/mqtt.c:609: undefined reference to `mqtt_core_free'",
      "collect2: error: ld returned 1 exit status",
      "make[1]: *** [../Makefile:480: .output/eagle/debug/image/eagle.app.v6.out] Error 1",
      "make: *** [Makefile:380: .subdirs] Error 2",
    ];
    expect(findFailure(lines)).toEqual({
      step: "LD app/.output/eagle/debug/image/eagle.app.v6.out",
      errors: ["/tmp/nm/app/wasmqtt/mqtt.c:609: undefined reference to `mqtt_core_free'", "collect2: error: ld returned 1 exit status"],
      makeError: "make[1]: *** [../Makefile:480: .output/eagle/debug/image/eagle.app.v6.out] Error 1",
      cited: ["/tmp/nm/app/wasmqtt/mqtt.c"],
    });
  });
});
