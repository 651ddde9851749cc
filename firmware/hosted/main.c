/* wasmqtt-lua SCRIPT.lua [--broker HOST:PORT] [--timeout SECONDS]
 * Runs a NodeMCU Lua script on the host: Debian's Lua 5.1 with NodeMCU's tmr, node and (when
 * built with it) mqtt modules over POSIX stand-ins for the ESP8266 platform, then the main
 * loop until nothing is left to do. Exit: 0 done or node.restart(), 1 script error, 2 usage or
 * unreadable script, 124 timeout. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"
#include "lauxlib.h"
#include "lualib.h"

#define USAGE "usage: wasmqtt-lua SCRIPT.lua [--broker HOST:PORT] [--timeout SECONDS]\n"

typedef struct {
  const char *script;
  const char *broker;
  double timeout_s;
} options;

static int parse_options(int argc, char **argv, options *opt) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE, stdout);
      exit(0);
    } else if (strcmp(a, "--broker") == 0 || strcmp(a, "--timeout") == 0) {
      if (i + 1 == argc) {
        fprintf(stderr, "wasmqtt-lua: %s needs a value\n" USAGE, a);
        return 2;
      }
      const char *value = argv[++i];
      if (a[2] == 'b') {
        opt->broker = value;
      } else {
        char *end = NULL;
        opt->timeout_s = strtod(value, &end);
        if (end == value || *end != '\0' || !(opt->timeout_s > 0) || opt->timeout_s > 1e9) {
          fprintf(stderr, "wasmqtt-lua: --timeout wants a number of seconds above 0, not '%s'\n", value);
          return 2;
        }
      }
    } else if (a[0] == '-' && a[1] == '-') {
      fprintf(stderr, "wasmqtt-lua: unknown option '%s'\n" USAGE, a);
      return 2;
    } else if (opt->script) {
      fprintf(stderr, "wasmqtt-lua: one script at a time ('%s' and '%s')\n" USAGE, opt->script, a);
      return 2;
    } else {
      opt->script = a;
    }
  }
  if (!opt->script) {
    fputs(USAGE, stderr);
    return 2;
  }
  return 0;
}

static int panic(lua_State *L) {
  const char *message = lua_tostring(L, -1);
  fflush(stdout);
  fprintf(stderr, "PANIC: unprotected error in call to Lua API (%s)\n", message ? message : "?");
  exit(1);
}

static int open_modules(lua_State *L) {
  hosted_open_modules(L);
  return 0;
}

/* A board keeps its files side by side in one flat file system: the script runs in its own
 * folder, so dofile("config.lua"), require and io.open find its neighbours. */
static void enter_script_folder(const char *script) {
  char folder[PATH_MAX];
  size_t len = strlen(script);
  if (len >= sizeof folder) return;
  memcpy(folder, script, len + 1);
  char *slash = strrchr(folder, '/');
  if (!slash) return;
  slash[slash == folder ? 1 : 0] = '\0';
  if (chdir(folder) != 0) fprintf(stderr, "wasmqtt-lua: cannot enter %s: %s\n", folder, strerror(errno));
}

/* Loads and runs the script; 0, or the exit code after reporting why not. */
static int run_script(lua_State *L, const char *script) {
  FILE *probe = fopen(script, "r");
  if (!probe) {
    fprintf(stderr, "wasmqtt-lua: cannot open %s: %s\n", script, strerror(errno));
    return 2;
  }
  fclose(probe);
  int status = luaL_loadfile(L, script);
  if (status == 0) enter_script_folder(script);
  if (status == 0) {
    lua_pushcfunction(L, hosted_traceback);
    lua_insert(L, -2);
    status = lua_pcall(L, 0, 0, -2);
  }
  if (status == LUA_ERRFILE) {
    fprintf(stderr, "wasmqtt-lua: %s\n", lua_tostring(L, -1));
    return 2;
  }
  if (status != 0) {
    const char *message = lua_tostring(L, -1);
    hosted_report_error(message ? message : "(error object is not a string)");
    return 1;
  }
  lua_settop(L, 0);
  return 0;
}

int main(int argc, char **argv) {
  options opt = {0};
  int code = parse_options(argc, argv, &opt);
  if (code) return code;

  static char out_buffer[4096]; /* static: node.heap() should not count stdio's buffer */
  setvbuf(stdout, out_buffer, _IOLBF, sizeof out_buffer);
  signal(SIGPIPE, SIG_IGN);
  if (opt.broker) {
    char err[512];
    if (!hosted_broker_set(opt.broker, err, sizeof err)) {
      fprintf(stderr, "wasmqtt-lua: %s\n", err);
      return 2;
    }
  }
  uint64_t deadline_ms = opt.timeout_s > 0 ? hosted_now_ms() + (uint64_t)(opt.timeout_s * 1000.0 + 0.5) : 0;
  if (opt.timeout_s > 0 && deadline_ms == 0) deadline_ms = 1;

  lua_State *L = luaL_newstate();
  if (!L) {
    fprintf(stderr, "wasmqtt-lua: out of memory\n");
    return 1;
  }
  lua_atpanic(L, panic);
  hosted_lua_set_state(L);
  luaL_openlibs(L);
  if (lua_cpcall(L, open_modules, NULL) != 0) {
    hosted_report_error(lua_tostring(L, -1));
    code = 1;
  }
  hosted_heap_baseline();
  if (!code) code = run_script(L, opt.script);
  if (!code) {
    switch (hosted_loop_run(deadline_ms)) {
      case HOSTED_LOOP_IDLE: break;
      case HOSTED_LOOP_RESTART:
        printf("node.restart(): ending the run\n");
        break;
      case HOSTED_LOOP_TIMEOUT: {
        char left[256];
        hosted_loop_describe(left, sizeof left);
        fflush(stdout);
        fprintf(stderr, "wasmqtt-lua: --timeout %g s reached with work left (%s); stopping\n", opt.timeout_s, left);
        code = 124;
        break;
      }
    }
  }
  fflush(stdout);
  lua_close(L);
  hosted_lua_set_state(NULL);
  hosted_espconn_shutdown();
  hosted_dns_shutdown();
  return code;
}
