/* Unit tests of the linear algebra ops: MatMul and Gemm (the normalization
 * and reduction ops are in test-ops-norm.c). */
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
#define NELEM(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

/* ---- MatMul -------------------------------------------------------------- */

START_TEST(matmul_2d) {
  op_case c;
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  oc_input(&c, F32, 2, D(3, 2), FV(7, 8, 9, 10, 11, 12));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 2));
  check_f32(&c, 0, FV(58, 64, 139, 154), 4, 0);
  oc_free(&c);
}
END_TEST

START_TEST(matmul_vectors) {
  op_case c;
  oc_init(&c, "MatMul", 13); /* 1-D x 1-D: a scalar */
  oc_input(&c, F32, 1, D(3), FV(1, 2, 3));
  oc_input(&c, F32, 1, D(3), FV(4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 0, NULL);
  check_f32(&c, 0, FV(32), 1, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* 1-D x 2-D: the row dim is removed */
  oc_input(&c, F32, 1, D(2), FV(1, 2));
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 1, D(3));
  check_f32(&c, 0, FV(9, 12, 15), 3, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* 2-D x 1-D: the column dim is removed */
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  oc_input(&c, F32, 1, D(3), FV(1, 0, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 1, D(2));
  check_f32(&c, 0, FV(-2, -2), 2, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* batched x 1-D */
  oc_input(&c, F32, 3, D(2, 1, 2), FV(1, 2, 3, 4));
  oc_input(&c, F32, 1, D(2), FV(10, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 1));
  check_f32(&c, 0, FV(12, 34), 2, 0);
  oc_free(&c);
}
END_TEST

START_TEST(matmul_batch_broadcast) {
  op_case c;
  oc_init(&c, "MatMul", 13);
  /* A: [2,1,2,2] = {I, 2I}; B: [3,2,2] */
  oc_input(&c, F32, 4, D(2, 1, 2, 2), FV(1, 0, 0, 1, 2, 0, 0, 2));
  oc_input(&c, F32, 3, D(3, 2, 2), FV(1, 2, 3, 4, 0, 1, 1, 0, 1, 1, 1, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 4, D(2, 3, 2, 2));
  check_f32(&c, 0,
            FV(1, 2, 3, 4, 0, 1, 1, 0, 1, 1, 1, 1, 2, 4, 6, 8, 0, 2, 2, 0, 2,
               2, 2, 2),
            24, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* batched A, one B: rows folded */
  oc_input(&c, F32, 3, D(2, 2, 2), FV(1, 2, 3, 4, 5, 6, 7, 8));
  oc_input(&c, F32, 3, D(1, 2, 1), FV(1, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 2, 1));
  check_f32(&c, 0, FV(3, 7, 11, 15), 4, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* 2-D A against batched B */
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F32, 3, D(2, 2, 1), FV(1, 1, 3, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 1, 1));
  check_f32(&c, 0, FV(3, 1), 2, 0);
  oc_free(&c);
}
END_TEST

/* Sizes that cross the tile edges; small integers keep the sums exact. */
static void big_product(bool gemm_tb) {
  enum { M = 70, K = 300, N = 530 };
  float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N);
  double *want = calloc(M * N, sizeof(double));
  for (int i = 0; i < M; i++)
    for (int k = 0; k < K; k++) a[i * K + k] = (float)((i * 7 + k * 3) % 5 - 2);
  for (int k = 0; k < K; k++)
    for (int j = 0; j < N; j++) {
      float v = (float)((k * 5 + j * 11) % 7 - 3);
      if (gemm_tb)
        b[j * K + k] = v;
      else
        b[k * N + j] = v;
    }
  for (int i = 0; i < M; i++)
    for (int k = 0; k < K; k++)
      for (int j = 0; j < N; j++)
        want[i * N + j] +=
            a[i * K + k] * (gemm_tb ? b[j * K + k] : b[k * N + j]);
  op_case c;
  oc_init(&c, gemm_tb ? "Gemm" : "MatMul", 13);
  if (gemm_tb) oc_attr_int(&c, "transB", 1);
  oc_input(&c, F32, 2, D(M, K), a);
  oc_input(&c, F32, 2, gemm_tb ? D(N, K) : D(K, N), b);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(M, N));
  const float *o = c.out[0].data;
  for (int k = 0; k < M * N; k++) ck_assert_float_eq(o[k], (float)want[k]);
  oc_free(&c);
  free(a);
  free(b);
  free(want);
}

START_TEST(matmul_big) { big_product(false); }
END_TEST

START_TEST(gemm_big_trans_b) { big_product(true); }
END_TEST

START_TEST(matmul_dtypes) {
  op_case c;
  oc_init(&c, "MatMul", 13);
  in_f16(&c, 2, D(1, 2), FV(1.5f, 2));
  in_f16(&c, 2, D(2, 2), FV(2, 1, 0.25f, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f16(&c, FV(3.5f, -0.5f), 2, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F64, 2, D(1, 2), (const double[]){1, 2});
  oc_input(&c, F64, 2, D(2, 1), (const double[]){3, 0.5});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f64(&c, 0, (const double[]){4}, 1, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, I32, 2, D(2, 2), (const int32_t[]){1, -2, 3, 4});
  oc_input(&c, I32, 2, D(2, 2), (const int32_t[]){5, 6, 7, 8});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  const int32_t *o32 = c.out[0].data;
  ck_assert_int_eq(o32[0], -9);
  ck_assert_int_eq(o32[1], -10);
  ck_assert_int_eq(o32[2], 43);
  ck_assert_int_eq(o32[3], 50);
  oc_free(&c);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, I64, 1, D(2), (const int64_t[]){3, -1});
  oc_input(&c, I64, 2, D(2, 2), (const int64_t[]){1, 2, 10, 20});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  const int64_t *o64 = c.out[0].data;
  ck_assert_int_eq(o64[0], -7);
  ck_assert_int_eq(o64[1], -14);
  oc_free(&c);
}
END_TEST

START_TEST(matmul_empty) {
  op_case c;
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 2, D(0, 3), NULL);
  oc_input(&c, F32, 2, D(3, 4), FV(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(0, 4));
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* K = 0: all zeros */
  oc_input(&c, F32, 2, D(2, 0), NULL);
  oc_input(&c, F32, 2, D(0, 3), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 3));
  check_f32(&c, 0, FV(0, 0, 0, 0, 0, 0), 6, 0);
  oc_free(&c);
  oc_init(&c, "MatMul", 13); /* empty batch */
  oc_input(&c, F32, 3, D(0, 2, 2), NULL);
  oc_input(&c, F32, 3, D(1, 2, 2), FV(1, 2, 3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(0, 2, 2));
  oc_free(&c);
}
END_TEST

START_TEST(matmul_errors) {
  op_case c;
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F64, 2, D(2, 1), (const double[]){1, 2});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, OCTET_DTYPE_BOOL, 1, D(2), (const uint8_t[]){1, 0});
  oc_input(&c, OCTET_DTYPE_BOOL, 1, D(2), (const uint8_t[]){1, 0});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 3, D(2, 1, 1), FV(1, 2));
  oc_input(&c, F32, 3, D(3, 1, 1), FV(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "MatMul", 13);
  oc_input(&c, F32, 0, NULL, FV(1));
  oc_input(&c, F32, 1, D(1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
}
END_TEST

/* ---- Gemm ---------------------------------------------------------------- */

/* OctetLinear with a residual of another shape: broadcast as the Add it
 * replaces, including one that makes the output larger than X @ W. */
START_TEST(linear_residual_broadcast) {
  const float x[2 * 2] = {1, 2, 3, 4};     /* X [2, 2] */
  const float w[2 * 3] = {1, 0, 2, 0, 1, -1}; /* W [2, 3]: XW = [[1,2,0],[3,4,2]] */
  const float r3[3] = {10, 20, 30};
  const float r223[2 * 2 * 3] = {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4};
  for (int k = 0; k < 3; k++) {
    op_case c;
    oc_init(&c, "OctetLinear", 1);
    oc_input_dynamic(&c, F32, 2, D(2, 2), x);
    oc_input(&c, F32, 2, D(2, 3), w);
    oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
    if (k == 0) oc_input_dynamic(&c, F32, 1, D(3), r3);
    if (k == 1) oc_input_dynamic(&c, F32, 3, D(2, 2, 3), r223);
    if (k == 2) oc_input_dynamic(&c, F16, 1, D(3), r3); /* wrong dtype */
    octet_status st = oc_run(&c, 1);
    if (k == 2) {
      ck_assert_int_eq(st, OCTET_ERR_SHAPE);
    } else {
      ck_assert_int_eq(st, OCTET_OK);
    }
    if (k == 0) {
      check_shape(&c, 0, 2, D(2, 3));
      check_f32(&c, 0, FV(11, 22, 30, 13, 24, 32), 6, 0);
    }
    if (k == 1) {
      check_shape(&c, 0, 3, D(2, 2, 3));
      check_f32(&c, 0, FV(2, 3, 1, 5, 6, 4, 4, 5, 3, 7, 8, 6), 12, 0);
    }
    oc_free(&c);
  }
}
END_TEST

START_TEST(gemm_basic) {
  op_case c;
  oc_init(&c, "Gemm", 13);
  oc_input(&c, F32, 2, D(2, 3), FV(1, 2, 3, 4, 5, 6));
  oc_input(&c, F32, 2, D(3, 2), FV(7, 8, 9, 10, 11, 12));
  oc_input(&c, F32, 1, D(2), FV(1, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 2, D(2, 2));
  check_f32(&c, 0, FV(59, 63, 140, 153), 4, 0);
  oc_free(&c);
}
END_TEST

START_TEST(gemm_trans_alpha_beta) {
  op_case c;
  oc_init(&c, "Gemm", 13);
  oc_attr_int(&c, "transA", 1);
  oc_attr_int(&c, "transB", 1);
  oc_attr_float(&c, "alpha", 2.0f);
  oc_attr_float(&c, "beta", 0.5f);
  oc_input(&c, F32, 2, D(3, 2), FV(1, 4, 2, 5, 3, 6));   /* A^T */
  oc_input(&c, F32, 2, D(2, 3), FV(7, 9, 11, 8, 10, 12)); /* B^T */
  oc_input(&c, F32, 2, D(2, 1), FV(10, 20));             /* column C */
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(121, 133, 288, 318), 4, 0);
  oc_free(&c);
  oc_init(&c, "Gemm", 11); /* no C, alpha only */
  oc_attr_float(&c, "alpha", 0.5f);
  oc_input(&c, F32, 2, D(1, 1), FV(3));
  oc_input(&c, F32, 2, D(1, 1), FV(4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(6), 1, 0);
  oc_free(&c);
  oc_init(&c, "Gemm", 13); /* scalar C, beta 2 */
  oc_attr_float(&c, "beta", 2.0f);
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F32, 2, D(2, 2), FV(1, 0, 0, 1));
  oc_input(&c, F32, 0, NULL, FV(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(3, 4), 2, 0);
  oc_free(&c);
  oc_init(&c, "Gemm", 13); /* K = 0: Y = beta * C */
  oc_input(&c, F32, 2, D(2, 0), NULL);
  oc_input(&c, F32, 2, D(0, 2), NULL);
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 2, 1, 2), 4, 0);
  oc_free(&c);
}
END_TEST

START_TEST(gemm_dtypes) {
  op_case c;
  oc_init(&c, "Gemm", 13);
  oc_attr_int(&c, "transB", 1);
  in_f16(&c, 2, D(1, 2), FV(1, 2));
  in_f16(&c, 2, D(2, 2), FV(1, 1, 0.5f, -1));
  in_f16(&c, 1, D(2), FV(0.25f, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f16(&c, FV(3.25f, -0.5f), 2, 0);
  oc_free(&c);
  oc_init(&c, "Gemm", 13);
  oc_attr_float(&c, "alpha", 3.0f);
  oc_input(&c, F64, 2, D(1, 2), (const double[]){1, 2});
  oc_input(&c, F64, 2, D(2, 1), (const double[]){0.5, 0.25});
  oc_input(&c, F64, 1, D(1), (const double[]){-1});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f64(&c, 0, (const double[]){2}, 1, 1e-12);
  oc_free(&c);
}
END_TEST

START_TEST(gemm_errors) {
  op_case c;
  oc_init(&c, "Gemm", 13);
  oc_input(&c, F32, 3, D(1, 1, 2), FV(1, 2));
  oc_input(&c, F32, 2, D(2, 1), FV(1, 2));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Gemm", 13);
  oc_input(&c, F32, 2, D(2, 2), FV(1, 2, 3, 4));
  oc_input(&c, F32, 2, D(2, 2), FV(1, 2, 3, 4));
  oc_input(&c, F32, 1, D(3), FV(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Gemm", 13);
  oc_input(&c, F32, 2, D(1, 3), FV(1, 2, 3));
  oc_input(&c, F32, 2, D(2, 1), FV(1, 2));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Gemm", 13);
  oc_attr_int(&c, "transA", 2);
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Gemm", 13);
  oc_input(&c, I32, 2, D(1, 1), (const int32_t[]){1});
  oc_input(&c, I32, 2, D(1, 1), (const int32_t[]){1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "Gemm", 13);
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  oc_input(&c, F64, 1, D(1), (const double[]){1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

Suite *linalg_suite(void) {
  Suite *s = suite_create("linalg");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, matmul_2d);
  tcase_add_test(tc, matmul_vectors);
  tcase_add_test(tc, matmul_batch_broadcast);
  tcase_add_test(tc, matmul_big);
  tcase_add_test(tc, matmul_dtypes);
  tcase_add_test(tc, matmul_empty);
  tcase_add_test(tc, matmul_errors);
  tcase_add_test(tc, gemm_basic);
  tcase_add_test(tc, gemm_trans_alpha_beta);
  tcase_add_test(tc, gemm_big_trans_b);
  tcase_add_test(tc, gemm_dtypes);
  tcase_add_test(tc, gemm_errors);
  tcase_add_test(tc, linear_residual_broadcast);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(linalg_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
