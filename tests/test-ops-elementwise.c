/* Unit tests of the elementwise ops with broadcast inputs (Add, Sub, Mul,
 * Div, Pow, Equal, Where) through infer and the reference kernels, against
 * hand-computed values. */
#include "elementwise-test.h"

/* ---- Add ----------------------------------------------------------------- */

START_TEST(add_f32_same_shape) {
  op_case c;
  int64_t d[2] = {2, 3};
  float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {10, 20, 30, 40, 50, 60};
  ok(run2(&c, "Add", F32, 2, d, a, F32, 2, d, b));
  shape_is(&c, F32, 2, d);
  float w[6] = {11, 22, 33, 44, 55, 66};
  f32_is(&c, w, 6, 0);
  oc_free(&c);
}
END_TEST

START_TEST(add_f32_row_and_column_broadcast) {
  op_case c;
  int64_t da[2] = {2, 3}, db[1] = {3};
  float a[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30};
  ok(run2(&c, "Add", F32, 2, da, a, F32, 1, db, b));
  float w[6] = {11, 22, 33, 14, 25, 36};
  f32_is(&c, w, 6, 0);
  oc_free(&c);
  /* [3,1] + [1,4] -> [3,4]: both inputs broadcast */
  int64_t dc[2] = {3, 1}, dd[2] = {1, 4}, dout[2] = {3, 4};
  float x[3] = {100, 200, 300}, y[4] = {1, 2, 3, 4};
  ok(run2(&c, "Add", F32, 2, dc, x, F32, 2, dd, y));
  shape_is(&c, F32, 2, dout);
  float w2[12] = {101, 102, 103, 104, 201, 202, 203, 204,
                  301, 302, 303, 304};
  f32_is(&c, w2, 12, 0);
  oc_free(&c);
}
END_TEST

START_TEST(add_scalar_and_rank3) {
  op_case c;
  int64_t d[2] = {2, 2};
  float a[4] = {1, 2, 3, 4}, s = 0.5f;
  ok(run2(&c, "Add", F32, 0, NULL, &s, F32, 2, d, a));
  shape_is(&c, F32, 2, d);
  float w[4] = {1.5f, 2.5f, 3.5f, 4.5f};
  f32_is(&c, w, 4, 0);
  oc_free(&c);
  /* rank-0 + rank-0 */
  float t = 2.0f;
  ok(run2(&c, "Add", F32, 0, NULL, &s, F32, 0, NULL, &t));
  ck_assert_int_eq(c.out[0].rank, 0);
  ck_assert(((float *)c.out[0].data)[0] == 2.5f);
  oc_free(&c);
  /* int64 [2,1,3] + [2,1] -> [2,2,3] */
  int64_t da[3] = {2, 1, 3}, db[2] = {2, 1}, dout[3] = {2, 2, 3};
  int64_t x[6] = {1, 2, 3, 4, 5, 6}, y[2] = {10, 20};
  ok(run2(&c, "Add", I64, 3, da, x, I64, 2, db, y));
  shape_is(&c, I64, 3, dout);
  int64_t w2[12] = {11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26};
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
}
END_TEST

START_TEST(add_size_zero) {
  op_case c;
  int64_t da[2] = {0, 3}, db[1] = {3};
  float b[3] = {1, 2, 3};
  ok(run2(&c, "Add", F32, 2, da, NULL, F32, 1, db, b));
  shape_is(&c, F32, 2, da);
  ck_assert_int_eq(tv_numel(&c.out[0]), 0);
  oc_free(&c);
  /* [2,0] + [2,1] -> [2,0] */
  int64_t dc[2] = {2, 0}, dd[2] = {2, 1};
  ok(run2(&c, "Mul", I32, 2, dc, NULL, I32, 2, dd, (int32_t[]){1, 2}));
  shape_is(&c, I32, 2, dc);
  oc_free(&c);
}
END_TEST

