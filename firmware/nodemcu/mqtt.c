/* The NodeMCU `mqtt` module over the wasm engine.
 *
 * The Lua API (mqtt.Client and the client's methods, NodeMCU's names, arguments and reason codes)
 * on top of mqtt_core; the platform mqtt_core stands on (espconn, DNS, os_timer, the clock, a
 * posted task) is mqtt_platform.c.
 *
 * It compiles unchanged in a NodeMCU 3.0 tree (both Lua flavours) and in firmware/hosted.
 *
 * Arguments are read as NodeMCU 3.0's app/modules/mqtt.c reads them (optional values told apart
 * by type, its defaults and conversions), and connect()'s callbacks are the on("connect") and
 * on("connfail") handlers, one slot each, as there. Where it differs (docs/firmware.md lists every
 * difference): a function given to publish/subscribe/unsubscribe fires once, for that call's
 * acknowledgement, in place of the puback/suback/unsuback handler (in NodeMCU it replaces the
 * handler, so the last one given fires for every later acknowledgement); acknowledgements fire
 * in call order, as NodeMCU's one send queue makes them; refused calls return false and the
 * reason; connect() and close() return booleans; suback callbacks get the granted QoS of each
 * filter; on(event, nil) removes a handler; a broker that breaks the protocol, and a held
 * publish a clean session drops, are reported with a printed line; arguments NodeMCU would
 * misread raise errors that name the call and the argument.
 *
 * Lifetimes. A client's userdata holds its core. While a session runs, or events are still to
 * be delivered, the client holds a registry reference to itself (self_ref), so a script may
 * drop its variable and still get its callbacks; the reference goes when the client is idle. */
#include "module.h"
#include "lauxlib.h"
#include "user_interface.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt_core.h"
#include "mqtt_engine_abi.h" /* the reasons of mqtt.CONN_FAIL_* and mqtt.CONNACK_* */
#include "mqtt_limits.h"
#include "mqtt_platform.h"

#define CLIENT_META "wasmqtt.client"

/* on() events, in NodeMCU's order: each is its mqtt_core event type minus one. */
enum { EV_CONNECT, EV_CONNFAIL, EV_OFFLINE, EV_MESSAGE, EV_OVERFLOW, EV_PUBACK, EV_SUBACK,
       EV_UNSUBACK, EV_COUNT };
static const char *const event_names[EV_COUNT + 1] = {
  "connect", "connfail", "offline", "message", "overflow", "puback", "suback", "unsuback", NULL
};

typedef struct client client;

struct client {
  mqtt_platform_client net;  /* first: the core's `user` is the client and its platform part */
  int self_ref;
  int handler_ref[EV_COUNT]; /* on() handlers; connect() sets the connect and connfail ones */
  int pending_ref;           /* table: token -> publish/subscribe/unsubscribe callback */
  int32_t next_token;
  int depth;                 /* platform calls into the core in progress */
  uint8_t closing;           /* close() was called: the drops till the next CONNECT are its own */
};

/* ---------- calling Lua ---------- */

/* Message handler: the error with a traceback when the debug library is there. */
static int callback_traceback(lua_State *L) {
  if (!lua_isstring(L, 1)) {
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    lua_replace(L, 1);
  }
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

static void print_line(lua_State *L, const char *text) {
  lua_getglobal(L, "print");
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_pushstring(L, text);
  if (lua_pcall(L, 1, 0, 0) != 0) lua_pop(L, 1);
}

/* Calls the function below `nargs` arguments on the stack, protected: an error is printed and
 * the client goes on. Pops the function and its arguments. */
static void invoke(lua_State *L, int nargs, const char *what) {
  int fn = lua_gettop(L) - nargs;
  lua_pushcfunction(L, callback_traceback);
  lua_insert(L, fn);
  if (lua_pcall(L, nargs, 0, fn) != 0) {
    const char *err = lua_tostring(L, -1);
    print_line(L, lua_pushfstring(L, "mqtt: error in '%s' callback: %s", what, err ? err : "?"));
  }
  lua_settop(L, fn - 1);
}

/* Pushes the function behind `ref`; 0 (and nothing pushed) when there is none. */
static int push_function(lua_State *L, int ref) {
  if (ref == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  if (lua_isfunction(L, -1)) return 1;
  lua_pop(L, 1);
  return 0;
}

static void release(lua_State *L, int *ref) {
  luaL_unref(L, LUA_REGISTRYINDEX, *ref);
  *ref = LUA_NOREF;
}

/* ---------- calls awaiting acknowledgement, by token ----------
 * Every accepted publish/subscribe/unsubscribe has a token in the pending table: publish tokens
 * are positive, subscribe/unsubscribe tokens negative, and |token| grows with each call. The
 * value is the call's callback (false: none, the on() handler fires), or, once acknowledged
 * while an earlier call is not, {callback, event, granted} until it may fire (fire_ready). */

static int push_pending(lua_State *L, client *c, int create) {
  if (c->pending_ref == LUA_NOREF) {
    if (!create) return 0;
    lua_newtable(L);
    lua_pushvalue(L, -1);
    c->pending_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 1;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->pending_ref);
  return 1;
}

/* Keeps the function at `fn` (0: none) for a new token (negative for requests); returns it. */
static int32_t keep_callback(lua_State *L, client *c, int fn, int request) {
  push_pending(L, c, 1);
  int32_t token;
  for (;;) {
    token = c->next_token;
    c->next_token = token >= 0x3fffffff ? 1 : token + 1;
    if (request) token = -token;
    lua_rawgeti(L, -1, token);
    int used = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!used) break;
  }
  if (fn) lua_pushvalue(L, fn);
  else lua_pushboolean(L, 0);
  lua_rawseti(L, -2, token);
  lua_pop(L, 1);
  return token;
}

static void forget_token(lua_State *L, client *c, int32_t token) {
  if (token == 0 || !push_pending(L, c, 0)) return;
  lua_pushnil(L);
  lua_rawseti(L, -2, token);
  lua_pop(L, 1);
}

/* The engine forgets unacknowledged subscribe/unsubscribe requests when a session ends. */
static void forget_requests(lua_State *L, client *c) {
  if (!push_pending(L, c, 0)) return;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    int waiting = !lua_istable(L, -1);
    lua_pop(L, 1);
    if (waiting && lua_tonumber(L, -1) < 0) {
      lua_pushvalue(L, -1);
      lua_pushnil(L);
      lua_rawset(L, -4);
    }
  }
  lua_pop(L, 1);
}

