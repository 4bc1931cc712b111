/* Unit tests of the data movement ops (Transpose, Concat, Split, Slice,
 * Gather, Expand) with hand-computed expectations. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "op-check.h"

#define I64(...) ((const int64_t[]){__VA_ARGS__})
#define I32(...) ((const int32_t[]){__VA_ARGS__})
#define F32(...) ((const float[]){__VA_ARGS__})
#define U8(...) ((const uint8_t[]){__VA_ARGS__})
#define F32T OCTET_DTYPE_FLOAT32
#define I64T OCTET_DTYPE_INT64
#define I32T OCTET_DTYPE_INT32

/* ---- Transpose ----------------------------------------------------------- */

START_TEST(transpose_default_2d) {
  op_case c;
  oc_init(&c, "Transpose", 13);
  oc_input(&c, F32T, 2, I64(2, 3), F32(0, 1, 2, 3, 4, 5));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(3, 2), F32(0, 3, 1, 4, 2, 5));
  oc_free(&c);
}
END_TEST

START_TEST(transpose_attention_0213) {
  op_case c;
  oc_init(&c, "Transpose", 13);
  oc_attr_ints(&c, "perm", I64(0, 2, 1, 3), 4);
  float x[12];
  for (int i = 0; i < 12; i++) x[i] = (float)i;
  oc_input(&c, F32T, 4, I64(1, 2, 3, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 4, I64(1, 3, 2, 2),
             F32(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11));
  oc_free(&c);
}
END_TEST

START_TEST(transpose_batched_last_two_int64) {
  op_case c;
  oc_init(&c, "Transpose", 21);
  oc_attr_ints(&c, "perm", I64(0, 2, 1), 3);
  int64_t x[12];
  for (int i = 0; i < 12; i++) x[i] = i;
  oc_input(&c, I64T, 3, I64(2, 2, 3), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 3, I64(2, 3, 2),
             I64(0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11));
  oc_free(&c);
}
END_TEST

START_TEST(transpose_uint8_and_fp16) {
  op_case c;
  oc_init(&c, "Transpose", 13);
  oc_attr_ints(&c, "perm", I64(1, 0), 2);
  oc_input(&c, OCTET_DTYPE_UINT8, 2, I64(2, 2), U8(1, 2, 3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_UINT8, 2, I64(2, 2), U8(1, 3, 2, 4));
  oc_free(&c);
  /* fp16 bit patterns are moved untouched */
  oc_init(&c, "Transpose", 13);
  const uint16_t h[6] = {0x3c00, 0x4000, 0x4200, 0xbc00, 0x7c00, 0x0001};
  const uint16_t e[6] = {0x3c00, 0xbc00, 0x4000, 0x7c00, 0x4200, 0x0001};
  oc_input(&c, OCTET_DTYPE_FLOAT16, 2, I64(2, 3), h);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_FLOAT16, 2, I64(3, 2), e);
  oc_free(&c);
}
END_TEST

/* Larger shapes (tiled and parallel paths) against index arithmetic. */
START_TEST(transpose_large_paths) {
  static const int64_t shapes[3][4] = {{70, 50, 1, 1}, {2, 64, 48, 12},
                                       {3, 33, 5, 40}};
  static const int64_t perms[3][4] = {{1, 0, 2, 3}, {0, 2, 1, 3},
                                      {0, 3, 1, 2}};
  for (int t = 0; t < 3; t++) {
    const int64_t *d = shapes[t], *p = perms[t];
    int64_t n = d[0] * d[1] * d[2] * d[3];
    float *x = iota_f32(n);
    op_case c;
    oc_init(&c, "Transpose", 13);
    oc_attr_ints(&c, "perm", p, 4);
    oc_input(&c, F32T, 4, d, x);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    int64_t od[4], s[4] = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
    for (int k = 0; k < 4; k++) od[k] = d[p[k]];
    const float *y = c.out[0].data;
    int64_t o = 0, bad = 0;
    for (int64_t i0 = 0; i0 < od[0]; i0++)
      for (int64_t i1 = 0; i1 < od[1]; i1++)
        for (int64_t i2 = 0; i2 < od[2]; i2++)
          for (int64_t i3 = 0; i3 < od[3]; i3++, o++) {
            int64_t src = i0 * s[p[0]] + i1 * s[p[1]] + i2 * s[p[2]] +
                          i3 * s[p[3]];
            bad += y[o] != (float)src;
          }
    ck_assert_int_eq(bad, 0);
    oc_free(&c);
    free(x);
  }
}
END_TEST

START_TEST(transpose_zero_size_and_errors) {
  op_case c;
  oc_init(&c, "Transpose", 13);
  oc_input(&c, F32T, 2, I64(0, 3), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(3, 0), NULL);
  oc_free(&c);

  oc_init(&c, "Transpose", 13);
  oc_attr_ints(&c, "perm", I64(0, 0), 2);
  oc_input(&c, F32T, 2, I64(2, 2), F32(1, 2, 3, 4));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Transpose", 13);
  oc_attr_ints(&c, "perm", I64(1, 0, 2), 3);
  oc_input(&c, F32T, 2, I64(2, 2), F32(1, 2, 3, 4));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ---- Concat -------------------------------------------------------------- */

START_TEST(concat_axes_and_empty) {
  op_case c;
  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", -1);
  oc_input(&c, F32T, 2, I64(2, 1), F32(1, 2));
  oc_input(&c, F32T, 2, I64(2, 0), NULL);
  oc_input(&c, F32T, 2, I64(2, 2), F32(3, 4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 3), F32(1, 3, 4, 2, 5, 6));
  oc_free(&c);

  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, I64T, 2, I64(1, 2), I64(1, 2));
  oc_input(&c, I64T, 2, I64(2, 2), I64(3, 4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 2, I64(3, 2), I64(1, 2, 3, 4, 5, 6));
  oc_free(&c);

  oc_init(&c, "Concat", 13); /* single uint8 input */
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, OCTET_DTYPE_UINT8, 1, I64(3), U8(7, 8, 9));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_UINT8, 1, I64(3), U8(7, 8, 9));
  oc_free(&c);
}
END_TEST

