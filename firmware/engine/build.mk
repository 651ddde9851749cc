# The engine's C side: mqtt_engine.c (the ABI) over one of two engines, picked by the source set a
# program links (callers, mqtt_core.c and mqtt.c, are the same for both):
#   interpreter (wasm, the default): $(ENGINE_SRC) + $(ENGINE_VM_SRC), with $(ENGINE_INC) and
#     $(ENGINE_VM_DEFS); the array from tools/firmware/embed.ts (run on the tsc output).
#   native: $(ENGINE_NATIVE_SRC) with $(ENGINE_NATIVE_INC); build/engine.wasm through wasm2c
#     (firmware/native/build.mk), its generated file compiled with $(NATIVE_GEN_CFLAGS).
# The C tests over both engines are in test/build.mk.
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

ALL += $(ENGINE_WASM_C)

$(ENGINE_WASM_C): ../build/engine.wasm ../dist/tools/firmware/embed.js $(CORE_LIMITS)
	@mkdir -p $(BUILD)
	node ../dist/tools/firmware/embed.js $< $@ $(CORE_LIMITS)
