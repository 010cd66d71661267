/* jstream.c: a byte-wise JSON structure scanner that emits chosen sub-values (see jstream.h).
 * Values emitted within one piece are passed without copying; values spanning pieces, and
 * values with dropped members, are gathered in a buffer capped at max_value. A value over the
 * cap fails when it ends, however it was cut: a malformed byte inside it is the error then. */
#include "jstream.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

enum state {
	ST_VALUE,        /* a value must start here */
	ST_VALUE_OR_END, /* first element of an array, or ']' */
	ST_KEY,          /* a member key must start here */
	ST_KEY_OR_END,   /* first member of an object, or '}' */
	ST_COLON,
	ST_AFTER, /* ',' or a closing bracket */
	ST_STRING,
	ST_SCALAR, /* inside a number or literal */
	ST_DONE
};

enum mode { M_NORMAL, M_SKIP, M_CAPTURE, M_DROP /* inside a captured value, left out */ };

struct jstream {
	jstream_want_fn want;
	jstream_value_fn value;
	jstream_drop_fn drop;
	void *ud;
	size_t max_value, max_depth;
	struct jstream_frame *path;
	char (*keys)[JSTREAM_KEY_MAX];
	char *kinds; /* 'o' or 'a' per open container */
	size_t depth;
	enum state state;
	bool escape, string_is_key;
	size_t keylen;
	enum mode mode;
	size_t mode_depth;  /* depth of the skipped/captured value */
	size_t drop_depth;  /* M_DROP: depth of the dropped member's value */
	uint64_t cap_start; /* offset of the captured value's first byte: the cap counts
	                     * dropped bytes too */
	struct buf cap;     /* captured bytes from earlier pieces */
	bool cap_over;      /* the captured value is over max_value (failed at its end) */
	uint64_t offset;    /* bytes fed before the current piece */
	bool seen_value;
	int error;
};

struct jstream *jstream_new(jstream_want_fn want, jstream_value_fn value, void *ud,
                            size_t max_value, size_t max_depth)
{
	struct jstream *js = calloc(1, sizeof(*js));

	if (js == NULL)
		return NULL;
	js->want = want;
	js->value = value;
	js->ud = ud;
	js->max_value = max_value;
	js->max_depth = max_depth;
	js->path = calloc(max_depth + 1, sizeof(*js->path));
	js->keys = calloc(max_depth + 1, sizeof(*js->keys));
	js->kinds = calloc(max_depth + 1, 1);
	if (js->path == NULL || js->keys == NULL || js->kinds == NULL) {
		jstream_free(js);
		return NULL;
	}
	buf_init(&js->cap, max_value);
	js->state = ST_VALUE;
	return js;
}

void jstream_free(struct jstream *js)
{
	if (js == NULL)
		return;
	free(js->path);
	free(js->keys);
	free(js->kinds);
	buf_free(&js->cap);
	free(js);
}

void jstream_set_drop(struct jstream *js, jstream_drop_fn drop)
{
	js->drop = drop;
}

uint64_t jstream_offset(const struct jstream *js)
{
	return js->offset;
}

