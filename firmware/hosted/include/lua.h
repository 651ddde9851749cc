/* Debian's lua.h (5.1 for the runtime, 5.3 for the compile check) plus what NodeMCU's lua.h
 * adds that modules use: LUA_OK, the ROTable types, lua_getstate, lua_pushrotable. */
#ifndef WASMQTT_HOSTED_LUA_H
#define WASMQTT_HOSTED_LUA_H

#include_next <lua.h>

#ifndef LUA_OK
#define LUA_OK 0
#endif

typedef struct ROTable ROTable;
typedef const struct ROTable_entry ROTable_entry;

/* The runtime's one Lua state (for callbacks from the main loop). */
lua_State *lua_getstate(void);
/* Pushes the Lua table made from p (made once per ROTable and state, then reused). */
void lua_pushrotable(lua_State *L, const ROTable *p);

#endif
