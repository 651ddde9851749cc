/* NodeMCU's additions to the Lua API over a stock Lua: the one state, ROTables made into
 * tables, luaL_rometatable, luaL_reref, luaL_pcallx, luaL_posttask, and the module registry
 * that NODEMCU_MODULE fills. */
#include <stdio.h>
#include <string.h>

#include "hosted.h"
#include "lauxlib.h"
#include "module.h"
#include "platform.h"

/* registry[ROTABLE_CACHE][lightuserdata ROTable] = the table made from it */
#define ROTABLE_CACHE "wasmqtt.rotables"

static lua_State *main_state;
static wasmqtt_hosted_module *modules;

void hosted_lua_set_state(lua_State *L) { main_state = L; }

lua_State *lua_getstate(void) { return main_state; }

static void push_rotable_value(lua_State *L, const ROTable_value *value) {
  switch (value->kind) {
    case ROTABLE_FUNCTION: lua_pushcfunction(L, value->f); break;
    case ROTABLE_NUMBER: lua_pushnumber(L, value->n); break;
    case ROTABLE_LIGHTUSERDATA: lua_pushlightuserdata(L, value->p); break;
    case ROTABLE_TABLE: lua_pushrotable(L, value->t); break;
    default: lua_pushnil(L); break;
  }
}

void lua_pushrotable(lua_State *L, const ROTable *p) {
  luaL_checkstack(L, 6, "lua_pushrotable");
  lua_getfield(L, LUA_REGISTRYINDEX, ROTABLE_CACHE);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ROTABLE_CACHE);
  }
  lua_pushlightuserdata(L, (void *)p);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    /* cached before its entries are made, so an entry naming the table gets this one */
    lua_pushlightuserdata(L, (void *)p);
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
    for (ROTable_entry *e = p->entry; e->key; e++) {
      if (e->value.kind == ROTABLE_FUNCTION && !e->value.f) continue;
      push_rotable_value(L, &e->value);
      lua_setfield(L, -2, e->key);
    }
    if (p->meta) {
      lua_pushrotable(L, p->meta);
      lua_setmetatable(L, -2);
    }
  }
  lua_remove(L, -2);
}

int luaL_rometatable(lua_State *L, const char *tname, const ROTable *p) {
  lua_getfield(L, LUA_REGISTRYINDEX, tname);
  if (!lua_isnil(L, -1)) return 0;
  lua_pop(L, 1);
  lua_pushrotable(L, p);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, tname);
  return 1;
}

void luaL_reref(lua_State *L, int t, int *ref) {
  if (!ref) return;
  if (t < 0 && t > LUA_REGISTRYINDEX) t = lua_gettop(L) + t + 1;
  if (*ref >= 0) {
    lua_rawgeti(L, t, *ref);
    int type = lua_type(L, -1);
    lua_pop(L, 1);
    if (type != LUA_TNIL) {
      lua_rawseti(L, t, *ref);
      return;
    }
  }
  *ref = luaL_ref(L, t);
}

void hosted_report_error(const char *message) {
  fflush(stdout);
  fprintf(stderr, "lua: %s\n", message);
  fflush(stderr);
}

int hosted_traceback(lua_State *L) {
  if (!lua_isstring(L, 1)) return 1;
  lua_getglobal(L, "debug");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "traceback");
    if (lua_isfunction(L, -1)) {
      lua_pushvalue(L, 1);
      lua_pushinteger(L, 2);
      lua_call(L, 2, 1);
      return 1;
    }
  }
  lua_settop(L, 1);
  return 1;
}

int luaL_pcallx(lua_State *L, int narg, int nres) {
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, hosted_traceback);
  lua_insert(L, base);
  int status = lua_pcall(L, narg, nres, base);
  lua_remove(L, base);
  if (status != 0) {
    const char *message = lua_tostring(L, -1);
    if (!message) message = status == LUA_ERRMEM ? "not enough memory" : "(error object is not a string)";
    hosted_report_error(message);
    /* NodeMCU's handler returns nothing: one nil is left in place of the error */
    lua_pop(L, 1);
    lua_pushnil(L);
  }
  return status;
}

static platform_task_handle_t lua_task_handle;

static void run_lua_task(platform_task_param_t ref, uint8 prio) {
  lua_State *L = lua_getstate();
  lua_rawgeti(L, LUA_REGISTRYINDEX, (int)ref);
  luaL_unref(L, LUA_REGISTRYINDEX, (int)ref);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushinteger(L, prio);
  luaL_pcallx(L, 1, 0);
}

int luaL_posttask(lua_State *L, int prio) {
  if (!lua_task_handle) lua_task_handle = platform_task_get_id(run_lua_task);
  if (!lua_isfunction(L, -1) || prio < LUA_TASK_LOW || prio > LUA_TASK_HIGH) return luaL_error(L, "invalid posk task");
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  if (!platform_post((uint8)prio, lua_task_handle, (platform_task_param_t)ref)) {
    luaL_unref(L, LUA_REGISTRYINDEX, ref);
    return luaL_error(L, "Task queue overflow. Task not posted");
  }
  return ref;
}

void wasmqtt_hosted_module_register(wasmqtt_hosted_module *module) {
  module->next = modules;
  modules = module;
}

static int mqtt_missing(lua_State *L) {
  const char *key = lua_tostring(L, 2);
  return luaL_error(L,
                    "mqtt.%s: this wasmqtt-lua was built without the mqtt module (firmware/nodemcu/mqtt.c "
                    "and mqtt_core.c were not both there yet); rebuild it with 'npm run build:firmware'",
                    key ? key : "?");
}

bool hosted_open_modules(lua_State *L) {
  bool have_mqtt = false;
  for (wasmqtt_hosted_module *m = modules; m; m = m->next) {
    lua_pushrotable(L, m->map);
    lua_setglobal(L, m->name);
    have_mqtt = have_mqtt || strcmp(m->name, "mqtt") == 0;
  }
  for (wasmqtt_hosted_module *m = modules; m; m = m->next) {
    if (!m->init) continue;
    lua_pushcfunction(L, m->init);
    lua_pushstring(L, m->name);
    lua_call(L, 1, 0);
  }
  if (!have_mqtt) {
    lua_newtable(L);
    lua_newtable(L);
    lua_pushcfunction(L, mqtt_missing);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setglobal(L, "mqtt");
  }
  return have_mqtt;
}