static int syntax(struct jstream *js, struct esra_err *err, uint64_t at, const char *what)
{
	js->error = ESRA_EPARSE;
	return esra_err_set(err, ESRA_EPARSE, "malformed JSON at byte %llu: %s",
	                    (unsigned long long)at, what);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int nomem(struct jstream *js, struct esra_err *err)
{
	js->error = ESRA_ENOMEM;
	return esra_err_set(err, ESRA_ENOMEM, "JSON stream: out of memory");
}

/* Gather chunk[from, to) of the captured value. Over the cap, the scan goes on to the value's
 * end (or a malformed byte) and fails there, as it does when the value is in one piece. */
static int gather(struct jstream *js, const char *chunk, size_t from, size_t to,
                  struct esra_err *err)
{
	int rc;

	if (js->cap_over || to == from)
		return ESRA_OK;
	rc = buf_append(&js->cap, chunk + from, to - from);
	if (rc == ESRA_ENOMEM)
		return nomem(js, err);
	if (rc != 0)
		js->cap_over = true;
	return ESRA_OK;
}

/* A value that started at chunk[*cap_from] (or earlier, in js->cap) ends before chunk[end]. */
static int emit(struct jstream *js, const char *chunk, size_t cap_from, size_t end,
                struct esra_err *err)
{
	int rc;

	if (js->cap_over || js->offset + end - js->cap_start > js->max_value)
		goto toolarge;
	if (js->cap.len == 0) {
		if (end - cap_from > js->max_value)
			goto toolarge;
		rc = js->value(js->ud, js->path, js->mode_depth, chunk + cap_from, end - cap_from,
		               err);
	} else {
		rc = buf_append(&js->cap, chunk + cap_from, end - cap_from);
		if (rc == ESRA_ENOMEM)
			return nomem(js, err);
		if (rc != 0)
			goto toolarge;
		rc = js->value(js->ud, js->path, js->mode_depth, js->cap.data, js->cap.len, err);
		buf_reset(&js->cap);
	}
	if (rc != 0)
		js->error = rc;
	return rc;
toolarge:
	js->error = ESRA_ETOOLARGE;
	return esra_err_set(err, ESRA_ETOOLARGE, "a JSON value is over %zu bytes", js->max_value);
}

/* The value at depth d ended just before chunk[end]. */
static int value_end(struct jstream *js, size_t d, const char *chunk, size_t *cap_from, size_t end,
                     struct esra_err *err)
{
	if (js->mode == M_DROP) {
		if (d == js->drop_depth) { /* the capture goes on after the dropped value */
			js->mode = M_CAPTURE;
			*cap_from = end;
		}
	} else if (js->mode != M_NORMAL && d == js->mode_depth) {
		enum mode m = js->mode;
		js->mode = M_NORMAL;
		if (m == M_CAPTURE) {
			int rc = emit(js, chunk, *cap_from, end, err);
			if (rc != 0)
				return rc;
		}
	}
	js->state = d == 0 ? ST_DONE : ST_AFTER;
	return ESRA_OK;
}

/* A member value inside a captured one starts at chunk[at] and is dropped: what was captured
 * up to it goes to the buffer, then null in its place. */
static int drop_start(struct jstream *js, const char *chunk, size_t cap_from, size_t at,
                      struct esra_err *err)
{
	if (gather(js, chunk, cap_from, at, err) != 0 || gather(js, "null", 0, 4, err) != 0)
		return js->error;
	js->mode = M_DROP;
	js->drop_depth = js->depth;
	return ESRA_OK;
}

int jstream_feed(struct jstream *js, const char *chunk, size_t n, struct esra_err *err)
{
	size_t i = 0, cap_from = 0;

	if (js->error != 0)
		return esra_err_set(err, js->error, "JSON stream already failed");
	while (i < n) {
		char c = chunk[i];

		switch (js->state) {
		case ST_STRING: {
			/* fast path: run to the next quote or backslash */
			size_t j = i;
			if (js->escape) {
				js->escape = false;
				if (js->string_is_key && js->keylen < JSTREAM_KEY_MAX - 1)
					js->keys[js->depth - 1][js->keylen] = c;
				if (js->string_is_key)
					js->keylen++;
				i++;
				continue;
			}
			while (j < n && chunk[j] != '"' && chunk[j] != '\\')
				j++;
			if (js->string_is_key) {
				for (size_t k = i; k < j; k++, js->keylen++)
					if (js->keylen < JSTREAM_KEY_MAX - 1)
						js->keys[js->depth - 1][js->keylen] = chunk[k];
			}
			if (j == n) {
				i = n;
				continue;
			}
			if (chunk[j] == '\\') {
				js->escape = true;
				if (js->string_is_key && js->keylen < JSTREAM_KEY_MAX - 1)
					js->keys[js->depth - 1][js->keylen] = '\\';
				if (js->string_is_key)
					js->keylen++;
				i = j + 1;
				continue;
			}
			/* closing quote */
			i = j + 1;
			if (js->string_is_key) {
				struct jstream_frame *f = &js->path[js->depth - 1];
				bool cut = js->keylen >= JSTREAM_KEY_MAX;
				js->keys[js->depth - 1][cut ? 0 : js->keylen] = '\0';
				f->key = js->keys[js->depth - 1];
				f->key_cut = cut;
				js->state = ST_COLON;
			} else {
				int rc = value_end(js, js->depth, chunk, &cap_from, i, err);
				if (rc != 0)
					return rc;
			}
			continue;
		}
		case ST_SCALAR:
			if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.') {
				i++;
				continue;
			}
			{
				int rc = value_end(js, js->depth, chunk, &cap_from, i, err);
				if (rc != 0)
					return rc;
			}
			continue; /* reprocess c */
		default:
			break;
		}

		if (is_ws(c)) {
			i++;
			continue;
		}
		switch (js->state) {
		case ST_DONE:
			return syntax(js, err, js->offset + i, "data after the document");
		case ST_COLON:
			if (c != ':')
				return syntax(js, err, js->offset + i, "expected ':'");
			js->state = ST_VALUE;
			i++;
			continue;
		case ST_KEY_OR_END:
		case ST_KEY:
			if (c == '}' && js->state == ST_KEY_OR_END)
				goto close;
			if (c != '"')
				return syntax(js, err, js->offset + i, "expected a member name");
			js->string_is_key = true;
			js->keylen = 0;
			js->state = ST_STRING;
			i++;
			continue;
		case ST_AFTER:
			if (c == ',') {
				js->path[js->depth - 1].index++;
				js->state = js->kinds[js->depth - 1] == 'o' ? ST_KEY : ST_VALUE;
				i++;
				continue;
			}
			if (c == '}' || c == ']')
				goto close;
			return syntax(js, err, js->offset + i, "expected ',' or a closing bracket");
		case ST_VALUE_OR_END:
			if (c == ']')
				goto close;
			ESRA_FALLTHROUGH;
		case ST_VALUE: {
			enum jstream_type t;
			if (c == '{')
				t = JS_OBJECT;
			else if (c == '[')
				t = JS_ARRAY;
			else if (c == '"')
				t = JS_STRING;
			else if (c == '-' || (c >= '0' && c <= '9'))
				t = JS_NUMBER;
			else if (c == 't' || c == 'f' || c == 'n')
				t = JS_LITERAL;
			else
				return syntax(js, err, js->offset + i, "expected a value");
			js->seen_value = true;
			if (js->mode == M_CAPTURE && js->drop != NULL &&
			    js->depth > js->mode_depth && js->kinds[js->depth - 1] == 'o' &&
			    js->drop(js->ud, js->path, js->depth)) {
				int rc = drop_start(js, chunk, cap_from, i, err);
				if (rc != 0)
					return rc;
			}
			if (js->mode == M_NORMAL) {
				enum jstream_want w = js->want(js->ud, js->path, js->depth, t);
				if (w == JS_EMIT) {
					js->mode = M_CAPTURE;
					js->mode_depth = js->depth;
					js->cap_start = js->offset + i;
					js->cap_over = false;
					cap_from = i;
				} else if (w == JS_SKIP || t == JS_STRING || t == JS_NUMBER ||
				           t == JS_LITERAL) {
					js->mode = M_SKIP;
					js->mode_depth = js->depth;
				}
			}
			if (t == JS_OBJECT || t == JS_ARRAY) {
				if (js->depth >= js->max_depth) {
					js->error = ESRA_ETOOLARGE;
					return esra_err_set(
					    err, ESRA_ETOOLARGE,
					    "JSON nested deeper than %zu levels at byte %llu",
					    js->max_depth, (unsigned long long)(js->offset + i));
				}
				js->kinds[js->depth] = t == JS_OBJECT ? 'o' : 'a';
				js->path[js->depth].key = NULL;
				js->path[js->depth].key_cut = false;
				js->path[js->depth].index = 0;
				js->depth++;
				js->state = t == JS_OBJECT ? ST_KEY_OR_END : ST_VALUE_OR_END;
			} else if (t == JS_STRING) {
				js->string_is_key = false;
				js->escape = false;
				js->state = ST_STRING;
			} else {
				js->state = ST_SCALAR;
			}
			i++;
			continue;
		}
		default:
			return syntax(js, err, js->offset + i, "internal state");
		}
	close:
		if ((c == '}') != (js->kinds[js->depth - 1] == 'o'))
			return syntax(js, err, js->offset + i, "mismatched bracket");
		js->depth--;
		i++;
		{
			int rc = value_end(js, js->depth, chunk, &cap_from, i, err);
			if (rc != 0)
				return rc;
		}
	}
	if ((js->mode == M_CAPTURE || js->mode == M_DROP) &&
	    js->offset + n - js->cap_start > js->max_value)
		js->cap_over = true; /* dropped bytes count too */
	if (js->mode == M_CAPTURE && n > cap_from && gather(js, chunk, cap_from, n, err) != 0)
		return js->error;
	js->offset += n;
	return ESRA_OK;
}

int jstream_finish(struct jstream *js, struct esra_err *err)
{
	if (js->error != 0)
		return esra_err_set(err, js->error, "JSON stream already failed");
	if (js->state == ST_SCALAR && js->depth == 0) {
		/* a bare top-level number or literal ends with the document */
		size_t from = 0;
		int rc = value_end(js, 0, "", &from, 0, err);
		if (rc != 0)
			return rc;
	}
	if (!js->seen_value)
		return syntax(js, err, js->offset, "empty document");
	if (js->state != ST_DONE)
		return syntax(js, err, js->offset, "document is truncated");
	return ESRA_OK;
}
