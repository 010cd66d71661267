/* jstream.h: splits a JSON document that arrives in pieces into complete sub-values chosen
 * by their path, so each can be parsed (cJSON) and freed on its own. Memory is bounded by the
 * largest chosen value, not the document (/tasks alone can be 40 MB: doc/design.md,
 * Performance targets).
 * It checks the document's structure (brackets, strings, commas, one top-level value); the
 * chosen values themselves are validated by whoever parses them. */
#ifndef ESRA_JSTREAM_H
#define ESRA_JSTREAM_H

#include "common.h"

enum jstream_want { JS_SKIP = 0, JS_DESCEND, JS_EMIT };
enum jstream_type { JS_OBJECT, JS_ARRAY, JS_STRING, JS_NUMBER, JS_LITERAL };

/* Where a value sits: path[i] is the member key (objects) or index (arrays) of the
 * level-(i+1) value inside its level-i container. Keys are raw (escapes not decoded) and
 * cut to JSTREAM_KEY_MAX-1 bytes (a longer key is reported as "" with key_cut set). */
#define JSTREAM_KEY_MAX 64
struct jstream_frame {
	const char *key; /* NULL inside arrays */
	bool key_cut;
	size_t index; /* position inside the container (objects count members too) */
};

/* Asked at the start of every value not inside a skipped or emitted one. depth is the
 * number of enclosing containers (0 = the document itself). DESCEND on a scalar = SKIP. */
typedef enum jstream_want (*jstream_want_fn)(void *ud, const struct jstream_frame *path,
                                             size_t depth, enum jstream_type type);
/* Called with the complete text of each EMIT value (not NUL-terminated, valid only during
 * the call). A non-zero return stops the stream with that code. */
typedef int (*jstream_value_fn)(void *ud, const struct jstream_frame *path, size_t depth,
                                const char *json, size_t len, struct esra_err *err);

/* Asked, once jstream_set_drop is called, at the start of every object member's value inside
 * an emitted one (path[depth-1].key is the member's key). true: the value is left out of the
 * emitted text, replaced by null, so the parser never builds what its reader never looks at
 * (a task's Spec). Only the structure of a dropped value is checked. */
typedef bool (*jstream_drop_fn)(void *ud, const struct jstream_frame *path, size_t depth);

struct jstream;

/* max_value caps one emitted value (ESRA_ETOOLARGE beyond it); max_depth caps nesting. */
struct jstream *jstream_new(jstream_want_fn want, jstream_value_fn value, void *ud,
                            size_t max_value, size_t max_depth);
void jstream_free(struct jstream *js); /* NULL is a no-op */
/* Leave chosen members out of emitted values (before the first feed). */
void jstream_set_drop(struct jstream *js, jstream_drop_fn drop);
/* Feed the next piece. ESRA_EPARSE with the byte offset on malformed input. */
int jstream_feed(struct jstream *js, const char *data, size_t n, struct esra_err *err) ESRA_WUR;
/* The document must be complete: one top-level value, nothing but whitespace after it. */
int jstream_finish(struct jstream *js, struct esra_err *err) ESRA_WUR;
/* Bytes fed so far. */
uint64_t jstream_offset(const struct jstream *js);

#endif
