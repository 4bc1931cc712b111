/* Unit tests of the issue-16 activations and one-input math ops (Clip,
 * LeakyRelu, PRelu, HardSigmoid, HardSwish, Elu, Selu, Softplus, Exp, Log,
 * Neg, Abs, Reciprocal, Floor, Ceil, Round) through infer and the reference
 * kernels, against hand-computed values. */
#include <float.h>

#include "elementwise-test.h"
#include "op-check.h"

static float outf(const op_case *c, int i) {
  return ((const float *)c->out[0].data)[i];
}

START_TEST(round_half_even) {
  op_case c;
  float x[10] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 3.7f,
                 -0.0f, NAN};
  float w[10] = {0, 2, 2, -0.0f, -2, -2, 0, 4, -0.0f, NAN};
  ok(run1(&c, "Round", F32, 1, (int64_t[]){10}, x));
  f32_is(&c, w, 10, 0);
  ck_assert(signbit(outf(&c, 3))); /* -0.5 rounds to -0 */
  oc_free(&c);
  /* float16: 2.5 (0x4100) -> 2 (0x4000), 3.5 (0x4300) -> 4 (0x4400) */
  uint16_t h[2] = {0x4100, 0x4300}, hw[2] = {0x4000, 0x4400};
  ok(run1(&c, "Round", F16, 1, (int64_t[]){2}, h));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  double d[3] = {2.5, -3.5, 1e300};
  ok(run1(&c, "Round", F64, 1, (int64_t[]){3}, d));
  const double *o = c.out[0].data;
  ck_assert(o[0] == 2 && o[1] == -4 && o[2] == 1e300);
  oc_free(&c);
  float f[4] = {-1.5f, 1.5f, -0.2f, 7};
  ok(run1(&c, "Floor", F32, 1, (int64_t[]){4}, f));
  f32_is(&c, (float[]){-2, 1, -1, 7}, 4, 0);
  oc_free(&c);
  ok(run1(&c, "Ceil", F32, 1, (int64_t[]){4}, f));
  f32_is(&c, (float[]){-1, 2, -0.0f, 7}, 4, 0);
  ck_assert(signbit(outf(&c, 2)));
  oc_free(&c);
}
END_TEST

START_TEST(exp_log_recip_neg_abs) {
  op_case c;
  float x[5] = {0, 1, -1, 88.8f, -INFINITY};
  ok(run1(&c, "Exp", F32, 1, (int64_t[]){5}, x));
  f32_is(&c, (float[]){1, 2.7182817f, 0.36787945f, INFINITY, 0}, 5, 1e-6f);
  oc_free(&c);
  float l[4] = {1, 0, -1, 2.7182817f};
  ok(run1(&c, "Log", F32, 1, (int64_t[]){4}, l));
  f32_is(&c, (float[]){0, -INFINITY, NAN, 1}, 4, 1e-6f);
  oc_free(&c);
  float r[4] = {2, 0, -0.0f, -4};
  ok(run1(&c, "Reciprocal", F32, 1, (int64_t[]){4}, r));
  f32_is(&c, (float[]){0.5f, INFINITY, -INFINITY, -0.25f}, 4, 0);
  oc_free(&c);
  /* integers: Neg and Abs of INT_MIN wrap to INT_MIN (numpy) */
  int8_t i8[4] = {-128, -3, 0, 127}, n8[4] = {-128, 3, 0, -127},
         a8[4] = {-128, 3, 0, 127};
  ok(run1(&c, "Neg", I8, 1, (int64_t[]){4}, i8));
  bytes_is(&c, n8, sizeof n8);
  oc_free(&c);
  ok(run1(&c, "Abs", I8, 1, (int64_t[]){4}, i8));
  bytes_is(&c, a8, sizeof a8);
  oc_free(&c);
  int64_t i64[2] = {INT64_MIN + 1, -7}, a64[2] = {INT64_MAX, 7};
  ok(run1(&c, "Abs", I64, 1, (int64_t[]){2}, i64));
  bytes_is(&c, a64, sizeof a64);
  oc_free(&c);
  uint8_t u8[2] = {200, 0};
  ok(run1(&c, "Abs", U8, 1, (int64_t[]){2}, u8));
  bytes_is(&c, u8, sizeof u8);
  oc_free(&c);
  /* Neg takes signed integers only, Exp floats only */
  fails(run1(&c, "Neg", U8, 1, (int64_t[]){2}, u8), OCTET_ERR_DTYPE);
  oc_free(&c);
  int32_t i32[1] = {1};
  fails(run1(&c, "Exp", I32, 1, (int64_t[]){1}, i32), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run1(&c, "Floor", BOOL, 1, (int64_t[]){1}, u8), OCTET_ERR_DTYPE);
  oc_free(&c);
  /* float16 Neg is exact; Abs clears the sign of -0 */
  uint16_t h[2] = {0x3C00, 0x8000}, hn[2] = {0xBC00, 0x0000};
  ok(run1(&c, "Neg", F16, 1, (int64_t[]){2}, h));
  bytes_is(&c, hn, sizeof hn);
  oc_free(&c);
  ok(run1(&c, "Abs", F16, 1, (int64_t[]){2}, hn));
  uint16_t ha[2] = {0x3C00, 0x0000};
  bytes_is(&c, ha, sizeof ha);
  oc_free(&c);
}
END_TEST

