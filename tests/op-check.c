/* Checks shared by the per-op unit tests (op-check.h). */
#include "op-check.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void check_shape(const op_case *c, int i, int rank, const int64_t *dims) {
  ck_assert_int_eq(c->out[i].rank, rank);
  for (int d = 0; d < rank; d++) ck_assert_int_eq(c->out[i].dims[d], dims[d]);
}

void check_f32(const op_case *c, int i, const float *want, int64_t n, double tol) {
  ck_assert_int_eq(c->out[i].dtype, OCTET_DTYPE_FLOAT32);
  ck_assert_int_eq(tv_numel(&c->out[i]), n);
  const float *o = c->out[i].data;
  for (int64_t k = 0; k < n; k++)
    ck_assert_msg(fabs((double)o[k] - want[k]) <= tol, "out[%d][%lld] = %.7g, expected %.7g", i,
                  (long long)k, o[k], want[k]);
}

void check_f64(const op_case *c, int i, const double *want, int64_t n, double tol) {
  ck_assert_int_eq(c->out[i].dtype, OCTET_DTYPE_FLOAT64);
  ck_assert_int_eq(tv_numel(&c->out[i]), n);
  const double *o = c->out[i].data;
  for (int64_t k = 0; k < n; k++)
    ck_assert_msg(fabs(o[k] - want[k]) <= tol, "out[%d][%lld] = %.15g, expected %.15g", i,
                  (long long)k, o[k], want[k]);
}

void check_f16(const op_case *c, const float *want, int64_t n, double tol) {
  ck_assert_int_eq(c->out[0].dtype, OCTET_DTYPE_FLOAT16);
  ck_assert_int_eq(tv_numel(&c->out[0]), n);
  const uint16_t *o = c->out[0].data;
  for (int64_t k = 0; k < n; k++)
    ck_assert_msg(fabs(octet_fp16_to_fp32(o[k]) - want[k]) <= tol, "out[%lld] = %g, expected %g",
                  (long long)k, octet_fp16_to_fp32(o[k]), want[k]);
}

void expect_out(const op_case *c, int o, octet_dtype dt, int rank, const int64_t *dims,
                const void *data) {
  const octet_tview *t = &c->out[o];
  ck_assert_int_eq(t->dtype, dt);
  ck_assert_int_eq(t->rank, rank);
  for (int i = 0; i < rank; i++) ck_assert_int_eq(t->dims[i], dims[i]);
  size_t nb = tv_nbytes(t);
  if (nb) {
    ck_assert_ptr_nonnull(data);
    ck_assert_msg(memcmp(t->data, data, nb) == 0, "output %d differs", o);
  }
}

void expect_fail(op_case *c, int n_out, octet_status want) {
  octet_clear_error();
  ck_assert_int_eq(oc_run(c, n_out), want);
  ck_assert_msg(octet_last_error()[0] != '\0', "no error message");
  oc_free(c);
}

void in_f16(op_case *c, int rank, const int64_t *dims, const float *v) {
  octet_tview t = {.rank = rank};
  for (int d = 0; d < rank; d++) t.dims[d] = dims[d];
  int64_t n = tv_numel(&t);
  uint16_t *h = malloc(sizeof(uint16_t) * (size_t)(n ? n : 1));
  for (int64_t k = 0; k < n; k++) h[k] = octet_fp32_to_fp16(v[k]);
  oc_input(c, OCTET_DTYPE_FLOAT16, rank, dims, h);
  free(h);
}

float *iota_f32(int64_t n) {
  float *p = malloc(sizeof(float) * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n; i++) p[i] = (float)i;
  return p;
}
