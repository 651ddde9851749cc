/* netprobe: a test-only module (built into wasmqtt-lua-probe, never into wasmqtt-lua) that puts
 * the platform's espconn, DNS and task calls in front of Lua one to one, so the tests can watch
 * what a NodeMCU module sees: netprobe.connect(host, port, handlers) -> probe with :send(s),
 * :close(), :local_port(); handlers.dns(ip|nil), connect(), reconnect(err), disconnect(),
 * receive(data), sent(). netprobe.resolve(name, fn) -> err, ip (sync) and fn(name, ip|nil);
 * netprobe.posttask(fn, prio); netprobe.info (a ROTable with a metatable). It uses only the contract's headers, as mqtt.c does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "espconn.h"
#include "lauxlib.h"
#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "module.h"

#define PROBE_META "netprobe.probe"

typedef struct {
  struct espconn conn;
  esp_tcp tcp;
  ip_addr_t resolved;
  int handlers_ref;
  int self_ref;
  uint8 *sending; /* kept until the sent callback: espconn_send does not copy */
  int port;
} probe;

static void format_ip(const ip_addr_t *ip, char *out, size_t len) {
  snprintf(out, len, IPSTR, IP2STR(&ip->addr));
}

/* Calls handlers[name](probe, ...) with the nargs values on the stack. */
static void call_handler(probe *p, const char *name, int nargs) {
  lua_State *L = lua_getstate();
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->handlers_ref);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, nargs + 1);
    return;
  }
  lua_insert(L, -(nargs + 1));
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->self_ref);
  lua_insert(L, -(nargs + 1));
  luaL_pcallx(L, nargs + 1, 0);
}

static void release(probe *p) {
  lua_State *L = lua_getstate();
  free(p->sending);
  p->sending = NULL;
  luaL_unref2(L, LUA_REGISTRYINDEX, p->self_ref);
}

static void on_connect(void *arg) { call_handler(((struct espconn *)arg)->reverse, "connect", 0); }

static void on_reconnect(void *arg, sint8 err) {
  probe *p = ((struct espconn *)arg)->reverse;
  lua_pushinteger(lua_getstate(), err);
  call_handler(p, "reconnect", 1);
  release(p);
}

static void on_disconnect(void *arg) {
  probe *p = ((struct espconn *)arg)->reverse;
  call_handler(p, "disconnect", 0);
  release(p);
}

static void on_receive(void *arg, char *data, unsigned short len) {
  lua_pushlstring(lua_getstate(), data, len);
  call_handler(((struct espconn *)arg)->reverse, "receive", 1);
}

static void on_sent(void *arg) {
  probe *p = ((struct espconn *)arg)->reverse;
  free(p->sending);
  p->sending = NULL;
  call_handler(p, "sent", 0);
}

static void start_connect(probe *p) {
  memcpy(p->tcp.remote_ip, &p->resolved.addr, 4);
  p->tcp.remote_port = p->port;
  p->tcp.local_port = (int)espconn_port();
  sint8 err = espconn_connect(&p->conn);
  if (err != ESPCONN_OK) {
    lua_pushinteger(lua_getstate(), err);
    call_handler(p, "reconnect", 1);
    release(p);
  }
}

static void on_dns(const char *name, ip_addr_t *ip, void *arg) {
  (void)name;
  probe *p = arg;
  lua_State *L = lua_getstate();
  if (!ip) {
    lua_pushnil(L);
    call_handler(p, "dns", 1);
    release(p);
    return;
  }
  char text[16];
  format_ip(ip, text, sizeof text);
  lua_pushstring(L, text);
  call_handler(p, "dns", 1);
  p->resolved = *ip;
  start_connect(p);
}

/* Lua: netprobe.connect(host, port, handlers) */
static int probe_connect(lua_State *L) {
  const char *host = luaL_checkstring(L, 1);
  int port = (int)luaL_checkinteger(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  probe *p = lua_newuserdata(L, sizeof *p);
  memset(p, 0, sizeof *p);
  luaL_getmetatable(L, PROBE_META);
  lua_setmetatable(L, -2);
  p->conn.type = ESPCONN_TCP;
  p->conn.state = ESPCONN_NONE;
  p->conn.proto.tcp = &p->tcp;
  p->conn.reverse = p;
  p->port = port;
  espconn_regist_connectcb(&p->conn, on_connect);
  espconn_regist_reconcb(&p->conn, on_reconnect);
  espconn_regist_disconcb(&p->conn, on_disconnect);
  espconn_regist_recvcb(&p->conn, on_receive);
  espconn_regist_sentcb(&p->conn, on_sent);
  lua_pushvalue(L, 3);
  p->handlers_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, -1);
  p->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  err_t err = dns_gethostbyname(host, &p->resolved, on_dns, p);
  if (err == ERR_OK) {
    start_connect(p);
  } else if (err != ERR_INPROGRESS) {
    release(p);
    return luaL_error(L, "netprobe.connect: dns_gethostbyname said %d", err);
  }
  return 1;
}

/* Lua: probe:send(s) -> espconn_send's result */
static int probe_send(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  size_t len;
  const char *data = luaL_checklstring(L, 2, &len);
  uint8 *copy = malloc(len ? len : 1);
  if (!copy) return luaL_error(L, "netprobe: out of memory");
  memcpy(copy, data, len);
  sint8 err = espconn_send(&p->conn, copy, (uint16)len);
  if (err == ESPCONN_OK) {
    free(p->sending);
    p->sending = copy;
  } else {
    free(copy);
  }
  lua_pushinteger(L, err);
  return 1;
}

