/* NodeMCU's node module, the parts MQTT scripts use: node.heap(), node.chipid(),
 * node.restart() (which ends the hosted run once the running callback returns). */
#include "lauxlib.h"
#include "module.h"
#include "user_interface.h"

/* Lua: node.heap(): free heap bytes (see system_get_free_heap_size) */
static int node_heap(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)system_get_free_heap_size());
  return 1;
}

/* Lua: node.chipid() */
static int node_chipid(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)system_get_chip_id());
  return 1;
}

/* Lua: node.restart() */
static int node_restart(lua_State *L) {
  (void)L;
  system_restart();
  return 0;
}

LROT_BEGIN(node, NULL, 0)
  LROT_FUNCENTRY(heap, node_heap)
  LROT_FUNCENTRY(chipid, node_chipid)
  LROT_FUNCENTRY(restart, node_restart)
LROT_END(node, NULL, 0)

NODEMCU_MODULE(NODE, "node", node, NULL);
