/* Checks shared by the per-op unit tests (tests/test-ops-*.c) on an
 * op_case (op-harness.h): output shapes and values, expected failures, and
 * a few input makers. Each failed check fails the running Check test. */
#ifndef OCTET_TEST_OP_CHECK_H
#define OCTET_TEST_OP_CHECK_H

#include "op-harness.h"

/* out[i] has rank `rank` and these dims. */
void check_shape(const op_case *c, int i, int rank, const int64_t *dims);
/* out[i] is float32 (float64 for check_f64) with `n` elements, each within
 * `tol` of `want`. */
void check_f32(const op_case *c, int i, const float *want, int64_t n, double tol);
void check_f64(const op_case *c, int i, const double *want, int64_t n, double tol);
/* out[0] is float16 with `n` elements, each within `tol` of `want`. */
void check_f16(const op_case *c, const float *want, int64_t n, double tol);
/* out[o] has this dtype and shape and, when it has bytes, exactly `data`. */
void expect_out(const op_case *c, int o, octet_dtype dt, int rank, const int64_t *dims,
                const void *data);

/* Runs the case expecting status `want` and a non-empty error message, then
 * frees it (oc_free). */
void expect_fail(op_case *c, int n_out, octet_status want);

/* Adds a float16 input with the values `v` rounded to fp16. */
void in_f16(op_case *c, int rank, const int64_t *dims, const float *v);
/* 0, 1, ..., n - 1 as floats, malloc'ed (the caller frees). */
float *iota_f32(int64_t n);

#endif
