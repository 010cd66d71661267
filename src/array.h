/* array.h: the one growth rule for malloc'ed arrays of fixed-size elements: room for
 * element n, doubling the capacity when full, with the byte count checked for overflow.
 * Holds no state; the caller owns the array (free it with free()). */
#ifndef ESRA_ARRAY_H
#define ESRA_ARRAY_H

#include "common.h"

/* Make room for the element at index n of arr (capacity *cap elements of elem bytes, n <=
 * *cap). Returns arr itself when n < *cap; else the array reallocated to twice the capacity
 * (first when *cap is 0), *cap updated. NULL when the memory cannot be had or its size would
 * not fit a size_t: arr is then unchanged and still the caller's. The new room is not
 * cleared. Usage: v = array_grow(l->v, &l->cap, l->n, sizeof(*v), 16); if (v == NULL) fail;
 * l->v = v; */
void *array_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first) ESRA_WUR;

#endif
