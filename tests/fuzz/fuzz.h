/* fuzz.h: what the libFuzzer targets in tests/fuzz share: cutting one input into pieces the
 * way a network delivers it, and a check that aborts (so libFuzzer keeps the input) when a
 * property does not hold. Test code: never linked into the product. */
#ifndef ESRA_FUZZ_H
#define ESRA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The libFuzzer entry point every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the target checks: false aborts with the message (libFuzzer saves the input). */
#define FUZZ_CHECK(cond, what)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: %s:%d: %s (%s)\n", __FILE__, __LINE__, what,        \
			        #cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Piece lengths drawn from the input itself (FNV-1a of its bytes seeds a xorshift), so the
 * fixtures are seeds as they are (no byte of the input is spent on the choice) and one input
 * always cuts the same way: pieces of 1 byte up to 4 KiB, mixed within one feed. */
struct fuzz_cut {
	uint64_t state;
	size_t max;
};

static inline void fuzz_cut_init(struct fuzz_cut *c, const uint8_t *data, size_t size)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	c->state = h | 1;
	c->max = (size_t)1 << (h >> 60) % 13; /* 1 .. 4096 */
}

static inline size_t fuzz_cut_next(struct fuzz_cut *c, size_t left)
{
	size_t n;

	c->state ^= c->state << 13;
	c->state ^= c->state >> 7;
	c->state ^= c->state << 17;
	n = 1 + (size_t)(c->state % c->max);
	return n < left ? n : left;
}

#endif
