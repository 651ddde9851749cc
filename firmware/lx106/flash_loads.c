/* Known loads for the counting plugin's narrow_flash_loads figure: region 0 reads 16 bytes
 * and 8 half-words from a table in flash (.rodata) — 24 narrow flash loads — plus words from
 * flash and bytes from DRAM, which must not count; region 1 reads only words from flash and
 * bytes from DRAM: 0. test/lx106/helpers.test.ts checks both. */
#include <stdint.h>

#include "semihost.h"

static const uint8_t flash_table[16] __attribute__((aligned(4))) = {
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
static uint8_t dram_table[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

__attribute__((noinline)) void bench_begin(void);
__attribute__((noinline)) void bench_end(void);
__attribute__((noinline)) void bench_begin(void) { __asm__ volatile(""); }
__attribute__((noinline)) void bench_end(void) { __asm__ volatile(""); }

/* Volatile so every read is one load of exactly that width. */
static uint32_t read_narrow(const volatile uint8_t *bytes, const volatile uint16_t *halves)
{
  uint32_t sum = 0;
  for (int i = 0; i < 16; i++) sum += bytes[i];
  for (int i = 0; i < 8; i++) sum += halves[i];
  return sum;
}

static uint32_t read_wide(const volatile uint32_t *words, const volatile uint8_t *ram)
{
  uint32_t sum = 0;
  for (int i = 0; i < 4; i++) sum += words[i];
  for (int i = 0; i < 16; i++) sum += ram[i];
  return sum;
}

int main(void)
{
  const volatile uint8_t *bytes = flash_table;
  const volatile uint16_t *halves = (const volatile uint16_t *)(const void *)flash_table;
  const volatile uint32_t *words = (const volatile uint32_t *)(const void *)flash_table;
  bench_begin();
  uint32_t narrow = read_narrow(bytes, halves) + read_wide(words, dram_table);
  bench_end();
  bench_begin();
  uint32_t wide = read_wide(words, dram_table);
  bench_end();
  static const char done[] = "flash loads read\n";
  lx106_write(done, sizeof done - 1);
  /* The difference proves the narrow loads happened: bytes 1..16 sum to 136, the eight
   * little-endian half-words 0x0201..0x100f to 18,496. */
  return narrow - wide == 136u + 18496u ? 0 : 1;
}
