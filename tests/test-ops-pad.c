/* Unit tests of Pad (opsets 2 to 21): the four modes, negative pads that
 * crop, pads far larger than the axis (repeated reflection and wrap), the
 * axes input (Pad-18), the attribute form (Pad-2), the constant value, and
 * every refusal of infer. */
#include "elementwise-test.h"
#include "op-check.h"

/* Pad at `opset` of a 1-D float input with pads {b, e}. */
static octet_status pad1(op_case *c, int64_t opset, const char *mode, int n,
                         const float *x, int64_t b, int64_t e) {
  oc_init(c, "Pad", opset);
  if (mode) oc_attr_string(c, "mode", mode);
  oc_input(c, F32, 1, (int64_t[]){n}, x);
  oc_input(c, I64, 1, (int64_t[]){2}, (int64_t[]){b, e});
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(pad_modes_1d) {
  op_case c;
  float x[5] = {1, 2, 3, 4, 5};
  ok(pad1(&c, 13, "reflect", 3, x, 2, 2));
  f32_is(&c, (float[]){3, 2, 1, 2, 3, 2, 1}, 7, 0);
  oc_free(&c);
  ok(pad1(&c, 13, "reflect", 3, x, 5, 0)); /* reflected again and again */
  f32_is(&c, (float[]){2, 1, 2, 3, 2, 1, 2, 3}, 8, 0);
  oc_free(&c);
  ok(pad1(&c, 13, "reflect", 1, x, 2, 1)); /* one element: repeated */
  f32_is(&c, (float[]){1, 1, 1, 1}, 4, 0);
  oc_free(&c);
  ok(pad1(&c, 13, "edge", 3, x, 2, 1));
  f32_is(&c, (float[]){1, 1, 1, 2, 3, 3}, 6, 0);
  oc_free(&c);
  ok(pad1(&c, 19, "wrap", 3, x, 4, 1));
  f32_is(&c, (float[]){3, 1, 2, 3, 1, 2, 3, 1}, 8, 0);
  oc_free(&c);
  ok(pad1(&c, 13, NULL, 3, x, 1, 2)); /* constant 0 by default */
  f32_is(&c, (float[]){0, 1, 2, 3, 0, 0}, 6, 0);
  oc_free(&c);
  /* negative pads crop first; the other side pads the cropped data */
  ok(pad1(&c, 13, "edge", 5, x, -1, 2));
  f32_is(&c, (float[]){2, 3, 4, 5, 5, 5}, 6, 0);
  oc_free(&c);
  ok(pad1(&c, 13, "reflect", 5, x, -2, 2));
  f32_is(&c, (float[]){3, 4, 5, 4, 3}, 5, 0);
  oc_free(&c);
  ok(pad1(&c, 13, "constant", 5, x, -2, -3)); /* all cropped */
  check_shape(&c, 0, 1, (int64_t[]){0});
  oc_free(&c);
  ok(pad1(&c, 19, "wrap", 5, x, 1, -3));
  f32_is(&c, (float[]){2, 1, 2}, 3, 0);
  oc_free(&c);
  /* constant padding of an empty axis is fine */
  ok(pad1(&c, 13, "constant", 0, x, 1, 1));
  f32_is(&c, (float[]){0, 0}, 2, 0);
  oc_free(&c);
}
END_TEST

START_TEST(pad_2d_axes_value) {
  op_case c;
  float x[6] = {1, 2, 3, 4, 5, 6}; /* [2, 3] */
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  oc_input(&c, I64, 1, (int64_t[]){4}, (int64_t[]){1, 0, 0, 1});
  oc_input(&c, F32, 0, NULL, (float[]){-1});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){3, 4});
  f32_is(&c, (float[]){-1, -1, -1, -1, 1, 2, 3, -1, 4, 5, 6, -1}, 12, 0);
  oc_free(&c);
  /* reflect on both axes */
  oc_init(&c, "Pad", 13);
  oc_attr_string(&c, "mode", "reflect");
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  oc_input(&c, I64, 1, (int64_t[]){4}, (int64_t[]){1, 1, 0, 0});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){3, 4});
  f32_is(&c, (float[]){5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6}, 12, 0);
  oc_free(&c);
  /* Pad-18 axes: only the last axis, given as -1 */
  oc_init(&c, "Pad", 18);
  oc_attr_string(&c, "mode", "edge");
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){0, 2});
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){-1});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){2, 5});
  f32_is(&c, (float[]){1, 2, 3, 3, 3, 4, 5, 6, 6, 6}, 10, 0);
  oc_free(&c);
  /* Pad-2: attributes pads and value */
  oc_init(&c, "Pad", 2);
  oc_attr_ints(&c, "pads", (int64_t[]){0, 1, 0, 0}, 4);
  oc_attr_float(&c, "value", 7.5f);
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){7.5f, 1, 2, 3, 7.5f, 4, 5, 6}, 8, 0);
  oc_free(&c);
  /* Pad-2 value on integers is truncated like Cast */
  int32_t xi[2] = {1, 2}, wi[3] = {-7, 1, 2};
  oc_init(&c, "Pad", 2);
  oc_attr_ints(&c, "pads", (int64_t[]){1, 0}, 2);
  oc_attr_float(&c, "value", -7.9f);
  oc_input(&c, I32, 1, (int64_t[]){2}, xi);
  ok(oc_run(&c, 1));
  bytes_is(&c, wi, sizeof wi);
  oc_free(&c);
  /* float16 and bool with a constant value; rank 0 */
  uint16_t h[1] = {0x3C00}, hv = 0x4000, hw[3] = {0x4000, 0x3C00, 0x4000};
  oc_init(&c, "Pad", 13);
  oc_input(&c, F16, 1, (int64_t[]){1}, h);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  oc_input(&c, F16, 0, NULL, &hv);
  ok(oc_run(&c, 1));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  uint8_t b[1] = {1}, bv = 0, bw[2] = {1, 0};
  oc_init(&c, "Pad", 13);
  oc_input(&c, BOOL, 1, (int64_t[]){1}, b);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){0, 1});
  oc_input(&c, BOOL, 0, NULL, &bv);
  ok(oc_run(&c, 1));
  bytes_is(&c, bw, sizeof bw);
  oc_free(&c);
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 0, NULL, x);
  oc_input(&c, I64, 1, (int64_t[]){0}, NULL);
  ok(oc_run(&c, 1));
  ck_assert_int_eq(c.out[0].rank, 0);
  f32_is(&c, x, 1, 0);
  oc_free(&c);
}
END_TEST