START_TEST(concat_errors) {
  op_case c;
  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", 1);
  oc_input(&c, F32T, 2, I64(2, 1), F32(1, 2));
  oc_input(&c, F32T, 2, I64(3, 1), F32(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, F32T, 1, I64(1), F32(1));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);

  oc_init(&c, "Concat", 13);
  oc_input(&c, F32T, 1, I64(1), F32(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", 2);
  oc_input(&c, F32T, 2, I64(1, 1), F32(1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Concat", 13);
  oc_attr_int(&c, "axis", 0);
  oc_input(&c, F32T, 1, I64(1), F32(1));
  oc_input(&c, F32T, 2, I64(1, 1), F32(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
}
END_TEST

/* ---- Split --------------------------------------------------------------- */

START_TEST(split_forms) {
  op_case c;
  oc_init(&c, "Split", 13); /* equal split by outputs */
  oc_input(&c, F32T, 1, I64(6), F32(1, 2, 3, 4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(2), F32(1, 2));
  expect_out(&c, 1, F32T, 1, I64(2), F32(3, 4));
  expect_out(&c, 2, F32T, 1, I64(2), F32(5, 6));
  oc_free(&c);

  oc_init(&c, "Split", 13); /* sizes as input, negative axis */
  oc_attr_int(&c, "axis", -1);
  oc_input(&c, I64T, 2, I64(2, 4), I64(1, 2, 3, 4, 5, 6, 7, 8));
  oc_input(&c, I64T, 1, I64(3), I64(1, 0, 3));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  expect_out(&c, 0, I64T, 2, I64(2, 1), I64(1, 5));
  expect_out(&c, 1, I64T, 2, I64(2, 0), NULL);
  expect_out(&c, 2, I64T, 2, I64(2, 3), I64(2, 3, 4, 6, 7, 8));
  oc_free(&c);

  oc_init(&c, "Split", 11); /* sizes as attribute */
  oc_attr_ints(&c, "split", I64(2, 1), 2);
  oc_input(&c, F32T, 2, I64(3, 2), F32(1, 2, 3, 4, 5, 6));
  ck_assert_int_eq(oc_run(&c, 2), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 2), F32(1, 2, 3, 4));
  expect_out(&c, 1, F32T, 2, I64(1, 2), F32(5, 6));
  oc_free(&c);

  oc_init(&c, "Split", 18); /* num_outputs, uneven last chunk */
  oc_attr_int(&c, "num_outputs", 3);
  oc_input(&c, I32T, 1, I64(7), I32(1, 2, 3, 4, 5, 6, 7));
  ck_assert_int_eq(oc_run(&c, 3), OCTET_OK);
  expect_out(&c, 0, I32T, 1, I64(3), I32(1, 2, 3));
  expect_out(&c, 1, I32T, 1, I64(3), I32(4, 5, 6));
  expect_out(&c, 2, I32T, 1, I64(1), I32(7));
  oc_free(&c);
}
END_TEST

START_TEST(split_errors) {
  op_case c;
  oc_init(&c, "Split", 13);
  oc_input(&c, F32T, 1, I64(5), F32(1, 2, 3, 4, 5));
  expect_fail(&c, 2, OCTET_ERR_SHAPE); /* not divisible */
  oc_free(&c);

  oc_init(&c, "Split", 13);
  oc_input(&c, F32T, 1, I64(5), F32(1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(2, 2));
  expect_fail(&c, 2, OCTET_ERR_SHAPE); /* sum 4 != 5 */
  oc_free(&c);

  oc_init(&c, "Split", 13);
  oc_input(&c, F32T, 1, I64(5), F32(1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(2, 3));
  expect_fail(&c, 3, OCTET_ERR_INVALID_ARGUMENT); /* 2 sizes, 3 outputs */
  oc_free(&c);

  oc_init(&c, "Split", 18);
  oc_attr_int(&c, "num_outputs", 2);
  oc_input(&c, F32T, 1, I64(4), F32(1, 2, 3, 4));
  expect_fail(&c, 3, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Split", 13);
  oc_attr_int(&c, "axis", 1);
  oc_input(&c, F32T, 1, I64(4), F32(1, 2, 3, 4));
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Split", 13);
  oc_input(&c, F32T, 1, I64(4), F32(1, 2, 3, 4));
  oc_input_dynamic(&c, I64T, 1, I64(2), I64(2, 2));
  expect_fail(&c, 2, OCTET_ERR_DATA_DEPENDENT);
}
END_TEST

/* ---- Slice --------------------------------------------------------------- */

START_TEST(slice_basic_and_axes) {
  op_case c;
  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 2, I64(2, 4), F32(0, 1, 2, 3, 4, 5, 6, 7));
  oc_input(&c, I64T, 1, I64(2), I64(0, 1));
  oc_input(&c, I64T, 1, I64(2), I64(2, 3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 2), F32(1, 2, 5, 6));
  oc_free(&c);

  oc_init(&c, "Slice", 13); /* axes -1, step 2, INT64_MAX end */
  oc_input(&c, F32T, 2, I64(2, 5), F32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MAX));
  oc_input(&c, I64T, 1, I64(1), I64(-1));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 2), F32(1, 3, 6, 8));
  oc_free(&c);

  oc_init(&c, "Slice", 13); /* int32 indices, clamping */
  oc_input(&c, I64T, 1, I64(3), I64(10, 20, 30));
  oc_input(&c, I32T, 1, I64(1), I32(-100));
  oc_input(&c, I32T, 1, I64(1), I32(100));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 1, I64(3), I64(10, 20, 30));
  oc_free(&c);
}
END_TEST

/* Steps at the ends of int64 (INT64_MIN, INT64_MAX, -2^62): one element
 * each, as numpy gives, with no overflow (UBSan builds check it). */
START_TEST(slice_extreme_steps) {
  static const struct { int64_t start, end, step, want; } cases[] = {
      {0, 5, INT64_MAX, 0},           {-1, INT64_MIN, INT64_MIN, 4},
      {4, -100, -(INT64_C(1) << 62), 4}, {INT64_MIN, INT64_MAX, INT64_MAX, 0},
      {INT64_MAX, INT64_MIN, INT64_MIN, 4}, {2, INT64_MIN, INT64_MIN + 1, 2},
      {INT64_MIN, INT64_MAX, INT64_C(1) << 62, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    op_case c;
    oc_init(&c, "Slice", 13);
    oc_input(&c, F32T, 1, I64(5), F32(0, 1, 2, 3, 4));
    oc_input(&c, I64T, 1, I64(1), I64(cases[k].start));
    oc_input(&c, I64T, 1, I64(1), I64(cases[k].end));
    oc_input(&c, I64T, 1, I64(1), I64(0));
    oc_input(&c, I64T, 1, I64(1), I64(cases[k].step));
    ck_assert_msg(oc_run(&c, 1) == OCTET_OK, "case %zu: %s", k, octet_last_error());
    expect_out(&c, 0, F32T, 1, I64(1), F32((float)cases[k].want));
    oc_free(&c);
  }
  /* along an inner axis of a 2-D tensor, and an empty result */
  op_case c;
  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 2, I64(2, 3), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(1), I64(-1));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MIN));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MIN));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 1), F32(2, 5));
  oc_free(&c);
  /* along the outer axis: step * stride (INT64_MAX * 3) used to overflow */
  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 2, I64(2, 3), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MAX));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(1, 3), F32(0, 1, 2));
  oc_free(&c);
  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 1, I64(5), F32(0, 1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MAX));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MIN));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(0), NULL);
  oc_free(&c);
}
END_TEST

