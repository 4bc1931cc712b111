/* Unit tests of the comparisons and logic ops of issue 16 (Less,
 * LessOrEqual, Greater, GreaterOrEqual, And, Or, Xor, Not): bool outputs,
 * broadcasting, NaN, signed and unsigned integers, dtype errors. */
#include "elementwise-test.h"
#include "op-check.h"

START_TEST(compare_floats) {
  op_case c;
  float a[4] = {1, 2, NAN, -0.0f}, b[4] = {2, 2, 1, 0.0f};
  const char *ops[4] = {"Less", "LessOrEqual", "Greater", "GreaterOrEqual"};
  uint8_t want[4][4] = {{1, 0, 0, 0}, {1, 1, 0, 1}, {0, 0, 0, 0}, {0, 1, 0, 1}};
  for (int k = 0; k < 4; k++) {
    ok(run2(&c, ops[k], F32, 1, (int64_t[]){4}, a, F32, 1, (int64_t[]){4}, b));
    shape_is(&c, BOOL, 1, (int64_t[]){4});
    bytes_is(&c, want[k], 4);
    oc_free(&c);
  }
  /* broadcast [2,1] against [3] */
  float x[2] = {1, 5}, y[3] = {0, 1, 6};
  ok(run2(&c, "Greater", F32, 2, (int64_t[]){2, 1}, x, F32, 1, (int64_t[]){3}, y));
  shape_is(&c, BOOL, 2, (int64_t[]){2, 3});
  uint8_t wg[6] = {1, 0, 0, 1, 1, 0};
  bytes_is(&c, wg, 6);
  oc_free(&c);
  uint16_t h1[2] = {0x3C00, 0xBC00}, h2[2] = {0x3C00, 0x3C00}; /* 1,-1 vs 1,1 */
  ok(run2(&c, "LessOrEqual", F16, 1, (int64_t[]){2}, h1, F16, 1, (int64_t[]){2}, h2));
  uint8_t wh[2] = {1, 1};
  bytes_is(&c, wh, 2);
  oc_free(&c);
  double d1[1] = {0.1}, d2[1] = {0.1 + 1e-18};
  ok(run2(&c, "Less", F64, 1, (int64_t[]){1}, d1, F64, 1, (int64_t[]){1}, d2));
  ck_assert_int_eq(((uint8_t *)c.out[0].data)[0], 0); /* 0.1 + 1e-18 == 0.1 */
  oc_free(&c);
}
END_TEST

START_TEST(compare_ints) {
  op_case c;
  uint8_t u[2] = {200, 1}, v[2] = {100, 1}, wu[2] = {1, 0};
  ok(run2(&c, "Greater", U8, 1, (int64_t[]){2}, u, U8, 1, (int64_t[]){2}, v));
  bytes_is(&c, wu, 2);
  oc_free(&c);
  int8_t s[2] = {-56, 1}, t[2] = {100, 1}, ws[2] = {1, 1};
  ok(run2(&c, "LessOrEqual", I8, 1, (int64_t[]){2}, s, I8, 1, (int64_t[]){2}, t));
  bytes_is(&c, ws, 2);
  oc_free(&c);
  uint64_t a[1] = {UINT64_MAX}, b[1] = {0};
  ok(run2(&c, "GreaterOrEqual", U64, 1, (int64_t[]){1}, a, U64, 0, NULL, b));
  ck_assert_int_eq(((uint8_t *)c.out[0].data)[0], 1);
  oc_free(&c);
  int64_t i1[1] = {INT64_MIN}, i2[1] = {INT64_MAX};
  ok(run2(&c, "Less", I64, 1, (int64_t[]){1}, i1, I64, 1, (int64_t[]){1}, i2));
  ck_assert_int_eq(((uint8_t *)c.out[0].data)[0], 1);
  oc_free(&c);
}
END_TEST

START_TEST(logic_ops) {
  op_case c;
  uint8_t a[4] = {0, 0, 1, 1}, b[4] = {0, 1, 0, 1};
  uint8_t wand[4] = {0, 0, 0, 1}, wor[4] = {0, 1, 1, 1}, wxor[4] = {0, 1, 1, 0};
  ok(run2(&c, "And", BOOL, 1, (int64_t[]){4}, a, BOOL, 1, (int64_t[]){4}, b));
  bytes_is(&c, wand, 4);
  oc_free(&c);
  ok(run2(&c, "Or", BOOL, 1, (int64_t[]){4}, a, BOOL, 1, (int64_t[]){4}, b));
  bytes_is(&c, wor, 4);
  oc_free(&c);
  ok(run2(&c, "Xor", BOOL, 1, (int64_t[]){4}, a, BOOL, 1, (int64_t[]){4}, b));
  bytes_is(&c, wxor, 4);
  oc_free(&c);
  /* broadcast [2,1] x [2] */
  uint8_t p[2] = {1, 0}, q[2] = {1, 0}, wb[4] = {1, 0, 0, 0};
  ok(run2(&c, "And", BOOL, 2, (int64_t[]){2, 1}, p, BOOL, 1, (int64_t[]){2}, q));
  shape_is(&c, BOOL, 2, (int64_t[]){2, 2});
  bytes_is(&c, wb, 4);
  oc_free(&c);
  uint8_t n[3] = {0, 1, 2}, wn[3] = {1, 0, 0}; /* any nonzero byte is true */
  ok(run1(&c, "Not", BOOL, 1, (int64_t[]){3}, n));
  bytes_is(&c, wn, 3);
  oc_free(&c);
  ok(run2(&c, "Or", BOOL, 1, (int64_t[]){1}, (uint8_t[]){2}, BOOL, 1, (int64_t[]){1},
          (uint8_t[]){0}));
  ck_assert_int_eq(((uint8_t *)c.out[0].data)[0], 1);
  oc_free(&c);
}
END_TEST

START_TEST(compare_errors) {
  op_case c;
  float f[3] = {1, 2, 3};
  int32_t i[2] = {1, 2};
  uint8_t b[2] = {1, 0};
  fails(run2(&c, "Less", F32, 1, (int64_t[]){2}, f, I32, 1, (int64_t[]){2}, i),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Greater", BOOL, 1, (int64_t[]){2}, b, BOOL, 1, (int64_t[]){2}, b),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "And", F32, 1, (int64_t[]){2}, f, F32, 1, (int64_t[]){2}, f),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Or", BOOL, 1, (int64_t[]){2}, b, BOOL, 1, (int64_t[]){3}, f),
        OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(run1(&c, "Not", F32, 1, (int64_t[]){2}, f), OCTET_ERR_DTYPE);
  oc_free(&c);
}
END_TEST

static Suite *compare_suite(void) {
  Suite *s = suite_create("compare");
  TCase *tc = tcase_create("compare");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, compare_floats);
  tcase_add_test(tc, compare_ints);
  tcase_add_test(tc, logic_ops);
  tcase_add_test(tc, compare_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(compare_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
