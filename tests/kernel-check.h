/* Scaffolding shared by the backend kernel tests (tests/x86, tests/arm):
 * seeded random data, buffers that end at a guard page, the OctetAttention
 * test case, and one node run through a backend against ref. */
#ifndef OCTET_TEST_KERNEL_CHECK_H
#define OCTET_TEST_KERNEL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"
#include "op-harness.h"

/* ---- random data ------------------------------------------------------------ */

/* Restarts the generator (each test program calls it once in main with its
 * own seed, before running the suite). */
void rand_seed(unsigned seed);
/* Uniform in [-1, 1), from a 32-bit LCG. */
float frand(void);
/* n values frand() * scale, as float32 or (rounded) float16 bits; malloc'ed. */
void *rand_data(octet_dtype t, int64_t n, float scale);

/* ---- guarded buffers -------------------------------------------------------- */

/* n floats ending right at an inaccessible page: a kernel that reads or
 * writes past the last row's width faults. Free with munmap(map, len). */
typedef struct guarded {
  void *map;
  size_t len;
  float *p;
} guarded;

guarded guarded_alloc(size_t n);
/* guarded_alloc(n) filled with frand(). */
guarded rand_f32(size_t n);

/* ---- OctetAttention ----------------------------------------------------------- */

typedef struct att_shape {
  int64_t B, Sq, Sk, H, D;
} att_shape;

/* An OctetAttention case (Q [B, Sq, H, D], K and V [B, Sk, H, D]) with random
 * inputs of type t, the given scale op (0 none, 1 Mul, 2 Div, with a random
 * scalar) and mask kind: 0 none, 1 [B,1,1,Sk], 2 [B,H,Sq,Sk], 3 [Sk],
 * 4 [Sq,1], its first value -10000. */
void att_build(op_case *c, octet_dtype t, const att_shape *s, int mask, int op);

/* ---- a node on a backend against ref ------------------------------------------ */

/* Runs c's node, already run by ref (oc_run: c->out[0] holds ref's output),
 * through `b` at fp32 planning with `threads` threads: asserts that b
 * supports it and that prepare and run succeed, then returns whether b's
 * output is byte-identical to ref's. *kernel gets the kernel's name. */
bool backend_matches_ref(const octet_backend *b, const op_case *c, int threads,
                         const char **kernel);

#endif