static octet_status run_attr(op_case *c, const char *op, const char *a,
                             float av, const char *b, float bv, int n,
                             const float *x) {
  oc_init(c, op, 20);
  if (a) oc_attr_float(c, a, av);
  if (b) oc_attr_float(c, b, bv);
  oc_input(c, F32, 1, (int64_t[]){n}, x);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(activations) {
  op_case c;
  float x[6] = {-2, -0.5f, 0, 0.5f, 3, NAN};
  ok(run_attr(&c, "LeakyRelu", NULL, 0, NULL, 0, 6, x));
  f32_is(&c, (float[]){-0.02f, -0.005f, 0, 0.5f, 3, NAN}, 6, 1e-7f);
  oc_free(&c);
  ok(run_attr(&c, "LeakyRelu", "alpha", 0.1f, NULL, 0, 6, x));
  f32_is(&c, (float[]){-0.2f, -0.05f, 0, 0.5f, 3, NAN}, 6, 1e-7f);
  oc_free(&c);
  ok(run_attr(&c, "HardSigmoid", NULL, 0, NULL, 0, 6, x));
  f32_is(&c, (float[]){0.1f, 0.4f, 0.5f, 0.6f, 1, NAN}, 6, 1e-7f);
  oc_free(&c);
  ok(run_attr(&c, "HardSigmoid", "alpha", 0.5f, "beta", 0.6f, 6, x));
  f32_is(&c, (float[]){0, 0.35f, 0.6f, 0.85f, 1, NAN}, 6, 1e-7f);
  oc_free(&c);
  float xs[5] = {-4, -3, -1, 1, 4};
  ok(run_attr(&c, "HardSwish", NULL, 0, NULL, 0, 5, xs));
  f32_is(&c, (float[]){0, 0, -1.0f / 3, 2.0f / 3, 4}, 5, 1e-6f);
  oc_free(&c);
  ok(run_attr(&c, "Elu", NULL, 0, NULL, 0, 6, x));
  f32_is(&c, (float[]){-0.86466473f, -0.39346933f, 0, 0.5f, 3, NAN}, 6, 1e-6f);
  oc_free(&c);
  ok(run_attr(&c, "Elu", "alpha", 2.0f, NULL, 0, 6, x));
  f32_is(&c, (float[]){-1.7293295f, -0.78693867f, 0, 0.5f, 3, NAN}, 6, 1e-6f);
  oc_free(&c);
  /* Selu: gamma x above 0, gamma alpha (e^x - 1) below */
  ok(run_attr(&c, "Selu", NULL, 0, NULL, 0, 6, x));
  f32_is(&c, (float[]){-1.5201665f, -0.69175822f, 0, 0.52535051f, 3.1521031f, NAN},
         6, 1e-6f);
  oc_free(&c);
  ok(run_attr(&c, "Selu", "alpha", 2.0f, "gamma", 3.0f, 6, x));
  f32_is(&c, (float[]){-5.1879883f, -2.3608160f, 0, 1.5f, 9, NAN}, 6, 1e-5f);
  oc_free(&c);
  /* Softplus does not overflow for large |x| */
  float sp[5] = {0, 1, -1, 100, -100};
  ok(run_attr(&c, "Softplus", NULL, 0, NULL, 0, 5, sp));
  f32_is(&c, (float[]){0.69314718f, 1.3132616f, 0.31326169f, 100, 3.7200760e-44f},
         5, 1e-6f);
  oc_free(&c);
  /* float16 and float64 paths */
  uint16_t h[2] = {0xC000, 0x4000}; /* -2, 2 */
  oc_init(&c, "LeakyRelu", 16);
  oc_attr_float(&c, "alpha", 0.5f);
  oc_input(&c, F16, 1, (int64_t[]){2}, h);
  ok(oc_run(&c, 1));
  uint16_t hw[2] = {0xBC00, 0x4000}; /* -1, 2 */
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  double d[2] = {-1, 1};
  ok(run1(&c, "Elu", F64, 1, (int64_t[]){2}, d));
  ck_assert(fabs(((double *)c.out[0].data)[0] - (exp(-1.0) - 1)) < 1e-15);
  oc_free(&c);
  /* a NaN or infinite alpha is refused */
  fails(run_attr(&c, "LeakyRelu", "alpha", NAN, NULL, 0, 6, x),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  fails(run_attr(&c, "Elu", "alpha", INFINITY, NULL, 0, 6, x),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

/* Clip-11+ with optional scalar inputs min (1) and max (2). */
static octet_status run_clip(op_case *c, int64_t opset, octet_dtype t, int n,
                             const void *x, const void *lo, const void *hi) {
  oc_init(c, "Clip", opset);
  oc_input(c, t, 1, (int64_t[]){n}, x);
  if (lo || hi) oc_input(c, lo ? t : OCTET_DTYPE_UNDEFINED, 0, NULL, lo);
  if (hi) oc_input(c, t, 0, NULL, hi);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(clip_forms) {
  op_case c;
  float x[6] = {-3, -1, 0, 1, 3, NAN};
  float lo = -1.5f, hi = 2;
  ok(run_clip(&c, 13, F32, 6, x, &lo, &hi));
  f32_is(&c, (float[]){-1.5f, -1, 0, 1, 2, NAN}, 6, 0);
  oc_free(&c);
  ok(run_clip(&c, 13, F32, 6, x, &lo, NULL)); /* min only */
  f32_is(&c, (float[]){-1.5f, -1, 0, 1, 3, NAN}, 6, 0);
  oc_free(&c);
  ok(run_clip(&c, 13, F32, 6, x, NULL, &hi)); /* max only (min absent) */
  f32_is(&c, (float[]){-3, -1, 0, 1, 2, NAN}, 6, 0);
  oc_free(&c);
  ok(run_clip(&c, 13, F32, 6, x, NULL, NULL)); /* no bounds */
  f32_is(&c, x, 6, 0);
  oc_free(&c);
  float big = 2, small = 1; /* min > max: every value becomes max */
  ok(run_clip(&c, 13, F32, 6, x, &big, &small));
  f32_is(&c, (float[]){1, 1, 1, 1, 1, NAN}, 6, 0);
  oc_free(&c);
  /* a bound known only at run time */
  oc_init(&c, "Clip", 13);
  oc_input(&c, F32, 1, (int64_t[]){6}, x);
  oc_input_dynamic(&c, F32, 1, (int64_t[]){1}, &lo);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){-1.5f, -1, 0, 1, 3, NAN}, 6, 0);
  oc_free(&c);
  /* Clip-6: attributes, defaults the float range */
  oc_init(&c, "Clip", 6);
  oc_attr_float(&c, "min", -0.5f);
  oc_input(&c, F32, 1, (int64_t[]){6}, x);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){-0.5f, -0.5f, 0, 1, 3, NAN}, 6, 0);
  oc_free(&c);
  float inf[2] = {INFINITY, -INFINITY};
  oc_init(&c, "Clip", 6);
  oc_input(&c, F32, 1, (int64_t[]){2}, inf);
  ok(oc_run(&c, 1));
  f32_is(&c, (float[]){FLT_MAX, -FLT_MAX}, 2, 0);
  oc_free(&c);
  /* integers (opset 12+): defaults are the type's range */
  int8_t i8[4] = {-128, -5, 5, 127}, l8 = -6, h8 = 6, w8[4] = {-6, -5, 5, 6};
  ok(run_clip(&c, 13, I8, 4, i8, &l8, &h8));
  bytes_is(&c, w8, sizeof w8);
  oc_free(&c);
  ok(run_clip(&c, 13, I8, 4, i8, NULL, NULL));
  bytes_is(&c, i8, sizeof i8);
  oc_free(&c);
  uint64_t u[3] = {0, 5, UINT64_MAX}, ul = 1, wu[3] = {1, 5, UINT64_MAX};
  ok(run_clip(&c, 13, U64, 3, u, &ul, NULL));
  bytes_is(&c, wu, sizeof wu);
  oc_free(&c);
  int64_t i64[2] = {INT64_MIN, INT64_MAX}, l64 = -1, w64[2] = {-1, INT64_MAX};
  ok(run_clip(&c, 13, I64, 2, i64, &l64, NULL));
  bytes_is(&c, w64, sizeof w64);
  oc_free(&c);
  /* float16 bounds */
  uint16_t hx[2] = {0xC200, 0x4200}, hl = 0xBC00, hh = 0x3C00; /* -3,3 -1,1 */
  ok(run_clip(&c, 13, F16, 2, hx, &hl, &hh));
  uint16_t hw[2] = {0xBC00, 0x3C00};
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
}
END_TEST

START_TEST(clip_errors) {
  op_case c;
  float x[2] = {1, 2}, lo = 0;
  int8_t i8[2] = {1, 2}, l8 = 0;
  /* integers only from opset 12 */
  fails(run_clip(&c, 11, I8, 2, i8, &l8, NULL), OCTET_ERR_DTYPE);
  oc_free(&c);
  /* bound of another dtype */
  oc_init(&c, "Clip", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, I8, 0, NULL, &l8);
  fails(oc_run(&c, 1), OCTET_ERR_DTYPE);
  oc_free(&c);
  /* non-scalar bound */
  oc_init(&c, "Clip", 13);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  fails(oc_run(&c, 1), OCTET_ERR_SHAPE);
  oc_free(&c);
  /* Clip-6 attributes at opset 11+, inputs at opset 6 */
  oc_init(&c, "Clip", 13);
  oc_attr_float(&c, "min", 0);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  oc_init(&c, "Clip", 6);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, F32, 0, NULL, &lo);
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  oc_init(&c, "Clip", 6);
  oc_attr_float(&c, "max", NAN);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  fails(oc_run(&c, 1), OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

static octet_status run_prelu(op_case *c, octet_dtype t, int rx,
                              const int64_t *dx, const void *x, int rs,
                              const int64_t *ds, const void *s) {
  oc_init(c, "PRelu", 16);
  oc_input(c, t, rx, dx, x);
  oc_input(c, t, rs, ds, s);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(prelu_broadcast) {
  op_case c;
  /* X [1, 2, 2, 2], slope per channel [2, 1, 1] */
  float x[8] = {-1, 2, -3, 4, -1, 2, -3, 4}, s[2] = {0.5f, 2};
  ok(run_prelu(&c, F32, 4, (int64_t[]){1, 2, 2, 2}, x, 3,
               (int64_t[]){2, 1, 1}, s));
  check_shape(&c, 0, 4, (int64_t[]){1, 2, 2, 2});
  f32_is(&c, (float[]){-0.5f, 2, -1.5f, 4, -2, 2, -6, 4}, 8, 0);
  oc_free(&c);
  /* slope along the last axis [2] */
  ok(run_prelu(&c, F32, 4, (int64_t[]){1, 2, 2, 2}, x, 1, (int64_t[]){2}, s));
  f32_is(&c, (float[]){-0.5f, 2, -1.5f, 4, -0.5f, 2, -1.5f, 4}, 8, 0);
  oc_free(&c);
  /* scalar slope, NaN kept */
  float xn[3] = {-4, NAN, 1}, s1 = 0.25f;
  ok(run_prelu(&c, F32, 1, (int64_t[]){3}, xn, 0, NULL, &s1));
  f32_is(&c, (float[]){-1, NAN, 1}, 3, 0);
  oc_free(&c);
  /* integers: signed multiply, unsigned unchanged */
  int32_t xi[3] = {-3, 0, 5}, si[3] = {2, 2, 2}, wi[3] = {-6, 0, 5};
  ok(run_prelu(&c, I32, 1, (int64_t[]){3}, xi, 1, (int64_t[]){3}, si));
  bytes_is(&c, wi, sizeof wi);
  oc_free(&c);
  uint64_t xu[2] = {UINT64_MAX, 1}, su[2] = {0, 0};
  ok(run_prelu(&c, U64, 1, (int64_t[]){2}, xu, 1, (int64_t[]){2}, su));
  bytes_is(&c, xu, sizeof xu);
  oc_free(&c);
  /* the slope may not make X larger (unidirectional broadcast) */
  fails(run_prelu(&c, F32, 1, (int64_t[]){2}, x, 2, (int64_t[]){2, 2}, x),
        OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(run_prelu(&c, F32, 2, (int64_t[]){1, 2}, x, 2, (int64_t[]){3, 2}, x),
        OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(run_prelu(&c, F32, 1, (int64_t[]){4}, x, 1, (int64_t[]){3}, x),
        OCTET_ERR_SHAPE);
  oc_free(&c);
  int8_t i8[2] = {-1, 1};
  fails(run_prelu(&c, I8, 1, (int64_t[]){2}, i8, 1, (int64_t[]){2}, i8),
        OCTET_ERR_DTYPE);
  oc_free(&c);
  oc_init(&c, "PRelu", 16);
  oc_input(&c, F32, 1, (int64_t[]){2}, x);
  oc_input(&c, F64, 0, NULL, (double[]){1});
  fails(oc_run(&c, 1), OCTET_ERR_DTYPE);
  oc_free(&c);
}
END_TEST

/* Zero-size and large inputs run through the tiled iterator. */
START_TEST(sizes) {
  op_case c;
  ok(run1(&c, "Exp", F32, 2, (int64_t[]){0, 3}, NULL));
  ck_assert_int_eq(tv_numel(&c.out[0]), 0);
  oc_free(&c);
  enum { N = 70000 };
  float *x = malloc(N * sizeof *x);
  for (int i = 0; i < N; i++) x[i] = (float)(i % 7) - 3.5f;
  ok(run1(&c, "Round", F32, 2, (int64_t[]){7, N / 7}, x));
  for (int i = 0; i < N; i++)
    ck_assert(outf(&c, i) == nearbyintf(x[i]));
  oc_free(&c);
  free(x);
}
END_TEST

/* CastLike: input 0 in input 1's dtype, with Cast's rules. */
START_TEST(cast_like) {
  op_case c;
  float x[3] = {1.9f, -2.7f, 1e10f};
  int32_t t[1] = {0}, w[3] = {1, -2, INT32_MAX};
  ok(run2(&c, "CastLike", F32, 1, (int64_t[]){3}, x, I32, 0, NULL, t));
  shape_is(&c, I32, 1, (int64_t[]){3});
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  uint16_t h[1] = {0}, hw[3] = {0x3F9A, 0xC166, 0x7C00}; /* 1.9, -2.7, inf */
  ok(run2(&c, "CastLike", F32, 1, (int64_t[]){3}, x, F16, 1, (int64_t[]){1}, h));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
  fails(run2(&c, "CastLike", F32, 1, (int64_t[]){3}, x, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

static Suite *activation_suite(void) {
  Suite *s = suite_create("activation");
  TCase *tc = tcase_create("activation");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, round_half_even);
  tcase_add_test(tc, exp_log_recip_neg_abs);
  tcase_add_test(tc, activations);
  tcase_add_test(tc, clip_forms);
  tcase_add_test(tc, clip_errors);
  tcase_add_test(tc, prelu_broadcast);
  tcase_add_test(tc, sizes);
  tcase_add_test(tc, cast_like);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(activation_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
