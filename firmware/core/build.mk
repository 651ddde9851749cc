# The client core (core/mqtt_core.c: one MQTT client over the engine, no Lua or espconn) and the
# firmware's bounds (core/mqtt_limits.h), listed once for every program that links them: the Lua
# module (hosted/, NodeMCU trees), the QEMU session (lx106/) and the C tests (test/).
CORE_SRC := core/mqtt_core.c
CORE_HDR := core/mqtt_core.h core/mqtt_limits.h
CORE_INC := -Icore
# The one place of the firmware's bounds; the engine's generators read its io size.
CORE_LIMITS := core/mqtt_limits.h
