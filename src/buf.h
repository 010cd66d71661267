/* buf.h: a growable byte buffer with a hard cap, for network input and report output.
 * The buffer owns data; buf_free releases it. Going over the cap is ESRA_ETOOLARGE. */
#ifndef ESRA_BUF_H
#define ESRA_BUF_H

#include "common.h"

struct buf {
	char *data; /* always NUL-terminated after a successful append (if non-NULL) */
	size_t len;
	size_t cap;
	size_t limit; /* 0 = no cap */
};

void buf_init(struct buf *b, size_t limit);
void buf_free(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory */
int buf_append(struct buf *b, const void *p, size_t n) ESRA_WUR;
int buf_puts(struct buf *b, const char *s) ESRA_WUR;
int buf_printf(struct buf *b, const char *fmt, ...) ESRA_PRINTF(2, 3) ESRA_WUR;
/* Append s as a JSON string literal, quotes included. */
int buf_json_str(struct buf *b, const char *s) ESRA_WUR;
/* Hand the data to the caller (who frees it); the buffer is left empty. */
char *buf_take(struct buf *b, size_t *len);

#endif
