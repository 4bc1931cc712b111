/* Unit tests of the normalization and reduction ops: Softmax,
 * LayerNormalization, ReduceMean and ReduceSum. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "op-check.h"

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
#define F64 OCTET_DTYPE_FLOAT64
#define I32 OCTET_DTYPE_INT32
#define I64 OCTET_DTYPE_INT64
#define D(...) ((const int64_t[]){__VA_ARGS__})
#define FV(...) ((const float[]){__VA_ARGS__})

static const float L2 = 0.69314718f, L3 = 1.0986123f, L4 = 1.3862944f;

/* ---- Softmax ------------------------------------------------------------- */

START_TEST(softmax_axes) {
  op_case c;
  oc_init(&c, "Softmax", 13); /* default axis -1 */
  oc_input(&c, F32, 2, D(2, 3), FV(0, L2, L3, 1000, 1000, 1000));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 3));
  check_f32(&c, 0, FV(1 / 6.f, 1 / 3.f, 0.5f, 1 / 3.f, 1 / 3.f, 1 / 3.f), 6,
            1e-6);
  oc_free(&c);
  oc_init(&c, "Softmax", 13);
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, F32, 2, D(2, 2), FV(0, 1, L3, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(0.25f, 0.5f, 0.75f, 0.5f), 4, 1e-6);
  oc_free(&c);
  oc_init(&c, "Softmax", 13);
  oc_attr_int(&c, "axis", -2);
  oc_input(&c, F32, 3, D(1, 2, 2), FV(0, 1, L3, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(0.25f, 0.5f, 0.75f, 0.5f), 4, 1e-6);
  oc_free(&c);
  oc_init(&c, "Softmax", 13); /* large magnitudes stay finite */
  oc_input(&c, F32, 1, D(3), FV(1000, 0, -1000));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 0, 0), 3, 0);
  oc_free(&c);
}
END_TEST

