# The interpreter's libFuzzer target (clang, ASan + UBSan). Built and run by fuzz/run.sh,
# not part of `all`: the fuzz run is a test step with its own time budget.
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_VM_SRC := $(sort $(wildcard vm/*.c))
FUZZ_FLAGS := $(CSTD) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -Ivm

$(FUZZ_OUT)/fuzz-vm: fuzz/fuzz_vm.c $(FUZZ_VM_SRC) $(wildcard vm/*.h) fuzz/build.mk
	@mkdir -p $(FUZZ_OUT)
	clang $(FUZZ_FLAGS) -o $@ fuzz/fuzz_vm.c $(FUZZ_VM_SRC)

# The same with floats off and aligned reads on: the configuration that ships on the lx106.
$(FUZZ_OUT)/fuzz-vm-lx106: fuzz/fuzz_vm.c $(FUZZ_VM_SRC) $(wildcard vm/*.h) fuzz/build.mk
	@mkdir -p $(FUZZ_OUT)
	clang $(FUZZ_FLAGS) -DWASM_VM_FLOAT=0 -DWASM_VM_ALIGNED_READS=1 -o $@ fuzz/fuzz_vm.c $(FUZZ_VM_SRC)

fuzz: $(FUZZ_OUT)/fuzz-vm $(FUZZ_OUT)/fuzz-vm-lx106
.PHONY: fuzz
