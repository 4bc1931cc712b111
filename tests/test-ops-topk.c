/* Unit tests of TopK (opsets 1, 10, 11) and NonZero (issue 16): values and
 * indices against hand-worked slices (ties, NaN, largest = 0, every axis,
 * integers beyond double's precision), and the refusals of infer (K out of
 * range or not known at planning, attribute forms of the wrong opset). */
#include <math.h>

#include "elementwise-test.h"
#include "op-check.h"

static void idx_is(const op_case *c, int o, const int64_t *want, int64_t n) {
  ck_assert_int_eq(c->out[o].dtype, I64);
  ck_assert_int_eq(tv_numel(&c->out[o]), n);
  const int64_t *got = c->out[o].data;
  for (int64_t i = 0; i < n; i++)
    ck_assert_msg(got[i] == want[i], "[%lld] want %lld got %lld", (long long)i,
                  (long long)want[i], (long long)got[i]);
}

static void topk11(op_case *c, int rank, const int64_t *dims, const float *x, int64_t k,
                   int64_t axis, int64_t largest) {
  oc_init(c, "TopK", 11);
  oc_attr_int(c, "axis", axis);
  oc_attr_int(c, "largest", largest);
  oc_input(c, F32, rank, dims, x);
  oc_input(c, I64, 1, (int64_t[]){1}, &k);
}

START_TEST(topk_values) {
  op_case c;
  /* rows [3, 1, 3, 7, 2] and [0, -1, 5, 5, 5]: ties keep the lower index */
  float x[10] = {3, 1, 3, 7, 2, 0, -1, 5, 5, 5};
  topk11(&c, 2, (int64_t[]){2, 5}, x, 3, -1, 1);
  ok(oc_run(&c, 2));
  check_shape(&c, 0, 2, (int64_t[]){2, 3});
  f32_is(&c, (float[]){7, 3, 3, 5, 5, 5}, 6, 0);
  idx_is(&c, 1, (int64_t[]){3, 0, 2, 2, 3, 4}, 6);
  oc_free(&c);
  /* smallest */
  topk11(&c, 2, (int64_t[]){2, 5}, x, 2, 1, 0);
  ok(oc_run(&c, 2));
  f32_is(&c, (float[]){1, 2, -1, 0}, 4, 0);
  idx_is(&c, 1, (int64_t[]){1, 4, 1, 0}, 4);
  oc_free(&c);
  /* axis 0 of [2, 5]: the larger of each column, the first on a tie */
  topk11(&c, 2, (int64_t[]){2, 5}, x, 1, 0, 1);
  ok(oc_run(&c, 2));
  check_shape(&c, 0, 2, (int64_t[]){1, 5});
  f32_is(&c, (float[]){3, 1, 5, 7, 5}, 5, 0);
  idx_is(&c, 1, (int64_t[]){0, 0, 1, 0, 1}, 5);
  oc_free(&c);
  /* K = 0 and K = the whole axis */
  topk11(&c, 2, (int64_t[]){2, 5}, x, 0, 1, 1);
  ok(oc_run(&c, 2));
  check_shape(&c, 0, 2, (int64_t[]){2, 0});
  oc_free(&c);
  topk11(&c, 1, (int64_t[]){5}, x, 5, 0, 1);
  ok(oc_run(&c, 2));
  f32_is(&c, (float[]){7, 3, 3, 2, 1}, 5, 0);
  idx_is(&c, 1, (int64_t[]){3, 0, 2, 4, 1}, 5);
  oc_free(&c);
}
END_TEST