/* ---------- when a client may let go of itself ---------- */

static int client_idle(const client *c) {
  const mqtt_platform_client *n = &c->net;
  return n->core == NULL ||
         (!mqtt_core_active(n->core) && !n->service_due && n->link == NULL && n->failure == 0);
}

/* After the outermost call into the core: an idle client drops its self reference and the
 * callbacks no acknowledgement can reach any more. The userdata may be collected afterwards, so
 * this is the last thing a caller does with `c`. */
static void settle(client *c) {
  if (c->depth != 0 || !client_idle(c)) return;
  lua_State *L = lua_getstate();
  forget_requests(L, c);
  release(L, &c->self_ref);
}

void mqtt_platform_enter(mqtt_platform_client *pc) {
  ((client *)pc)->depth++;
}

void mqtt_platform_leave(mqtt_platform_client *pc) {
  client *c = (client *)pc;
  c->depth--;
  settle(c);
}

/* ---------- events from the core ---------- */

/* Pushes the client (as callbacks' first argument); 0 when it holds no self reference. */
static int push_self(lua_State *L, client *c) {
  if (c->self_ref == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->self_ref);
  return 1;
}

/* Calls the function on top of the stack (a per-call callback, or a handler) with the client
 * and `nargs` values below it; pops the function, leaves the values. */
static void call_once(lua_State *L, client *c, const char *what, int nargs) {
  if (!push_self(L, c)) {
    lua_pop(L, 1);
    return;
  }
  for (int i = 0; i < nargs; i++) lua_pushvalue(L, -2 - nargs);
  invoke(L, 1 + nargs, what);
}

/* Calls the on() handler for `ev` with the client and the `nargs` values on top of the stack
 * (which it leaves there). */
static void call_handler(lua_State *L, client *c, int ev, int nargs) {
  if (push_function(L, c->handler_ref[ev])) call_once(L, c, event_names[ev], nargs);
}


/* The oldest call awaiting acknowledgement: pushes its entry and returns its token (0: none,
 * and nil pushed). */
static int32_t push_oldest(lua_State *L, client *c) {
  if (!push_pending(L, c, 0)) {
    lua_pushnil(L);
    return 0;
  }
  int32_t oldest = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    int32_t t = (int32_t)lua_tointeger(L, -1);
    if (oldest == 0 || (t < 0 ? -t : t) < (oldest < 0 ? -oldest : oldest)) oldest = t;
  }
  if (oldest != 0) lua_rawgeti(L, -1, oldest);
  else lua_pushnil(L);
  lua_remove(L, -2);
  return oldest;
}

/* Fires the acknowledgements that wait for nothing older, in call order (NodeMCU sends one
 * packet at a time and waits for its acknowledgement, so its callbacks come in that order). */
static void fire_ready(lua_State *L, client *c) {
  for (;;) {
    int32_t token = push_oldest(L, c);
    if (token == 0 || !lua_istable(L, -1)) {
      lua_pop(L, 1);
      return;
    }
    forget_token(L, c, token);
    lua_rawgeti(L, -1, 2);
    int which = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_rawgeti(L, -1, 3);   /* the granted QoS (suback), or nil */
    int n = lua_istable(L, -1);
    if (!n) lua_pop(L, 1);
    lua_rawgeti(L, -1 - n, 1);
    if (lua_isfunction(L, -1)) call_once(L, c, event_names[which], n);
    else {
      lua_pop(L, 1);
      call_handler(L, c, which, n);
    }
    lua_pop(L, 1 + n);
  }
}

/* The acknowledgement of `token` (event `which`, with `n` values on the stack: the granted QoS of
 * a suback): it fires now, or when the calls before it are acknowledged. Leaves the values. */
