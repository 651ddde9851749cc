# The native engine (docs/firmware.md): build/engine.wasm -> Debian's wasm2c -> C, rewritten by
# host/firmware/native.ts (build output only, never committed), on our runtime native_rt.c. The
# source lists and flags are in engine/build.mk, beside the interpreter's.
NATIVE_LX_CC := xtensa-lx106-elf-gcc --specs=/usr/lib/xtensa-lx106-elf/picolibc.specs
NATIVE_LX_CFLAGS := $(LX_OPT) -ffunction-sections -fdata-sections

# One rule writes the .c, its header and wasm-rt.h: the header follows the .c.
# Only the exports native_engine.c calls are kept.
$(NATIVE_GEN): ../build/engine.wasm ../dist/host/firmware/native.js nodemcu/mqtt_limits.h native/native_engine.c
	node ../dist/host/firmware/native.js $< $(NATIVE_OUT) nodemcu/mqtt_limits.h native/native_engine.c
$(NATIVE_OUT)/engine_native.h: $(NATIVE_GEN)

$(NATIVE_OBJ_SAN): $(NATIVE_GEN) native/native_access.h native/build.mk
	@mkdir -p $(@D)
	clang $(NATIVE_GEN_CFLAGS) $(ENGINE_SAN) $(ENGINE_NATIVE_INC) -c -o $@ $<

$(NATIVE_OBJ_LX106): $(NATIVE_GEN) native/native_access.h native/build.mk
	@mkdir -p $(@D)
	$(NATIVE_LX_CC) $(NATIVE_GEN_CFLAGS) $(NATIVE_LX_CFLAGS) $(ENGINE_NATIVE_INC) -c -o $@ $<

# The stand-in module of the bounds test (engine/test_bounds.wat), the same way.
$(NATIVE_OUT)/bounds/engine_native.c: $(BUILD)/engine_bounds.wasm ../dist/host/firmware/native.js nodemcu/mqtt_limits.h native/native_engine.c
	node ../dist/host/firmware/native.js $< $(@D) nodemcu/mqtt_limits.h native/native_engine.c

$(NATIVE_OUT)/bounds/san/engine_native.o: $(NATIVE_OUT)/bounds/engine_native.c native/native_access.h native/build.mk
	@mkdir -p $(@D)
	clang $(NATIVE_GEN_CFLAGS) $(ENGINE_SAN) -Iengine -Inative -Ivm -I$(NATIVE_OUT)/bounds -c -o $@ $<
