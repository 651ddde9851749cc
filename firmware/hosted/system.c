/* The SDK's system_* calls: the clock, the heap, the chip id, restart. */
#include <malloc.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"
#include "user_interface.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTED_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HOSTED_ASAN 1
#endif
#ifdef HOSTED_ASAN
#include <sanitizer/allocator_interface.h>
#endif

static uint64_t start_us;
static size_t heap_baseline;
static bool restart_requested;

static uint64_t monotonic_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t hosted_now_us(void) {
  if (start_us == 0) start_us = monotonic_us() - 1;
  return monotonic_us() - start_us;
}

uint64_t hosted_now_ms(void) { return hosted_now_us() / 1000u; }

uint32 system_get_time(void) { return (uint32)hosted_now_us(); }

/* Bytes the whole process holds on the C heap: everything the ESP8266 would take from its heap
 * (the Lua state, clients, engine memory, buffers) is allocated there. */
static size_t heap_in_use(void) {
#ifdef HOSTED_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

void hosted_heap_baseline(void) { heap_baseline = heap_in_use(); }

uint32 system_get_free_heap_size(void) {
  size_t now = heap_in_use();
  size_t used = now > heap_baseline ? now - heap_baseline : 0;
  return used >= HOSTED_FREE_HEAP_AT_START ? 0 : (uint32)(HOSTED_FREE_HEAP_AT_START - used);
}

uint32 system_get_chip_id(void) {
  char name[256] = "wasmqtt";
  gethostname(name, sizeof name - 1);
  uint32_t hash = 2166136261u;  /* FNV-1a */
  for (const char *c = name; *c; c++) hash = (hash ^ (uint8_t)*c) * 16777619u;
  hash &= 0xffffffu;
  return hash ? hash : 1;
}

void system_restart(void) { restart_requested = true; }

bool hosted_restart_requested(void) { return restart_requested; }