START_TEST(add_int_wraps) {
  op_case c;
  int64_t d[1] = {3};
  uint8_t a[3] = {250, 1, 255}, b[3] = {10, 2, 1}, w[3] = {4, 3, 0};
  ok(run2(&c, "Add", U8, 1, d, a, U8, 1, d, b));
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  int32_t x[3] = {INT32_MAX, -5, 7}, y[1] = {1};
  int32_t w2[3] = {INT32_MIN, -4, 8};
  ok(run2(&c, "Add", I32, 1, d, x, I32, 1, (int64_t[]){1}, y));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  int64_t p[1] = {INT64_MAX}, q[1] = {2}, w3[1] = {INT64_MIN + 1};
  ok(run2(&c, "Add", I64, 1, (int64_t[]){1}, p, I64, 1, (int64_t[]){1}, q));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
}
END_TEST

START_TEST(add_f16_f64) {
  op_case c;
  int64_t d[1] = {3};
  /* 1.5 + 2.25 = 3.75; 65504 + 65504 = inf; -1 + 1 = 0 */
  uint16_t a[3] = {0x3E00, 0x7BFF, 0xBC00}, b[3] = {0x4080, 0x7BFF, 0x3C00};
  uint16_t w[3] = {0x4380, 0x7C00, 0x0000};
  ok(run2(&c, "Add", F16, 1, d, a, F16, 1, d, b));
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  double x[3] = {0.1, 1e300, -2}, y[1] = {0.2};
  ok(run2(&c, "Add", F64, 1, d, x, F64, 0, NULL, y));
  const double *o = c.out[0].data;
  ck_assert(o[0] == 0.1 + 0.2 && o[1] == 1e300 && o[2] == -2.0 + 0.2);
  oc_free(&c);
}
END_TEST

/* Crosses the parallel threshold and splits rows into several tiles. */
START_TEST(add_large_tiles) {
  op_case c;
  int64_t da[2] = {3, 25000}, db[2] = {3, 1};
  float *a = malloc(sizeof(float) * 75000);
  for (int i = 0; i < 75000; i++) a[i] = (float)i;
  float b[3] = {0.5f, 1000000.0f, -75000.0f};
  ok(run2(&c, "Add", F32, 2, da, a, F32, 2, db, b));
  const float *o = c.out[0].data;
  for (int i = 0; i < 75000; i++)
    ck_assert_msg(o[i] == (float)i + b[i / 25000], "at %d: %g", i, o[i]);
  oc_free(&c);
  /* same thing with the broadcast operand first and a row vector */
  float r[25000];
  for (int i = 0; i < 25000; i++) r[i] = (float)(2 * i);
  ok(run2(&c, "Sub", F32, 1, (int64_t[]){25000}, r, F32, 2, da, a));
  o = c.out[0].data;
  for (int i = 0; i < 75000; i++)
    ck_assert_msg(o[i] == (float)(2 * (i % 25000)) - (float)i, "at %d", i);
  oc_free(&c);
  free(a);
}
END_TEST

