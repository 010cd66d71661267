/* fuzz_eureka.c: libFuzzer target for the Eureka registry parser (JSON and XML: the first
 * non-space byte decides). Each input is parsed twice, whole and cut into pieces as a
 * network delivers it; both must agree (same status, same instances), and neither may crash,
 * leak or read out of bounds. Seeds: tests/fixtures/eureka (scripts/fuzz.sh). */
#include <string.h>

#include "eureka_parse.h"
#include "fuzz.h"
#include "model.h"

/* What a parse produced, reduced to a number both parses must share. */
static uint64_t digest(int rc, const struct eu_registry *r)
{
	uint64_t h = (uint64_t)(int64_t)rc * 31u;

	if (r == NULL)
		return h;
	h = h * 31u + r->n_inst;
	h = h * 31u + r->n_apps;
	h = h * 31u + (uint64_t)r->versions_delta;
	for (size_t i = 0; i < r->n_inst; i++) {
		const struct eu_instance *in = &r->inst[i];
		for (const char *s = in->instance_id; s != NULL && *s != '\0'; s++)
			h = h * 131u + (unsigned char)*s;
		for (const char *s = in->app; s != NULL && *s != '\0'; s++)
			h = h * 131u + (unsigned char)*s;
		h = h * 31u + (uint64_t)in->port;
		h = h * 31u + (uint64_t)in->status;
		h = h * 31u + in->ip;
		h = h * 31u + (uint64_t)in->last_renewal_ms;
	}
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct eu_registry *whole = NULL, *cut = NULL;
	struct eureka_parser *p;
	struct esra_err err;
	char msg_whole[sizeof(err.msg)];
	struct fuzz_cut c;
	int rc_whole, rc_cut;
	size_t off = 0;

	esra_err_clear(&err);
	rc_whole = eureka_parse(text, size, &whole, &err);
	snprintf(msg_whole, sizeof(msg_whole), "%s", err.msg);
	FUZZ_CHECK(rc_whole == ESRA_OK || (err.code == rc_whole && err.msg[0] != '\0'),
	           "a failed parse names its error");
	FUZZ_CHECK((rc_whole == ESRA_OK) == (whole != NULL), "a registry exactly on success");

	p = eureka_parser_new();
	FUZZ_CHECK(p != NULL, "parser");
	esra_err_clear(&err);
	fuzz_cut_init(&c, data, size);
	rc_cut = ESRA_OK;
	while (off < size && rc_cut == ESRA_OK) {
		size_t n = fuzz_cut_next(&c, size - off);
		rc_cut = eureka_parser_feed(p, text + off, n, &err);
		off += n;
	}
	if (rc_cut == ESRA_OK)
		rc_cut = eureka_parser_finish(p, &cut, &err);
	eureka_parser_free(p);
	if (rc_cut != rc_whole)
		fprintf(stderr, "fuzz: whole: %d %s\nfuzz: in pieces of up to %zu: %d %s\n",
		        rc_whole, msg_whole, c.max, rc_cut, err.msg);
	FUZZ_CHECK(rc_cut == rc_whole, "whole and in pieces: the same status");
	FUZZ_CHECK(digest(rc_whole, whole) == digest(rc_cut, cut),
	           "whole and in pieces: the same registry");
	model_reg_free(whole);
	model_reg_free(cut);
	return 0;
}