START_TEST(pad_large) {
  op_case c;
  enum { R = 300, C = 301 };
  float *x = iota_f32(R * C);
  oc_init(&c, "Pad", 13);
  oc_attr_string(&c, "mode", "reflect");
  oc_input(&c, F32, 2, (int64_t[]){R, C}, x);
  oc_input(&c, I64, 1, (int64_t[]){4}, (int64_t[]){2, -1, 3, 4});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){R + 5, C + 3});
  const float *y = c.out[0].data;
  /* row 0 reflects to input row 2; column 0 is input column 1 (column 0
   * is cropped) */
  ck_assert(y[0] == x[2 * C + 1]);
  ck_assert(y[2 * (C + 3) + 2] == x[0 * C + 3]);
  ck_assert(y[(R + 4) * (C + 3) + C + 2] == x[(R - 4) * C + C - 5]);
  oc_free(&c);
  free(x);
}
END_TEST

static void pad_fail(int64_t opset, const char *mode, int n, const int64_t *pads,
                     int np, octet_status want) {
  op_case c;
  float x[4] = {1, 2, 3, 4};
  oc_init(&c, "Pad", opset);
  if (mode) oc_attr_string(&c, "mode", mode);
  oc_input(&c, F32, 1, (int64_t[]){n}, x);
  oc_input(&c, I64, 1, (int64_t[]){np}, pads);
  expect_fail(&c, 1, want);
}

START_TEST(pad_errors) {
  pad_fail(13, NULL, 4, (int64_t[]){1, 1, 1}, 3, OCTET_ERR_INVALID_ARGUMENT);
  pad_fail(13, NULL, 4, (int64_t[]){-3, -2}, 2, OCTET_ERR_SHAPE);
  pad_fail(13, NULL, 4, (int64_t[]){-5, 1}, 2, OCTET_ERR_SHAPE);
  pad_fail(13, "edge", 4, (int64_t[]){-4, 1}, 2, OCTET_ERR_INVALID_ARGUMENT);
  pad_fail(13, "reflect", 0, (int64_t[]){1, 0}, 2, OCTET_ERR_INVALID_ARGUMENT);
  pad_fail(18, "wrap", 4, (int64_t[]){1, 0}, 2, OCTET_ERR_INVALID_ARGUMENT);
  pad_fail(19, "mirror", 4, (int64_t[]){1, 0}, 2, OCTET_ERR_INVALID_ARGUMENT);
  pad_fail(13, NULL, 4, (int64_t[]){INT64_MAX, 0}, 2, OCTET_ERR_OVERFLOW);
  pad_fail(13, NULL, 4, (int64_t[]){INT64_MIN, 0}, 2, OCTET_ERR_OVERFLOW);
  /* 2^40 floats: past the largest tensor */
  pad_fail(13, NULL, 4, (int64_t[]){(int64_t)1 << 40, 0}, 2, OCTET_ERR_OVERFLOW);
  op_case c;
  float x[2] = {1, 2};
  /* pads unknown at planning */
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input_dynamic(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
  /* pads of floats, of rank 2 */
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 2, (int64_t[]){1, 2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  /* constant value of another dtype, or not a scalar */
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  oc_input(&c, F64, 0, NULL, (double[]){1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  /* axes before opset 18; repeated or out-of-range axes */
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){0});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Pad", 18);
  oc_input(&c, F32, 2, (int64_t[]){1, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){4}, (int64_t[]){1, 1, 1, 1});
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, -1});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Pad", 18);
  oc_input(&c, F32, 2, (int64_t[]){1, 2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){2});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  /* the attribute form at opset 11+, the input form at opset 2, no pads */
  oc_init(&c, "Pad", 11);
  oc_attr_ints(&c, "pads", (int64_t[]){1, 1}, 2);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Pad", 2);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Pad", 2);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Pad", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  /* bool before opset 13 */
  uint8_t b[1] = {1};
  oc_init(&c, "Pad", 11);
  oc_input(&c, BOOL, 1, (int64_t[]){1}, b);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

static Suite *pad_suite(void) {
  Suite *s = suite_create("pad");
  TCase *tc = tcase_create("pad");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, pad_modes_1d);
  tcase_add_test(tc, pad_2d_axes_value);
  tcase_add_test(tc, pad_large);
  tcase_add_test(tc, pad_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(pad_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
