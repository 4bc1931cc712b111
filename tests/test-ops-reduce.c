/* Unit tests of the reductions of issue 16 (ReduceMax, ReduceMin,
 * ReduceProd, ReduceL2, ReduceL1, ReduceSumSquare, ReduceLogSum,
 * ReduceLogSumExp, ArgMax, ArgMin): axes as attribute or input by opset,
 * keepdims, noop_with_empty_axes, empty sets, NaN, integers, ties. */
#include "elementwise-test.h"
#include "op-check.h"

/* Reduce `op` of x [2, 3] at opset 13 over the axes attribute. */
static octet_status red13(op_case *c, const char *op, const int64_t *axes, size_t na,
                          int64_t keep, octet_dtype t, const void *x) {
  oc_init(c, op, 13);
  if (axes) oc_attr_ints(c, "axes", axes, na);
  if (keep >= 0) oc_attr_int(c, "keepdims", keep);
  oc_input(c, t, 2, (int64_t[]){2, 3}, x);
  octet_clear_error();
  return oc_run(c, 1);
}

/* ... at opset 18 with axes as input 1 (NULL: absent). */
static octet_status red18(op_case *c, const char *op, int rank, const int64_t *dims,
                          const void *x, const int64_t *axes, int64_t na, int64_t noop) {
  oc_init(c, op, 18);
  if (noop >= 0) oc_attr_int(c, "noop_with_empty_axes", noop);
  oc_input(c, F32, rank, dims, x);
  if (axes || na == 0) oc_input(c, I64, 1, (int64_t[]){na}, axes);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(reduce_values) {
  op_case c;
  float x[6] = {1, -2, 3, 4, 5, -6};
  ok(red13(&c, "ReduceMax", (int64_t[]){1}, 1, 0, F32, x));
  check_shape(&c, 0, 1, (int64_t[]){2});
  f32_is(&c, (float[]){3, 5}, 2, 0);
  oc_free(&c);
  ok(red13(&c, "ReduceMin", (int64_t[]){0}, 1, 1, F32, x));
  check_shape(&c, 0, 2, (int64_t[]){1, 3});
  f32_is(&c, (float[]){1, -2, -6}, 3, 0);
  oc_free(&c);
  ok(red13(&c, "ReduceProd", NULL, 0, -1, F32, x)); /* every axis, kept */
  check_shape(&c, 0, 2, (int64_t[]){1, 1});
  f32_is(&c, (float[]){720}, 1, 0);
  oc_free(&c);
  ok(red13(&c, "ReduceL2", (int64_t[]){-1}, 1, 0, F32, x));
  f32_is(&c, (float[]){sqrtf(14), sqrtf(77)}, 2, 1e-6f);
  oc_free(&c);
  ok(red13(&c, "ReduceL1", (int64_t[]){1}, 1, 0, F32, x));
  f32_is(&c, (float[]){6, 15}, 2, 0);
  oc_free(&c);
  ok(red13(&c, "ReduceSumSquare", (int64_t[]){1}, 1, 0, F32, x));
  f32_is(&c, (float[]){14, 77}, 2, 0);
  oc_free(&c);
  float p[6] = {1, 2, 3, 4, 5, 6};
  ok(red13(&c, "ReduceLogSum", (int64_t[]){1}, 1, 0, F32, p));
  f32_is(&c, (float[]){logf(6), logf(15)}, 2, 1e-6f);
  oc_free(&c);
  /* LogSumExp does not overflow */
  float big[6] = {1000, 1000, -INFINITY, 0, 0, 0};
  ok(red13(&c, "ReduceLogSumExp", (int64_t[]){1}, 1, 0, F32, big));
  f32_is(&c, (float[]){1000 + logf(2), logf(3)}, 2, 1e-4f);
  oc_free(&c);
  /* NaN wins Max and Min */
  float n[6] = {1, NAN, 3, 4, 5, 6};
  ok(red13(&c, "ReduceMax", (int64_t[]){1}, 1, 0, F32, n));
  f32_is(&c, (float[]){NAN, 6}, 2, 0);
  oc_free(&c);
  /* integers: signed Max, wrapping Prod, L2 truncated */
  int32_t xi[6] = {-5, -2, -9, 7, 0, 1}, wmax[2] = {-2, 7};
  ok(red13(&c, "ReduceMax", (int64_t[]){1}, 1, 0, I32, xi));
  bytes_is(&c, wmax, sizeof wmax);
  oc_free(&c);
  int32_t wl2[2] = {10, 7}; /* sqrt(110) = 10.48, sqrt(50) = 7.07 */
  ok(red13(&c, "ReduceL2", (int64_t[]){1}, 1, 0, I32, xi));
  bytes_is(&c, wl2, sizeof wl2);
  oc_free(&c);
  int64_t w[6] = {INT64_MAX, 2, 1, 1, 1, 1}, wp[2] = {-2, 1};
  ok(red13(&c, "ReduceProd", (int64_t[]){1}, 1, 0, I64, w));
  bytes_is(&c, wp, sizeof wp);
  oc_free(&c);
  uint64_t u[6] = {UINT64_MAX, 0, 1, 2, 3, 4}, wu[2] = {0, 2};
  ok(red13(&c, "ReduceMin", (int64_t[]){1}, 1, 0, U64, u));
  bytes_is(&c, wu, sizeof wu);
  oc_free(&c);
  /* float16 and float64 */
  uint16_t h[6] = {0x3C00, 0x4000, 0x4200, 0x3C00, 0x3C00, 0x3C00}; /* 1 2 3 1 1 1 */
  ok(red13(&c, "ReduceProd", (int64_t[]){1}, 1, 0, F16, h));
  uint16_t hw[2] = {0x4600, 0x3C00}; /* 6, 1 */
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
}
END_TEST

START_TEST(reduce_axes_forms) {
  op_case c;
  float x[6] = {1, -2, 3, 4, 5, -6};
  int64_t d23[2] = {2, 3};
  ok(red18(&c, "ReduceMax", 2, d23, x, (int64_t[]){-2}, 1, -1));
  check_shape(&c, 0, 2, (int64_t[]){1, 3});
  f32_is(&c, (float[]){4, 5, 3}, 3, 0);
  oc_free(&c);
  /* empty axes: every axis, or (noop_with_empty_axes) the op per element */
  ok(red18(&c, "ReduceMin", 2, d23, x, NULL, 0, -1));
  f32_is(&c, (float[]){-6}, 1, 0);
  oc_free(&c);
  ok(red18(&c, "ReduceL2", 2, d23, x, NULL, 0, 1));
  check_shape(&c, 0, 2, d23);
  f32_is(&c, (float[]){1, 2, 3, 4, 5, 6}, 6, 0);
  oc_free(&c);
  ok(red18(&c, "ReduceMax", 2, d23, x, NULL, -1, 1)); /* absent axes input */
  f32_is(&c, x, 6, 0);
  oc_free(&c);
  /* empty sets: the identities */
  int64_t d0[3] = {2, 0, 2};
  const char *ops[6] = {"ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceLogSum",
                        "ReduceLogSumExp"};
  float want[6] = {-INFINITY, INFINITY, 1, 0, -INFINITY, -INFINITY};
  for (int k = 0; k < 6; k++) {
    ok(red18(&c, ops[k], 3, d0, NULL, (int64_t[]){1}, 1, -1));
    check_shape(&c, 0, 3, (int64_t[]){2, 1, 2});
    f32_is(&c, (float[]){want[k], want[k], want[k], want[k]}, 4, 0);
    oc_free(&c);
  }
  int8_t e8[1] = {0};
  oc_init(&c, "ReduceMax", 18);
  oc_input(&c, I8, 1, (int64_t[]){0}, e8);
  ok(oc_run(&c, 1));
  ck_assert_int_eq(((int8_t *)c.out[0].data)[0], INT8_MIN);
  oc_free(&c);
  /* bool from opset 20 */
  uint8_t b[4] = {0, 1, 0, 0}, wb[2] = {1, 0};
  oc_init(&c, "ReduceMax", 20);
  oc_attr_int(&c, "keepdims", 0);
  oc_input(&c, BOOL, 2, (int64_t[]){2, 2}, b);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){1});
  ok(oc_run(&c, 1));
  bytes_is(&c, wb, 2);
  oc_free(&c);
}
END_TEST

