# The native engine (docs/firmware.md): build/engine.wasm -> Debian's wasm2c -> C, rewritten by
# tools/firmware/native.ts (build output only, never committed), on our runtime native_rt.c. The
# source lists and flags are in engine/build.mk, beside the interpreter's; the C tests' stand-in
# module goes through the same generator in test/build.mk.
NATIVE_LX_CC := xtensa-lx106-elf-gcc --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
NATIVE_LX_CFLAGS := $(LX_OPT) -ffunction-sections -fdata-sections

# One rule writes the .c, its header and wasm-rt.h: the header follows the .c.
# Only the exports native_engine.c calls are kept.
$(NATIVE_GEN): ../build/engine.wasm ../dist/tools/firmware/native.js $(CORE_LIMITS) native/native_engine.c
	node ../dist/tools/firmware/native.js $< $(NATIVE_OUT) $(CORE_LIMITS) native/native_engine.c
$(NATIVE_OUT)/engine_native.h: $(NATIVE_GEN)

$(NATIVE_OBJ_SAN): $(NATIVE_GEN) native/native_access.h native/build.mk
	@mkdir -p $(@D)
	clang $(NATIVE_GEN_CFLAGS) $(ENGINE_SAN) $(ENGINE_NATIVE_INC) -c -o $@ $<

$(NATIVE_OBJ_LX106): $(NATIVE_GEN) native/native_access.h native/build.mk
	@mkdir -p $(@D)
	$(NATIVE_LX_CC) $(NATIVE_GEN_CFLAGS) $(NATIVE_LX_CFLAGS) $(ENGINE_NATIVE_INC) -c -o $@ $<
