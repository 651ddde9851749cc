/* The session program on the host (ASan/UBSan in the tests): session-host SCRIPT.bin. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "session.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: session-host SCRIPT.bin (a WSS1 blob, see firmware/lx106/session.h)\n");
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        fprintf(stderr, "session-host: cannot open %s\n", argv[1]);
        return 2;
    }
    enum { LIMIT = 256 * 1024 };
    uint8_t *blob = malloc(LIMIT);
    size_t length = blob ? fread(blob, 1, LIMIT, file) : 0;
    fclose(file);
    if (!blob || length < 8) {
        fprintf(stderr, "session-host: %s is not a session script\n", argv[1]);
        free(blob);
        return 2;
    }
    int status = session_main(blob, length);
    free(blob);
    return status;
}
