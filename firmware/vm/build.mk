# The interpreter and its host tool: an -O2 build and an ASan+UBSan build, both with floats
# and both read modes selectable at run time by the tool (it is built twice per read mode).
VM_SRC := $(sort $(wildcard vm/*.c))
VM_HDR := $(wildcard vm/*.h)
VM_TOOL_SRC := $(sort $(wildcard tools/*.c))
VM_CC ?= clang
VM_FLAGS := $(CSTD) -Ivm -DWASM_VM_FLOAT=1
VM_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

VM_BINS := $(BUILD)/wasm-vm $(BUILD)/wasm-vm-aligned $(BUILD)/wasm-vm-asan $(BUILD)/wasm-vm-asan-aligned
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
