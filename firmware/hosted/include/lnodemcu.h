/* NodeMCU's lnodemcu.h, the ROTable declarations, for a stock Lua: a ROTable here is a constant
 * C array that lua_pushrotable turns into an ordinary Lua table the first time it is pushed
 * (tables that name themselves, such as a metatable's __index, come out as the same table). */
#ifndef lnodemcu_h
#define lnodemcu_h

#include <lua.h> /* <>: so #include_next in it goes on from this folder (gcc and clang) */

enum { ROTABLE_NIL, ROTABLE_FUNCTION, ROTABLE_NUMBER, ROTABLE_LIGHTUSERDATA, ROTABLE_TABLE };

typedef struct {
  unsigned char kind;
  lua_CFunction f;
  lua_Number n;
  void *p;
  const ROTable *t;
} ROTable_value;

struct ROTable_entry {
  const char *key;
  ROTable_value value;
};

struct ROTable {
  ROTable_entry *entry;
  const ROTable *meta;
  unsigned char flags;
};

#define LRO_STRKEY(k) k
#define LOCK_IN_SECTION(s)

#define LRO_FUNCVAL(v) {.kind = ROTABLE_FUNCTION, .f = (v)}
#define LRO_LUDATA(v) {.kind = ROTABLE_LIGHTUSERDATA, .p = (void *)(v)}
#define LRO_NILVAL {.kind = ROTABLE_NIL}
#define LRO_NUMVAL(v) {.kind = ROTABLE_NUMBER, .n = (lua_Number)(v)}
#define LRO_INTVAL(v) LRO_NUMVAL(v)
#define LRO_FLOATVAL(v) LRO_NUMVAL(v)
#define LRO_ROVAL(v) {.kind = ROTABLE_TABLE, .t = &(v##_ROTable)}

#define LROT_MARKED 0

#define LROT_FUNCENTRY(n, f) {LRO_STRKEY(#n), LRO_FUNCVAL(f)},
#define LROT_LUDENTRY(n, x) {LRO_STRKEY(#n), LRO_LUDATA(x)},
#define LROT_NUMENTRY(n, x) {LRO_STRKEY(#n), LRO_NUMVAL(x)},
#define LROT_INTENTRY(n, x) LROT_NUMENTRY(n, x)
#define LROT_FLOATENTRY(n, x) LROT_NUMENTRY(n, x)
#define LROT_TABENTRY(n, t) {LRO_STRKEY(#n), LRO_ROVAL(t)},

#define LROT_TABLE(rt) const ROTable rt##_ROTable
#define LROT_ENTRYREF(rt) (rt##_entries)
#define LROT_TABLEREF(rt) (&rt##_ROTable)
#define LROT_BEGIN(rt, mt, f) \
  LROT_TABLE(rt);             \
  static ROTable_entry rt##_entries[] = {
#define LROT_ENTRIES_IN_SECTION(rt, s) static ROTable_entry rt##_entries[] = {
#define LROT_END(rt, mt, f) \
  {NULL, LRO_NILVAL}        \
  }                         \
  ;                         \
  const ROTable rt##_ROTable = {rt##_entries, (mt), (unsigned char)(f)};
#define LROT_BREAK(rt) \
  }                    \
  ;

/* The fast-index tags of NodeMCU's ROTables (Lua 5.1's TMS order); kept, not used, here. */
enum { ROTABLE_TM_INDEX, ROTABLE_TM_NEWINDEX, ROTABLE_TM_GC, ROTABLE_TM_MODE, ROTABLE_TM_EQ, ROTABLE_TM_LEN };
#define LROT_MASK(m) ((unsigned char)(1u << ROTABLE_TM_##m))
#define LROT_MASK_EQ LROT_MASK(EQ)
#define LROT_MASK_GC LROT_MASK(GC)
#define LROT_MASK_INDEX LROT_MASK(INDEX)
#define LROT_MASK_LEN LROT_MASK(LEN)
#define LROT_MASK_MODE LROT_MASK(MODE)
#define LROT_MASK_NEWINDEX LROT_MASK(NEWINDEX)
#define LROT_MASK_GC_INDEX (LROT_MASK_GC | LROT_MASK_INDEX)

#define LUA_MAX_ROTABLE_NAME 32

#endif
