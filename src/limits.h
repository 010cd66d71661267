/* limits.h: every cap on data that grows from network or file input, in one place.
 * Going over a cap is ESRA_ETOOLARGE with a message naming the cap, never truncated data. */
#ifndef ESRA_LIMITS_H
#define ESRA_LIMITS_H

#define ESRA_MAX_EUREKA_BODY    (256u << 20)  /* bytes of one Eureka response */
#define ESRA_MAX_DOCKER_BODY    (1024u << 20) /* bytes of one Docker response (/tasks is big) */
#define ESRA_MAX_ERROR_BODY     (4u << 10)    /* bytes of a non-2xx body kept for the message */
#define ESRA_MAX_JSON_ELEMENT   (32u << 20)   /* bytes of one streamed JSON element */
#define ESRA_MAX_JSON_DEPTH     64            /* nesting of JSON objects/arrays */
#define ESRA_MAX_XML_DEPTH      64            /* nesting of XML elements */
#define ESRA_MAX_XML_TEXT       (64u << 10)   /* bytes of one XML text value */
#define ESRA_MAX_STRING         4096          /* bytes of one name, id or URL we keep */
#define ESRA_MAX_INSTANCES      1000000       /* Eureka instances in one registry */
#define ESRA_MAX_OBJECTS        1000000       /* services, tasks, containers, networks each */
#define ESRA_MAX_ADDRS          64            /* addresses of one task / VIPs of one service */
#define ESRA_MAX_ALIASES        64            /* aliases of one container on one network */
#define ESRA_MAX_URLS           16            /* eureka.urls */
#define ESRA_MAX_DNS_NAMES      200000        /* names in one DNS batch */
#define ESRA_MAX_DNS_INFLIGHT   256           /* concurrent DNS queries */
#define ESRA_MAX_DNS_IPS        256           /* A records kept per name */
#define ESRA_MAX_CONFIG_LIST    1024          /* entries of one config list */
#define ESRA_MAX_PROPOSALS      100           /* {name}-new .. {name}-new100 */
#define ESRA_MAX_STATE_BYTES    (16u << 20)   /* bytes of the state file (state.dir) */
#define ESRA_MAX_STATE_OWNERS   250000        /* address owners the state remembers */
#define ESRA_MAX_STATE_FINDINGS 20000         /* finding ids the state remembers */
#define ESRA_VERIFY_WAIT_MS     3000          /* wait for every peer to show a write */

#endif
