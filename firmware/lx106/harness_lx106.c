/* The harness's entry on the lx106 (the platform parts are in platform_lx106.c). */
#include <stdint.h>

/* A script loaded by QEMU's loader device at this flash address (see build.mk / the tests)
 * replaces the built-in one: new modules run on the lx106 without relinking. QEMU's memory
 * starts zeroed, so without a load there is no magic here. */
#define EXTERNAL_SCRIPT_ADDRESS 0x40280000u
#define EXTERNAL_SCRIPT_LIMIT (0x40300000u - EXTERNAL_SCRIPT_ADDRESS)

#include "harness.h"

int main(void)
{
    const uint8_t *external = (const uint8_t *)EXTERNAL_SCRIPT_ADDRESS;
    if (*(const uint32_t *)external == 0x31435357u) { /* "WSC1" */
        return harness_main(external, EXTERNAL_SCRIPT_LIMIT);
    }
    return harness_main(0, 0);
}
