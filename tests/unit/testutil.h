/* testutil.h: helpers shared by the unit tests: fixture loading and cmocka includes. */
#ifndef ESRA_TESTUTIL_H
#define ESRA_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Read tests/fixtures/<rel> into a NUL-terminated malloc'ed buffer (caller frees); the test
 * fails when the file cannot be read. */
char *tu_fixture(const char *rel, size_t *len);
/* Read the file at path into a NUL-terminated malloc'ed buffer (caller frees); NULL when it
 * cannot be opened (a file that opens but cannot be read fails the test). */
char *tu_read_file(const char *path, size_t *len);
/* Fail the test with a message; never returns (cmocka's fail_msg is not declared so, which
 * -O3 -Wnull-dereference notices in finder helpers). */
void tu_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* The absolute path of a fixture (static buffer, valid until the next call). */
const char *tu_fixture_path(const char *rel);

#endif
