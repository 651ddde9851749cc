/* Debian's lauxlib.h plus NodeMCU's lauxlib.h additions (app/lua/lauxlib.h). */
#ifndef WASMQTT_HOSTED_LAUXLIB_H
#define WASMQTT_HOSTED_LAUXLIB_H

#include <lua.h> /* <>: so #include_next in it goes on from this folder (gcc and clang) */
#include_next <lauxlib.h>

/* registry[tname] = the table made from p, left on the stack; returns 0 (leaving the existing
 * value on the stack) when tname is already registered, 1 otherwise. */
int luaL_rometatable(lua_State *L, const char *tname, const ROTable *p);

/* As NodeMCU's (which names L, not l, in the body). */
#define luaL_unref2(l, t, r)     \
  do {                           \
    luaL_unref(L, (t), (r));     \
    r = LUA_NOREF;               \
  } while (0)
/* Stores the value on top (popping it) in *ref's slot of table t, or in a new slot. */
void luaL_reref(lua_State *L, int t, int *ref);
#define luaL_checkfunction(L, n) luaL_checktype(L, (n), LUA_TFUNCTION)

/* lua_pcall with a traceback handler: an error is printed on stderr as "lua: " + traceback and
 * the status returned (the run goes on, as NodeMCU's). */
int luaL_pcallx(lua_State *L, int narg, int nres);
/* Pops a function and runs it (with the priority as argument) from a posted task. */
int luaL_posttask(lua_State *L, int prio);
#define LUA_TASK_LOW 0
#define LUA_TASK_MEDIUM 1
#define LUA_TASK_HIGH 2

#endif