/* Lua: probe:close() -> espconn_disconnect's result */
static int probe_close(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  lua_pushinteger(L, espconn_disconnect(&p->conn));
  return 1;
}

/* Lua: probe:hold() / probe:unhold() -> espconn_recv_hold's / _unhold's result */
static int probe_hold(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  lua_pushinteger(L, espconn_recv_hold(&p->conn));
  return 1;
}

static int probe_unhold(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  lua_pushinteger(L, espconn_recv_unhold(&p->conn));
  return 1;
}

static int probe_local_port(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  lua_pushinteger(L, p->tcp.local_port);
  return 1;
}

static int probe_gc(lua_State *L) {
  probe *p = luaL_checkudata(L, 1, PROBE_META);
  espconn_disconnect(&p->conn);
  free(p->sending);
  p->sending = NULL;
  luaL_unref2(L, LUA_REGISTRYINDEX, p->handlers_ref);
  return 0;
}

typedef struct {
  int fn_ref;
} resolve_request;

static void on_resolved(const char *name, ip_addr_t *ip, void *arg) {
  resolve_request *r = arg;
  lua_State *L = lua_getstate();
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->fn_ref);
  luaL_unref(L, LUA_REGISTRYINDEX, r->fn_ref);
  free(r);
  lua_pushstring(L, name);
  if (ip) {
    char text[16];
    format_ip(ip, text, sizeof text);
    lua_pushstring(L, text);
  } else {
    lua_pushnil(L);
  }
  luaL_pcallx(L, 2, 0);
}

/* Lua: netprobe.resolve(name, fn) -> err, ip (when answered at once) */
static int probe_resolve(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  luaL_checkfunction(L, 2);
  resolve_request *r = malloc(sizeof *r);
  if (!r) return luaL_error(L, "netprobe: out of memory");
  lua_pushvalue(L, 2);
  r->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  ip_addr_t ip;
  err_t err = dns_gethostbyname(name, &ip, on_resolved, r);
  lua_pushinteger(L, err);
  if (err == ERR_INPROGRESS) return 1;
  luaL_unref(L, LUA_REGISTRYINDEX, r->fn_ref);
  free(r);
  if (err != ERR_OK) return 1;
  char text[16];
  format_ip(&ip, text, sizeof text);
  lua_pushstring(L, text);
  return 2;
}

/* Lua: netprobe.posttask(fn, prio) */
static int probe_posttask(lua_State *L) {
  luaL_checkfunction(L, 1);
  int prio = (int)luaL_checkinteger(L, 2);
  lua_settop(L, 1);
  luaL_posttask(L, prio);
  return 0;
}

LROT_BEGIN(netprobe_probe, NULL, LROT_MASK_GC_INDEX)
  LROT_FUNCENTRY(__gc, probe_gc)
  LROT_TABENTRY(__index, netprobe_probe)
  LROT_FUNCENTRY(send, probe_send)
  LROT_FUNCENTRY(close, probe_close)
  LROT_FUNCENTRY(local_port, probe_local_port)
  LROT_FUNCENTRY(hold, probe_hold)
  LROT_FUNCENTRY(unhold, probe_unhold)
LROT_END(netprobe_probe, NULL, LROT_MASK_GC_INDEX)

/* A table with a metatable (LROT_END's mt), for the tests of the ROTable machinery. */
LROT_BEGIN(netprobe_defaults, NULL, 0)
  LROT_NUMENTRY(default_port, 1883)
  LROT_FLOATENTRY(half, 0.5)
LROT_END(netprobe_defaults, NULL, 0)

LROT_BEGIN(netprobe_defaults_meta, NULL, LROT_MASK_INDEX)
  LROT_TABENTRY(__index, netprobe_defaults)
LROT_END(netprobe_defaults_meta, NULL, LROT_MASK_INDEX)

LROT_BEGIN(netprobe_info, LROT_TABLEREF(netprobe_defaults_meta), LROT_MASK_INDEX)
  LROT_NUMENTRY(version, 1)
  LROT_LUDENTRY(null, NULL)
LROT_END(netprobe_info, LROT_TABLEREF(netprobe_defaults_meta), LROT_MASK_INDEX)

LROT_BEGIN(netprobe, NULL, 0)
  LROT_FUNCENTRY(connect, probe_connect)
  LROT_FUNCENTRY(resolve, probe_resolve)
  LROT_FUNCENTRY(posttask, probe_posttask)
  LROT_TABENTRY(info, netprobe_info)
  LROT_NUMENTRY(ESPCONN_RST, ESPCONN_RST)
  LROT_NUMENTRY(ESPCONN_ARG, ESPCONN_ARG)
  LROT_NUMENTRY(ESPCONN_ISCONN, ESPCONN_ISCONN)
  LROT_NUMENTRY(ERR_OK, ERR_OK)
  LROT_NUMENTRY(ERR_INPROGRESS, ERR_INPROGRESS)
LROT_END(netprobe, NULL, 0)

static int luaopen_netprobe(lua_State *L) {
  luaL_rometatable(L, PROBE_META, LROT_TABLEREF(netprobe_probe));
  return 0;
}

NODEMCU_MODULE(NETPROBE, "netprobe", netprobe, luaopen_netprobe);
