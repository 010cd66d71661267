/* fuzz_jstream.c: libFuzzer target for the streaming JSON splitter. Each input is split
 * twice, whole and cut into pieces; both runs must emit the same values at the same paths and
 * end with the same status, and an emitted value is never over the cap. The values chosen
 * depend on the input (emit at depth 1, 2 or 3, or by key; drop members inside them or not),
 * so every path shape is walked.
 * Seeds: the JSON fixtures of tests/fixtures (scripts/fuzz.sh). */
#include <string.h>

#include "fuzz.h"
#include "jstream.h"

#define MAX_VALUE 4096
#define MAX_DEPTH 24

struct run {
	unsigned mode; /* what to emit, from the input's hash */
	uint64_t h;    /* digest of everything emitted */
	size_t values;
};

static enum jstream_want want(void *ud, const struct jstream_frame *path, size_t depth,
                              enum jstream_type type)
{
	const struct run *r = ud;
	size_t at = 1 + r->mode % 3;

	(void)type;
	if (r->mode % 5 == 4 && depth > 0 && path[depth - 1].key != NULL &&
	    path[depth - 1].key[0] == 'i')
		return JS_EMIT; /* "instance", "id", "info"...: by key, at any depth */
	return depth < at ? JS_DESCEND : JS_EMIT;
}

/* Inside an emitted value, members whose key starts with 'S' (as Spec is dropped from tasks)
 * are left out when the mode says so. */
static bool drop(void *ud, const struct jstream_frame *path, size_t depth)
{
	const struct run *r = ud;

	return (r->mode / 8) % 2 == 1 && depth > 0 && path[depth - 1].key != NULL &&
	       path[depth - 1].key[0] == 'S';
}

static int on_value(void *ud, const struct jstream_frame *path, size_t depth, const char *json,
                    size_t len, struct esra_err *err)
{
	struct run *r = ud;

	(void)err;
	FUZZ_CHECK(len > 0 && len <= MAX_VALUE, "an emitted value is within the cap");
	r->h = r->h * 31u + depth;
	for (size_t i = 0; i < depth; i++) {
		r->h = r->h * 31u + path[i].index + (path[i].key_cut ? 7u : 0u);
		for (const char *k = path[i].key; k != NULL && *k != '\0'; k++)
			r->h = r->h * 131u + (unsigned char)*k;
	}
	for (size_t i = 0; i < len; i++)
		r->h = r->h * 131u + (unsigned char)json[i];
	r->values++;
	return 0;
}

static int split(const uint8_t *data, size_t size, struct fuzz_cut *cut, struct run *r,
                 struct esra_err *errp)
{
	struct jstream *js = jstream_new(want, on_value, r, MAX_VALUE, MAX_DEPTH);
	struct esra_err err;
	size_t off = 0;
	int rc = ESRA_OK;

	FUZZ_CHECK(js != NULL, "jstream_new");
	jstream_set_drop(js, drop);
	esra_err_clear(&err);
	while (off < size && rc == ESRA_OK) {
		size_t n = cut != NULL ? fuzz_cut_next(cut, size - off) : size;
		rc = jstream_feed(js, (const char *)data + off, n, &err);
		off += n;
	}
	if (rc == ESRA_OK)
		rc = jstream_finish(js, &err);
	FUZZ_CHECK(rc == ESRA_OK || (err.code == rc && err.msg[0] != '\0'),
	           "a failed split names its error");
	FUZZ_CHECK(rc != ESRA_OK || jstream_offset(js) == size, "every byte was read");
	jstream_free(js);
	*errp = err;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_cut c;
	struct run whole, cut;
	struct esra_err e_whole, e_cut;
	int rc_whole, rc_cut;

	fuzz_cut_init(&c, data, size);
	memset(&whole, 0, sizeof(whole));
	whole.mode = (unsigned)(c.state >> 32);
	cut = whole;
	rc_whole = split(data, size, NULL, &whole, &e_whole);
	rc_cut = split(data, size, &c, &cut, &e_cut);
	if (rc_whole != rc_cut || whole.values != cut.values || whole.h != cut.h)
		fprintf(stderr,
		        "fuzz: whole: %d %s (%zu values)\nfuzz: in pieces: %d %s (%zu values)\n",
		        rc_whole, e_whole.msg, whole.values, rc_cut, e_cut.msg, cut.values);
	FUZZ_CHECK(rc_whole == rc_cut, "whole and in pieces: the same status");
	FUZZ_CHECK(whole.values == cut.values && whole.h == cut.h,
	           "whole and in pieces: the same values");
	return 0;
}
