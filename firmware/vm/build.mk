# The interpreter's host tool (firmware/tools): -O2 and ASan+UBSan builds, each with plain and
# aligned-word reads of module bytes, plus an -O2 build with floats off (as on the lx106).
VM_SRC := $(sort $(wildcard vm/*.c))
VM_HDR := $(wildcard vm/*.h)
VM_TOOL_SRC := $(sort $(wildcard tools/*.c))
VM_CC ?= clang
VM_FLAGS := $(CSTD) -Ivm -DWASM_VM_FLOAT=1 -Wl,-z,now
VM_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

VM_BINS := $(BUILD)/wasm-vm $(BUILD)/wasm-vm-aligned $(BUILD)/wasm-vm-asan $(BUILD)/wasm-vm-asan-aligned \
  $(BUILD)/wasm-vm-nofloat
ALL += $(VM_BINS)

$(BUILD)/wasm-vm: $(VM_SRC) $(VM_TOOL_SRC) $(VM_HDR) vm/build.mk
	@mkdir -p $(BUILD)
	$(VM_CC) $(VM_FLAGS) -O2 -o $@ $(VM_SRC) $(VM_TOOL_SRC) -lm
$(BUILD)/wasm-vm-aligned: $(VM_SRC) $(VM_TOOL_SRC) $(VM_HDR) vm/build.mk
	@mkdir -p $(BUILD)
	$(VM_CC) $(VM_FLAGS) -DWASM_VM_ALIGNED_READS=1 -O2 -o $@ $(VM_SRC) $(VM_TOOL_SRC) -lm
$(BUILD)/wasm-vm-asan: $(VM_SRC) $(VM_TOOL_SRC) $(VM_HDR) vm/build.mk
	@mkdir -p $(BUILD)
	$(VM_CC) $(VM_FLAGS) $(VM_SAN) -o $@ $(VM_SRC) $(VM_TOOL_SRC) -lm
$(BUILD)/wasm-vm-asan-aligned: $(VM_SRC) $(VM_TOOL_SRC) $(VM_HDR) vm/build.mk
	@mkdir -p $(BUILD)
	$(VM_CC) $(VM_FLAGS) -DWASM_VM_ALIGNED_READS=1 $(VM_SAN) -o $@ $(VM_SRC) $(VM_TOOL_SRC) -lm
$(BUILD)/wasm-vm-nofloat: $(VM_SRC) $(VM_TOOL_SRC) $(VM_HDR) vm/build.mk
	@mkdir -p $(BUILD)
	$(VM_CC) $(CSTD) -Wl,-z,now -Ivm -DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1 -O2 -o $@ $(VM_SRC) $(VM_TOOL_SRC)
