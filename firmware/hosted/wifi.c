/* NodeMCU's wifi module, the station part board scripts run before they connect anything:
 * wifi.setmode/getmode, wifi.sta.config/connect/disconnect/status/getip/getmac/autoconnect,
 * wifi.eventmon.register/unregister with NodeMCU's constants. The host is always reachable, so
 * a station "associates" at once: 10 ms after connect (or config with auto) STA_CONNECTED, 10 ms
 * later STA_GOT_IP with the loopback address; callbacks run from the loop as on the board. */
#include <stdio.h>
#include <string.h>

#include "lauxlib.h"
#include "module.h"
#include "osapi.h"
#include "user_interface.h"

/* The SDK's values (user_interface.h). */
enum { NULL_MODE, STATION_MODE, SOFTAP_MODE, STATIONAP_MODE };
enum { STATION_IDLE, STATION_CONNECTING, STATION_WRONG_PASSWORD, STATION_NO_AP_FOUND, STATION_CONNECT_FAIL, STATION_GOT_IP };
enum {
  EVENT_STAMODE_CONNECTED,
  EVENT_STAMODE_DISCONNECTED,
  EVENT_STAMODE_AUTHMODE_CHANGE,
  EVENT_STAMODE_GOT_IP,
  EVENT_STAMODE_DHCP_TIMEOUT,
  EVENT_SOFTAPMODE_STACONNECTED,
  EVENT_SOFTAPMODE_STADISCONNECTED,
  EVENT_SOFTAPMODE_PROBEREQRECVED,
  EVENT_OPMODE_CHANGED,
  EVENT_SOFTAPMODE_DISTRIBUTE_STA_IP,
  EVENT_MAX
};
#define REASON_ASSOC_LEAVE 8
#define ASSOCIATION_STEP_MS 10
#define HOST_IP "127.0.0.1"
#define HOST_NETMASK "255.0.0.0"
#define HOST_GATEWAY "127.0.0.1"
#define HOST_BSSID "5c:cf:7f:00:00:01"

typedef enum { STEP_NONE, STEP_CONNECTED, STEP_GOT_IP, STEP_DISCONNECTED } association_step;

static int event_refs[EVENT_MAX + 1];
static bool event_refs_ready;
static int mode = STATION_MODE;
static int status = STATION_IDLE;
static char ssid[33];
static os_timer_t association_timer;
static association_step next_step;

static void init_refs(void) {
  if (event_refs_ready) return;
  for (int i = 0; i <= EVENT_MAX; i++) event_refs[i] = LUA_NOREF;
  event_refs_ready = true;
}

static void set_field(lua_State *L, const char *key, const char *value) {
  lua_pushstring(L, value);
  lua_setfield(L, -2, key);
}

/* Calls the callback registered for event with its table T, as wifi_eventmon does. */
static void fire(int event) {
  init_refs();
  if (event_refs[event] == LUA_NOREF) return;
  lua_State *L = lua_getstate();
  lua_rawgeti(L, LUA_REGISTRYINDEX, event_refs[event]);
  lua_newtable(L);
  switch (event) {
    case EVENT_STAMODE_CONNECTED:
      set_field(L, "SSID", ssid);
      set_field(L, "BSSID", HOST_BSSID);
      lua_pushinteger(L, 1);
      lua_setfield(L, -2, "channel");
      break;
    case EVENT_STAMODE_DISCONNECTED:
      set_field(L, "SSID", ssid);
      set_field(L, "BSSID", HOST_BSSID);
      lua_pushinteger(L, REASON_ASSOC_LEAVE);
      lua_setfield(L, -2, "reason");
      break;
    case EVENT_STAMODE_GOT_IP:
      set_field(L, "IP", HOST_IP);
      set_field(L, "netmask", HOST_NETMASK);
      set_field(L, "gateway", HOST_GATEWAY);
      break;
    default: break;
  }
  luaL_pcallx(L, 1, 0);
}

static void association_tick(void *arg) {
  (void)arg;
  association_step step = next_step;
  next_step = STEP_NONE;
  if (step == STEP_CONNECTED) {
    next_step = STEP_GOT_IP;
    os_timer_arm(&association_timer, ASSOCIATION_STEP_MS, 0);
    fire(EVENT_STAMODE_CONNECTED);
  } else if (step == STEP_GOT_IP) {
    status = STATION_GOT_IP;
    fire(EVENT_STAMODE_GOT_IP);
  } else if (step == STEP_DISCONNECTED) {
    fire(EVENT_STAMODE_DISCONNECTED);
  }
}

static void schedule(association_step step) {
  os_timer_disarm(&association_timer);
  os_timer_setfn(&association_timer, association_tick, NULL);
  next_step = step;
  os_timer_arm(&association_timer, ASSOCIATION_STEP_MS, 0);
}

static void station_connect(void) {
  if (!(mode & STATION_MODE) || !ssid[0] || status == STATION_GOT_IP || status == STATION_CONNECTING) return;
  status = STATION_CONNECTING;
  schedule(STEP_CONNECTED);
}

