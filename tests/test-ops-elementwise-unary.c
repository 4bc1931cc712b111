/* Unit tests of the one-input elementwise ops (Sqrt, Erf, Tanh, Relu, Gelu,
 * Sigmoid, Cast, Identity) through infer and the reference kernels, against
 * hand-computed values. */
#include "elementwise-test.h"

/* ---- unary --------------------------------------------------------------- */

START_TEST(sqrt_erf_tanh) {
  op_case c;
  int64_t d[1] = {5};
  float x[5] = {4, 9, 0, 2, -1};
  ok(run1(&c, "Sqrt", F32, 1, d, x));
  shape_is(&c, F32, 1, d);
  float w[5] = {2, 3, 0, 1.4142135f, NAN};
  f32_is(&c, w, 5, 1e-7f);
  oc_free(&c);
  float e[5] = {0, 1, -1, 0.5f, INFINITY};
  ok(run1(&c, "Erf", F32, 1, d, e));
  float we[5] = {0, 0.84270079f, -0.84270079f, 0.52049988f, 1};
  f32_is(&c, we, 5, 1e-6f);
  oc_free(&c);
  ok(run1(&c, "Tanh", F32, 1, d, e));
  float wt[5] = {0, 0.76159416f, -0.76159416f, 0.46211716f, 1};
  f32_is(&c, wt, 5, 1e-6f);
  oc_free(&c);
  double xd[2] = {2, 1};
  ok(run1(&c, "Erf", F64, 1, (int64_t[]){2}, xd));
  ck_assert(fabs(((double *)c.out[0].data)[1] - 0.8427007929497149) < 1e-15);
  ck_assert(fabs(((double *)c.out[0].data)[0] - 0.9953222650189527) < 1e-15);
  oc_free(&c);
  uint16_t h[2] = {0x4400, 0x3C00}, hw[2] = {0x4000, 0x3C00}; /* sqrt 4, 1 */
  ok(run1(&c, "Sqrt", F16, 1, (int64_t[]){2}, h));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  /* size 0 and rank 0 */
  ok(run1(&c, "Tanh", F32, 2, (int64_t[]){0, 4}, NULL));
  ck_assert_int_eq(tv_numel(&c.out[0]), 0);
  oc_free(&c);
  float s = 0.0f;
  ok(run1(&c, "Tanh", F32, 0, NULL, &s));
  ck_assert_int_eq(c.out[0].rank, 0);
  oc_free(&c);
}
END_TEST

START_TEST(relu_sigmoid) {
  op_case c;
  int64_t d[1] = {4};
  float x[4] = {-1, 0, 2.5f, NAN};
  ok(run1(&c, "Relu", F32, 1, d, x));
  float w[4] = {0, 0, 2.5f, NAN};
  f32_is(&c, w, 4, 0);
  oc_free(&c);
  int32_t xi[4] = {-5, 0, 7, INT32_MIN}, wi[4] = {0, 0, 7, 0};
  ok(run1(&c, "Relu", I32, 1, d, xi));
  bytes_is(&c, wi, sizeof wi);
  oc_free(&c);
  int8_t x8[2] = {-128, 127}, w8[2] = {0, 127};
  ok(run1(&c, "Relu", I8, 1, (int64_t[]){2}, x8));
  bytes_is(&c, w8, sizeof w8);
  oc_free(&c);
  float s[5] = {0, 1, -1, -100, 100};
  ok(run1(&c, "Sigmoid", F32, 1, (int64_t[]){5}, s));
  float ws[5] = {0.5f, 0.73105858f, 0.26894142f, 3.7200760e-44f, 1};
  f32_is(&c, ws, 5, 1e-7f);
  oc_free(&c);
  uint16_t h[1] = {0x0000}, hw[1] = {0x3800}; /* sigmoid(0) = 0.5 */
  ok(run1(&c, "Sigmoid", F16, 1, (int64_t[]){1}, h));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  double dd[2] = {-3, 3};
  ok(run1(&c, "Relu", F64, 1, (int64_t[]){2}, dd));
  ck_assert(((double *)c.out[0].data)[0] == 0 &&
            ((double *)c.out[0].data)[1] == 3);
  oc_free(&c);
}
END_TEST

START_TEST(gelu_modes) {
  op_case c;
  int64_t d[1] = {4};
  float x[4] = {0, 1, -1, 3};
  ok(run1(&c, "Gelu", F32, 1, d, x));
  float w[4] = {0, 0.84134475f, -0.15865525f, 2.99595031f};
  f32_is(&c, w, 4, 1e-6f);
  oc_free(&c);
  oc_init(&c, "Gelu", 20);
  oc_attr_string(&c, "approximate", "tanh");
  oc_input(&c, F32, 1, d, x);
  ok(oc_run(&c, 1));
  float wt[4] = {0, 0.84119199f, -0.15880801f, 2.99636340f};
  f32_is(&c, wt, 4, 1e-6f);
  oc_free(&c);
  oc_init(&c, "Gelu", 20);
  oc_attr_string(&c, "approximate", "none");
  oc_input(&c, F64, 1, (int64_t[]){1}, (double[]){1});
  ok(oc_run(&c, 1));
  ck_assert(fabs(((double *)c.out[0].data)[0] - 0.8413447460685429) < 1e-15);
  oc_free(&c);
}
END_TEST

