/* test_jstream.c: the streaming JSON splitter emits the same values however the input is cut,
 * and rejects malformed documents with the byte offset. */
#include <string.h>

#include "buf.h"
#include "jstream.h"
#include "limits.h"
#include "testutil.h"

struct collect {
	struct buf out; /* "path=value\n" per emitted value */
	int stop_after; /* return an error after this many values (0 = never) */
	int seen;
};

/* Emit each element of the top-level array, and the members of .meta. */
static enum jstream_want want_elems(void *ud, const struct jstream_frame *path, size_t depth,
                                    enum jstream_type type)
{
	(void)ud;
	(void)type;
	if (depth == 0)
		return JS_DESCEND;
	if (depth == 1 && path[0].key == NULL)
		return JS_EMIT;
	if (depth == 1 && strcmp(path[0].key, "items") == 0)
		return JS_DESCEND;
	if (depth == 2 && path[0].key != NULL && strcmp(path[0].key, "items") == 0)
		return JS_EMIT;
	if (depth == 1 && strcmp(path[0].key, "version") == 0)
		return JS_EMIT;
	return JS_SKIP;
}

static int on_value(void *ud, const struct jstream_frame *path, size_t depth, const char *json,
                    size_t len, struct esra_err *err)
{
	struct collect *c = ud;

	if (c->stop_after && ++c->seen >= c->stop_after)
		return esra_err_set(err, ESRA_EPARSE, "stop");
	if (buf_printf(&c->out, "%zu:%s:%zu=", depth, depth && path[0].key ? path[0].key : "-",
	               path[depth - 1].index) != 0 ||
	    buf_append(&c->out, json, len) != 0 || buf_puts(&c->out, "\n") != 0)
		return ESRA_ENOMEM;
	return 0;
}

static int run(const char *doc, size_t piece, struct collect *c, struct esra_err *err)
{
	struct jstream *js = jstream_new(want_elems, on_value, c, 1 << 20, 8);
	size_t len = strlen(doc);
	int rc = ESRA_OK;

	assert_non_null(js);
	for (size_t off = 0; off < len && rc == 0; off += piece)
		rc = jstream_feed(js, doc + off, len - off < piece ? len - off : piece, err);
	if (rc == 0)
		rc = jstream_finish(js, err);
	jstream_free(js);
	return rc;
}

static void test_jstream_same_values_for_every_piece_size(void **state)
{
	const char *doc = " [ {\"a\": [1, 2, {\"b\": \"x]}\\\"\"}]}, 12.5e3 ,\"s\\\\\" , true,"
	                  "null, [], {} ] \n";
	struct collect ref = {0}, c = {0};
	struct esra_err err;

	(void)state;
	buf_init(&ref.out, 0);
	assert_int_equal(run(doc, strlen(doc), &ref, &err), ESRA_OK);
	assert_string_equal(ref.out.data, "1:-:0={\"a\": [1, 2, {\"b\": \"x]}\\\"\"}]}\n"
	                                  "1:-:1=12.5e3\n1:-:2=\"s\\\\\"\n1:-:3=true\n"
	                                  "1:-:4=null\n1:-:5=[]\n1:-:6={}\n");
	for (size_t piece = 1; piece < strlen(doc); piece++) {
		buf_init(&c.out, 0);
		assert_int_equal(run(doc, piece, &c, &err), ESRA_OK);
		assert_string_equal(c.out.data, ref.out.data);
		buf_free(&c.out);
	}
	buf_free(&ref.out);
}

static void test_jstream_object_paths_choose_members(void **state)
{
	const char *doc =
	    "{\"version\":\"3\",\"skip\":{\"items\":[9]},\"items\":[{\"x\":1},{\"y\":2}]}";
	struct collect c = {0};
	struct esra_err err;

	(void)state;
	for (size_t piece = 1; piece <= strlen(doc); piece++) {
		buf_init(&c.out, 0);
		assert_int_equal(run(doc, piece, &c, &err), ESRA_OK);
		assert_string_equal(c.out.data, "1:version:0=\"3\"\n2:items:0={\"x\":1}\n"
		                                "2:items:1={\"y\":2}\n");
		buf_free(&c.out);
	}
}

static void test_jstream_malformed_documents_are_errors(void **state)
{
	static const char *const bad[] = {
	    "",        "   ",        "[1,2",
	    "[1,,2]",  "{\"a\" 1}",  "[1]]",
	    "[1] [2]", "{\"a\":1,}", "[\"unterminated]",
	    "{1:2}",   "[}",         "{]",
	    "[1 2]",   "x",
	};
	struct esra_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct collect c = {0};
		buf_init(&c.out, 0);
		esra_err_clear(&err);
		int rc = run(bad[i], 3, &c, &err);
		if (rc != ESRA_EPARSE)
			fail_msg("document %zu \"%s\" gave %d", i, bad[i], rc);
		assert_non_null(strstr(err.msg, "malformed JSON"));
		buf_free(&c.out);
	}
}