/* Lua: wifi.eventmon.register(event[, fn]) (no fn: unregister), wifi.eventmon.unregister(event) */
static int wifi_event_monitor_register(lua_State *L) {
  init_refs();
  lua_Integer id = luaL_checkinteger(L, 1);
  if (id < 0 || id > EVENT_MAX) return luaL_error(L, "valid wifi events:0-%d", EVENT_MAX);
  if (lua_isfunction(L, 2)) {
    lua_pushvalue(L, 2);
    luaL_reref(L, LUA_REGISTRYINDEX, &event_refs[id]);
  } else {
    luaL_unref2(L, LUA_REGISTRYINDEX, event_refs[id]);
  }
  return 0;
}

/* Lua: wifi.setmode(mode[, save]) -> mode */
static int wifi_setmode(lua_State *L) {
  lua_Integer m = luaL_checkinteger(L, 1);
  luaL_argcheck(L, m == STATION_MODE || m == SOFTAP_MODE || m == STATIONAP_MODE || m == NULL_MODE, 1, "Invalid mode");
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TBOOLEAN);
  mode = (int)m;
  if (!(mode & STATION_MODE) && status != STATION_IDLE) {
    status = STATION_IDLE;
    schedule(STEP_DISCONNECTED);
  }
  lua_pushinteger(L, mode);
  return 1;
}

static int wifi_getmode(lua_State *L) {
  lua_pushinteger(L, mode);
  return 1;
}

static void register_field_callback(lua_State *L, const char *field, int event) {
  lua_getfield(L, 1, field);
  if (!lua_isnil(L, -1)) {
    if (!lua_isfunction(L, -1)) luaL_argerror(L, 1, lua_pushfstring(L, "%s:not function", field));
    init_refs();
    luaL_reref(L, LUA_REGISTRYINDEX, &event_refs[event]);
  } else {
    lua_pop(L, 1);
  }
}

/* Lua: wifi.sta.config({ssid=, pwd=, auto=, save=, connect_cb=, disconnect_cb=, got_ip_cb=, ...}) */
static int wifi_station_config(lua_State *L) {
  if (!lua_istable(L, 1)) return luaL_argerror(L, 1, "config table not found!");
  lua_getfield(L, 1, "ssid");
  if (lua_isnil(L, -1)) return luaL_argerror(L, 1, "ssid required");
  if (!lua_isstring(L, -1)) return luaL_argerror(L, 1, "ssid:not string");
  size_t len;
  const char *name = lua_tolstring(L, -1, &len);
  if (len > 32) return luaL_argerror(L, 1, "ssid:<32");
  lua_getfield(L, 1, "pwd");
  if (!lua_isnil(L, -1)) {
    size_t pwd_len;
    if (!lua_isstring(L, -1)) return luaL_argerror(L, 1, "pwd:not string");
    lua_tolstring(L, -1, &pwd_len);
    if (pwd_len > 64) return luaL_argerror(L, 1, "pwd:<64");
  }
  bool auto_connect = true;
  lua_getfield(L, 1, "auto");
  if (!lua_isnil(L, -1)) {
    if (!lua_isboolean(L, -1)) return luaL_argerror(L, 1, "auto:not boolean");
    auto_connect = lua_toboolean(L, -1);
  }
  lua_getfield(L, 1, "save");
  if (!lua_isnil(L, -1) && !lua_isboolean(L, -1)) return luaL_argerror(L, 1, "save:not boolean");
  lua_settop(L, 2); /* config, ssid */
  register_field_callback(L, "connect_cb", EVENT_STAMODE_CONNECTED);
  register_field_callback(L, "disconnect_cb", EVENT_STAMODE_DISCONNECTED);
  register_field_callback(L, "authmode_change_cb", EVENT_STAMODE_AUTHMODE_CHANGE);
  register_field_callback(L, "got_ip_cb", EVENT_STAMODE_GOT_IP);
  register_field_callback(L, "dhcp_timeout_cb", EVENT_STAMODE_DHCP_TIMEOUT);
  if (strcmp(ssid, name) != 0 && status != STATION_IDLE) {
    status = STATION_IDLE;
    os_timer_disarm(&association_timer);
  }
  memcpy(ssid, name, len);
  ssid[len] = '\0';
  if (auto_connect) station_connect();
  lua_pushboolean(L, 1);
  return 1;
}

/* Lua: wifi.sta.connect([connect_cb]) */
static int wifi_station_connect4lua(lua_State *L) {
  if (lua_isfunction(L, 1)) {
    init_refs();
    lua_pushvalue(L, 1);
    luaL_reref(L, LUA_REGISTRYINDEX, &event_refs[EVENT_STAMODE_CONNECTED]);
  }
  station_connect();
  return 0;
}

/* Lua: wifi.sta.disconnect([disconnect_cb]) */
static int wifi_station_disconnect4lua(lua_State *L) {
  if (lua_isfunction(L, 1)) {
    init_refs();
    lua_pushvalue(L, 1);
    luaL_reref(L, LUA_REGISTRYINDEX, &event_refs[EVENT_STAMODE_DISCONNECTED]);
  }
  if (status != STATION_IDLE) {
    status = STATION_IDLE;
    schedule(STEP_DISCONNECTED);
  }
  return 0;
}

