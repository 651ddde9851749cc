/* NodeMCU's tmr module (app/modules/tmr.c), the parts scripts use, with the same semantics:
 * tmr.create() objects with register/alarm/start/stop/unregister/interval/state, the ALARM_*
 * modes, tmr.now() (µs, wrapping at 2^31), tmr.time() (s), tmr.delay(), tmr.wdclr(). A running
 * timer holds a reference to its object, so it runs even when the script dropped it. */
#include <stdint.h>
#include <time.h>

#include "hosted.h"
#include "lauxlib.h"
#include "module.h"
#include "osapi.h"
#include "platform.h"
#include "user_interface.h"

#define TIMER_MODE_SINGLE 0
#define TIMER_MODE_AUTO 1
#define TIMER_MODE_SEMI 2
#define TIMER_MODE_OFF 3
#define TIMER_IDLE_FLAG (1 << 7)

#define STRINGIFY_VAL(x) #x
#define STRINGIFY(x) STRINGIFY_VAL(x)

/* The SDK's longest os_timer interval, in ms. */
#define MAX_TIMEOUT_DEF 0x68D7A3
static const uint32_t MAX_TIMEOUT = MAX_TIMEOUT_DEF;
static const char *MAX_TIMEOUT_ERR_STR = "Range: 1-" STRINGIFY(MAX_TIMEOUT_DEF);

typedef struct {
  os_timer_t os;
  int lua_ref;  /* the callback */
  int self_ref; /* the object, while it runs */
  uint32_t interval;
  uint8_t mode;
} tmr_t;

static void alarm_timer_common(void *arg) {
  tmr_t *tmr = (tmr_t *)arg;
  if (tmr->lua_ref <= 0) return;
  lua_State *L = lua_getstate();
  lua_rawgeti(L, LUA_REGISTRYINDEX, tmr->lua_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, tmr->self_ref);
  if (tmr->mode == TIMER_MODE_SINGLE) {
    luaL_unref2(L, LUA_REGISTRYINDEX, tmr->lua_ref);
    luaL_unref2(L, LUA_REGISTRYINDEX, tmr->self_ref);
    tmr->mode = TIMER_MODE_OFF;
  } else if (tmr->mode == TIMER_MODE_SEMI) {
    tmr->mode |= TIMER_IDLE_FLAG;
    luaL_unref2(L, LUA_REGISTRYINDEX, tmr->self_ref);
  }
  luaL_pcallx(L, 1, 0);
}

/* Lua: tmr.delay(us): busy-waits (blocks everything, as on the ESP8266) */
static int tmr_delay(lua_State *L) {
  lua_Integer us = luaL_checkinteger(L, 1);
  luaL_argcheck(L, us > 0, 1, "wrong arg range");
  struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
  nanosleep(&ts, NULL);
  return 0;
}

/* Lua: tmr.now(): µs since start, 31 bits */
static int tmr_now(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)(0x7FFFFFFF & system_get_time()));
  return 1;
}

/* Lua: t:register(interval, mode, function) */
static int tmr_register(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  lua_Integer interval = luaL_checkinteger(L, 2);
  lua_Integer mode = luaL_checkinteger(L, 3);
  luaL_argcheck(L, interval > 0 && interval <= (lua_Integer)MAX_TIMEOUT, 2, MAX_TIMEOUT_ERR_STR);
  luaL_argcheck(L, mode == TIMER_MODE_SINGLE || mode == TIMER_MODE_SEMI || mode == TIMER_MODE_AUTO, 3, "Invalid mode");
  luaL_argcheck(L, lua_isfunction(L, 4), 4, "Must be function");
  lua_pushvalue(L, 4);
  if (!(tmr->mode & TIMER_IDLE_FLAG) && tmr->mode != TIMER_MODE_OFF) os_timer_disarm(&tmr->os);
  luaL_reref(L, LUA_REGISTRYINDEX, &tmr->lua_ref);
  tmr->mode = (uint8_t)(mode | TIMER_IDLE_FLAG);
  tmr->interval = (uint32_t)interval;
  os_timer_setfn(&tmr->os, alarm_timer_common, tmr);
  return 0;
}

/* Lua: t:start([restart]): false when it runs already and restart is not asked */
static int tmr_start(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  lua_settop(L, 2);
  luaL_argcheck(L, lua_isboolean(L, 2) || lua_isnil(L, 2), 2, "boolean expected");
  int restart = lua_toboolean(L, 2);
  lua_settop(L, 1);
  if (tmr->self_ref == LUA_NOREF) tmr->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  int idle = tmr->mode & TIMER_IDLE_FLAG;
  if (!(idle || restart)) {
    lua_pushboolean(L, 0);
  } else {
    if (!idle) os_timer_disarm(&tmr->os);
    tmr->mode &= (uint8_t)~TIMER_IDLE_FLAG;
    os_timer_arm(&tmr->os, tmr->interval, tmr->mode == TIMER_MODE_AUTO);
    lua_pushboolean(L, 1);
  }
  return 1;
}

