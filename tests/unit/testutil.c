/* testutil.c: fixture loading for the unit tests. */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *tu_fixture_path(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("ESRA_FIXTURES");

	snprintf(path, sizeof(path), "%s/%s", dir != NULL ? dir : ESRA_FIXTURES, rel);
	return path;
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n = 0;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		tu_fail("cannot size %s", path);
	data = malloc((size_t)n + 1);
	if (data == NULL)
		tu_fail("out of memory for %s", path);
	if (fread(data, 1, (size_t)n, f) != (size_t)n)
		tu_fail("cannot read %s", path);
	data[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return data;
}

char *tu_fixture(const char *rel, size_t *len)
{
	const char *path = tu_fixture_path(rel);
	char *data = tu_read_file(path, len);

	if (data == NULL)
		tu_fail("cannot open fixture %s", path);
	return data;
}

void tu_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s", msg);
	abort(); /* not reached: fail_msg longjmps out of the test */
}