START_TEST(reduce_errors) {
  op_case c;
  float x[6] = {0};
  int64_t d23[2] = {2, 3};
  /* axes form of the other opset */
  oc_init(&c, "ReduceMax", 18);
  oc_attr_ints(&c, "axes", (int64_t[]){0}, 1);
  oc_input(&c, F32, 2, d23, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceProd", 13);
  oc_input(&c, F32, 2, d23, x);
  oc_input(&c, I64, 1, (int64_t[]){1}, (int64_t[]){0});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceL2", 13);
  oc_attr_int(&c, "noop_with_empty_axes", 1);
  oc_input(&c, F32, 2, d23, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  /* repeated, out of range, unknown at planning, wrong type */
  oc_init(&c, "ReduceMin", 18);
  oc_input(&c, F32, 2, d23, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, -1});
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceMin", 13);
  oc_attr_ints(&c, "axes", (int64_t[]){2}, 1);
  oc_input(&c, F32, 2, d23, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "ReduceMax", 18);
  oc_input(&c, F32, 2, d23, x);
  oc_input_dynamic(&c, I64, 1, (int64_t[]){1}, (int64_t[]){0});
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
  oc_init(&c, "ReduceMax", 18);
  oc_input(&c, F32, 2, d23, x);
  oc_input(&c, F32, 1, (int64_t[]){1}, x);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "ReduceMax", 13);
  oc_attr_int(&c, "keepdims", 2);
  oc_input(&c, F32, 2, d23, x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  /* dtypes by opset */
  int8_t i8[6] = {0};
  oc_init(&c, "ReduceMax", 13);
  oc_input(&c, I8, 2, d23, i8);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "ReduceProd", 18);
  oc_input(&c, I8, 2, d23, i8);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
  oc_init(&c, "ReduceMin", 18);
  oc_input(&c, BOOL, 2, d23, i8);
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

static octet_status arg(op_case *c, const char *op, int64_t opset, int64_t axis,
                        int64_t keep, int64_t last, octet_dtype t, int rank,
                        const int64_t *dims, const void *x) {
  oc_init(c, op, opset);
  oc_attr_int(c, "axis", axis);
  if (keep >= 0) oc_attr_int(c, "keepdims", keep);
  if (last >= 0) oc_attr_int(c, "select_last_index", last);
  oc_input(c, t, rank, dims, x);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(argmax_argmin) {
  op_case c;
  float x[6] = {2, 7, 7, 1, 1, 0}; /* [2, 3] */
  int64_t d23[2] = {2, 3};
  ok(arg(&c, "ArgMax", 13, 1, -1, -1, F32, 2, d23, x));
  int64_t w1[2] = {1, 0};
  expect_out(&c, 0, I64, 2, (int64_t[]){2, 1}, w1);
  oc_free(&c);
  ok(arg(&c, "ArgMax", 13, -1, 0, 1, F32, 2, d23, x)); /* last of the ties */
  int64_t w2[2] = {2, 1};
  expect_out(&c, 0, I64, 1, (int64_t[]){2}, w2);
  oc_free(&c);
  ok(arg(&c, "ArgMin", 13, 0, 0, -1, F32, 2, d23, x));
  int64_t w3[3] = {1, 1, 1};
  expect_out(&c, 0, I64, 1, (int64_t[]){3}, w3);
  oc_free(&c);
  ok(arg(&c, "ArgMin", 13, 1, 0, 1, F32, 2, d23, x));
  int64_t w4[2] = {0, 2};
  expect_out(&c, 0, I64, 1, (int64_t[]){2}, w4);
  oc_free(&c);
  /* NaN is the extreme: the first one, or the last with select_last_index */
  float n[4] = {1, NAN, 5, NAN};
  ok(arg(&c, "ArgMax", 13, 0, 0, -1, F32, 1, (int64_t[]){4}, n));
  ck_assert_int_eq(((int64_t *)c.out[0].data)[0], 1);
  oc_free(&c);
  ok(arg(&c, "ArgMin", 13, 0, 0, 1, F32, 1, (int64_t[]){4}, n));
  ck_assert_int_eq(((int64_t *)c.out[0].data)[0], 3);
  oc_free(&c);
  /* integers with their signedness */
  uint8_t u[3] = {3, 250, 7};
  ok(arg(&c, "ArgMax", 11, 0, 0, -1, U8, 1, (int64_t[]){3}, u));
  ck_assert_int_eq(((int64_t *)c.out[0].data)[0], 1);
  oc_free(&c);
  int8_t s[3] = {3, -6, 7};
  ok(arg(&c, "ArgMin", 11, 0, 1, -1, I8, 1, (int64_t[]){3}, s));
  ck_assert_int_eq(((int64_t *)c.out[0].data)[0], 1);
  oc_free(&c);
  /* refusals */
  fails(arg(&c, "ArgMax", 13, 2, -1, -1, F32, 2, d23, x), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(arg(&c, "ArgMax", 13, 1, -1, -1, F32, 2, (int64_t[]){2, 0}, x), OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(arg(&c, "ArgMin", 11, 0, -1, 1, F32, 2, d23, x), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(arg(&c, "ArgMin", 13, 0, 3, -1, F32, 2, d23, x), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(arg(&c, "ArgMin", 13, 0, -1, -1, BOOL, 2, d23, x), OCTET_ERR_DTYPE);
  oc_free(&c);
}
END_TEST

static Suite *reduce_suite(void) {
  Suite *s = suite_create("reduce");
  TCase *tc = tcase_create("reduce");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, reduce_values);
  tcase_add_test(tc, reduce_axes_forms);
  tcase_add_test(tc, reduce_errors);
  tcase_add_test(tc, argmax_argmin);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(reduce_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
