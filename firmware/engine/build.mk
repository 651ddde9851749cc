# The engine's C side: the generated array (host/firmware/embed.ts, run on the tsc output) and
# mqtt_engine.c. Other parts compile $(ENGINE_SRC) with $(ENGINE_INC); their own interpreter
# sources come from vm/. The host test programs run under ASan+UBSan (test/firmware/).
ENGINE_WASM_C := $(BUILD)/engine_wasm.c
ENGINE_SRC := engine/mqtt_engine.c $(ENGINE_WASM_C)
ENGINE_HDR := engine/mqtt_engine.h engine/mqtt_alloc.h
ENGINE_INC := -Iengine -Ivm
ENGINE_VM_SRC := $(sort $(wildcard vm/*.c))
ENGINE_VM_HDR := $(wildcard vm/*.h)
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

# mqtt_engine.c against a stand-in module whose imports get bad pointers (test_bounds.wat).
ALL += $(BUILD)/engine-bounds-test
$(BUILD)/engine_bounds_wasm.c: engine/test_bounds.wat ../dist/host/firmware/embed.js nodemcu/mqtt_limits.h
	@mkdir -p $(BUILD)
	wat2wasm $< -o $(BUILD)/engine_bounds.wasm
	node ../dist/host/firmware/embed.js $(BUILD)/engine_bounds.wasm $@ nodemcu/mqtt_limits.h

$(BUILD)/engine-bounds-test: engine/test_bounds.c engine/mqtt_engine.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) engine/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) $(ENGINE_INC) -o $@ engine/test_bounds.c engine/mqtt_engine.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_VM_SRC)
