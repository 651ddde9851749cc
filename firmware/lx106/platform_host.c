#include <stdio.h>

#include "out.h"
#include "platform.h"

const char platform_name[] = "host";

void platform_write(const char *bytes, size_t length)
{
    fwrite(bytes, 1, length, stdout);
    fflush(stdout);
}

void bench_begin(void) {}
void bench_end(void) {}
void stack_paint(void) {}
size_t stack_peak(void) { return 0; }