START_TEST(softmax_opsets) {
  static const float x[8] = {0, 0, 0, 0, 0, L2, L3, L4};
  op_case c;
  oc_init(&c, "Softmax", 11); /* coerced to [2, 4] at the default axis 1 */
  oc_input(&c, F32, 3, D(2, 2, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 2, 2));
  check_f32(&c, 0, FV(.25f, .25f, .25f, .25f, .1f, .2f, .3f, .4f), 8, 1e-6);
  oc_free(&c);
  oc_init(&c, "Softmax", 13); /* the same axis, one-axis semantics */
  oc_attr_int(&c, "axis", 1);
  oc_input(&c, F32, 3, D(2, 2, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(.5f, .5f, .5f, .5f, .25f, 1 / 3.f, .75f, 2 / 3.f), 8,
            1e-6);
  oc_free(&c);
  oc_init(&c, "Softmax", 1); /* axis == rank: one element per row */
  oc_attr_int(&c, "axis", 3);
  oc_input(&c, F32, 3, D(2, 2, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 1, 1, 1, 1, 1, 1, 1), 8, 0);
  oc_free(&c);
}
END_TEST

START_TEST(softmax_dtypes_and_empty) {
  op_case c;
  oc_init(&c, "Softmax", 13);
  in_f16(&c, 1, D(2), FV(0, L3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f16(&c, FV(0.25f, 0.75f), 2, 1e-3);
  oc_free(&c);
  oc_init(&c, "Softmax", 13);
  oc_input(&c, F64, 2, D(1, 2), (const double[]){0, log(4.0)});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f64(&c, 0, (const double[]){0.2, 0.8}, 2, 1e-12);
  oc_free(&c);
  oc_init(&c, "Softmax", 13);
  oc_input(&c, F32, 2, D(0, 3), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(0, 3));
  oc_free(&c);
  oc_init(&c, "Softmax", 13);
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, F32, 2, D(0, 3), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(0, 3));
  oc_free(&c);
}
END_TEST

/* Rows of constant value r % 5: over the last axis every element is 1/300;
 * over axis 0 each column is softmax of the r % 5 pattern. */
START_TEST(softmax_big) {
  enum { R = 256, C = 300 };
  float *x = malloc(sizeof(float) * R * C);
  for (int r = 0; r < R; r++)
    for (int j = 0; j < C; j++) x[r * C + j] = (float)(r % 5);
  double z = 0;
  for (int r = 0; r < R; r++) z += exp(r % 5);
  for (int axis = 0; axis < 2; axis++) {
    op_case c;
    oc_init(&c, "Softmax", 13);
    oc_attr_int(&c, "axis", axis);
    oc_input(&c, F32, 2, D(R, C), x);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    const float *y = c.out[0].data;
    for (int r = 0; r < R; r++)
      for (int j = 0; j < C; j++) {
        double want = axis ? 1.0 / C : exp(r % 5) / z;
        ck_assert_double_eq_tol(y[r * C + j], want, 1e-7);
      }
    oc_free(&c);
  }
  free(x);
}
END_TEST

START_TEST(softmax_errors) {
  op_case c;
  oc_init(&c, "Softmax", 13);
  oc_attr_int(&c, "axis", 2);
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Softmax", 13);
  oc_input(&c, F32, 0, NULL, FV(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Softmax", 13);
  oc_input(&c, I32, 1, D(1), (const int32_t[]){1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

/* ---- LayerNormalization -------------------------------------------------- */

START_TEST(layernorm_basic) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 2, D(2, 4), FV(0, 2, 0, 2, 1, 1, 5, 5));
  oc_input(&c, F32, 1, D(4), FV(1, 2, 3, 4));
  oc_input(&c, F32, 1, D(4), FV(0.5f, 0, 0, -0.5f));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 4));
  check_f32(&c, 0, FV(-0.5f, 2, -3, 3.5f, -0.5f, -2, 3, 3.5f), 8, 1e-6);
  check_shape(&c, 1, 2, D(2, 1));
  check_f32(&c, 1, FV(1, 3), 2, 1e-6);
  check_shape(&c, 2, 2, D(2, 1));
  check_f32(&c, 2, FV(1, 0.5f), 2, 1e-6);
  oc_free(&c);
  oc_init(&c, "LayerNormalization", 17); /* default epsilon */
  oc_input(&c, F32, 2, D(1, 2), FV(3, 3));
  oc_input(&c, F32, 1, D(2), FV(1, 1));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  check_f32(&c, 0, FV(0, 0), 2, 0);
  check_f32(&c, 2, FV(316.22777f), 1, 1e-2);
  oc_free(&c);
}
END_TEST

START_TEST(layernorm_axes) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17); /* axis 0: everything */
  oc_attr_int(&c, "axis", 0);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 2, D(2, 2), FV(0, 2, 0, 2));
  oc_input(&c, F32, 2, D(2, 2), FV(1, 1, 1, 1));
  ck_assert_int_eq(oc_run(&c, 2), OCTET_OK);
  check_f32(&c, 0, FV(-1, 1, -1, 1), 4, 1e-6);
  check_shape(&c, 1, 2, D(1, 1));
  check_f32(&c, 1, FV(1), 1, 1e-6);
  oc_free(&c);
  oc_init(&c, "LayerNormalization", 17); /* negative axis, B absent */
  oc_attr_int(&c, "axis", -2);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 3, D(1, 2, 2), FV(0, 2, 0, 2));
  oc_input(&c, F32, 2, D(2, 2), FV(1, 2, 3, 4));
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  check_f32(&c, 0, FV(-1, 2, -3, 4), 4, 1e-6);
  check_shape(&c, 1, 3, D(1, 1, 1));
  oc_free(&c);
}
END_TEST

START_TEST(layernorm_broadcast_params) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17); /* size-1 scale */
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 2, D(1, 2), FV(0, 2));
  oc_input(&c, F32, 1, D(1), FV(2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(-2, 2), 2, 1e-6);
  oc_free(&c);
  oc_init(&c, "LayerNormalization", 17); /* scale varying along rows */
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 2, D(2, 2), FV(0, 2, 1, 5));
  oc_input(&c, F32, 2, D(2, 1), FV(1, 3));
  oc_input(&c, F32, 0, NULL, FV(10));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(9, 11, 7, 13), 4, 1e-6);
  oc_free(&c);
}
END_TEST

