/* array.c: growth of malloc'ed arrays (see array.h). Never grows past what size_t can
 * count, never frees or moves an array it could not grow. */
#include "array.h"

#include <stdlib.h>

void *array_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return arr;
	if (elem == 0)
		return NULL;
	ncap = *cap != 0 ? *cap : (first != 0 ? first : 1);
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return NULL;
	p = realloc(arr, ncap * elem);
	if (p == NULL)
		return NULL;
	*cap = ncap;
	return p;
}
