/* Placement of values with lifetimes in one arena (the memory plan). */
#ifndef OCTET_ARENA_PLACE_H
#define OCTET_ARENA_PLACE_H

#include <stddef.h>

#include "octet.h"

/* One value to place: `bytes` (already aligned), alive from schedule step
 * `first` to step `last` inclusive (0 <= first <= last); `offset` is set. */
typedef struct octet_arena_item {
  size_t bytes;
  int first, last;
  size_t offset;
} octet_arena_item;

/* Greedy placement in the order given (the planner gives the biggest
 * first): each value at the lowest offset where it overlaps no value placed
 * before it that is alive at the same time. *total receives the arena size
 * (the highest end). O((n + p) log n) time for p pairs of values alive at
 * the same time (an interval index over the steps finds them); the offsets
 * are exactly those of the plain search over every placed value. */
octet_status octet_arena_place(octet_arena_item *items, int n, size_t *total);

#endif