static int wifi_station_status(lua_State *L) {
  lua_pushinteger(L, status);
  return 1;
}

/* Lua: wifi.sta.getip() -> ip, netmask, gateway, or nil before STA_GOT_IP */
static int wifi_station_getip(lua_State *L) {
  if (status != STATION_GOT_IP) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushstring(L, HOST_IP);
  lua_pushstring(L, HOST_NETMASK);
  lua_pushstring(L, HOST_GATEWAY);
  return 3;
}

/* Lua: wifi.sta.getmac(): Espressif's prefix and the chip id */
static int wifi_station_getmac(lua_State *L) {
  uint32_t id = system_get_chip_id();
  char mac[18];
  snprintf(mac, sizeof mac, "5c:cf:7f:%02x:%02x:%02x", (unsigned)(id >> 16) & 0xff, (unsigned)(id >> 8) & 0xff,
           (unsigned)id & 0xff);
  lua_pushstring(L, mac);
  return 1;
}

/* Lua: wifi.sta.autoconnect(0|1): kept, nothing to do on the host */
static int wifi_station_setauto(lua_State *L) {
  luaL_checkinteger(L, 1);
  return 0;
}

LROT_BEGIN(wifi_station, NULL, 0)
  LROT_FUNCENTRY(autoconnect, wifi_station_setauto)
  LROT_FUNCENTRY(config, wifi_station_config)
  LROT_FUNCENTRY(connect, wifi_station_connect4lua)
  LROT_FUNCENTRY(disconnect, wifi_station_disconnect4lua)
  LROT_FUNCENTRY(getip, wifi_station_getip)
  LROT_FUNCENTRY(getmac, wifi_station_getmac)
  LROT_FUNCENTRY(status, wifi_station_status)
LROT_END(wifi_station, NULL, 0)

LROT_BEGIN(wifi_event_monitor_reason, NULL, 0)
  LROT_NUMENTRY(UNSPECIFIED, 1)
  LROT_NUMENTRY(ASSOC_LEAVE, REASON_ASSOC_LEAVE)
  LROT_NUMENTRY(NO_AP_FOUND, 201)
  LROT_NUMENTRY(AUTH_FAIL, 202)
LROT_END(wifi_event_monitor_reason, NULL, 0)

LROT_BEGIN(wifi_event_monitor, NULL, 0)
  LROT_FUNCENTRY(register, wifi_event_monitor_register)
  LROT_FUNCENTRY(unregister, wifi_event_monitor_register)
  LROT_NUMENTRY(STA_CONNECTED, EVENT_STAMODE_CONNECTED)
  LROT_NUMENTRY(STA_DISCONNECTED, EVENT_STAMODE_DISCONNECTED)
  LROT_NUMENTRY(STA_AUTHMODE_CHANGE, EVENT_STAMODE_AUTHMODE_CHANGE)
  LROT_NUMENTRY(STA_GOT_IP, EVENT_STAMODE_GOT_IP)
  LROT_NUMENTRY(STA_DHCP_TIMEOUT, EVENT_STAMODE_DHCP_TIMEOUT)
  LROT_NUMENTRY(AP_STACONNECTED, EVENT_SOFTAPMODE_STACONNECTED)
  LROT_NUMENTRY(AP_STADISCONNECTED, EVENT_SOFTAPMODE_STADISCONNECTED)
  LROT_NUMENTRY(AP_PROBEREQRECVED, EVENT_SOFTAPMODE_PROBEREQRECVED)
  LROT_NUMENTRY(WIFI_MODE_CHANGED, EVENT_OPMODE_CHANGED)
  LROT_NUMENTRY(EVENT_MAX, EVENT_MAX)
  LROT_TABENTRY(reason, wifi_event_monitor_reason)
LROT_END(wifi_event_monitor, NULL, 0)

LROT_BEGIN(wifi, NULL, 0)
  LROT_FUNCENTRY(setmode, wifi_setmode)
  LROT_FUNCENTRY(getmode, wifi_getmode)
  LROT_TABENTRY(sta, wifi_station)
  LROT_TABENTRY(eventmon, wifi_event_monitor)
  LROT_NUMENTRY(NULLMODE, NULL_MODE)
  LROT_NUMENTRY(STATION, STATION_MODE)
  LROT_NUMENTRY(SOFTAP, SOFTAP_MODE)
  LROT_NUMENTRY(STATIONAP, STATIONAP_MODE)
  LROT_NUMENTRY(STA_IDLE, STATION_IDLE)
  LROT_NUMENTRY(STA_CONNECTING, STATION_CONNECTING)
  LROT_NUMENTRY(STA_WRONGPWD, STATION_WRONG_PASSWORD)
  LROT_NUMENTRY(STA_APNOTFOUND, STATION_NO_AP_FOUND)
  LROT_NUMENTRY(STA_FAIL, STATION_CONNECT_FAIL)
  LROT_NUMENTRY(STA_GOTIP, STATION_GOT_IP)
LROT_END(wifi, NULL, 0)

NODEMCU_MODULE(WIFI, "wifi", wifi, NULL);