START_TEST(unary_errors) {
  op_case c;
  int64_t d[1] = {2};
  int32_t xi[2] = {1, 2};
  uint8_t xu[2] = {1, 2};
  const char *float_only[] = {"Sqrt", "Erf", "Tanh", "Sigmoid", "Gelu"};
  for (int i = 0; i < 5; i++) {
    fails(run1(&c, float_only[i], I32, 1, d, xi), OCTET_ERR_DTYPE);
    oc_free(&c);
  }
  fails(run1(&c, "Relu", U8, 1, d, xu), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run1(&c, "Relu", BOOL, 1, d, xu), OCTET_ERR_DTYPE);
  oc_free(&c);
  oc_init(&c, "Gelu", 20);
  oc_attr_string(&c, "approximate", "fast");
  oc_input(&c, F32, 1, d, (float[]){1, 2});
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  oc_init(&c, "Gelu", 20);
  oc_attr_int(&c, "approximate", 1);
  oc_input(&c, F32, 1, d, (float[]){1, 2});
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

/* ---- Cast ---------------------------------------------------------------- */

static octet_status run_cast(op_case *c, octet_dtype from, int64_t n,
                             const void *x, int64_t to) {
  oc_init(c, "Cast", 19);
  oc_attr_int(c, "to", to);
  oc_input(c, from, 1, &n, x);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(cast_float_to_int) {
  op_case c;
  float x[4] = {1.7f, -1.7f, 2.5f, -0.5f};
  int32_t w[4] = {1, -1, 2, 0};
  ok(run_cast(&c, F32, 4, x, I32));
  ck_assert_int_eq(c.out[0].dtype, I32);
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  /* saturating: out of range and infinities clamp, NaN gives 0 */
  float y[5] = {300, -300, NAN, INFINITY, -INFINITY};
  int8_t w2[5] = {127, -128, 0, 127, -128};
  ok(run_cast(&c, F32, 5, y, I8));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  uint8_t w3[5] = {255, 0, 0, 255, 0};
  ok(run_cast(&c, F32, 5, y, U8));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
  double z[3] = {1e30, -1e30, -12345678901.9};
  int64_t w4[3] = {INT64_MAX, INT64_MIN, -12345678901};
  ok(run_cast(&c, F64, 3, z, I64));
  bytes_is(&c, w4, sizeof w4);
  oc_free(&c);
  float b[4] = {0.0f, -0.0f, 0.5f, NAN};
  uint8_t wb[4] = {0, 0, 1, 1};
  ok(run_cast(&c, F32, 4, b, BOOL));
  bytes_is(&c, wb, sizeof wb);
  oc_free(&c);
}
END_TEST

START_TEST(cast_float_widths) {
  op_case c;
  float x[5] = {1.0f, 65504.0f, 1e5f, -2.0f, 0.1f};
  uint16_t w[5] = {0x3C00, 0x7BFF, 0x7C00, 0xC000, 0x2E66};
  ok(run_cast(&c, F32, 5, x, F16));
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  uint16_t h[3] = {0x3C00, 0x0001, 0xFC00};
  float wf[3] = {1.0f, 5.9604645e-08f, -INFINITY};
  ok(run_cast(&c, F16, 3, h, F32));
  f32_is(&c, wf, 3, 0);
  oc_free(&c);
  /* 1 + 2^-11 + 2^-40 lies just above a half tie: it must round up, which
   * rounding through float32 first would get wrong. */
  double d[2] = {1.0 + 0x1p-11 + 0x1p-40, 1.0 + 0x1p-11};
  uint16_t wd[2] = {0x3C01, 0x3C00};
  ok(run_cast(&c, F64, 2, d, F16));
  bytes_is(&c, wd, sizeof wd);
  oc_free(&c);
  float p[1] = {0.1f};
  ok(run_cast(&c, F32, 1, p, F64));
  ck_assert(((double *)c.out[0].data)[0] == (double)0.1f);
  oc_free(&c);
}
END_TEST

START_TEST(cast_int_sources) {
  op_case c;
  int64_t x[4] = {300, -129, -1, 5};
  int8_t w[4] = {44, 127, -1, 5}; /* wraps modulo 256 */
  ok(run_cast(&c, I64, 4, x, I8));
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  uint64_t wu[4] = {300, (uint64_t)-129, UINT64_MAX, 5};
  ok(run_cast(&c, I64, 4, x, U64));
  bytes_is(&c, wu, sizeof wu);
  oc_free(&c);
  float wf[4] = {300, -129, -1, 5};
  ok(run_cast(&c, I64, 4, x, F32));
  f32_is(&c, wf, 4, 0);
  oc_free(&c);
  uint8_t u[3] = {0, 200, 255};
  int64_t wi[3] = {0, 200, 255};
  ok(run_cast(&c, U8, 3, u, I64));
  bytes_is(&c, wi, sizeof wi);
  oc_free(&c);
  uint8_t b[3] = {1, 0, 1};
  float wb[3] = {1, 0, 1};
  ok(run_cast(&c, BOOL, 3, b, F32));
  f32_is(&c, wb, 3, 0);
  oc_free(&c);
  int32_t i[3] = {0, -7, 70000};
  uint8_t wib[3] = {0, 1, 1};
  ok(run_cast(&c, I32, 3, i, BOOL));
  bytes_is(&c, wib, sizeof wib);
  oc_free(&c);
  uint16_t wh[3] = {0x0000, 0xC700, 0x7C00}; /* 0, -7, inf */
  ok(run_cast(&c, I32, 3, i, F16));
  bytes_is(&c, wh, sizeof wh);
  oc_free(&c);
  uint64_t big[1] = {UINT64_MAX};
  ok(run_cast(&c, U64, 1, big, F64));
  ck_assert(((double *)c.out[0].data)[0] == 18446744073709551616.0);
  oc_free(&c);
  ok(run_cast(&c, I32, 3, i, I32)); /* same dtype */
  bytes_is(&c, i, sizeof i);
  oc_free(&c);
  ok(run_cast(&c, F32, 0, NULL, I64)); /* size 0 */
  ck_assert_int_eq(c.out[0].dims[0], 0);
  oc_free(&c);
}
END_TEST

START_TEST(cast_errors) {
  op_case c;
  float x[1] = {1};
  fails(run_cast(&c, F32, 1, x, 8), OCTET_ERR_DTYPE);  /* string */
  oc_free(&c);
  fails(run_cast(&c, F32, 1, x, 16), OCTET_ERR_DTYPE); /* bfloat16 */
  oc_free(&c);
  fails(run_cast(&c, F32, 1, x, 17), OCTET_ERR_DTYPE); /* float8e4m3fn */
  oc_free(&c);
  fails(run_cast(&c, F32, 1, x, 99), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(run_cast(&c, F32, 1, x, 0), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  oc_init(&c, "Cast", 19);
  oc_input(&c, F32, 1, (int64_t[]){1}, x);
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT); /* no 'to' */
  oc_free(&c);
  oc_init(&c, "Cast", 19);
  oc_attr_int(&c, "to", F16);
  oc_attr_int(&c, "saturate", 2);
  oc_input(&c, F32, 1, (int64_t[]){1}, x);
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

/* ---- Identity ------------------------------------------------------------ */

START_TEST(identity_copies) {
  op_case c;
  int64_t d[2] = {2, 2};
  int64_t x[4] = {1, -2, 3, INT64_MIN};
  ok(run1(&c, "Identity", I64, 2, d, x));
  shape_is(&c, I64, 2, d);
  bytes_is(&c, x, sizeof x);
  oc_free(&c);
  uint8_t b[3] = {1, 0, 1};
  ok(run1(&c, "Identity", BOOL, 1, (int64_t[]){3}, b));
  bytes_is(&c, b, sizeof b);
  oc_free(&c);
  ok(run1(&c, "Identity", F32, 3, (int64_t[]){2, 0, 3}, NULL));
  ck_assert_int_eq(c.out[0].rank, 3);
  ck_assert_int_eq(c.out[0].dims[1], 0);
  oc_free(&c);
  /* value unknown at plan time: shape still inferred */
  oc_init(&c, "Identity", 17);
  float f[1] = {4.5f};
  oc_input_dynamic(&c, F32, 0, NULL, f);
  ok(oc_run(&c, 1));
  ck_assert(((float *)c.out[0].data)[0] == 4.5f);
  oc_free(&c);
  oc_init(&c, "Identity", 17);
  oc_input(&c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

static Suite *elementwise_suite(void) {
  Suite *s = suite_create("elementwise");
  TCase *tc = tcase_create("unary");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, sqrt_erf_tanh);
  tcase_add_test(tc, relu_sigmoid);
  tcase_add_test(tc, gelu_modes);
  tcase_add_test(tc, unary_errors);
  tcase_add_test(tc, cast_float_to_int);
  tcase_add_test(tc, cast_float_widths);
  tcase_add_test(tc, cast_int_sources);
  tcase_add_test(tc, cast_errors);
  tcase_add_test(tc, identity_copies);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(elementwise_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
