/* Generated from abi/abi.json by abi/generate.mjs: do not edit (change the table, then node abi/generate.mjs). */
/* The firmware's side of the ABI's numbers (docs/abi.md); included by mqtt_engine.h. */
#ifndef MQTT_ENGINE_ABI_H
#define MQTT_ENGINE_ABI_H

/* Event kinds: the `event(kind, a, b, c)` import. */
enum {
  MQTT_ENGINE_EV_OPEN = 1,            /* open a transport to the broker now */
  MQTT_ENGINE_EV_CLOSE = 2,           /* close the transport */
  MQTT_ENGINE_EV_CONNECT = 3,         /* a = session present */
  MQTT_ENGINE_EV_CONNFAIL = 4,        /* a = reason (connfail reasons) */
  MQTT_ENGINE_EV_OFFLINE = 5,         /* the connection is gone */
  MQTT_ENGINE_EV_PUBACK = 6,          /* a = token, b = the publish blob, released with it */
  MQTT_ENGINE_EV_SUBACK = 8,          /* a = token, b = pointer to the return codes (bytes), c = their count */
  MQTT_ENGINE_EV_UNSUBACK = 9,        /* a = token */
  MQTT_ENGINE_EV_DROPPED = 10,        /* a = token, b = the publish blob, released with it */
  MQTT_ENGINE_EV_PROTOCOL_ERROR = 11, /* a = error code; the engine also asks for close */
  MQTT_ENGINE_EV_ITEM = 12,           /* codec mode: a = count of parser items, b = pointer to them (4 x i32 each: item, x, y, piece pointer) */
  MQTT_ENGINE_EV_WARNING = 13         /* a = error code: the broker did something legal but odd, the session goes on (once per code and connection) */
};

/* Message flags: the `flags` of the `message` import. */
enum {
  MQTT_ENGINE_MSG_FIRST = 1,     /* first piece of a message */
  MQTT_ENGINE_MSG_LAST = 2,      /* last piece (or an empty one when the rest was cut) */
  MQTT_ENGINE_MSG_OVERFLOW = 4,  /* the payload was longer than maxMessageLength: only its first bytes were delivered */
  MQTT_ENGINE_MSG_QOS_SHIFT = 3, /* the QoS is in bits 3..4 */
  MQTT_ENGINE_MSG_RETAIN = 32,   /* retain flag */
  MQTT_ENGINE_MSG_DUP = 64,      /* DUP flag */
  MQTT_ENGINE_MSG_TOPIC = 128    /* the call carries a piece of the topic (a topic not wholly in one io chunk; total = the topic's length) */
};

/* Start flags: the `flags` of `start`. */
enum {
  MQTT_ENGINE_CLEAN_SESSION = 1,  /* clean session */
  MQTT_ENGINE_AUTO_RECONNECT = 2, /* reconnect after a loss or a failed attempt */
  MQTT_ENGINE_WILL = 4,           /* the will topic and message are set */
  MQTT_ENGINE_WILL_QOS_SHIFT = 3, /* the will's QoS is in bits 3..4 */
  MQTT_ENGINE_WILL_RETAIN = 32,   /* the will is retained */
  MQTT_ENGINE_HAS_USERNAME = 64,  /* the username is set */
  MQTT_ENGINE_HAS_PASSWORD = 128  /* the password is set */
};

/* String kinds: the `kind` of `text` and `field`. */
enum {
  MQTT_ENGINE_CLIENT_ID = 0,    /* client id (text) */
  MQTT_ENGINE_USERNAME = 1,     /* username (text) */
  MQTT_ENGINE_PASSWORD = 2,     /* password (binary: no text()) */
  MQTT_ENGINE_WILL_TOPIC = 3,   /* will topic (topic name) */
  MQTT_ENGINE_WILL_MESSAGE = 4, /* will message (binary) */
  MQTT_ENGINE_TOPIC = 5,        /* publish topic (topic name) */
  MQTT_ENGINE_FILTER = 6        /* topic filter; field() takes its QoS in bits 8..9 */
};

/* Connfail reasons: `failed(reason)` and event CONNFAIL's a (NodeMCU's mqtt.CONN_FAIL_* and mqtt.CONNACK_*). */
enum {
  MQTT_ENGINE_CONNFAIL_SERVER_NOT_FOUND = -5,          /* refused, no listener, or the transport closed while opening */
  MQTT_ENGINE_CONNFAIL_NOT_A_CONNACK_MSG = -4,         /* the reply was not a CONNACK (or the transport closed before it) */
  MQTT_ENGINE_CONNFAIL_DNS = -3,                       /* the host name did not resolve */
  MQTT_ENGINE_CONNFAIL_TIMEOUT_RECEIVING = -2,         /* no CONNACK in time */
  MQTT_ENGINE_CONNFAIL_TIMEOUT_SENDING = -1,           /* the transport did not open in time */
  MQTT_ENGINE_CONNFAIL_ACCEPTED = 0,                   /* CONNACK accepted (never a failure) */
  MQTT_ENGINE_CONNFAIL_REFUSED_PROTOCOL_VER = 1,       /* CONNACK refusal: protocol version (ends the session) */
  MQTT_ENGINE_CONNFAIL_REFUSED_ID_REJECTED = 2,        /* CONNACK refusal: client id rejected (ends the session) */
  MQTT_ENGINE_CONNFAIL_REFUSED_SERVER_UNAVAILABLE = 3, /* CONNACK refusal: server unavailable (retried) */
  MQTT_ENGINE_CONNFAIL_REFUSED_BAD_USER_OR_PASS = 4,   /* CONNACK refusal: bad username or password (ends the session) */
  MQTT_ENGINE_CONNFAIL_REFUSED_NOT_AUTHORIZED = 5      /* CONNACK refusal: not authorized (ends the session) */
};