START_TEST(layernorm_dtypes_and_empty) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_float(&c, "epsilon", 0.0f);
  in_f16(&c, 2, D(1, 2), FV(1, 3));
  in_f16(&c, 1, D(2), FV(1, 1));
  ck_assert_int_eq(oc_run(&c, 2), OCTET_OK);
  check_f16(&c, FV(-1, 1), 2, 1e-3);
  check_f32(&c, 1, FV(2), 1, 1e-6); /* stash_type 1: float32 Mean */
  oc_free(&c);
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_attr_int(&c, "stash_type", 11);
  oc_input(&c, F64, 2, D(1, 4), (const double[]){1, 1, 5, 5});
  oc_input(&c, F64, 1, D(4), (const double[]){1, 1, 1, 1});
  oc_input(&c, F64, 1, D(4), (const double[]){1, 1, 1, 1});
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  check_f64(&c, 0, (const double[]){0, 0, 2, 2}, 4, 1e-12);
  check_f64(&c, 1, (const double[]){3}, 1, 1e-12);
  check_f64(&c, 2, (const double[]){0.5}, 1, 1e-12);
  oc_free(&c);
  oc_init(&c, "LayerNormalization", 17);
  oc_input(&c, F32, 2, D(0, 4), NULL);
  oc_input(&c, F32, 1, D(4), FV(1, 1, 1, 1));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  check_shape(&c, 0, 2, D(0, 4));
  check_shape(&c, 1, 2, D(0, 1));
  oc_free(&c);
}
END_TEST

/* Row r alternates r - a, r + a (a = r % 3 + 1): normalized to -1, +1. */
START_TEST(layernorm_big) {
  enum { R = 300, N = 256 };
  float *x = malloc(sizeof(float) * R * N), *s = malloc(sizeof(float) * N);
  for (int r = 0; r < R; r++)
    for (int j = 0; j < N; j++)
      x[r * N + j] = (float)r + (j % 2 ? 1.0f : -1.0f) * (float)(r % 3 + 1);
  for (int j = 0; j < N; j++) s[j] = 1.0f;
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_float(&c, "epsilon", 0.0f);
  oc_input(&c, F32, 2, D(R, N), x);
  oc_input(&c, F32, 1, D(N), s);
  ck_assert_int_eq(oc_run(&c, 2), OCTET_OK);
  const float *y = c.out[0].data, *m = c.out[1].data;
  for (int r = 0; r < R; r++) {
    ck_assert_float_eq_tol(m[r], (float)r, 1e-4f);
    for (int j = 0; j < N; j++)
      ck_assert_float_eq_tol(y[r * N + j], j % 2 ? 1.0f : -1.0f, 1e-5f);
  }
  oc_free(&c);
  free(x);
  free(s);
}
END_TEST