START_TEST(slice_negative_steps) {
  op_case c;
  oc_init(&c, "Slice", 13); /* full reverse with INT64_MIN end */
  oc_input(&c, F32T, 1, I64(5), F32(0, 1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(1), I64(-1));
  oc_input(&c, I64T, 1, I64(1), I64(INT64_MIN));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(-1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(5), F32(4, 3, 2, 1, 0));
  oc_free(&c);

  oc_init(&c, "Slice", 13); /* start beyond the end clamps to dim-1 */
  oc_input(&c, F32T, 1, I64(5), F32(0, 1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(1), I64(100));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(-2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(2), F32(4, 2));
  oc_free(&c);

  /* 3-D, two axes out of order, one reversed */
  int64_t x[24];
  for (int i = 0; i < 24; i++) x[i] = i;
  oc_init(&c, "Slice", 13);
  oc_input(&c, I64T, 3, I64(2, 3, 4), x);
  oc_input(&c, I64T, 1, I64(2), I64(3, 1));
  oc_input(&c, I64T, 1, I64(2), I64(0, 2));
  oc_input(&c, I64T, 1, I64(2), I64(2, 0));
  oc_input(&c, I64T, 1, I64(2), I64(-2, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 3, I64(1, 3, 2), I64(15, 13, 19, 17, 23, 21));
  oc_free(&c);
}
END_TEST

START_TEST(slice_empty_and_errors) {
  op_case c;
  oc_init(&c, "Slice", 13); /* start after end: empty */
  oc_input(&c, F32T, 2, I64(5, 2), F32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  oc_input(&c, I64T, 1, I64(1), I64(3));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(0, 2), NULL);
  oc_free(&c);

  oc_init(&c, "Slice", 13); /* step 0 */
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(3));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Slice", 13); /* repeated axis */
  oc_input(&c, F32T, 2, I64(2, 2), F32(1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(2), I64(0, 0));
  oc_input(&c, I64T, 1, I64(2), I64(1, 1));
  oc_input(&c, I64T, 1, I64(2), I64(1, -1));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Slice", 13); /* starts/ends length mismatch */
  oc_input(&c, F32T, 2, I64(2, 2), F32(1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(2), I64(0, 0));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input_dynamic(&c, I64T, 1, I64(1), I64(0));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);

  oc_init(&c, "Slice", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, F32T, 1, I64(1), F32(0));
  oc_input(&c, F32T, 1, I64(1), F32(2));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

/* ---- Gather -------------------------------------------------------------- */

START_TEST(gather_axes) {
  op_case c;
  oc_init(&c, "Gather", 13);
  oc_input(&c, F32T, 2, I64(3, 2), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(2, 0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 2), F32(4, 5, 0, 1));
  oc_free(&c);

  oc_init(&c, "Gather", 13); /* axis 1, negative int32 index, 2-D indices */
  oc_attr_int(&c, "axis", 1);
  oc_input(&c, I64T, 2, I64(2, 3), I64(0, 1, 2, 3, 4, 5));
  oc_input(&c, I32T, 2, I64(1, 2), I32(-1, 0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 3, I64(2, 1, 2), I64(2, 0, 5, 3));
  oc_free(&c);

  oc_init(&c, "Gather", 13); /* scalar index drops the axis */
  oc_input(&c, OCTET_DTYPE_UINT8, 2, I64(3, 2), U8(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 0, NULL, I64(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_UINT8, 1, I64(2), U8(2, 3));
  oc_free(&c);

  oc_init(&c, "Gather", 13); /* empty indices */
  oc_input(&c, F32T, 2, I64(3, 2), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(0), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(0, 2), NULL);
  oc_free(&c);
}
END_TEST

START_TEST(gather_errors) {
  op_case c;
  oc_init(&c, "Gather", 13); /* out of range, found by the kernel */
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input_dynamic(&c, I64T, 1, I64(2), I64(0, 3));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Gather", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input_dynamic(&c, I32T, 1, I64(1), I32(-4));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Gather", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, F32T, 1, I64(1), F32(0));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);

  oc_init(&c, "Gather", 13);
  oc_attr_int(&c, "axis", -2);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ---- Expand -------------------------------------------------------------- */

START_TEST(expand_broadcast) {
  op_case c;
  oc_init(&c, "Expand", 13);
  oc_input(&c, F32T, 2, I64(3, 1), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(3), I64(2, 1, 2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 3, I64(2, 3, 2),
             F32(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3));
  oc_free(&c);

  oc_init(&c, "Expand", 13); /* shape smaller than the input: keeps dims */
  oc_input(&c, I64T, 2, I64(2, 2), I64(1, 2, 3, 4));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 2, I64(2, 2), I64(1, 2, 3, 4));
  oc_free(&c);

  oc_init(&c, "Expand", 13); /* to size 0 */
  oc_input(&c, F32T, 2, I64(1, 2), F32(1, 2));
  oc_input(&c, I64T, 1, I64(2), I64(0, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(0, 2), NULL);
  oc_free(&c);

  oc_init(&c, "Expand", 13); /* large: parallel row path */
  float *x = iota_f32(256);
  oc_input(&c, F32T, 2, I64(1, 256), x);
  oc_input(&c, I64T, 1, I64(3), I64(2, 300, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  const float *y = c.out[0].data;
  int64_t bad = 0;
  for (int64_t i = 0; i < 600 * 256; i++) bad += y[i] != (float)(i % 256);
  ck_assert_int_eq(bad, 0);
  oc_free(&c);
  free(x);
}
END_TEST

START_TEST(expand_errors) {
  op_case c;
  oc_init(&c, "Expand", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  /* the message names both shapes and the dim (what a sequence longer than
   * a sliced position table looks like: [1, 3] expanded to [2, 5]) */
  oc_init(&c, "Expand", 13);
  oc_input(&c, I64T, 2, I64(1, 3), I64(0, 1, 2));
  oc_input(&c, I64T, 1, I64(2), I64(2, 5));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  ck_assert_msg(strstr(octet_last_error(), "input [1,3] cannot be broadcast to the requested "
                                           "shape [2,5] (dim 1: 3 against 5"),
                "%s", octet_last_error());
  ck_assert_msg(strstr(octet_last_error(), "position table"), "%s", octet_last_error());
  oc_free(&c);

  oc_init(&c, "Expand", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input_dynamic(&c, I64T, 1, I64(1), I64(3));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);

  oc_init(&c, "Expand", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(-3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
}
END_TEST

static Suite *movement_suite(void) {
  Suite *s = suite_create("movement");
  TCase *tc = tcase_create("ops");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, transpose_default_2d);
  tcase_add_test(tc, transpose_attention_0213);
  tcase_add_test(tc, transpose_batched_last_two_int64);
  tcase_add_test(tc, transpose_uint8_and_fp16);
  tcase_add_test(tc, transpose_large_paths);
  tcase_add_test(tc, transpose_zero_size_and_errors);
  tcase_add_test(tc, concat_axes_and_empty);
  tcase_add_test(tc, concat_errors);
  tcase_add_test(tc, split_forms);
  tcase_add_test(tc, split_errors);
  tcase_add_test(tc, slice_basic_and_axes);
  tcase_add_test(tc, slice_negative_steps);
  tcase_add_test(tc, slice_extreme_steps);
  tcase_add_test(tc, slice_empty_and_errors);
  tcase_add_test(tc, gather_axes);
  tcase_add_test(tc, gather_errors);
  tcase_add_test(tc, expand_broadcast);
  tcase_add_test(tc, expand_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(movement_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