/* Packed arguments: field's kindAndQos and publish's qosRetain. */
enum {
  MQTT_ENGINE_FIELD_QOS_SHIFT = 8,   /* field(kind | qos << 8, ...): a filter's requested QoS above the kind */
  MQTT_ENGINE_PUBLISH_QOS_SHIFT = 1, /* publish(..., qos << 1 | retain, ...): the QoS above the retain bit */
  MQTT_ENGINE_PUBLISH_RETAIN = 1     /* publish's retain bit */
};

/* Error codes: returned by calls, and the a of events PROTOCOL_ERROR and WARNING: 1..30 a broken packet from the peer; 31..33 the broker's answer is odd but legal: event WARNING, the session goes on; 40..50 a bad argument from the host, or ABI misuse. */
enum {
  MQTT_ENGINE_ERR_RESERVED_TYPE = 1,
  MQTT_ENGINE_ERR_HEADER_FLAGS = 2,
  MQTT_ENGINE_ERR_PUBLISH_QOS3 = 3,
  MQTT_ENGINE_ERR_DUP_QOS0 = 4,
  MQTT_ENGINE_ERR_LENGTH_TOO_LONG = 5,
  MQTT_ENGINE_ERR_LENGTH_MISMATCH = 6,
  MQTT_ENGINE_ERR_TRUNCATED = 7,
  MQTT_ENGINE_ERR_TRAILING = 8,
  MQTT_ENGINE_ERR_PACKET_ID_ZERO = 9,
  MQTT_ENGINE_ERR_UTF8 = 10,
  MQTT_ENGINE_ERR_NUL = 11,
  MQTT_ENGINE_ERR_EMPTY_TOPIC = 12,
  MQTT_ENGINE_ERR_TOPIC_WILDCARD = 13,
  MQTT_ENGINE_ERR_FILTER_WILDCARD = 14,
  MQTT_ENGINE_ERR_PROTOCOL_NAME = 15,
  MQTT_ENGINE_ERR_PROTOCOL_LEVEL = 16,
  MQTT_ENGINE_ERR_CONNECT_FLAGS = 17,
  MQTT_ENGINE_ERR_CONNACK_FLAGS = 18,
  MQTT_ENGINE_ERR_CONNACK_CODE = 19,
  MQTT_ENGINE_ERR_CONNACK_SESSION = 20,
  MQTT_ENGINE_ERR_REQUESTED_QOS = 21,
  MQTT_ENGINE_ERR_SUBACK_CODE = 22,
  MQTT_ENGINE_ERR_NO_ENTRIES = 23,
  MQTT_ENGINE_ERR_CLIENT_PACKET = 24,
  MQTT_ENGINE_ERR_NOT_CONNACK = 25,
  MQTT_ENGINE_ERR_SECOND_CONNACK = 26,
  MQTT_ENGINE_ERR_EMPTY_FILTER = 29,
  MQTT_ENGINE_ERR_SUBACK_COUNT = 30,
  MQTT_ENGINE_ERR_QOS2_PUBACK = 31,
  MQTT_ENGINE_ERR_WRONG_ACK = 32,
  MQTT_ENGINE_ERR_QOS2_WINDOW = 33,
  MQTT_ENGINE_ERR_ARG_QOS = 40,
  MQTT_ENGINE_ERR_ARG_TOO_LONG = 41,
  MQTT_ENGINE_ERR_ARG_PASSWORD = 42,
  MQTT_ENGINE_ERR_ARG_CLIENT_ID = 43,
  MQTT_ENGINE_ERR_ARG_FILTERS = 44,
  MQTT_ENGINE_ERR_ARG_ORDER = 45,
  MQTT_ENGINE_ERR_ARG_KEEPALIVE = 46,
  MQTT_ENGINE_ERR_ARG_IO = 47,
  MQTT_ENGINE_ERR_ARG_CODEC_IO = 48,
  MQTT_ENGINE_ERR_ARG_LAYOUT = 49,
  MQTT_ENGINE_ERR_ARG_PUBLISH_TOO_LONG = 50
};

/* Bytes a buffer needs to hold any error text whole, its NUL included. */
#define MQTT_ENGINE_ERROR_TEXT_BYTES 101

#endif
