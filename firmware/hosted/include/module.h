/* NodeMCU's module.h for the hosted runtime: NODEMCU_MODULE(CFG, "name", map, init) registers
 * the module (before main runs) so the runtime sets the global `name` to the table made from
 * map and then calls init(L) with the name as argument, as NodeMCU's luaL_openlibs does. Every
 * module compiled in is on: there is no user_modules.h on the host. */
#ifndef __MODULE_H__
#define __MODULE_H__

#include "lnodemcu.h"

typedef struct wasmqtt_hosted_module {
  const char *name;
  const ROTable *map;
  lua_CFunction init;
  struct wasmqtt_hosted_module *next;
} wasmqtt_hosted_module;

void wasmqtt_hosted_module_register(wasmqtt_hosted_module *module);

#define MODULE_EXPAND_(x) x
#define MODULE_PASTE_(x, y) x##y
#define MODULE_EXPAND_PASTE_(x, y) MODULE_PASTE_(x, y)

#define NODEMCU_MODULE(cfgname, luaname, map, initfunc)                                       \
  static wasmqtt_hosted_module MODULE_PASTE_(wasmqtt_hosted_module_, cfgname) = {             \
      luaname, LROT_TABLEREF(map), initfunc, NULL};                                           \
  __attribute__((constructor)) static void MODULE_PASTE_(wasmqtt_hosted_register_, cfgname)(void) { \
    wasmqtt_hosted_module_register(&MODULE_PASTE_(wasmqtt_hosted_module_, cfgname));          \
  }                                                                                           \
  extern wasmqtt_hosted_module MODULE_PASTE_(wasmqtt_hosted_module_declared_, cfgname)

#endif
