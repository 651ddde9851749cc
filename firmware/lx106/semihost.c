#include "semihost.h"

/* QEMU's Xtensa simcall: a2 = call number, a3..a5 = arguments, result back in a2. */
enum { SIMCALL_EXIT = 1, SIMCALL_WRITE = 4 };

static int simcall(int number, int a, int b, int c)
{
    register int a2 __asm__("a2") = number;
    register int a3 __asm__("a3") = a;
    register int a4 __asm__("a4") = b;
    register int a5 __asm__("a5") = c;
    __asm__ volatile("simcall" : "+r"(a2) : "r"(a3), "r"(a4), "r"(a5) : "memory");
    return a2;
}

void lx106_write(const char *bytes, size_t length)
{
    simcall(SIMCALL_WRITE, 1, (int)(uintptr_t)bytes, (int)length);
}

void lx106_exit(int status)
{
    for (;;) {
        simcall(SIMCALL_EXIT, status, 0, 0);
    }
}

static void write_hex(const char *label, uint32_t value)
{
    char text[11] = "0x";
    for (int i = 0; i < 8; i++) {
        text[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 15];
    }
    text[10] = ' ';
    size_t n = 0;
    while (label[n]) n++;
    lx106_write(label, n);
    lx106_write(text, sizeof text);
}

/* Called by the exception vectors in start.S: say which fault, where, and stop. */
void lx106_fatal(int vector, uint32_t cause, uint32_t pc, uint32_t address)
    __attribute__((noreturn));
void lx106_fatal(int vector, uint32_t cause, uint32_t pc, uint32_t address)
{
    static const char *const names[] = {"?", "debug", "nmi", "kernel", "user", "double"};
    const char *name = names[vector >= 1 && vector <= 5 ? vector : 0];
    size_t n = 0;
    while (name[n]) n++;
    lx106_write("\nlx106: ", 8);
    lx106_write(name, n);
    write_hex(" exception, cause ", cause);
    write_hex("pc ", pc);
    write_hex("address ", address);
    lx106_write("\n", 1);
    lx106_exit(128 + (int)(cause & 63));
}
