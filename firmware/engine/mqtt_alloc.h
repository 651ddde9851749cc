/* The heap calls of the engine and the client core: malloc/free unless the build names others
 * (-DMQTT_MALLOC=name -DMQTT_FREE=name, e.g. the lx106 session's counting allocator). */
#ifndef MQTT_ALLOC_H
#define MQTT_ALLOC_H

#include <stddef.h>

#ifdef MQTT_MALLOC
void *MQTT_MALLOC(size_t size);
void MQTT_FREE(void *block);
#else
#include <stdlib.h>
#define MQTT_MALLOC(size) malloc(size)
#define MQTT_FREE(block) free(block)
#endif

#endif
