/* The platform the client core stands on in NodeMCU (mqtt_platform.c), built from the calls
 * NodeMCU's own modules use: espconn for TCP (and TLS where the firmware has it), lwIP's
 * dns_gethostbyname, one os_timer per client, system_get_time, and a posted task.
 *
 * The Lua module (mqtt.c) embeds one mqtt_platform_client in each of its clients, hands
 * mqtt_platform to mqtt_core_new with that mqtt_platform_client as `user`, and brackets the
 * platform's calls into a core with mqtt_platform_enter/leave (it defines them). */
#ifndef MQTT_PLATFORM_H
#define MQTT_PLATFORM_H

#include <stdint.h>

#include "osapi.h"
#include "mqtt_core.h"

typedef struct mqtt_link mqtt_link;

typedef struct mqtt_platform_client {
  mqtt_core *core;
  mqtt_link *link;           /* the connection the core owns, if any */
  os_timer_t timer;          /* the core's one timer */
  struct mqtt_platform_client *next_live;   /* every client, for the service task */
  int32_t failure;           /* open() failed at once: reported from the task */
  uint8_t service_due;       /* the core asked for mqtt_core_service() */
  uint8_t opening;           /* connect() started a session whose connection is not asked for yet */
} mqtt_platform_client;

extern const mqtt_core_platform mqtt_platform;

/* Before mqtt_core_new: the client's timer, and the client on the service task's list. */
void mqtt_platform_add(mqtt_platform_client *pc);
/* After mqtt_core_free: timer off, off the list, its connection let go. */
void mqtt_platform_remove(mqtt_platform_client *pc);
/* A connection is being asked for or opened (not open yet). */
int mqtt_platform_opening(const mqtt_platform_client *pc);

/* Defined by the Lua module: around every call the platform makes into pc->core. */
void mqtt_platform_enter(mqtt_platform_client *pc);
void mqtt_platform_leave(mqtt_platform_client *pc);

#endif
