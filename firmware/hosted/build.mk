# The hosted runtime (firmware/hosted): NodeMCU Lua scripts on Linux with Debian's Lua 5.1 and
# NodeMCU's tmr, node and mqtt modules, over POSIX stand-ins for espconn, DNS, os_timer and task
# posting (hosted/include holds the NodeMCU/SDK headers of the platform contract).
#   wasmqtt-lua       -O2, for `wasmqtt run`
#   wasmqtt-lua-asan  ASan+UBSan, for the tests
#   wasmqtt-lua-native-asan  the same over the native engine (engine/build.mk), for the same tests
#   wasmqtt-lua-probe ASan+UBSan with the test-only netprobe module (hosted/probe), for the tests
#                     of espconn, DNS and tasks as a module sees them
#   mqtt-lua53.o      the Lua module (nodemcu/mqtt.c) compiled (only) against Lua 5.3's headers
#   mqtt-platform-notls.o  its platform (nodemcu/mqtt_platform.c) compiled (only) without TLS
HOSTED_OUT := $(BUILD)/hosted
HOSTED_SRC := $(sort $(wildcard hosted/*.c))
HOSTED_HDR := $(wildcard hosted/*.h hosted/include/*.h hosted/include/*/*.h)
HOSTED_CC ?= clang
HOSTED_SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOSTED_BASE := $(CSTD) -D_GNU_SOURCE -DWASMQTT_HOSTED=1 -Ihosted/include -Ihosted

# The mqtt module (nodemcu/ over core/) joins once both exist; without it, wasmqtt-lua says so
# when a script touches `mqtt`.
HOSTED_MQTT := $(and $(wildcard nodemcu/mqtt.c),$(wildcard $(CORE_SRC)))
ifneq ($(HOSTED_MQTT),)
HOSTED_MQTT_SRC := $(sort $(wildcard nodemcu/*.c)) $(CORE_SRC) $(ENGINE_SRC) $(sort $(wildcard vm/*.c))
HOSTED_MQTT_DEP := $(HOSTED_MQTT_SRC) $(wildcard nodemcu/*.h) $(CORE_HDR) $(ENGINE_HDR) $(wildcard vm/*.h)
HOSTED_MQTT_FLAGS := -Inodemcu $(CORE_INC) $(ENGINE_INC) $(ENGINE_VM_DEFS)
HOSTED_NATIVE_SRC := $(sort $(wildcard nodemcu/*.c)) $(CORE_SRC) $(ENGINE_NATIVE_OWN)
ALL += $(HOSTED_OUT)/wasmqtt-lua-native-asan
endif
ifneq ($(wildcard nodemcu/mqtt.c),)
ALL += $(HOSTED_OUT)/mqtt-lua53.o $(HOSTED_OUT)/mqtt-platform-notls.o
endif

# CLIENT_SSL_ENABLE: NodeMCU's switch for TLS (user_config.h); espconn_secure_* is OpenSSL here.
# mqtt-lua53.o and mqtt-platform-notls.o are compiled without it, so the module's no-TLS paths are
# compiled too.
HOSTED_FLAGS := $(HOSTED_BASE) -DCLIENT_SSL_ENABLE -I/usr/include/lua5.1 $(HOSTED_MQTT_FLAGS)
HOSTED_LIBS := -llua5.1 -lssl -lcrypto -lm
ALL += $(HOSTED_OUT)/wasmqtt-lua $(HOSTED_OUT)/wasmqtt-lua-asan $(HOSTED_OUT)/wasmqtt-lua-probe

$(HOSTED_OUT)/wasmqtt-lua: $(HOSTED_SRC) $(HOSTED_HDR) $(HOSTED_MQTT_DEP) hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_FLAGS) -O2 -o $@ $(HOSTED_SRC) $(HOSTED_MQTT_SRC) $(HOSTED_LIBS)

$(HOSTED_OUT)/wasmqtt-lua-asan: $(HOSTED_SRC) $(HOSTED_HDR) $(HOSTED_MQTT_DEP) hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_FLAGS) $(HOSTED_SAN) -o $@ $(HOSTED_SRC) $(HOSTED_MQTT_SRC) $(HOSTED_LIBS)

$(HOSTED_OUT)/wasmqtt-lua-probe: $(HOSTED_SRC) $(HOSTED_HDR) hosted/probe/netprobe.c hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_BASE) -I/usr/include/lua5.1 $(HOSTED_SAN) -o $@ $(HOSTED_SRC) hosted/probe/netprobe.c $(HOSTED_LIBS)

$(HOSTED_OUT)/mqtt-lua53.o: nodemcu/mqtt.c $(HOSTED_HDR) $(wildcard nodemcu/*.h) $(CORE_HDR) hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_BASE) -I/usr/include/lua5.3 -Inodemcu $(CORE_INC) $(ENGINE_INC) -c -o $@ nodemcu/mqtt.c

$(HOSTED_OUT)/mqtt-platform-notls.o: nodemcu/mqtt_platform.c $(HOSTED_HDR) $(wildcard nodemcu/*.h) $(CORE_HDR) hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_BASE) -Inodemcu $(CORE_INC) $(ENGINE_INC) -c -o $@ nodemcu/mqtt_platform.c

$(HOSTED_OUT)/wasmqtt-lua-native-asan: $(HOSTED_SRC) $(HOSTED_HDR) $(HOSTED_NATIVE_SRC) $(wildcard nodemcu/*.h) $(CORE_HDR) $(ENGINE_NATIVE_HDR) $(NATIVE_OBJ_SAN) hosted/build.mk
	@mkdir -p $(HOSTED_OUT)
	$(HOSTED_CC) $(HOSTED_BASE) -DCLIENT_SSL_ENABLE -I/usr/include/lua5.1 -Inodemcu $(CORE_INC) $(ENGINE_NATIVE_INC) $(HOSTED_SAN) -o $@ $(HOSTED_SRC) $(HOSTED_NATIVE_SRC) $(NATIVE_OBJ_SAN) $(HOSTED_LIBS)