START_TEST(layernorm_errors) {
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F64, 1, D(2), (const double[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "LayerNormalization", 17);
  oc_input(&c, F32, 2, D(2, 4), FV(1, 2, 3, 4, 5, 6, 7, 8));
  oc_input(&c, F32, 1, D(3), FV(1, 1, 1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_int(&c, "axis", 2);
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F32, 1, D(2), FV(1, 1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "LayerNormalization", 17);
  oc_input(&c, I32, 1, D(2), (const int32_t[]){1, 2});
  oc_input(&c, I32, 1, D(2), (const int32_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "LayerNormalization", 17);
  oc_attr_int(&c, "stash_type", 7);
  oc_input(&c, F32, 1, D(2), FV(1, 2));
  oc_input(&c, F32, 1, D(2), FV(1, 1));
  expect_fail(&c, 3, OCTET_ERR_UNSUPPORTED);
}
END_TEST

/* ---- ReduceMean / ReduceSum ---------------------------------------------- */

static const float X23[6] = {1, 2, 3, 4, 5, 6};

START_TEST(reducesum_axes) {
  op_case c;
  oc_init(&c, "ReduceSum", 13); /* axes input, keepdims default 1 */
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(1), D(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 1));
  check_f32(&c, 0, FV(6, 15), 2, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13);
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(1), D(0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 1, D(3));
  check_f32(&c, 0, FV(5, 7, 9), 3, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 11); /* attribute, negative axes */
  oc_attr_ints(&c, "axes", D(-1, 0), 2);
  oc_input(&c, F32, 2, D(2, 3), X23);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(1, 1));
  check_f32(&c, 0, FV(21), 1, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13); /* no axes: everything, rank 0 */
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, F32, 2, D(2, 3), X23);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 0, NULL);
  check_f32(&c, 0, FV(21), 1, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13); /* empty axes + noop: identity */
  oc_attr_int(&c, "noop_with_empty_axes", 1);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(0), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 3));
  check_f32(&c, 0, X23, 6, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13); /* empty axes, no noop: everything */
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(0), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(1, 1));
  check_f32(&c, 0, FV(21), 1, 0);
  oc_free(&c);
}
END_TEST

START_TEST(reduce_3d) {
  float x[12];
  for (int i = 0; i < 12; i++) x[i] = (float)i;
  op_case c;
  oc_init(&c, "ReduceMean", 13); /* middle axis of [2,3,2] */
  oc_attr_ints(&c, "axes", D(1), 1);
  oc_input(&c, F32, 3, D(2, 3, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 1, 2));
  check_f32(&c, 0, FV(2, 3, 8, 9), 4, 1e-6);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13); /* outer and inner axes */
  oc_input(&c, F32, 3, D(2, 3, 2), x);
  oc_input(&c, I64, 1, D(2), D(0, 2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(1, 3, 1));
  check_f32(&c, 0, FV(14, 22, 30), 3, 0);
  oc_free(&c);
  oc_init(&c, "ReduceMean", 18); /* axes input, keepdims 0 */
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(1), D(0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 1, D(3));
  check_f32(&c, 0, FV(2.5f, 3.5f, 4.5f), 3, 1e-6);
  oc_free(&c);
  oc_init(&c, "ReduceMean", 18); /* reducing a size-1 dim */
  oc_input(&c, F32, 3, D(2, 1, 3), X23);
  oc_input(&c, I64, 1, D(1), D(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 1, 3));
  check_f32(&c, 0, X23, 6, 0);
  oc_free(&c);
}
END_TEST