static void acknowledged(lua_State *L, client *c, int32_t token, int which, int n) {
  if (!push_pending(L, c, 0)) return;
  lua_rawgeti(L, -1, token);
  if (lua_isnil(L, -1)) {   /* forgotten (a session that ended), or not ours */
    lua_pop(L, 2);
    return;
  }
  lua_createtable(L, 3, 0);
  lua_insert(L, -2);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, which);
  lua_rawseti(L, -2, 2);
  if (n) {
    lua_pushvalue(L, -3);
    lua_rawseti(L, -2, 3);
  }
  lua_rawseti(L, -2, token);
  lua_pop(L, 1);
  fire_ready(L, c);
}

typedef struct {
  client *c;
  const mqtt_core_event *ev;
} delivery;

/* One event to Lua, run protected by on_core_event: pushing a message may run out of memory. */
static int deliver(lua_State *L) {
  const delivery *d = lua_touserdata(L, 1);
  client *c = d->c;
  const mqtt_core_event *ev = d->ev;
  lua_checkstack(L, 12);
  int top = lua_gettop(L);
  if (c->self_ref == LUA_NOREF) {
    /* nobody to tell (the client is being collected or never connected): free what tokens hold
     * (events without one carry token 0) */
    forget_token(L, c, ev->token);
    return 0;
  }
  switch (ev->type) {
  case MQTT_CORE_CONNECT:
    c->closing = 0;
    call_handler(L, c, EV_CONNECT, 0);
    break;
  case MQTT_CORE_CONNFAIL:
    /* a session that ended forgot its unacknowledged (un)subscribe requests */
    if (!mqtt_core_active(c->net.core)) forget_requests(L, c);
    lua_pushinteger(L, ev->reason);
    call_handler(L, c, EV_CONNFAIL, 1);
    fire_ready(L, c);
    break;
  case MQTT_CORE_OFFLINE:
    if (!mqtt_core_active(c->net.core)) forget_requests(L, c);
    call_handler(L, c, EV_OFFLINE, 0);
    fire_ready(L, c);
    break;
  case MQTT_CORE_MESSAGE:
  case MQTT_CORE_OVERFLOW: {
    /* as NodeMCU: an empty payload comes as a missing third argument */
    lua_pushlstring(L, ev->topic, ev->topic_len);
    int nargs = 1;
    if (ev->data_len > 0) {
      lua_pushlstring(L, (const char *)ev->data, ev->data_len);
      nargs = 2;
    }
    call_handler(L, c, ev->type == MQTT_CORE_MESSAGE ? EV_MESSAGE : EV_OVERFLOW, nargs);
    break;
  }
  case MQTT_CORE_PUBACK:
  case MQTT_CORE_SUBACK:
  case MQTT_CORE_UNSUBACK: {
    int n = ev->type == MQTT_CORE_SUBACK;
    if (n) {
      /* an extension: the granted QoS (or 128, refused) of each filter, in the request's order */
      lua_createtable(L, (int)ev->code_count, 0);
      for (size_t i = 0; i < ev->code_count; i++) {
        lua_pushinteger(L, ev->codes[i]);
        lua_rawseti(L, -2, (int)i + 1);
      }
    }
    /* the core's event numbers are the on() events' plus one */
    acknowledged(L, c, ev->token, (int)ev->type - 1, n);
    break;
  }
  case MQTT_CORE_DROPPED:
    forget_token(L, c, ev->token);
    fire_ready(L, c);
    /* close() drops what it holds by design; a clean session that ended must not do it quietly */
    if (!c->closing)
      print_line(L, "mqtt: a publish was dropped unacknowledged: its clean session ended");
    break;
  case MQTT_CORE_PROTOCOL_ERROR:
  case MQTT_CORE_WARNING:
  case MQTT_CORE_LINK_ERROR: {
    /* in the core's order; the link error's text has no code */
    static const char *const formats[] = {
      "mqtt: the broker broke the MQTT protocol (%s, code %d); disconnecting",
      "mqtt: warning: %s (code %d)", "mqtt: the broker %s; disconnecting"};
    print_line(L, lua_pushfstring(L, formats[ev->type - MQTT_CORE_PROTOCOL_ERROR],
                                  ev->text ? ev->text : "?", (int)ev->reason));
    break;
  }
  }
  lua_settop(L, top);
  return 0;
}

static int report_lost_event(lua_State *L) {
  print_line(L, lua_pushfstring(L, "mqtt: an event was lost: %s", (const char *)lua_touserdata(L, 1)));
  return 0;
}

/* From the platform's callbacks, outside any Lua call: everything that can raise (a memory error
 * while pushing a message) runs protected, so it cannot end the firmware. */
