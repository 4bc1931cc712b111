/* Unit tests of the variadic elementwise ops of issue 16 (Max, Min, Mean,
 * Sum): one to many inputs, multidirectional broadcasting across all of
 * them, NaN, integer signedness, dtype and shape errors. */
#include "elementwise-test.h"
#include "op-check.h"

START_TEST(three_way_broadcast) {
  op_case c;
  /* [2,1] , [3] , [1,1,3]... -> [1,2,3] */
  float a[2] = {1, 10}, b[3] = {5, 0, 20}, d[3] = {2, 2, 2};
  oc_init(&c, "Max", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 1}, a);
  oc_input(&c, F32, 1, (int64_t[]){3}, b);
  oc_input(&c, F32, 3, (int64_t[]){1, 1, 3}, d);
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 3, (int64_t[]){1, 2, 3});
  f32_is(&c, (float[]){5, 2, 20, 10, 10, 20}, 6, 0);
  oc_free(&c);
  oc_init(&c, "Min", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 1}, a);
  oc_input(&c, F32, 1, (int64_t[]){3}, b);
  oc_input(&c, F32, 3, (int64_t[]){1, 1, 3}, d);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){1, 0, 1, 2, 0, 2}, 6, 0);
  oc_free(&c);
  oc_init(&c, "Sum", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 1}, a);
  oc_input(&c, F32, 1, (int64_t[]){3}, b);
  oc_input(&c, F32, 3, (int64_t[]){1, 1, 3}, d);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){8, 3, 23, 17, 12, 32}, 6, 0);
  oc_free(&c);
  oc_init(&c, "Mean", 13);
  oc_input(&c, F32, 2, (int64_t[]){2, 1}, a);
  oc_input(&c, F32, 1, (int64_t[]){3}, b);
  oc_input(&c, F32, 3, (int64_t[]){1, 1, 3}, d);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){8.f / 3, 1, 23.f / 3, 17.f / 3, 4, 32.f / 3}, 6, 1e-6f);
  oc_free(&c);
  /* a later input may grow the shape the earlier ones made */
  oc_init(&c, "Sum", 13);
  oc_input(&c, F32, 0, NULL, (float[]){1});
  oc_input(&c, F32, 1, (int64_t[]){1}, (float[]){2});
  oc_input(&c, F32, 2, (int64_t[]){2, 2}, (float[]){1, 2, 3, 4});
  ok(oc_run(&c, 1));
  check_shape(&c, 0, 2, (int64_t[]){2, 2});
  f32_is(&c, (float[]){4, 5, 6, 7}, 4, 0);
  oc_free(&c);
}
END_TEST

START_TEST(one_input_nan_types) {
  op_case c;
  float x[3] = {1, NAN, -2};
  const char *ops[4] = {"Max", "Min", "Mean", "Sum"};
  for (int i = 0; i < 4; i++) { /* one input: the output is the input */
    ok(run1(&c, ops[i], F32, 1, (int64_t[]){3}, x));
    f32_is(&c, x, 3, 0);
    oc_free(&c);
  }
  /* NaN in either position wins Max and Min (numpy maximum/minimum) */
  float y[3] = {NAN, 0, NAN};
  ok(run2(&c, "Max", F32, 1, (int64_t[]){3}, x, F32, 1, (int64_t[]){3}, y));
  f32_is(&c, (float[]){NAN, NAN, NAN}, 3, 0);
  oc_free(&c);
  ok(run2(&c, "Min", F32, 1, (int64_t[]){3}, x, F32, 0, NULL, (float[]){0}));
  f32_is(&c, (float[]){0, NAN, -2}, 3, 0);
  oc_free(&c);
  /* integers compare with their signedness */
  uint8_t u[2] = {200, 3}, v[2] = {100, 4}, wu[2] = {200, 4};
  ok(run2(&c, "Max", U8, 1, (int64_t[]){2}, u, U8, 1, (int64_t[]){2}, v));
  bytes_is(&c, wu, sizeof wu);
  oc_free(&c);
  int8_t s[2] = {-56, 3}, t[2] = {100, 4}, ws[2] = {-56, 3};
  ok(run2(&c, "Min", I8, 1, (int64_t[]){2}, s, I8, 1, (int64_t[]){2}, t));
  bytes_is(&c, ws, sizeof ws);
  oc_free(&c);
  uint64_t a[1] = {UINT64_MAX}, b[1] = {1};
  ok(run2(&c, "Max", U64, 1, (int64_t[]){1}, a, U64, 1, (int64_t[]){1}, b));
  bytes_is(&c, a, sizeof a);
  oc_free(&c);
  /* float16 and float64 */
  uint16_t h1[2] = {0x3C00, 0x4000}, h2[2] = {0x4000, 0x4000}, hw[2] = {0x3E00, 0x4000};
  ok(run2(&c, "Mean", F16, 1, (int64_t[]){2}, h1, F16, 1, (int64_t[]){2}, h2));
  bytes_is(&c, hw, sizeof hw); /* 1.5, 2 */
  oc_free(&c);
  double d1[1] = {0.1}, d2[1] = {0.2};
  ok(run2(&c, "Sum", F64, 1, (int64_t[]){1}, d1, F64, 1, (int64_t[]){1}, d2));
  ck_assert(((double *)c.out[0].data)[0] == 0.1 + 0.2);
  oc_free(&c);
}
END_TEST

START_TEST(variadic_errors) {
  op_case c;
  int32_t i[2] = {1, 2};
  /* Sum and Mean take floats; Max and Min integers only from opset 12 */
  fails(run2(&c, "Sum", I32, 1, (int64_t[]){2}, i, I32, 1, (int64_t[]){2}, i),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  oc_init(&c, "Max", 8);
  oc_input(&c, I32, 1, (int64_t[]){2}, i);
  fails(oc_run(&c, 1), OCTET_ERR_DTYPE);
  oc_free(&c);
  float f[3] = {1, 2, 3};
  fails(run2(&c, "Max", F32, 1, (int64_t[]){2}, f, I32, 1, (int64_t[]){2}, i),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Min", F32, 1, (int64_t[]){2}, f, F32, 1, (int64_t[]){3}, f),
        OCTET_ERR_SHAPE);
  oc_free(&c);
  /* the third input clashes with the broadcast of the first two */
  oc_init(&c, "Mean", 13);
  oc_input(&c, F32, 2, (int64_t[]){1, 2}, f);
  oc_input(&c, F32, 2, (int64_t[]){3, 1}, f);
  oc_input(&c, F32, 1, (int64_t[]){3}, f);
  fails(oc_run(&c, 1), OCTET_ERR_SHAPE);
  oc_free(&c);
  oc_init(&c, "Sum", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, f);
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

static Suite *variadic_suite(void) {
  Suite *s = suite_create("variadic");
  TCase *tc = tcase_create("variadic");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, three_way_broadcast);
  tcase_add_test(tc, one_input_nan_types);
  tcase_add_test(tc, variadic_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(variadic_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
