/* Host tool for the interpreter (skeleton). */
#include <stdio.h>
#include "wasm_vm.h"
int main(void) { puts(wasm_vm_result_name(WASM_OK)); return 1; }