static void on_core_event(void *user, const mqtt_core_event *ev) {
  lua_State *L = lua_getstate();
  int top = lua_gettop(L);
  delivery d = {user, ev};
#if LUA_VERSION_NUM == 501
  int status = lua_cpcall(L, deliver, &d);
#else
  lua_pushcfunction(L, deliver);   /* a light function: pushing it allocates nothing */
  lua_pushlightuserdata(L, &d);
  int status = lua_pcall(L, 1, 0, 0);
#endif
  if (status != 0) {
    const char *err = lua_tostring(L, -1);
#if LUA_VERSION_NUM == 501
    lua_cpcall(L, report_lost_event, (void *)(err ? err : "?"));
#else
    lua_pushcfunction(L, report_lost_event);
    lua_pushlightuserdata(L, (void *)(err ? err : "?"));
    lua_pcall(L, 1, 0, 0);
#endif
  }
  lua_settop(L, top);
}

/* ---------- arguments ---------- */

static client *self(lua_State *L, const char *method) {
  client *c = lua_touserdata(L, 1);
  int ok = 0;
  if (c && lua_getmetatable(L, 1)) {
    luaL_getmetatable(L, CLIENT_META);
    ok = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  if (!ok) luaL_error(L, "mqtt: %s: call it on a client, as client:%s(...)", method, method);
  if (c->net.core == NULL) luaL_error(L, "mqtt: %s: this client was not set up", method);
  return c;
}

/* A whole number in [lo, hi] at idx (a number or a numeric string, as NodeMCU's
 * luaL_checkinteger takes), or -1 (with *ok = 0). */
static lua_Integer whole(lua_State *L, int idx, lua_Integer lo, lua_Integer hi, int *ok) {
  *ok = 0;
  if (!lua_isnumber(L, idx)) return -1;
  lua_Number n = lua_tonumber(L, idx);
  if (!(n >= (lua_Number)lo && n <= (lua_Number)hi)) return -1;
  lua_Integer i = (lua_Integer)n;
  if ((lua_Number)i != n) return -1;
  *ok = 1;
  return i;
}

/* The error for an argument of the wrong kind: "<call>: <name> must be <what>". */
static void must_be(lua_State *L, const char *call, const char *name, const char *what) {
  luaL_error(L, "%s: %s must be %s", call, name, what);
}

/* A whole number in [lo, hi] at idx, or an error naming it. */
static lua_Integer ranged(lua_State *L, int idx, int lo, int hi, const char *call,
                          const char *name) {
  int ok;
  lua_Integer i = whole(L, idx, lo, hi, &ok);
  if (!ok) luaL_error(L, "%s: %s must be a whole number from %d to %d", call, name, lo, hi);
  return i;
}

/* A flag: a boolean, or a number as NodeMCU reads its flags (any whole number, nonzero = on);
 * `strict` allows only 0 and 1 (publish's retain, where NodeMCU keeps only the low bit). */
static int flag(lua_State *L, int idx, int dflt, int strict, const char *call, const char *name) {
  if (lua_isnoneornil(L, idx)) return dflt;
  if (lua_isboolean(L, idx)) return lua_toboolean(L, idx);
  int ok;
  lua_Integer v = whole(L, idx, strict ? 0 : -0x7fffffff, strict ? 1 : 0x7fffffff, &ok);
  if (!ok) must_be(L, call, name, "0, 1, true or false");
  return v != 0;
}

static int qos_arg(lua_State *L, int idx, int dflt, const char *call, const char *name) {
  if (dflt >= 0 && lua_isnoneornil(L, idx)) return dflt;
  int ok;
  lua_Integer q = whole(L, idx, 0, 2, &ok);
  if (!ok) must_be(L, call, name, "0, 1 or 2");
  return (int)q;
}

/* MQTT's strings (client id, credentials, topics, the will) have a 16-bit length. */
static void check_length(lua_State *L, size_t len, const char *call, const char *name) {
  if (len > MQTT_MAX_STRING)
    luaL_error(L, "%s: %s is %d bytes; MQTT allows at most %d", call, name, (int)len,
               (int)MQTT_MAX_STRING);
}

/* Message bytes: a string or a number (written out as Lua prints it, as NodeMCU takes it), of
 * any length. */
static const char *payload_arg(lua_State *L, int idx, size_t *len, const char *call,
                               const char *name) {
  if (!lua_isstring(L, idx)) must_be(L, call, name, "a string");
  return lua_tolstring(L, idx, len);
}

/* A string argument: MQTT's 16-bit length. */
static const char *string_arg(lua_State *L, int idx, size_t *len, const char *call,
                              const char *name) {
  const char *s = payload_arg(L, idx, len, call, name);
  check_length(L, *len, call, name);
  return s;
}

static void callback_arg(lua_State *L, int idx, const char *call) {
  if (!lua_isnoneornil(L, idx) && !lua_isfunction(L, idx))
    must_be(L, call, "the callback", "a function");
}

/* Optional arguments as NodeMCU reads them: the next one belongs to a parameter when its type
 * fits (then *at is its index), otherwise it is left for the parameters after. With NIL_HOLDS a
 * nil holds its parameter's place (mqtt.Client: NodeMCU would leave it to the next parameter and
 * so stop reading there); otherwise it is left too (connect: the callbacks' places come next). */
enum { FITS_STRING, FITS_NUMBER, FITS_FLAG, NIL_HOLDS = 4 };

static int next_fits(lua_State *L, int *i, int fits, int *at) {
  int idx = *i;
  if (idx > lua_gettop(L)) return 0;
  if ((fits & NIL_HOLDS) && lua_isnil(L, idx)) {
    (*i)++;
    return 0;
  }
  fits &= ~NIL_HOLDS;
  int ok = fits == FITS_STRING ? lua_isstring(L, idx)
                               : lua_isnumber(L, idx) || (fits == FITS_FLAG && lua_isboolean(L, idx));
  if (!ok) return 0;
  *at = idx;
  (*i)++;
  return 1;
}

/* Nothing but nils from idx on, or an error showing the call's form. Arguments are counted as
 * the script wrote them: `self` (1 for methods, 0 for functions) is not one of them. */
static void no_more(lua_State *L, int idx, int self, const char *call, const char *form) {
  for (int top = lua_gettop(L); idx <= top; idx++)
    if (!lua_isnil(L, idx))
      luaL_error(L, "%s: argument %d (a %s) fits no parameter: expects %s", call, idx - self,
                 luaL_typename(L, idx), form);
}

/* The session strings by the core's part numbers, as the API names them. */
static const char *const string_names[] = {"clientid", "username", "password", "lwt topic",
                                           "lwt message"};

/* A core error as a Lua error, with the engine's text (naming the string it refused) where there
 * is one. */
static int core_error(lua_State *L, client *c, const char *call, int err) {
  if (err != MQTT_CORE_EINVAL) return luaL_error(L, "%s: %s", call, mqtt_core_strerror(err));
  const char *text = mqtt_core_last_error(c->net.core);
  unsigned part = (unsigned)mqtt_core_refused_part(c->net.core);
  if (part < 5) return luaL_error(L, "%s: %s: %s", call, string_names[part], text);
  return luaL_error(L, "%s: %s", call, text);
}

/* true; or false and the reason for a refusal (full, offline, out of memory); bad input raises. */
static int push_result(lua_State *L, client *c, const char *call, int err) {
  if (err == MQTT_CORE_EINVAL || err == MQTT_CORE_EENGINE) return core_error(L, c, call, err);
  lua_pushboolean(L, err == MQTT_CORE_OK);
  if (err == MQTT_CORE_OK) return 1;
  /* why: the second value (a text with the bound it met, where there is one) */
  lua_pushfstring(L, mqtt_core_strerror(err), mqtt_core_error_bound(err));
  return 2;
}

/* The function at idx becomes the handler of `ev`, as NodeMCU's callback arguments do. */
static void set_handler(lua_State *L, client *c, int ev, int idx) {
  lua_pushvalue(L, idx);
  luaL_unref(L, LUA_REGISTRYINDEX, c->handler_ref[ev]);
  c->handler_ref[ev] = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---------- the API ---------- */

/* Pushes NodeMCU's client id when none is given: "NodeMCU_" and the chip id in hex. */
static const char *default_client_id(lua_State *L, size_t *len) {
  static const char digits[] = "0123456789abcdef";
  char id[sizeof "NodeMCU_" + 8] = "NodeMCU_";
  char *p = id + sizeof "NodeMCU_" - 1;
  uint32_t chip = system_get_chip_id();
  int shift = 28;
  while (shift > 0 && (chip >> shift) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *p++ = digits[(chip >> shift) & 15];
  lua_pushlstring(L, id, (size_t)(p - id));
  return lua_tolstring(L, -1, len);
}

static const char client_form[] =
    "[clientid][, keepalive][, username[, password]][, cleansession][, max_message_length]";

/* mqtt.Client([clientid][, keepalive][, username[, password]][, cleansession][,
 * max_message_length]), read as NodeMCU reads it: clientid, username and password are strings
 * or numbers, the others numbers (or numeric strings; cleansession a boolean too); a value whose
 * type does not fit is left for the next parameter. Defaults: "NodeMCU_<chip id in hex>",
 * keepalive 60 s (0 also means 60), no credentials, cleansession 0 (NodeMCU's code; its docs say
 * 1), max_message_length 1,024. */
static int mqtt_client_new(lua_State *L) {
  static const char call[] = "mqtt.Client";
  mqtt_core_config cfg;
  memset(&cfg, 0, sizeof cfg);
  int i = 1, at;
  int has_id = next_fits(L, &i, NIL_HOLDS | FITS_STRING, &at);
  if (has_id) cfg.client_id = string_arg(L, at, &cfg.client_id_len, call, "clientid");
  cfg.keepalive_s = MQTT_DEFAULT_KEEPALIVE_S;
  if (next_fits(L, &i, NIL_HOLDS | FITS_NUMBER, &at)) {
    int ok;
    lua_Integer keepalive = whole(L, at, 0, 65535, &ok);
    if (!ok) must_be(L, call, "keepalive", "whole seconds, 0 to 65535");
    if (keepalive > 0) cfg.keepalive_s = (uint16_t)keepalive;
  }
  /* as NodeMCU, an empty username or password is none */
  if (next_fits(L, &i, NIL_HOLDS | FITS_STRING, &at))
    cfg.username = string_arg(L, at, &cfg.username_len, call, "username");
  if (next_fits(L, &i, NIL_HOLDS | FITS_STRING, &at))
    cfg.password = string_arg(L, at, &cfg.password_len, call, "password");
  if (cfg.username_len == 0) cfg.username = NULL;
  if (cfg.password_len == 0) cfg.password = NULL;
  if (next_fits(L, &i, NIL_HOLDS | FITS_FLAG, &at)) cfg.clean_session = flag(L, at, 0, 0, call, "cleansession");
  cfg.max_message_length = MQTT_DEFAULT_MAX_MESSAGE_LENGTH;
  if (next_fits(L, &i, NIL_HOLDS | FITS_NUMBER, &at) && !(lua_tonumber(L, at) == 0))
    cfg.max_message_length =
        (uint32_t)ranged(L, at, 1, MQTT_MAX_MESSAGE_LENGTH_LIMIT, call, "max_message_length");
  no_more(L, i, 0, call, client_form);
  if (!has_id) cfg.client_id = default_client_id(L, &cfg.client_id_len);

  client *c = lua_newuserdata(L, sizeof *c);
  memset(c, 0, sizeof *c);
  c->self_ref = c->pending_ref = LUA_NOREF;
  for (int k = 0; k < EV_COUNT; k++) c->handler_ref[k] = LUA_NOREF;
  c->next_token = 1;
  mqtt_platform_add(&c->net);
  luaL_getmetatable(L, CLIENT_META);
  lua_setmetatable(L, -2);

  int err = 0;
  c->net.core = mqtt_core_new(&cfg, &mqtt_platform, on_core_event, c, &err);
  if (c->net.core == NULL) {
    if (err == 0) err = MQTT_CORE_ENOMEM;
    return luaL_error(L, "%s: %s", call, mqtt_core_strerror(err));
  }
  return 1;
}

/* client:lwt(topic, message[, qos[, retain]]) */
static int client_lwt(lua_State *L) {
  static const char call[] = "mqtt: lwt";
  client *c = self(L, "lwt");
  mqtt_core_will will;
  will.topic = string_arg(L, 2, &will.topic_len, call, "topic");
  size_t len;
  will.message = (const uint8_t *)payload_arg(L, 3, &len, call, "message");
  check_length(L, len, call, "message");
  will.message_len = len;
  will.qos = qos_arg(L, 4, 0, call, "qos");
  will.retain = flag(L, 5, 0, 0, call, "retain");
  int err = mqtt_core_set_will(c->net.core, &will);
  if (err != MQTT_CORE_OK) return core_error(L, c, call, err);
  return 0;
}

/* client:on(event, function) — nil removes the handler. */
static int client_on(lua_State *L) {
  client *c = self(L, "on");
  const char *name = lua_tostring(L, 2);
  int ev = 0;
  while (ev < EV_COUNT && !(name && lua_type(L, 2) == LUA_TSTRING && strcmp(name, event_names[ev]) == 0))
    ev++;
  if (ev == EV_COUNT)
    return luaL_error(L, "mqtt: on: event must be one of connect, connfail, offline, message, "
                         "overflow, puback, suback, unsuback");
  if (!lua_isnoneornil(L, 3) && !lua_isfunction(L, 3))
    return luaL_error(L, "mqtt: on: the %s handler must be a function (or nil to remove it)",
                      event_names[ev]);
  release(L, &c->handler_ref[ev]);
  if (lua_isfunction(L, 3)) set_handler(L, c, ev, 3);
  return 0;
}

static const char connect_form[] =
    "host[, port][, secure][, autoreconnect][, fn(client)[, fn(client, reason)]]";

/* client:connect(host[, port][, secure][, autoreconnect][, function(client)[, function(client,
 * reason)]]) -> true when the attempt started; false and the reason when a session already runs.
 * As NodeMCU: port (a number) and secure (a number or boolean) are taken when their type fits;
 * autoreconnect, the seed's older form, is one more number or boolean. Then two places, fixed:
 * a function in the first becomes the on("connect") handler, in the second the on("connfail")
 * one; a nil (or nothing) keeps the handler set before. */
static int client_connect(lua_State *L) {
  static const char call[] = "mqtt: connect";
  client *c = self(L, "connect");
  size_t host_len = 0;
  const char *host = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &host_len) : NULL;
  if (host_len == 0)
    return luaL_error(L, "%s: host must be a non-empty string", call);
  int i = 3, at;
  uint16_t port = MQTT_DEFAULT_PORT;
  int secure = 0, autoreconnect = 0;
  if (next_fits(L, &i, FITS_NUMBER, &at)) port = (uint16_t)ranged(L, at, 1, 65535, call, "port");
  if (next_fits(L, &i, FITS_FLAG, &at)) secure = flag(L, at, 0, 0, call, "secure");
  if (next_fits(L, &i, FITS_FLAG, &at)) autoreconnect = flag(L, at, 0, 0, call, "autoreconnect");
  for (int k = i; k <= i + 1; k++)
    if (!lua_isnoneornil(L, k) && !lua_isfunction(L, k))
      return luaL_error(L, "%s: argument %d (a %s) must be the %s callback, a function: expects %s",
                        call, k - 1, luaL_typename(L, k), k == i ? "connect" : "connfail", connect_form);
  no_more(L, i + 2, 1, call, connect_form);
#ifndef CLIENT_SSL_ENABLE
  if (secure)
    return luaL_error(L, "%s: secure needs a firmware built with TLS (CLIENT_SSL_ENABLE)", call);
#endif
  int err = mqtt_core_connect(c->net.core, host, port, secure, autoreconnect);
  if (err == MQTT_CORE_EBUSY) return push_result(L, c, call, err);
  if (err != MQTT_CORE_OK) return core_error(L, c, call, err);
  c->net.opening = 1;
  if (lua_isfunction(L, i)) set_handler(L, c, EV_CONNECT, i);
  if (lua_isfunction(L, i + 1)) set_handler(L, c, EV_CONNFAIL, i + 1);
  if (c->self_ref == LUA_NOREF) {
    lua_pushvalue(L, 1);
    c->self_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* client:publish(topic, payload, qos, retain[, function(client)]) -> true, or false and why */
static int client_publish(lua_State *L) {
  static const char call[] = "mqtt: publish";
  client *c = self(L, "publish");
  size_t topic_len, len;
  const char *topic = string_arg(L, 2, &topic_len, call, "topic");
  const char *payload = payload_arg(L, 3, &len, call, "payload");
  int qos = qos_arg(L, 4, -1, call, "qos");
  int retain = flag(L, 5, 0, 1, call, "retain");
  callback_arg(L, 6, call);
  /* every publish is held within the queue bound (QoS 0 until it went out, 1/2 until
   * acknowledged): one that can never be held is a mistake, not a full queue (false would just
   * invite retrying forever) */
  if (topic_len + len > MQTT_MAX_QUEUED_BYTES)
    return luaL_error(L, "%s: topic + payload is %d bytes; a publish takes at most %d "
                         "(MQTT_MAX_QUEUED_BYTES): send it in parts",
                      call, (int)(topic_len + len), (int)MQTT_MAX_QUEUED_BYTES);
  int32_t token = keep_callback(L, c, lua_isfunction(L, 6) ? 6 : 0, 0);
  int err = mqtt_core_publish(c->net.core, topic, topic_len, (const uint8_t *)payload, len, qos, retain,
                              token);
  if (err != MQTT_CORE_OK) forget_token(L, c, token);
  return push_result(L, c, call, err);
}

/* A refused filter is named by its text. */
static int filter_error(lua_State *L, client *c, const char *call, int err,
                        const mqtt_core_filter *filters, size_t count) {
  if (err != MQTT_CORE_EINVAL) return push_result(L, c, call, err);
  size_t i = (size_t)(mqtt_core_refused_part(c->net.core) - MQTT_CORE_PART_FILTER);
  if (i >= count) return core_error(L, c, call, err);
  lua_pushlstring(L, filters[i].filter, filters[i].len);
  return luaL_error(L, "%s: topic '%s': %s", call, lua_tostring(L, -1), mqtt_core_last_error(c->net.core));
}

/* Reads subscribe's/unsubscribe's topics: one string at 2, or a table {topic = qos, ...}.
 * Returns the index of the callback argument. */
static int read_filters(lua_State *L, const char *call, int with_qos, mqtt_core_filter *filters,
                        size_t *count) {
  *count = 0;
  if (lua_istable(L, 2)) {
    lua_pushnil(L);
    while (lua_next(L, 2) != 0) {
      if (lua_type(L, -2) != LUA_TSTRING)
        luaL_error(L, "%s: table keys must be topic strings", call);
      if (*count == MQTT_MAX_FILTERS)
        luaL_error(L, "%s: at most %d topics per call", call,
                   (int)MQTT_MAX_FILTERS);
      mqtt_core_filter *f = &filters[(*count)++];
      f->filter = lua_tolstring(L, -2, &f->len);
      check_length(L, f->len, call, "a topic");
      f->qos = 0;
      if (with_qos) {
        int ok;
        lua_Integer q = whole(L, -1, 0, 2, &ok);
        if (!ok) must_be(L, call, lua_pushfstring(L, "qos of '%s'", f->filter), "0, 1 or 2");
        f->qos = (int)q;
      }
      lua_pop(L, 1);
    }
    if (*count == 0) luaL_error(L, "%s: the table has no topics", call);
    return 3;
  }
  mqtt_core_filter *f = &filters[0];
  f->filter = string_arg(L, 2, &f->len, call, "topic (or a table of topics)");
  f->qos = 0;
  *count = 1;
  if (!with_qos) return 3;
  f->qos = qos_arg(L, 3, 0, call, "qos");
  return 4;
}

/* client:subscribe(topic, qos[, fn]) or client:subscribe({topic = qos, ...}[, fn]) -> true, or
 * false and why;
 * fn(client, granted) fires for this request's SUBACK.
 * client:unsubscribe(topic[, fn]) or client:unsubscribe({topic = anything, ...}[, fn]) */
static int request(lua_State *L, int sub) {
  const char *call = sub ? "mqtt: subscribe" : "mqtt: unsubscribe";
  client *c = self(L, call + 6);
  mqtt_core_filter filters[MQTT_MAX_FILTERS];
  size_t count;
  int fn = read_filters(L, call, sub, filters, &count);
  callback_arg(L, fn, call);
  int32_t token = keep_callback(L, c, lua_isfunction(L, fn) ? fn : 0, 1);
  int err = (sub ? mqtt_core_subscribe : mqtt_core_unsubscribe)(c->net.core, filters, count, token);
  if (err != MQTT_CORE_OK) forget_token(L, c, token);
  return filter_error(L, c, call, err, filters, count);
}

static int client_subscribe(lua_State *L) { return request(L, 1); }
static int client_unsubscribe(lua_State *L) { return request(L, 0); }

/* client:close() -> true when a session was ended (DISCONNECT sent when connected). */
static int client_close(lua_State *L) {
  client *c = self(L, "close");
  /* as NodeMCU, which acts only on a connected socket: while the TCP connection is still being
   * opened, close() does nothing (its docs' example calls it right after connect()) */
  if (mqtt_platform_opening(&c->net)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  c->closing = 1;
  int err = mqtt_core_close(c->net.core);
  /* the session is over: no acknowledgement will come for its (un)subscribe requests */
  forget_requests(L, c);
  lua_pushboolean(L, err == MQTT_CORE_OK);
  settle(c);
  return 1;
}

static int client_gc(lua_State *L) {
  client *c = lua_touserdata(L, 1);
  if (c == NULL) return 0;
  if (c->net.core) {
    mqtt_core *core = c->net.core;
    c->net.core = NULL;
    mqtt_core_free(core);
  }
  mqtt_platform_remove(&c->net);
  release(L, &c->self_ref);
  release(L, &c->pending_ref);
  for (int i = 0; i < EV_COUNT; i++) release(L, &c->handler_ref[i]);
  return 0;
}

LROT_BEGIN(wasmqtt_client, NULL, LROT_MASK_GC_INDEX)
  LROT_FUNCENTRY(__gc, client_gc)
  LROT_TABENTRY(__index, wasmqtt_client)
  LROT_FUNCENTRY(connect, client_connect)
  LROT_FUNCENTRY(close, client_close)
  LROT_FUNCENTRY(publish, client_publish)
  LROT_FUNCENTRY(subscribe, client_subscribe)
  LROT_FUNCENTRY(unsubscribe, client_unsubscribe)
  LROT_FUNCENTRY(lwt, client_lwt)
  LROT_FUNCENTRY(on, client_on)
LROT_END(wasmqtt_client, NULL, LROT_MASK_GC_INDEX)

LROT_BEGIN(wasmqtt, NULL, 0)
  LROT_FUNCENTRY(Client, mqtt_client_new)
  LROT_NUMENTRY(CONN_FAIL_SERVER_NOT_FOUND, MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND)
  LROT_NUMENTRY(CONN_FAIL_NOT_A_CONNACK_MSG, MQTT_ENGINE_CONNFAIL_NOT_A_CONNACK_MSG)
  LROT_NUMENTRY(CONN_FAIL_DNS, MQTT_ENGINE_CONNFAIL_DNS)
  LROT_NUMENTRY(CONN_FAIL_TIMEOUT_RECEIVING, MQTT_ENGINE_CONNFAIL_TIMEOUT_RECEIVING)
  LROT_NUMENTRY(CONN_FAIL_TIMEOUT_SENDING, MQTT_ENGINE_CONNFAIL_TIMEOUT_SENDING)
  LROT_NUMENTRY(CONNACK_ACCEPTED, MQTT_ENGINE_CONNFAIL_ACCEPTED)
  LROT_NUMENTRY(CONNACK_REFUSED_PROTOCOL_VER, MQTT_ENGINE_CONNFAIL_REFUSED_PROTOCOL_VER)
  LROT_NUMENTRY(CONNACK_REFUSED_ID_REJECTED, MQTT_ENGINE_CONNFAIL_REFUSED_ID_REJECTED)
  LROT_NUMENTRY(CONNACK_REFUSED_SERVER_UNAVAILABLE, MQTT_ENGINE_CONNFAIL_REFUSED_SERVER_UNAVAILABLE)
  LROT_NUMENTRY(CONNACK_REFUSED_BAD_USER_OR_PASS, MQTT_ENGINE_CONNFAIL_REFUSED_BAD_USER_OR_PASS)
  LROT_NUMENTRY(CONNACK_REFUSED_NOT_AUTHORIZED, MQTT_ENGINE_CONNFAIL_REFUSED_NOT_AUTHORIZED)
LROT_END(wasmqtt, NULL, 0)

int luaopen_wasmqtt(lua_State *L);
int luaopen_wasmqtt(lua_State *L) {
  luaL_rometatable(L, CLIENT_META, LROT_TABLEREF(wasmqtt_client));
  return 0;
}

NODEMCU_MODULE(WASMQTT, "mqtt", wasmqtt, luaopen_wasmqtt);
