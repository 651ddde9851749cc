/* NodeMCU's tls module, the part a secure MQTT connection uses: tls.cert.verify. As on NodeMCU,
 * a device does not check the broker's certificate until told to:
 *   tls.cert.verify(pem[, pem...])  the CA certificate(s) to check against; checking on
 *   tls.cert.verify(true / false)   checking on (with the CA given before) / off
 * A broker whose certificate does not verify fails the connection (secure.c prints why). */
#include <string.h>

#include "hosted.h"
#include "lauxlib.h"
#include "module.h"

static int tls_cert_verify(lua_State *L) {
  bool ok;
  if (lua_type(L, 1) == LUA_TSTRING) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= lua_gettop(L); i++) {
      size_t len;
      const char *pem = luaL_checklstring(L, i, &len);
      luaL_addlstring(&b, pem, len);
      luaL_addchar(&b, '\n');
    }
    luaL_pushresult(&b);
    size_t len;
    const char *all = lua_tolstring(L, -1, &len);
    if (!hosted_tls_set_ca(all, len))
      return luaL_error(L, "tls.cert.verify: no PEM certificate (-----BEGIN CERTIFICATE-----) in the data given");
    ok = true;
  } else {
    ok = hosted_tls_verify(lua_toboolean(L, 1));
    if (!ok) return luaL_error(L, "no certificates found");
  }
  lua_pushboolean(L, ok);
  return 1;
}

LROT_BEGIN(tls_cert, NULL, 0)
  LROT_FUNCENTRY(verify, tls_cert_verify)
LROT_END(tls_cert, NULL, 0)

LROT_BEGIN(tls, NULL, 0)
  LROT_TABENTRY(cert, tls_cert)
LROT_END(tls, NULL, 0)

NODEMCU_MODULE(TLS, "tls", tls, NULL);
