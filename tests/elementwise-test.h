/* Helpers shared by the elementwise op tests: run an op on literal inputs
 * and compare its output with expected values. */
#ifndef OCTET_TEST_ELEMENTWISE_H
#define OCTET_TEST_ELEMENTWISE_H

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "op-harness.h"

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
#define F64 OCTET_DTYPE_FLOAT64
#define I8 OCTET_DTYPE_INT8
#define I16 OCTET_DTYPE_INT16
#define I32 OCTET_DTYPE_INT32
#define I64 OCTET_DTYPE_INT64
#define U8 OCTET_DTYPE_UINT8
#define U64 OCTET_DTYPE_UINT64
#define BOOL OCTET_DTYPE_BOOL

static inline octet_status run1(op_case *c, const char *op, octet_dtype t,
                                int r, const int64_t *d, const void *x) {
  oc_init(c, op, 20);
  oc_input(c, t, r, d, x);
  octet_clear_error();
  return oc_run(c, 1);
}

static inline octet_status run2(op_case *c, const char *op, octet_dtype ta,
                                int ra, const int64_t *da, const void *a,
                                octet_dtype tb, int rb, const int64_t *db,
                                const void *b) {
  oc_init(c, op, 17);
  oc_input(c, ta, ra, da, a);
  oc_input(c, tb, rb, db, b);
  octet_clear_error();
  return oc_run(c, 1);
}

static inline void ok(octet_status st) {
  ck_assert_msg(st == OCTET_OK, "status %d: %s", (int)st, octet_last_error());
}

static inline void fails(octet_status st, octet_status want) {
  ck_assert_int_eq(st, want);
  ck_assert_msg(octet_last_error()[0] != '\0', "empty error message");
}

static inline void shape_is(const op_case *c, octet_dtype dt, int rank,
                            const int64_t *dims) {
  const octet_tview *t = &c->out[0];
  ck_assert_int_eq(t->dtype, dt);
  ck_assert_int_eq(t->rank, rank);
  for (int i = 0; i < rank; i++) ck_assert_int_eq(t->dims[i], dims[i]);
}

static inline void f32_is(const op_case *c, const float *want, int64_t n,
                          float tol) {
  const float *got = c->out[0].data;
  ck_assert_int_eq(tv_numel(&c->out[0]), n);
  for (int64_t i = 0; i < n; i++) {
    if (isnan(want[i])) {
      ck_assert_msg(isnan(got[i]), "[%lld] want nan got %g", (long long)i,
                    got[i]);
      continue;
    }
    ck_assert_msg(fabsf(got[i] - want[i]) <= tol || got[i] == want[i],
                  "[%lld] want %.9g got %.9g", (long long)i, want[i], got[i]);
  }
}

static inline void bytes_is(const op_case *c, const void *want, size_t nbytes) {
  ck_assert_uint_eq(tv_nbytes(&c->out[0]), nbytes);
  ck_assert_mem_eq(c->out[0].data, want, nbytes);
}

#endif