START_TEST(topk_nan_and_ints) {
  op_case c;
  /* NaN is larger than every number: first with largest = 1, last with 0;
   * -0.0 equals 0.0, so the lower index wins */
  float x[5] = {1.0f, NAN, -0.0f, 0.0f, -INFINITY};
  topk11(&c, 1, (int64_t[]){5}, x, 3, 0, 1);
  ok(oc_run(&c, 2));
  f32_is(&c, (float[]){NAN, 1.0f, -0.0f}, 3, 0);
  idx_is(&c, 1, (int64_t[]){1, 0, 2}, 3);
  oc_free(&c);
  topk11(&c, 1, (int64_t[]){5}, x, 5, 0, 0);
  ok(oc_run(&c, 2));
  f32_is(&c, (float[]){-INFINITY, -0.0f, 0.0f, 1.0f, NAN}, 5, 0);
  idx_is(&c, 1, (int64_t[]){4, 2, 3, 0, 1}, 5);
  oc_free(&c);
  /* int64 values that double cannot tell apart */
  int64_t big[3] = {(INT64_C(1) << 60) + 1, (INT64_C(1) << 60) + 3, (INT64_C(1) << 60) + 2};
  int64_t k = 2;
  oc_init(&c, "TopK", 11);
  oc_input(&c, I64, 1, (int64_t[]){3}, big);
  oc_input(&c, I64, 1, (int64_t[]){1}, &k);
  ok(oc_run(&c, 2));
  idx_is(&c, 0, (int64_t[]){big[1], big[2]}, 2);
  idx_is(&c, 1, (int64_t[]){1, 2}, 2);
  oc_free(&c);
  /* opset 1: k attribute, the last axis */
  oc_init(&c, "TopK", 1);
  oc_attr_int(&c, "k", 1);
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, (float[]){1, 4, 3, 2});
  ok(oc_run(&c, 2));
  f32_is(&c, (float[]){4, 3}, 2, 0);
  idx_is(&c, 1, (int64_t[]){1, 0}, 2);
  oc_free(&c);
}
END_TEST

START_TEST(topk_refusals) {
  op_case c;
  float x[4] = {1, 2, 3, 4};
  topk11(&c, 1, (int64_t[]){4}, x, 5, 0, 1);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT); /* K > axis size */
  topk11(&c, 1, (int64_t[]){4}, x, -1, 0, 1);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT);
  topk11(&c, 1, (int64_t[]){4}, x, 1, 1, 1);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT); /* axis out of range */
  topk11(&c, 1, (int64_t[]){4}, x, 1, 0, 2);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT); /* largest = 2 */
  int64_t k = 1;
  oc_init(&c, "TopK", 11);
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  oc_input_dynamic(&c, I64, 1, (int64_t[]){1}, &k);
  expect_fail(&c, 2, OCTET_ERR_DATA_DEPENDENT);
  oc_init(&c, "TopK", 11);
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  oc_input(&c, I32, 1, (int64_t[]){1}, (int32_t[]){1});
  expect_fail(&c, 2, OCTET_ERR_DTYPE);
  oc_init(&c, "TopK", 11);
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  oc_input(&c, I64, 1, (int64_t[]){2}, (int64_t[]){1, 1});
  expect_fail(&c, 2, OCTET_ERR_SHAPE);
  oc_init(&c, "TopK", 10); /* attribute k after opset 1 */
  oc_attr_int(&c, "k", 1);
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  oc_input(&c, I64, 1, (int64_t[]){1}, &k);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "TopK", 1); /* no k */
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "TopK", 10); /* largest is opset 11 */
  oc_attr_int(&c, "largest", 0);
  oc_input(&c, F32, 1, (int64_t[]){4}, x);
  oc_input(&c, I64, 1, (int64_t[]){1}, &k);
  expect_fail(&c, 2, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(nonzero) {
  op_case c;
  float x[6] = {1, 0, 0, NAN, -0.0f, 3}; /* [2, 3] */
  oc_init(&c, "NonZero", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 3}, x);
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){2, 3});
  idx_is(&c, 0, (int64_t[]){0, 1, 1, 0, 0, 2}, 6);
  oc_free(&c);
  uint8_t b[3] = {0, 0, 0};
  oc_init(&c, "NonZero", 9);
  oc_input(&c, BOOL, 1, (int64_t[]){3}, b);
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){1, 0});
  oc_free(&c);
  oc_init(&c, "NonZero", 13);
  oc_input_dynamic(&c, F32, 2, (int64_t[]){2, 3}, x);
  expect_fail(&c, 1, OCTET_ERR_UNSUPPORTED);
}
END_TEST

static Suite *topk_suite(void) {
  Suite *s = suite_create("topk");
  TCase *tc = tcase_create("topk");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, topk_values);
  tcase_add_test(tc, topk_nan_and_ints);
  tcase_add_test(tc, topk_refusals);
  tcase_add_test(tc, nonzero);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(topk_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