static void test_jstream_depth_and_size_caps(void **state)
{
	char deep[64];
	struct collect c = {0};
	struct esra_err err;
	struct jstream *js;
	const char *big = "[\"0123456789abcdef0123456789\"]";

	(void)state;
	memset(deep, '[', 20);
	deep[20] = '\0';
	buf_init(&c.out, 0);
	assert_int_equal(run(deep, 4, &c, &err), ESRA_ETOOLARGE);
	assert_non_null(strstr(err.msg, "nested deeper than 8"));
	js = jstream_new(want_elems, on_value, &c, 10, 8);
	assert_non_null(js);
	assert_int_equal(jstream_feed(js, big, 5, &err), ESRA_OK);
	assert_int_equal(jstream_feed(js, big + 5, strlen(big) - 5, &err), ESRA_ETOOLARGE);
	assert_non_null(strstr(err.msg, "over 10 bytes"));
	jstream_free(js);
	buf_free(&c.out);
}

/* A value over the cap with a malformed byte inside: the malformed byte is the error, whole
 * or in pieces (found by fuzz_jstream: in pieces the cap used to fail first). */
static void test_jstream_error_inside_a_long_value_does_not_depend_on_the_cut(void **state)
{
	const char *doc = "[{\"k\":\"0123456789abcdef\" x}]";
	struct collect c = {0};
	struct esra_err err;

	(void)state;
	buf_init(&c.out, 0);
	for (size_t piece = 1; piece <= strlen(doc); piece++) {
		struct jstream *js = jstream_new(want_elems, on_value, &c, 10, 8);
		size_t len = strlen(doc);
		int rc = ESRA_OK;
		assert_non_null(js);
		for (size_t off = 0; off < len && rc == 0; off += piece)
			rc = jstream_feed(js, doc + off, len - off < piece ? len - off : piece,
			                  &err);
		if (rc != ESRA_EPARSE ||
		    strstr(err.msg, "at byte 25: expected ',' or a closing bracket") == NULL)
			fail_msg("pieces of %zu: %d %s", piece, rc, err.msg);
		jstream_free(js);
	}
	buf_free(&c.out);
}

static void test_jstream_callback_error_stops_stream(void **state)
{
	struct collect c = {0};
	struct esra_err err;

	(void)state;
	buf_init(&c.out, 0);
	c.stop_after = 2;
	assert_int_equal(run("[1,2,3]", 2, &c, &err), ESRA_EPARSE);
	assert_string_equal(err.msg, "stop");
	buf_free(&c.out);
}

/* Drop members "Spec" (any depth) and "x" inside the emitted elements. */
static bool drop_spec(void *ud, const struct jstream_frame *path, size_t depth)
{
	(void)ud;
	return strcmp(path[depth - 1].key, "Spec") == 0 || strcmp(path[depth - 1].key, "x") == 0;
}

static int run_drop(const char *doc, size_t piece, size_t cap, struct collect *c,
                    struct esra_err *err)
{
	struct jstream *js = jstream_new(want_elems, on_value, c, cap, 8);
	size_t len = strlen(doc);
	int rc = ESRA_OK;

	assert_non_null(js);
	jstream_set_drop(js, drop_spec);
	for (size_t off = 0; off < len && rc == 0; off += piece)
		rc = jstream_feed(js, doc + off, len - off < piece ? len - off : piece, err);
	if (rc == 0)
		rc = jstream_finish(js, err);
	jstream_free(js);
	return rc;
}

/* Dropped members become null in the emitted text, whatever their type and wherever the
 * pieces are cut; the members around them, and values outside emitted ones, are intact. */
static void test_jstream_dropped_members_are_null_for_every_piece_size(void **state)
{
	const char *doc = "[{\"Spec\":{\"a\":[1,{\"Spec\":2}],\"s\":\"}\\\"\"},\"ID\":\"t1\","
	                  "\"n\":{\"x\":12.5,\"y\":[true]},\"x\":\"q\" , \"Spec\" : false},"
	                  "{\"ID\":\"t2\",\"Spec\":[]},7]";
	const char *want = "1:-:0={\"Spec\":null,\"ID\":\"t1\",\"n\":{\"x\":null,\"y\":[true]},"
	                   "\"x\":null , \"Spec\" : null}\n"
	                   "1:-:1={\"ID\":\"t2\",\"Spec\":null}\n1:-:2=7\n";
	struct collect c = {0};
	struct esra_err err;

	(void)state;
	for (size_t piece = 1; piece <= strlen(doc); piece++) {
		buf_init(&c.out, 0);
		assert_int_equal(run_drop(doc, piece, 1 << 20, &c, &err), ESRA_OK);
		assert_string_equal(c.out.data, want);
		buf_free(&c.out);
	}
	/* the cap counts the bytes as sent, dropped ones included */
	buf_init(&c.out, 0);
	assert_int_equal(run_drop(doc, 5, 40, &c, &err), ESRA_ETOOLARGE);
	buf_free(&c.out);
	/* a dropped value's structure is still checked */
	buf_init(&c.out, 0);
	assert_int_equal(run_drop("[{\"Spec\":{\"a\":[1}}]", 3, 1 << 20, &c, &err), ESRA_EPARSE);
	buf_free(&c.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jstream_same_values_for_every_piece_size),
	    cmocka_unit_test(test_jstream_object_paths_choose_members),
	    cmocka_unit_test(test_jstream_malformed_documents_are_errors),
	    cmocka_unit_test(test_jstream_depth_and_size_caps),
	    cmocka_unit_test(test_jstream_error_inside_a_long_value_does_not_depend_on_the_cut),
	    cmocka_unit_test(test_jstream_callback_error_stops_stream),
	    cmocka_unit_test(test_jstream_dropped_members_are_null_for_every_piece_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
