/* test_state.c: esra's memory file: a round trip keeps owners and first sightings; a
 * missing file is a quiet fresh start; a corrupt, truncated, oversized, foreign or malformed
 * file is a warning and a fresh start; pruning keeps the newest; a save that cannot be
 * written leaves the old file as it was. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "state.h"

static char dir[] = "/tmp/esra-test-state.XXXXXX";

static int setup(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/esra-test-state.XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **st)
{
	char cmd[256];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *read_state(size_t *n)
{
	char path[512];
	FILE *f;
	char *buf = calloc(1, 1 << 20);

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	f = fopen(path, "rb");
	assert_non_null(f);
	*n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

static struct state_owner owner(const char *ip, const char *kind, const char *name, const char *id)
{
	struct state_owner o;
	int prefix;

	memset(&o, 0, sizeof(o));
	assert_int_equal(ip4_parse(ip, strlen(ip), &o.ip, &prefix), ESRA_OK);
	o.kind = kind;
	o.name = name;
	o.id = id;
	o.service = "gbs-cms";
	o.node = "node2";
	o.state = "running";
	return o;
}

static struct state *loaded(const char *node, char *warn, size_t warnsz)
{
	struct state *st = state_new(node);

	assert_non_null(st);
	assert_int_equal(state_load(st, dir, warn, warnsz), ESRA_OK);
	return st;
}

static void test_state_round_trip_keeps_owners_and_first_sightings(void **unused)
{
	struct state *st = state_new("node-a");
	struct state_owner o = owner("10.0.1.7", "task", "gbs-cms.2", "task2");
	struct state_owner v = owner("10.0.1.2", "service_vip", "gbs-cms", "svc1");
	const struct state_owner *got[4];
	struct esra_err err;
	char warn[256];
	int64_t first = 0;

	(void)unused;
	assert_int_equal(state_note_owner(st, &o, 1000), ESRA_OK);
	assert_int_equal(state_note_owner(st, &v, 1000), ESRA_OK);
	o.state = "failed";
	assert_int_equal(state_note_owner(st, &o, 5000), ESRA_OK);
	assert_int_equal(state_note_finding(st, "poisoned_name:gbs-cms", 2000, &first), ESRA_OK);
	assert_int_equal(first, 2000);
	assert_int_equal(state_note_finding(st, "poisoned_name:gbs-cms", 9000, &first), ESRA_OK);
	assert_int_equal(first, 2000);
	assert_int_equal(state_save(st, dir, 9000, &err), ESRA_OK);
	state_free(st);

	st = loaded("node-a", warn, sizeof(warn));
	assert_string_equal(warn, "");
	assert_int_equal(state_n_owners(st), 2);
	assert_int_equal(state_owners(st, o.ip, got, 4), 1);
	assert_string_equal(got[0]->name, "gbs-cms.2");
	assert_string_equal(got[0]->state, "failed");
	assert_int_equal(got[0]->first_ms, 1000);
	assert_int_equal(got[0]->last_ms, 5000);
	assert_int_equal(state_finding_first(st, "poisoned_name:gbs-cms"), 2000);
	assert_int_equal(state_finding_first(st, "stale_instance:X/y"), 0);
	state_free(st);
}

static void test_state_missing_file_is_a_quiet_fresh_start(void **unused)
{
	char warn[256] = "x";
	struct state *st;

	(void)unused;
	st = loaded("node-a", warn, sizeof(warn));
	assert_string_equal(warn, "");
	assert_int_equal(state_n_owners(st), 0);
	state_free(st);
}

/* Each bad file gives a warning naming the file and the reason, and an empty memory. */
static void expect_fresh(const char *text, size_t n, const char *node, const char *why)
{
	char warn[512];
	struct state *st;

	write_file(STATE_FILE, text, n);
	st = loaded(node, warn, sizeof(warn));
	if (strstr(warn, why) == NULL || strstr(warn, dir) == NULL)
		tu_fail("warning \"%s\" lacks \"%s\" or the path", warn, why);
	assert_non_null(strstr(warn, "starting with no memory"));
	assert_int_equal(state_n_owners(st), 0);
	assert_int_equal(state_n_findings(st), 0);
	state_free(st);
}

static void test_state_corrupt_file_is_a_warning_and_a_fresh_start(void **unused)
{
	(void)unused;
	expect_fresh("\x01\x02garbage{{", 11, "node-a", "is not valid JSON");
}

static void test_state_truncated_file_is_a_warning_and_a_fresh_start(void **unused)
{
	struct state *st = state_new("node-a");
	struct state_owner o = owner("10.0.1.7", "task", "gbs-cms.2", "task2");
	struct esra_err err;
	char *text;
	size_t n;

	(void)unused;
	assert_int_equal(state_note_owner(st, &o, 1000), ESRA_OK);
	assert_int_equal(state_save(st, dir, 1000, &err), ESRA_OK);
	state_free(st);
	text = read_state(&n);
	assert_true(n > 40);
	expect_fresh(text, n / 2, "node-a", "is not valid JSON (corrupt or truncated)");
	free(text);
}

