# The engine's C side: mqtt_engine.c (the ABI) over one of two engines, picked by the source set a
# program links (callers, mqtt_core.c and mqtt.c, are the same for both):
#   interpreter (wasm, the default): $(ENGINE_SRC) + $(ENGINE_VM_SRC), with $(ENGINE_INC) and
#     $(ENGINE_VM_DEFS); the array from host/firmware/embed.ts (run on the tsc output).
#   native: $(ENGINE_NATIVE_SRC) with $(ENGINE_NATIVE_INC); build/engine.wasm through wasm2c
#     (firmware/native/build.mk), its generated file compiled with $(NATIVE_GEN_CFLAGS).
# The host test programs run under ASan+UBSan (test/firmware/), each once per engine.
ENGINE_WASM_C := $(BUILD)/engine_wasm.c
ENGINE_SRC := engine/mqtt_engine.c engine/engine_vm.c $(ENGINE_WASM_C)
ENGINE_HDR := engine/mqtt_engine.h engine/mqtt_engine_abi.h engine/mqtt_alloc.h engine/mqtt_engine_backend.h engine/engine_exports.h engine/engine_error_texts.h
ENGINE_INC := -Iengine -Ivm
ENGINE_VM_SRC := $(sort $(wildcard vm/*.c))
ENGINE_VM_HDR := $(wildcard vm/*.h)
# The native engine's C sources, in one list (helper i14's `firmware size` per engine and
# `wasmqtt firmware --engine native` take it from here): ours, then the one wasm2c writes.
NATIVE_OUT := $(BUILD)/native
NATIVE_GEN := $(NATIVE_OUT)/engine_native.c
ENGINE_NATIVE_OWN := engine/mqtt_engine.c native/native_engine.c native/native_rt.c
ENGINE_NATIVE_SRC := $(ENGINE_NATIVE_OWN) $(NATIVE_GEN)
ENGINE_NATIVE_HDR := $(ENGINE_HDR) native/native_rt.h native/native_access.h $(NATIVE_OUT)/engine_native.h
# wasm_vm.h only for the trap codes both engines report
ENGINE_NATIVE_INC := -Iengine -Inative -Ivm -I$(NATIVE_OUT)
# wasm2c's output, and only it, gets a narrower warning set: it defines helpers for every wasm
# feature whether the module uses them or not (unused functions and parameters), and its trap
# macro is a comma expression whose value is dropped. Everything else: $(CSTD).
NATIVE_GEN_CFLAGS := $(CSTD) -Wno-unused-function -Wno-unused-parameter -Wno-unused-value
# The generated file as an object, per build flavour (the rules are in native/build.mk).
NATIVE_OBJ_SAN := $(NATIVE_OUT)/san/engine_native.o
NATIVE_OBJ_LX106 := $(NATIVE_OUT)/lx106/engine_native.o
ENGINE_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# As on the lx106: no floats, module bytes read with aligned words.
ENGINE_VM_DEFS := -DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1

ALL += $(ENGINE_WASM_C) $(BUILD)/engine-test

$(ENGINE_WASM_C): ../build/engine.wasm ../dist/host/firmware/embed.js nodemcu/mqtt_limits.h
	@mkdir -p $(BUILD)
	node ../dist/host/firmware/embed.js $< $@ nodemcu/mqtt_limits.h

$(BUILD)/engine-test: engine/test_engine.c $(ENGINE_SRC) $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) engine/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) $(ENGINE_INC) -o $@ engine/test_engine.c $(ENGINE_SRC) $(ENGINE_VM_SRC)

# The client core (firmware/nodemcu/mqtt_core.c) over the engine, with a counting allocator.
CORE_SRC := nodemcu/mqtt_core.c
CORE_HDR := nodemcu/mqtt_core.h nodemcu/mqtt_limits.h
CORE_INC := -Inodemcu
ALL += $(BUILD)/core-test

$(BUILD)/core-test: engine/test_core.c $(CORE_SRC) $(CORE_HDR) $(ENGINE_SRC) $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) engine/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) -DMQTT_MALLOC=test_malloc -DMQTT_FREE=test_free $(ENGINE_INC) $(CORE_INC) \
	  -o $@ engine/test_core.c $(CORE_SRC) $(ENGINE_SRC) $(ENGINE_VM_SRC)

# mqtt_engine.c and the core against a stand-in module that traps (test_bounds.wat).
ALL += $(BUILD)/engine-bounds-test
$(BUILD)/engine_bounds.wasm: engine/test_bounds.wat
	@mkdir -p $(BUILD)
	wat2wasm $< -o $@

$(BUILD)/engine_bounds_wasm.c: $(BUILD)/engine_bounds.wasm ../dist/host/firmware/embed.js nodemcu/mqtt_limits.h
	node ../dist/host/firmware/embed.js $< $@ nodemcu/mqtt_limits.h

$(BUILD)/engine-bounds-test: engine/test_bounds.c engine/mqtt_engine.c engine/engine_vm.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) $(CORE_SRC) $(CORE_HDR) engine/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) $(ENGINE_INC) $(CORE_INC) -o $@ engine/test_bounds.c $(CORE_SRC) engine/mqtt_engine.c engine/engine_vm.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_VM_SRC)

# The same three programs over the native engine: their output must be the interpreter's.
ALL += $(BUILD)/engine-native-test $(BUILD)/core-native-test $(BUILD)/engine-bounds-native-test

$(BUILD)/engine-native-test: engine/test_engine.c $(ENGINE_NATIVE_OWN) $(ENGINE_NATIVE_HDR) $(NATIVE_OBJ_SAN) engine/build.mk
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_NATIVE_INC) -o $@ engine/test_engine.c $(ENGINE_NATIVE_OWN) $(NATIVE_OBJ_SAN)

$(BUILD)/core-native-test: engine/test_core.c $(CORE_SRC) $(CORE_HDR) $(ENGINE_NATIVE_OWN) $(ENGINE_NATIVE_HDR) $(NATIVE_OBJ_SAN) engine/build.mk
	clang $(CSTD) $(ENGINE_SAN) -DMQTT_MALLOC=test_malloc -DMQTT_FREE=test_free $(ENGINE_NATIVE_INC) $(CORE_INC) \
	  -o $@ engine/test_core.c $(CORE_SRC) $(ENGINE_NATIVE_OWN) $(NATIVE_OBJ_SAN)

# The stand-in module through wasm2c: its own generated C, header and runtime build.
NATIVE_BOUNDS := $(NATIVE_OUT)/bounds
$(BUILD)/engine-bounds-native-test: engine/test_bounds.c $(ENGINE_NATIVE_OWN) $(ENGINE_HDR) native/native_rt.h native/native_access.h $(NATIVE_BOUNDS)/san/engine_native.o $(CORE_SRC) $(CORE_HDR) engine/build.mk
	clang $(CSTD) $(ENGINE_SAN) $(subst -I$(NATIVE_OUT),-I$(NATIVE_BOUNDS),$(ENGINE_NATIVE_INC)) $(CORE_INC) -o $@ engine/test_bounds.c $(CORE_SRC) $(ENGINE_NATIVE_OWN) $(NATIVE_BOUNDS)/san/engine_native.o