/* Lua: t:alarm(interval, mode, function) */
static int tmr_alarm(lua_State *L) {
  tmr_register(L);
  lua_settop(L, 1);
  return tmr_start(L);
}

/* Lua: t:stop(): false when it was not running */
static int tmr_stop(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  int idle = tmr->mode == TIMER_MODE_OFF || (tmr->mode & TIMER_IDLE_FLAG);
  luaL_unref2(L, LUA_REGISTRYINDEX, tmr->self_ref);
  if (!idle) os_timer_disarm(&tmr->os);
  tmr->mode |= TIMER_IDLE_FLAG;
  lua_pushboolean(L, !idle);
  return 1;
}

/* Lua: t:unregister() (also the object's __gc) */
static int tmr_unregister(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  luaL_unref2(L, LUA_REGISTRYINDEX, tmr->self_ref);
  luaL_unref2(L, LUA_REGISTRYINDEX, tmr->lua_ref);
  if (!(tmr->mode & TIMER_IDLE_FLAG) && tmr->mode != TIMER_MODE_OFF) os_timer_disarm(&tmr->os);
  tmr->mode = TIMER_MODE_OFF;
  return 0;
}

/* Lua: t:interval(ms): a running timer restarts with it */
static int tmr_interval(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  lua_Integer interval = luaL_checkinteger(L, 2);
  luaL_argcheck(L, interval > 0 && interval <= (lua_Integer)MAX_TIMEOUT, 2, MAX_TIMEOUT_ERR_STR);
  if (tmr->mode != TIMER_MODE_OFF) {
    tmr->interval = (uint32_t)interval;
    if (!(tmr->mode & TIMER_IDLE_FLAG)) {
      os_timer_disarm(&tmr->os);
      os_timer_arm(&tmr->os, tmr->interval, tmr->mode == TIMER_MODE_AUTO);
    }
  }
  return 0;
}

/* Lua: t:state(): nil when unregistered, else running (boolean), mode */
static int tmr_state(lua_State *L) {
  tmr_t *tmr = (tmr_t *)luaL_checkudata(L, 1, "tmr.timer");
  if (tmr->mode == TIMER_MODE_OFF) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushboolean(L, (tmr->mode & TIMER_IDLE_FLAG) == 0);
  lua_pushinteger(L, tmr->mode & ~TIMER_IDLE_FLAG);
  return 2;
}

/* Lua: tmr.wdclr(): no watchdog on the host */
static int tmr_wdclr(lua_State *L) {
  (void)L;
  return 0;
}

/* Lua: tmr.time(): whole seconds since start */
static int tmr_time(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)(hosted_now_us() / 1000000u));
  return 1;
}

/* Lua: tmr.create() */
static int tmr_create(lua_State *L) {
  tmr_t *ud = (tmr_t *)lua_newuserdata(L, sizeof(*ud));
  luaL_getmetatable(L, "tmr.timer");
  lua_setmetatable(L, -2);
  *ud = (tmr_t){{0}, LUA_NOREF, LUA_NOREF, 0, TIMER_MODE_OFF};
  return 1;
}

LROT_BEGIN(tmr_dyn, NULL, LROT_MASK_GC_INDEX)
  LROT_FUNCENTRY(__gc, tmr_unregister)
  LROT_TABENTRY(__index, tmr_dyn)
  LROT_FUNCENTRY(register, tmr_register)
  LROT_FUNCENTRY(alarm, tmr_alarm)
  LROT_FUNCENTRY(start, tmr_start)
  LROT_FUNCENTRY(stop, tmr_stop)
  LROT_FUNCENTRY(unregister, tmr_unregister)
  LROT_FUNCENTRY(state, tmr_state)
  LROT_FUNCENTRY(interval, tmr_interval)
LROT_END(tmr_dyn, NULL, LROT_MASK_GC_INDEX)

LROT_BEGIN(tmr, NULL, 0)
  LROT_FUNCENTRY(delay, tmr_delay)
  LROT_FUNCENTRY(now, tmr_now)
  LROT_FUNCENTRY(wdclr, tmr_wdclr)
  LROT_FUNCENTRY(time, tmr_time)
  LROT_FUNCENTRY(create, tmr_create)
  LROT_NUMENTRY(ALARM_SINGLE, TIMER_MODE_SINGLE)
  LROT_NUMENTRY(ALARM_SEMI, TIMER_MODE_SEMI)
  LROT_NUMENTRY(ALARM_AUTO, TIMER_MODE_AUTO)
LROT_END(tmr, NULL, 0)

static int luaopen_tmr(lua_State *L) {
  luaL_rometatable(L, "tmr.timer", LROT_TABLEREF(tmr_dyn));
  return 0;
}

NODEMCU_MODULE(TMR, "tmr", tmr, luaopen_tmr);