START_TEST(reduce_dtypes) {
  op_case c;
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, I32, 2, D(2, 2), (const int32_t[]){1, -2, 3, 4});
  oc_input(&c, I64, 1, D(1), D(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  ck_assert_int_eq(((int32_t *)c.out[0].data)[0], -1);
  ck_assert_int_eq(((int32_t *)c.out[0].data)[1], 7);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13);
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, I64, 1, D(3), D(INT64_C(1) << 40, -5, 2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  ck_assert_int_eq(((int64_t *)c.out[0].data)[0], (INT64_C(1) << 40) - 3);
  oc_free(&c);
  oc_init(&c, "ReduceMean", 18);
  in_f16(&c, 1, D(4), FV(1, 2, 3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f16(&c, FV(2.5f), 1, 0);
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, F64, 2, D(2, 2), (const double[]){0.5, 0.25, 1, 2});
  oc_input(&c, I32, 1, D(1), (const int32_t[]){0});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f64(&c, 0, (const double[]){1.5, 2.25}, 2, 0);
  oc_free(&c);
}
END_TEST

START_TEST(reduce_empty) {
  op_case c;
  oc_init(&c, "ReduceSum", 13); /* sum over a size-0 dim: 0 */
  oc_input(&c, F32, 2, D(2, 0), NULL);
  oc_input(&c, I64, 1, D(1), D(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 1));
  check_f32(&c, 0, FV(0, 0), 2, 0);
  oc_free(&c);
  oc_init(&c, "ReduceMean", 18); /* mean over a size-0 dim: NaN */
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, F32, 2, D(0, 2), NULL);
  oc_input(&c, I64, 1, D(1), D(0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 1, D(2));
  ck_assert(isnan(((float *)c.out[0].data)[0]));
  ck_assert(isnan(((float *)c.out[0].data)[1]));
  oc_free(&c);
  oc_init(&c, "ReduceSum", 13); /* size-0 kept dim: empty output */
  oc_input(&c, F32, 2, D(0, 3), NULL);
  oc_input(&c, I64, 1, D(1), D(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(0, 1));
  oc_free(&c);
}
END_TEST

/* x[i][j][k] = (i + 2j + k) % 7 against plain loops, all three axes. */
START_TEST(reduce_big) {
  enum { A = 30, B = 50, C = 70 };
  float *x = malloc(sizeof(float) * A * B * C);
  for (int i = 0; i < A; i++)
    for (int j = 0; j < B; j++)
      for (int k = 0; k < C; k++)
        x[(i * B + j) * C + k] = (float)((i + 2 * j + k) % 7);
  const int64_t n[3] = {A, B, C};
  for (int axis = 0; axis < 3; axis++) {
    op_case c;
    oc_init(&c, "ReduceSum", 13);
    oc_input(&c, F32, 3, D(A, B, C), x);
    oc_input(&c, I64, 1, D(1), (const int64_t[]){axis});
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    const float *y = c.out[0].data;
    for (int i = 0; i < A; i++)
      for (int j = 0; j < B; j++)
        for (int k = 0; k < C; k++) {
          int idx[3] = {i, j, k};
          if (idx[axis] != 0) continue;
          double s = 0;
          for (int64_t t = 0; t < n[axis]; t++) {
            idx[axis] = (int)t;
            s += x[(idx[0] * B + idx[1]) * C + idx[2]];
          }
          idx[axis] = 0;
          int64_t o = ((int64_t)idx[0] * (axis == 1 ? 1 : B) + idx[1]) *
                          (axis == 2 ? 1 : C) +
                      idx[2];
          ck_assert_float_eq(y[o], (float)s);
        }
    oc_free(&c);
  }
  free(x);
}
END_TEST

START_TEST(reduce_errors) {
  op_case c;
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input_dynamic(&c, I64, 1, D(1), D(1));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(2), D(1, -1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceMean", 13);
  oc_attr_ints(&c, "axes", D(2), 1);
  oc_input(&c, F32, 2, D(2, 3), X23);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceMean", 18);
  oc_input(&c, I32, 1, D(2), (const int32_t[]){1, 2});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "ReduceSum", 13);
  oc_attr_ints(&c, "axes", D(0), 1);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, I64, 1, D(1), D(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, F32, 2, D(2, 3), X23);
  oc_input(&c, F32, 1, D(1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "ReduceSum", 13);
  oc_input(&c, OCTET_DTYPE_BOOL, 1, D(2), (const uint8_t[]){1, 0});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

Suite *norm_suite(void) {
  Suite *s = suite_create("norm");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, softmax_axes);
  tcase_add_test(tc, softmax_opsets);
  tcase_add_test(tc, softmax_dtypes_and_empty);
  tcase_add_test(tc, softmax_big);
  tcase_add_test(tc, softmax_errors);
  tcase_add_test(tc, layernorm_basic);
  tcase_add_test(tc, layernorm_axes);
  tcase_add_test(tc, layernorm_broadcast_params);
  tcase_add_test(tc, layernorm_dtypes_and_empty);
  tcase_add_test(tc, layernorm_big);
  tcase_add_test(tc, layernorm_errors);
  tcase_add_test(tc, reducesum_axes);
  tcase_add_test(tc, reduce_3d);
  tcase_add_test(tc, reduce_dtypes);
  tcase_add_test(tc, reduce_empty);
  tcase_add_test(tc, reduce_big);
  tcase_add_test(tc, reduce_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(norm_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
