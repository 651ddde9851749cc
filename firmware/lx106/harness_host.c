/* The harness's entry on the host (the platform parts are in platform_host.c). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"

/* harness-host [script.bin]: without an argument, the benchmarks and the built-in script. */
int main(int argc, char **argv)
{
    if (argc < 2) {
        return harness_main(0, 0);
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        fprintf(stderr, "harness: cannot open %s (give a script blob made by gen_script.mjs)\n", argv[1]);
        return 2;
    }
    enum { SCRIPT_LIMIT = 512 * 1024 };
    uint64_t *words = calloc(SCRIPT_LIMIT / 8, 8);
    if (!words) {
        fclose(file);
        return 2;
    }
    size_t length = fread(words, 1, SCRIPT_LIMIT, file);
    int too_big = fgetc(file) != EOF;
    fclose(file);
    if (too_big) {
        fprintf(stderr, "harness: %s is larger than %d bytes\n", argv[1], SCRIPT_LIMIT);
        free(words);
        return 2;
    }
    int status = harness_main((const uint8_t *)words, length);
    free(words);
    return status;
}
