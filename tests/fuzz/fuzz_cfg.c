/* fuzz_cfg.c: libFuzzer target for the configuration text (cfg_load_string: libconfig's
 * parser, then esra's key table, types and checks). Every input either loads or fails with
 * ESRA_ECONFIG and at least one "file:line: key: reason" problem; a loaded configuration
 * prints (cfg_dump) as text that loads again. Seeds: etc/esra.conf and the config fixtures
 * (scripts/fuzz.sh). */
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const no_env[] = {NULL};
	struct esra_config cfg, again;
	struct buf problems, dump;
	struct esra_err err;
	char *text;
	int rc;

	/* libconfig's @include opens any path it names (the operator's own file may): not
	 * what a fuzzer should make it read (/dev/zero). */
	if (memmem(data, size, "@include", 8) != NULL)
		return 0;
	text = malloc(size + 1);
	FUZZ_CHECK(text != NULL, "malloc");
	memcpy(text, data, size);
	text[size] = '\0';
	buf_init(&problems, 0);
	esra_err_clear(&err);
	memset(&cfg, 0, sizeof(cfg));
	rc = cfg_load_string(&cfg, text, "fuzz.conf", no_env, &problems, &err);
	free(text);
	if (rc != ESRA_OK) {
		FUZZ_CHECK(rc == ESRA_ECONFIG || rc == ESRA_ENOMEM, "config errors are ECONFIG");
		FUZZ_CHECK(err.code == rc && strstr(err.msg, "fuzz.conf") != NULL,
		           "the error names the file");
		FUZZ_CHECK(problems.len > 0, "every failure lists its problems");
		buf_free(&problems);
		return 0;
	}
	buf_free(&problems);
	buf_init(&dump, 0);
	FUZZ_CHECK(cfg_dump(&cfg, &dump) == ESRA_OK && dump.data != NULL, "cfg_dump");
	cfg_free(&cfg);
	buf_init(&problems, 0);
	memset(&again, 0, sizeof(again));
	rc = cfg_load_string(&again, dump.data, "dump.conf", no_env, &problems, &err);
	if (rc != ESRA_OK)
		fprintf(stderr, "fuzz: the dump does not load:\n%s\n%s\n", dump.data,
		        problems.data != NULL ? problems.data : err.msg);
	FUZZ_CHECK(rc == ESRA_OK, "what cfg_dump prints loads again");
	cfg_free(&again);
	buf_free(&problems);
	buf_free(&dump);
	return 0;
}
