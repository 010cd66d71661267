/* eureka_parse.h: the Eureka registry parser: bytes of a GET apps (or apps/delta, or one
 * application or instance) answer in, an eu_registry out. No I/O: eureka.c feeds it what
 * the server sends, tests and the benchmark feed it files.
 * Ownership: the registry handed out by eureka_parser_finish / eureka_parse belongs to the
 * caller (model_reg_free); the parser is the caller's (eureka_parser_free). */
#ifndef ESRA_EUREKA_PARSE_H
#define ESRA_EUREKA_PARSE_H

#include "common.h"
#include "model.h"

/* Incremental parser, fed as the body arrives (also used by tests and the benchmark).
 * The format is taken from the first non-space byte ('<' XML, '{' JSON). It accepts the full
 * registry ({"applications":{...}} or <applications>), the body of applications without the
 * wrapper, one application, and one bare instance (as GET apps/{APP}/{ID} returns; in JSON
 * also wrapped as {"instance":{...}}).
 * Dialects: application/instance as arrays or single collapsed objects; numbers or strings
 * for numbers; port as {"$":N,"@enabled":"true"} or N; overriddenStatus wins over the
 * legacy overriddenstatus, lastRenewalTimestamp over renewalTimestamp, whatever their
 * order; an instance without "app" takes its application's name; metadata "@class" and
 * dataCenterInfo are ignored; an invalid ipAddr is ip_valid = false, not an error.
 * The input must be UTF-8; an XML DOCTYPE is refused (no DTDs, no entities). Errors are
 * ESRA_EPARSE, or ESRA_ETOOLARGE over a cap in limits.h, with a message saying where (JSON
 * path or XML line); a failed parser keeps returning its first error. Memory is bounded by
 * one instance plus the registry being built. */
struct eureka_parser;
struct eureka_parser *eureka_parser_new(void);
void eureka_parser_free(struct eureka_parser *p);
int eureka_parser_feed(struct eureka_parser *p, const char *data, size_t n,
                       struct esra_err *err) ESRA_WUR;
/* Completes the parse; *out gets the finished registry (model_reg_finish done). */
int eureka_parser_finish(struct eureka_parser *p, struct eu_registry **out,
                         struct esra_err *err) ESRA_WUR;
/* One-shot convenience over the parser. */
int eureka_parse(const char *data, size_t n, struct eu_registry **out,
                 struct esra_err *err) ESRA_WUR;

#ifdef ESRA_TESTING
/* A decimal integer with optional whitespace around it: 0 ok, 1 empty, -1 not an integer
 * (or out of int64 range). */
int eureka_parse_i64(const char *s, size_t n, int64_t *out);
#endif

#endif