static void test_state_oversized_file_is_a_warning_and_a_fresh_start(void **unused)
{
	char path[512];
	int fd;

	(void)unused;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)ESRA_MAX_STATE_BYTES + 1), 0);
	close(fd);
	{
		char warn[512];
		struct state *st = loaded("node-a", warn, sizeof(warn));
		assert_non_null(strstr(warn, "is over"));
		assert_int_equal(state_n_owners(st), 0);
		state_free(st);
	}
}

static void test_state_foreign_file_is_a_warning_and_a_fresh_start(void **unused)
{
	static const char other[] =
	    "{\"format\":\"esra-state\",\"version\":1,\"node_id\":\"node-b\","
	    "\"owners\":[],\"findings\":[]}";
	static const char alien[] = "{\"apps\":{\"application\":[]}}";
	static const char future[] = "{\"format\":\"esra-state\",\"version\":7,\"owners\":[],"
	                             "\"findings\":[]}";

	(void)unused;
	expect_fresh(other, sizeof(other) - 1, "node-a", "belongs to node node-b");
	expect_fresh(alien, sizeof(alien) - 1, "node-a", "is not an esra state file");
	expect_fresh(future, sizeof(future) - 1, "node-a", "version this esra does not read");
}

static void test_state_malformed_entry_is_a_warning_and_a_fresh_start(void **unused)
{
	static const char bad_ip[] =
	    "{\"format\":\"esra-state\",\"version\":1,\"node_id\":\"node-a\",\"owners\":[{\"ip\":"
	    "\"10.0.1.300\",\"kind\":\"task\",\"first\":1,\"last\":2}],\"findings\":[]}";
	static const char bad_time[] =
	    "{\"format\":\"esra-state\",\"version\":1,\"node_id\":\"node-a\",\"owners\":[],"
	    "\"findings\":[{\"id\":\"x\",\"first\":\"yesterday\",\"last\":2}]}";

	(void)unused;
	expect_fresh(bad_ip, sizeof(bad_ip) - 1, "node-a", "malformed owner entry (#0)");
	expect_fresh(bad_time, sizeof(bad_time) - 1, "node-a", "malformed finding entry (#0)");
}

static void test_state_prune_keeps_the_newest_and_drops_the_old(void **unused)
{
	struct state *st = state_new("node-a");
	struct state_owner a = owner("10.0.1.7", "task", "gbs-cms.1", "t1");
	struct state_owner b = owner("10.0.1.8", "task", "gbs-cms.2", "t2");
	const struct state_owner *got[2];
	int64_t first;

	(void)unused;
	assert_int_equal(state_note_owner(st, &a, 1000), ESRA_OK);
	assert_int_equal(state_note_owner(st, &b, 90000), ESRA_OK);
	assert_int_equal(state_note_finding(st, "old", 1000, &first), ESRA_OK);
	assert_int_equal(state_note_finding(st, "new", 90000, &first), ESRA_OK);
	assert_int_equal(state_prune(st, 100000, 50000, 50000), ESRA_OK);
	assert_int_equal(state_n_owners(st), 1);
	assert_int_equal(state_owners(st, a.ip, got, 2), 0);
	assert_int_equal(state_owners(st, b.ip, got, 2), 1);
	assert_string_equal(got[0]->id, "t2");
	assert_int_equal(state_finding_first(st, "old"), 0);
	assert_int_equal(state_finding_first(st, "new"), 90000);
	/* an owner seen again after compaction is the same entry */
	assert_int_equal(state_note_owner(st, &b, 95000), ESRA_OK);
	assert_int_equal(state_n_owners(st), 1);
	state_free(st);
}

static void test_state_failed_save_leaves_the_old_file(void **unused)
{
	struct state *st = state_new("node-a");
	struct state_owner a = owner("10.0.1.7", "task", "gbs-cms.1", "t1");
	struct esra_err err;
	char tmp[512], *before, *after;
	size_t n1, n2;

	(void)unused;
	assert_int_equal(state_note_owner(st, &a, 1000), ESRA_OK);
	assert_int_equal(state_save(st, dir, 1000, &err), ESRA_OK);
	before = read_state(&n1);
	/* the temporary file's name taken by a directory: the write cannot start */
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, STATE_FILE);
	assert_int_equal(mkdir(tmp, 0700), 0);
	a.name = "gbs-cms.9";
	a.id = "t9";
	assert_int_equal(state_note_owner(st, &a, 2000), ESRA_OK);
	assert_int_equal(state_save(st, dir, 2000, &err), ESRA_EIO);
	assert_non_null(strstr(err.msg, tmp));
	after = read_state(&n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	/* and a directory that does not exist names itself */
	assert_int_equal(state_save(st, "/nonexistent/esra", 2000, &err), ESRA_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/esra"));
	rmdir(tmp);
	free(before);
	free(after);
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_state_round_trip_keeps_owners_and_first_sightings,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_missing_file_is_a_quiet_fresh_start, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_state_corrupt_file_is_a_warning_and_a_fresh_start,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_state_truncated_file_is_a_warning_and_a_fresh_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_state_oversized_file_is_a_warning_and_a_fresh_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_foreign_file_is_a_warning_and_a_fresh_start,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_state_malformed_entry_is_a_warning_and_a_fresh_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_prune_keeps_the_newest_and_drops_the_old,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_failed_save_leaves_the_old_file, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