START_TEST(binary_errors) {
  op_case c;
  int64_t d[2] = {2, 3}, e[1] = {4};
  float a[6] = {0}, b[4] = {0};
  int64_t ib[6] = {0};
  fails(run2(&c, "Add", F32, 2, d, a, F32, 1, e, b), OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(run2(&c, "Sub", F32, 2, d, a, I64, 2, d, ib), OCTET_ERR_DTYPE);
  oc_free(&c);
  uint8_t bo[6] = {0};
  fails(run2(&c, "Mul", BOOL, 2, d, bo, BOOL, 2, d, bo), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Equal", F32, 2, d, a, F32, 1, e, b), OCTET_ERR_SHAPE);
  oc_free(&c);
  fails(run2(&c, "Equal", I32, 2, d, ib, I64, 2, d, ib), OCTET_ERR_DTYPE);
  oc_free(&c);
  /* [2^20,1] + [1,2^20] floats: 2^42 bytes, above the size limit */
  int64_t big1[2] = {1 << 20, 1}, big2[2] = {1, 1 << 20};
  float *z = calloc(1 << 20, sizeof(float));
  fails(run2(&c, "Add", F32, 2, big1, z, F32, 2, big2, z), OCTET_ERR_OVERFLOW);
  oc_free(&c);
  free(z);
}
END_TEST

/* ---- Sub, Mul, Div ------------------------------------------------------- */

START_TEST(sub_mul_basic) {
  op_case c;
  int64_t da[1] = {3}, db[2] = {2, 3};
  float a[3] = {10, 20, 30}, b[6] = {1, 2, 3, 4, 5, 6};
  ok(run2(&c, "Sub", F32, 1, da, a, F32, 2, db, b));
  shape_is(&c, F32, 2, db);
  float w[6] = {9, 18, 27, 6, 15, 24};
  f32_is(&c, w, 6, 0);
  oc_free(&c);
  int8_t x[2] = {-128, 100}, y[1] = {1}, w2[2] = {127, 99};
  ok(run2(&c, "Sub", I8, 1, (int64_t[]){2}, x, I8, 1, (int64_t[]){1}, y));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  int16_t p[2] = {300, -3}, q[2] = {300, 7}, w3[2] = {24464, -21};
  ok(run2(&c, "Mul", I16, 1, (int64_t[]){2}, p, I16, 1, (int64_t[]){2}, q));
  bytes_is(&c, w3, sizeof w3); /* 90000 wraps to 24464 */
  oc_free(&c);
  float m[4] = {1, -2, 3, -4}, s[2] = {2, 10};
  ok(run2(&c, "Mul", F32, 2, (int64_t[]){2, 2}, m, F32, 2, (int64_t[]){2, 1},
          s));
  float w4[4] = {2, -4, 30, -40};
  f32_is(&c, w4, 4, 0);
  oc_free(&c);
}
END_TEST

START_TEST(div_float) {
  op_case c;
  int64_t d[1] = {4};
  float a[4] = {1, -1, 0, 7}, b[4] = {0, 0, 0, 2};
  ok(run2(&c, "Div", F32, 1, d, a, F32, 1, d, b));
  float w[4] = {INFINITY, -INFINITY, NAN, 3.5f};
  f32_is(&c, w, 4, 0);
  oc_free(&c);
  double x[2] = {1, 9}, y[1] = {3};
  ok(run2(&c, "Div", F64, 1, (int64_t[]){2}, x, F64, 0, NULL, y));
  ck_assert(((double *)c.out[0].data)[0] == 1.0 / 3.0);
  ck_assert(((double *)c.out[0].data)[1] == 3.0);
  oc_free(&c);
}
END_TEST

START_TEST(div_int_truncates) {
  op_case c;
  int64_t d[1] = {5};
  int32_t a[5] = {7, -7, 7, -7, INT32_MIN}, b[5] = {2, 2, -2, -2, -1};
  int32_t w[5] = {3, -3, -3, 3, INT32_MIN};
  ok(run2(&c, "Div", I32, 1, d, a, I32, 1, d, b));
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  int64_t x[2] = {INT64_MIN, -9}, y[1] = {-1}, w2[2] = {INT64_MIN, 9};
  ok(run2(&c, "Div", I64, 1, (int64_t[]){2}, x, I64, 1, (int64_t[]){1}, y));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  uint64_t p[1] = {UINT64_MAX}, q[1] = {2}, w3[1] = {UINT64_MAX / 2};
  ok(run2(&c, "Div", U64, 1, (int64_t[]){1}, p, U64, 1, (int64_t[]){1}, q));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
  uint8_t r[2] = {200, 255}, s[2] = {3, 16}, w4[2] = {66, 15};
  ok(run2(&c, "Div", U8, 1, (int64_t[]){2}, r, U8, 1, (int64_t[]){2}, s));
  bytes_is(&c, w4, sizeof w4);
  oc_free(&c);
}
END_TEST

START_TEST(div_int_by_zero) {
  op_case c;
  int64_t d[1] = {3};
  int64_t a[3] = {1, 2, 3}, b[3] = {1, 0, 1};
  fails(run2(&c, "Div", I64, 1, d, a, I64, 1, d, b),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
  uint8_t x[3] = {1, 2, 3}, z[1] = {0};
  fails(run2(&c, "Div", U8, 1, d, x, U8, 0, NULL, z),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

/* ---- Pow ----------------------------------------------------------------- */

START_TEST(pow_float) {
  op_case c;
  int64_t d[2] = {2, 2};
  float a[4] = {1, 2, 3, -4}, two[1] = {2};
  ok(run2(&c, "Pow", F32, 2, d, a, F32, 1, (int64_t[]){1}, two));
  float w[4] = {1, 4, 9, 16};
  f32_is(&c, w, 4, 0);
  oc_free(&c);
  float e[2] = {0.5f, 3};
  ok(run2(&c, "Pow", F32, 2, d, a, F32, 1, (int64_t[]){2}, e));
  float w2[4] = {1, 8, 1.7320508f, -64};
  f32_is(&c, w2, 4, 1e-6f);
  oc_free(&c);
  /* float base, int64 exponent; float base, negative int exponent */
  int64_t ie[4] = {4, 5, 6, -1};
  ok(run2(&c, "Pow", F32, 2, d, a, I64, 2, d, ie));
  float w3[4] = {1, 32, 729, -0.25f};
  f32_is(&c, w3, 4, 0);
  oc_free(&c);
  double x[1] = {2}, y[1] = {0.5};
  ok(run2(&c, "Pow", F64, 1, (int64_t[]){1}, x, F64, 0, NULL, y));
  ck_assert(fabs(((double *)c.out[0].data)[0] - 1.4142135623730951) < 1e-15);
  oc_free(&c);
  uint16_t h[2] = {0x4000, 0x4200}, hw[2] = {0x4800, 0x4880}; /* 2,3 -> 8,9 */
  int32_t he[2] = {3, 2};
  ok(run2(&c, "Pow", F16, 1, (int64_t[]){2}, h, I32, 1, (int64_t[]){2}, he));
  bytes_is(&c, hw, sizeof hw);
  oc_free(&c);
}
END_TEST

START_TEST(pow_int) {
  op_case c;
  int64_t d[1] = {3};
  int64_t a[3] = {1, 2, 3}, b[3] = {4, 5, 6}, w[3] = {1, 32, 729};
  ok(run2(&c, "Pow", I64, 1, d, a, I64, 1, d, b));
  shape_is(&c, I64, 1, d);
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  /* int32 base with float exponent (Pow-15) */
  int32_t x[3] = {1, 2, 3}, w2[3] = {1, 32, 729};
  float y[3] = {4, 5, 6};
  ok(run2(&c, "Pow", I32, 1, d, x, F32, 1, d, y));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  /* negative exponents: 1^-1, (-1)^-1, (-1)^-2, 2^-1, 3^0 */
  int64_t p[5] = {1, -1, -1, 2, 3}, q[5] = {-1, -1, -2, -1, 0};
  int64_t w3[5] = {1, -1, 1, 0, 1};
  ok(run2(&c, "Pow", I64, 1, (int64_t[]){5}, p, I64, 1, (int64_t[]){5}, q));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
  /* 2^31 wraps in int32; uint8 exponent */
  int32_t r[2] = {2, -3}, w4[2] = {INT32_MIN, -27};
  uint8_t s[2] = {31, 3};
  ok(run2(&c, "Pow", I32, 1, (int64_t[]){2}, r, U8, 1, (int64_t[]){2}, s));
  bytes_is(&c, w4, sizeof w4);
  oc_free(&c);
  int64_t zero[1] = {0}, neg[1] = {-2};
  fails(run2(&c, "Pow", I64, 1, (int64_t[]){1}, zero, I64, 0, NULL, neg),
        OCTET_ERR_INVALID_ARGUMENT);
  oc_free(&c);
}
END_TEST

START_TEST(pow_errors) {
  op_case c;
  int64_t d[1] = {2};
  uint8_t u[2] = {1, 2};
  float f[2] = {1, 2};
  fails(run2(&c, "Pow", U8, 1, d, u, F32, 1, d, f), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Pow", F32, 1, d, f, BOOL, 1, d, u), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run2(&c, "Pow", F32, 1, d, f, F32, 1, (int64_t[]){3},
             (float[]){1, 2, 3}),
        OCTET_ERR_SHAPE);
  oc_free(&c);
}
END_TEST

/* ---- Equal --------------------------------------------------------------- */

START_TEST(equal_types) {
  op_case c;
  int64_t da[2] = {2, 2}, db[1] = {2};
  int64_t a[4] = {1, 2, 3, 2}, b[2] = {1, 2};
  uint8_t w[4] = {1, 1, 0, 1};
  ok(run2(&c, "Equal", I64, 2, da, a, I64, 1, db, b));
  shape_is(&c, BOOL, 2, da);
  bytes_is(&c, w, sizeof w);
  oc_free(&c);
  float x[4] = {NAN, 0.0f, 1.0f, 2.0f}, y[4] = {NAN, -0.0f, 1.0f, 3.0f};
  uint8_t w2[4] = {0, 1, 1, 0};
  ok(run2(&c, "Equal", F32, 1, (int64_t[]){4}, x, F32, 1, (int64_t[]){4}, y));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  uint8_t p[4] = {0, 1, 0, 1}, q[4] = {0, 0, 1, 1}, w3[4] = {1, 0, 0, 1};
  ok(run2(&c, "Equal", BOOL, 1, (int64_t[]){4}, p, BOOL, 1, (int64_t[]){4},
          q));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
  uint16_t h[2] = {0x3C00, 0x4000}, hs[1] = {0x4000};
  uint8_t w4[2] = {0, 1};
  ok(run2(&c, "Equal", F16, 1, (int64_t[]){2}, h, F16, 0, NULL, hs));
  bytes_is(&c, w4, sizeof w4);
  oc_free(&c);
  uint64_t u[2] = {UINT64_MAX, 5}, v[2] = {UINT64_MAX, 6};
  uint8_t w5[2] = {1, 0};
  ok(run2(&c, "Equal", U64, 1, (int64_t[]){2}, u, U64, 1, (int64_t[]){2}, v));
  bytes_is(&c, w5, sizeof w5);
  oc_free(&c);
}
END_TEST

/* ---- Where --------------------------------------------------------------- */

static octet_status run_where(op_case *c, int rc, const int64_t *dc,
                              const uint8_t *cond, octet_dtype t, int rx,
                              const int64_t *dx, const void *x, int ry,
                              const int64_t *dy, const void *y) {
  oc_init(c, "Where", 16);
  oc_input(c, BOOL, rc, dc, cond);
  oc_input(c, t, rx, dx, x);
  oc_input(c, t, ry, dy, y);
  octet_clear_error();
  return oc_run(c, 1);
}

START_TEST(where_broadcast) {
  op_case c;
  /* cond [2,1], x [1,3], y scalar -> [2,3] */
  int64_t dc[2] = {2, 1}, dx[2] = {1, 3}, dout[2] = {2, 3};
  uint8_t cond[2] = {1, 0};
  float x[3] = {1, 2, 3}, y = -1;
  ok(run_where(&c, 2, dc, cond, F32, 2, dx, x, 0, NULL, &y));
  shape_is(&c, F32, 2, dout);
  float w[6] = {1, 2, 3, -1, -1, -1};
  f32_is(&c, w, 6, 0);
  oc_free(&c);
  /* cond [3], x [2,3] int64, y [2,1] */
  uint8_t c3[3] = {1, 0, 1};
  int64_t xi[6] = {1, 2, 3, 4, 5, 6}, yi[2] = {70, 80};
  int64_t w2[6] = {1, 70, 3, 4, 80, 6};
  ok(run_where(&c, 1, (int64_t[]){3}, c3, I64, 2, (int64_t[]){2, 3}, xi, 2,
               (int64_t[]){2, 1}, yi));
  bytes_is(&c, w2, sizeof w2);
  oc_free(&c);
  /* bool and uint16-sized (float16) payloads */
  uint8_t xb[2] = {1, 1}, yb[2] = {0, 0}, cb[2] = {0, 1}, w3[2] = {0, 1};
  ok(run_where(&c, 1, (int64_t[]){2}, cb, BOOL, 1, (int64_t[]){2}, xb, 1,
               (int64_t[]){2}, yb));
  bytes_is(&c, w3, sizeof w3);
  oc_free(&c);
  uint16_t xh[1] = {0x3C00}, yh[2] = {0x4000, 0x4200}, w4[2] = {0x4000, 0x3C00};
  ok(run_where(&c, 1, (int64_t[]){2}, cb, F16, 0, NULL, xh, 1, (int64_t[]){2},
               yh));
  bytes_is(&c, w4, sizeof w4);
  oc_free(&c);
  /* size 0 */
  ok(run_where(&c, 1, (int64_t[]){0}, NULL, F32, 1, (int64_t[]){1}, x, 0,
               NULL, &y));
  ck_assert_int_eq(c.out[0].dims[0], 0);
  oc_free(&c);
}
END_TEST

START_TEST(where_errors) {
  op_case c;
  int64_t d[1] = {2};
  float x[2] = {1, 2};
  uint8_t cond[2] = {1, 0};
  /* condition must be bool */
  oc_init(&c, "Where", 16);
  oc_input(&c, F32, 1, d, x);
  oc_input(&c, F32, 1, d, x);
  oc_input(&c, F32, 1, d, x);
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_DTYPE);
  oc_free(&c);
  /* x and y dtypes differ */
  oc_init(&c, "Where", 16);
  oc_input(&c, BOOL, 1, d, cond);
  oc_input(&c, F32, 1, d, x);
  oc_input(&c, I32, 1, d, (int32_t[]){1, 2});
  octet_clear_error();
  fails(oc_run(&c, 1), OCTET_ERR_DTYPE);
  oc_free(&c);
  fails(run_where(&c, 1, d, cond, F32, 1, d, x, 1, (int64_t[]){3},
                  (float[]){1, 2, 3}),
        OCTET_ERR_SHAPE);
  oc_free(&c);
}
END_TEST

static Suite *elementwise_suite(void) {
  Suite *s = suite_create("elementwise");
  TCase *tc = tcase_create("binary");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, add_f32_same_shape);
  tcase_add_test(tc, add_f32_row_and_column_broadcast);
  tcase_add_test(tc, add_scalar_and_rank3);
  tcase_add_test(tc, add_size_zero);
  tcase_add_test(tc, add_int_wraps);
  tcase_add_test(tc, add_f16_f64);
  tcase_add_test(tc, add_large_tiles);
  tcase_add_test(tc, binary_errors);
  tcase_add_test(tc, sub_mul_basic);
  tcase_add_test(tc, div_float);
  tcase_add_test(tc, div_int_truncates);
  tcase_add_test(tc, div_int_by_zero);
  tcase_add_test(tc, pow_float);
  tcase_add_test(tc, pow_int);
  tcase_add_test(tc, pow_errors);
  tcase_add_test(tc, equal_types);
  tcase_add_test(tc, where_broadcast);
  tcase_add_test(tc, where_errors);
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
