# The C tests (run by test/firmware/core.test.ts), each under ASan+UBSan and once per engine:
#   engine-test        mqtt_engine.c over the interpreter and the embedded engine (test_engine.c)
#   core-test          the client core (core/) over the engine, with a counting allocator (test_core.c)
#   engine-bounds-test mqtt_engine.c and the core against a stand-in module that traps
#                      (test_bounds.c over test_bounds.wat)
# and the same three over the native engine (*-native-test): their output must be the interpreter's.
ALL += $(BUILD)/engine-test $(BUILD)/core-test $(BUILD)/engine-bounds-test
ALL += $(BUILD)/engine-native-test $(BUILD)/core-native-test $(BUILD)/engine-bounds-native-test

$(BUILD)/engine-test: test/test_engine.c $(ENGINE_SRC) $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) test/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) $(ENGINE_INC) -o $@ test/test_engine.c $(ENGINE_SRC) $(ENGINE_VM_SRC)

$(BUILD)/core-test: test/test_core.c $(CORE_SRC) $(CORE_HDR) $(ENGINE_SRC) $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) test/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) -DMQTT_MALLOC=test_malloc -DMQTT_FREE=test_free $(ENGINE_INC) $(CORE_INC) \
	  -o $@ test/test_core.c $(CORE_SRC) $(ENGINE_SRC) $(ENGINE_VM_SRC)

$(BUILD)/engine_bounds.wasm: test/test_bounds.wat
	@mkdir -p $(BUILD)
	wat2wasm $< -o $@

$(BUILD)/engine_bounds_wasm.c: $(BUILD)/engine_bounds.wasm ../dist/tools/firmware/embed.js $(CORE_LIMITS)
	node ../dist/tools/firmware/embed.js $< $@ $(CORE_LIMITS)

$(BUILD)/engine-bounds-test: test/test_bounds.c engine/mqtt_engine.c engine/engine_vm.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_HDR) $(ENGINE_VM_SRC) $(ENGINE_VM_HDR) $(CORE_SRC) $(CORE_HDR) test/build.mk
	@mkdir -p $(BUILD)
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_VM_DEFS) $(ENGINE_INC) $(CORE_INC) -o $@ test/test_bounds.c $(CORE_SRC) engine/mqtt_engine.c engine/engine_vm.c $(BUILD)/engine_bounds_wasm.c $(ENGINE_VM_SRC)

$(BUILD)/engine-native-test: test/test_engine.c $(ENGINE_NATIVE_OWN) $(ENGINE_NATIVE_HDR) $(NATIVE_OBJ_SAN) test/build.mk
	clang $(CSTD) $(ENGINE_SAN) $(ENGINE_NATIVE_INC) -o $@ test/test_engine.c $(ENGINE_NATIVE_OWN) $(NATIVE_OBJ_SAN)

$(BUILD)/core-native-test: test/test_core.c $(CORE_SRC) $(CORE_HDR) $(ENGINE_NATIVE_OWN) $(ENGINE_NATIVE_HDR) $(NATIVE_OBJ_SAN) test/build.mk
	clang $(CSTD) $(ENGINE_SAN) -DMQTT_MALLOC=test_malloc -DMQTT_FREE=test_free $(ENGINE_NATIVE_INC) $(CORE_INC) \
	  -o $@ test/test_core.c $(CORE_SRC) $(ENGINE_NATIVE_OWN) $(NATIVE_OBJ_SAN)

# The stand-in module through wasm2c (native/build.mk's generator): its own generated C, header
# and runtime build.
NATIVE_BOUNDS := $(NATIVE_OUT)/bounds
$(NATIVE_BOUNDS)/engine_native.c: $(BUILD)/engine_bounds.wasm ../dist/tools/firmware/native.js $(CORE_LIMITS) native/native_engine.c
	node ../dist/tools/firmware/native.js $< $(@D) $(CORE_LIMITS) native/native_engine.c

$(NATIVE_BOUNDS)/san/engine_native.o: $(NATIVE_BOUNDS)/engine_native.c native/native_access.h test/build.mk
	@mkdir -p $(@D)
	clang $(NATIVE_GEN_CFLAGS) $(ENGINE_SAN) -Iengine -Inative -Ivm -I$(NATIVE_BOUNDS) -c -o $@ $<

$(BUILD)/engine-bounds-native-test: test/test_bounds.c $(ENGINE_NATIVE_OWN) $(ENGINE_HDR) native/native_rt.h native/native_access.h $(NATIVE_BOUNDS)/san/engine_native.o $(CORE_SRC) $(CORE_HDR) test/build.mk
	clang $(CSTD) $(ENGINE_SAN) $(subst -I$(NATIVE_OUT),-I$(NATIVE_BOUNDS),$(ENGINE_NATIVE_INC)) $(CORE_INC) -o $@ test/test_bounds.c $(CORE_SRC) $(ENGINE_NATIVE_OWN) $(NATIVE_BOUNDS)/san/engine_native.o
