/* Unit tests of the convolution, pooling and batch-normalization ops (issue
 * 16 part B): Conv, ConvTranspose, MaxPool, AveragePool, GlobalMaxPool,
 * GlobalAveragePool, BatchNormalization, and the pass that folds BN into
 * the Conv / ConvTranspose / Gemm before it. Expected values are worked
 * out by hand in the comments. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "octet.h"
#include "onnx-build.h"
#include "op-check.h"

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16
#define I64 OCTET_DTYPE_INT64
#define D(...) ((const int64_t[]){__VA_ARGS__})
#define FV(...) ((const float[]){__VA_ARGS__})
#define IV(...) ((const int64_t[]){__VA_ARGS__})

static const int64_t X14[4] = {1, 2, 3, 4};

/* A 1-D op on x = [1, 2, 3, 4] (shape [1, 1, 4]) with weights w [1, 1, k]. */
static void conv1(op_case *c, const char *op, const float *w, int64_t k) {
  oc_init(c, op, 17);
  float x[4];
  for (int i = 0; i < 4; i++) x[i] = (float)X14[i];
  oc_input(c, F32, 3, D(1, 1, 4), x);
  oc_input(c, F32, 3, D(1, 1, k), w);
}

/* ---- Conv ---------------------------------------------------------------- */

START_TEST(conv_2d_padding) {
  /* ONNX's basic example: 5x5 iota, 3x3 ones, pads 1 and 0 */
  float *x = iota_f32(25);
  float w[9];
  for (int i = 0; i < 9; i++) w[i] = 1;
  op_case c;
  oc_init(&c, "Conv", 17);
  oc_attr_ints(&c, "pads", IV(1, 1, 1, 1), 4);
  oc_input(&c, F32, 4, D(1, 1, 5, 5), x);
  oc_input(&c, F32, 4, D(1, 1, 3, 3), w);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 4, D(1, 1, 5, 5));
  check_f32(&c, 0, FV(12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144,
                      153, 162, 111, 72, 111, 117, 123, 84), 25, 0);
  oc_free(&c);
  oc_init(&c, "Conv", 11); /* no pads; kernel_shape given and equal to W's */
  oc_attr_ints(&c, "kernel_shape", IV(3, 3), 2);
  oc_input(&c, F32, 4, D(1, 1, 5, 5), x);
  oc_input(&c, F32, 4, D(1, 1, 3, 3), w);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 4, D(1, 1, 3, 3));
  check_f32(&c, 0, FV(54, 63, 72, 99, 108, 117, 144, 153, 162), 9, 0);
  oc_free(&c);
  free(x);
}
END_TEST

START_TEST(conv_asymmetric_pads_and_auto_pad) {
  op_case c;
  /* w = [1, 10]: pads (1, 0) read [0,1,2,3,4]; pads (0, 1) [1,2,3,4,0] */
  conv1(&c, "Conv", FV(1, 10), 2);
  oc_attr_ints(&c, "pads", IV(1, 0), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(10, 21, 32, 43), 4, 0);
  oc_free(&c);
  conv1(&c, "Conv", FV(1, 10), 2);
  oc_attr_ints(&c, "pads", IV(0, 1), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(21, 32, 43, 4), 4, 0);
  oc_free(&c);
  /* SAME, stride 1: one pad, at the end (UPPER) or the start (LOWER) */
  conv1(&c, "Conv", FV(1, 10), 2);
  oc_attr_string(&c, "auto_pad", "SAME_UPPER");
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(21, 32, 43, 4), 4, 0);
  oc_free(&c);
  conv1(&c, "Conv", FV(1, 10), 2);
  oc_attr_string(&c, "auto_pad", "SAME_LOWER");
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(10, 21, 32, 43), 4, 0);
  oc_free(&c);
  /* k = 3, stride 2: out 2, total pad 1. UPPER [1,2,3,4,0] -> 1+20+300,
   * 3+40; LOWER [0,1,2,3,4] -> 10+200, 2+30+400; VALID: 321 only */
  conv1(&c, "Conv", FV(1, 10, 100), 3);
  oc_attr_string(&c, "auto_pad", "SAME_UPPER");
  oc_attr_ints(&c, "strides", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(321, 43), 2, 0);
  oc_free(&c);
  conv1(&c, "Conv", FV(1, 10, 100), 3);
  oc_attr_string(&c, "auto_pad", "SAME_LOWER");
  oc_attr_ints(&c, "strides", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(210, 432), 2, 0);
  oc_free(&c);
  conv1(&c, "Conv", FV(1, 10, 100), 3);
  oc_attr_string(&c, "auto_pad", "VALID");
  oc_attr_ints(&c, "strides", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(1, 1, 1));
  check_f32(&c, 0, FV(321), 1, 0);
  oc_free(&c);
  /* dilation 2: x[i] + 10 x[i + 2] */
  conv1(&c, "Conv", FV(1, 10), 2);
  oc_attr_ints(&c, "dilations", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(31, 42), 2, 0);
  oc_free(&c);
}
END_TEST

START_TEST(conv_groups_and_bias) {
  /* depthwise with multiplier 2: channels [1,2,3] and [10,20,30], group 2,
   * W [4, 1, 1] = 1, 2, 3, 4: outputs 1x, 2x channel 0, 3x, 4x channel 1,
   * plus B */
  op_case c;
  oc_init(&c, "Conv", 17);
  oc_attr_int(&c, "group", 2);
  oc_input(&c, F32, 3, D(1, 2, 3), FV(1, 2, 3, 10, 20, 30));
  oc_input(&c, F32, 3, D(4, 1, 1), FV(1, 2, 3, 4));
  oc_input(&c, F32, 1, D(4), FV(0.5f, 0, 0, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(1, 4, 3));
  check_f32(&c, 0, FV(1.5f, 2.5f, 3.5f, 2, 4, 6, 30, 60, 90, 39, 79, 119), 12, 0);
  oc_free(&c);
  /* group 2 of 2 channels each, k = 2, batch 2: output m of group g sums
   * its two channels' [x0 + x1, x1 + x2] */
  oc_init(&c, "Conv", 17);
  oc_attr_int(&c, "group", 2);
  float x[2 * 4 * 3];
  for (int i = 0; i < 24; i++) x[i] = (float)i;
  float w[2 * 2 * 2];
  for (int i = 0; i < 8; i++) w[i] = 1;
  oc_input(&c, F32, 3, D(2, 4, 3), x);
  oc_input(&c, F32, 3, D(2, 2, 2), w);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(2, 2, 2));
  /* n 0: g0 channels 0..5 -> (0+1)+(3+4), (1+2)+(4+5); g1 6..11 */
  check_f32(&c, 0, FV(8, 12, 32, 36, 56, 60, 80, 84), 8, 0);
  oc_free(&c);
  /* float16 in and out */
  oc_init(&c, "Conv", 17);
  in_f16(&c, 3, D(1, 1, 4), FV(1, 2, 3, 4));
  in_f16(&c, 3, D(1, 1, 2), FV(1, 0.5f));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f16(&c, FV(2, 3.5f, 5), 3, 0);
  oc_free(&c);
}
END_TEST

START_TEST(conv_3d) {
  /* 2x2x2 ones over a 2x2x3 iota: each output sums 8 elements */
  float *x = iota_f32(12);
  float w[8];
  for (int i = 0; i < 8; i++) w[i] = 1;
  op_case c;
  oc_init(&c, "Conv", 17);
  oc_input(&c, F32, 5, D(1, 1, 2, 2, 3), x);
  oc_input(&c, F32, 5, D(1, 1, 2, 2, 2), w);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 5, D(1, 1, 1, 1, 2));
  check_f32(&c, 0, FV(0 + 1 + 3 + 4 + 6 + 7 + 9 + 10, 1 + 2 + 4 + 5 + 7 + 8 + 10 + 11), 2, 0);
  oc_free(&c);
  free(x);
}
END_TEST

static void conv_fails(const char *attr, const int64_t *v, size_t n, const char *sattr,
                       const char *s, int64_t group, octet_status want) {
  op_case c;
  conv1(&c, "Conv", FV(1, 10), 2);
  if (attr) oc_attr_ints(&c, attr, v, n);
  if (sattr) oc_attr_string(&c, sattr, s);
  if (group) oc_attr_int(&c, "group", group);
  expect_fail(&c, 1, want);
}

START_TEST(conv_errors) {
  conv_fails("pads", IV(-1, 0), 2, NULL, NULL, 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("pads", IV(1), 1, NULL, NULL, 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("strides", IV(0), 1, NULL, NULL, 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("strides", IV((int64_t)1 << 40), 1, NULL, NULL, 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("dilations", IV(0), 1, NULL, NULL, 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("dilations", IV(4), 1, NULL, NULL, 0, OCTET_ERR_SHAPE); /* extent 5 > 4 */
  conv_fails("kernel_shape", IV(3), 1, NULL, NULL, 0, OCTET_ERR_SHAPE); /* W has 2 */
  conv_fails(NULL, NULL, 0, "auto_pad", "SAME", 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails("pads", IV(1, 1), 2, "auto_pad", "VALID", 0, OCTET_ERR_INVALID_ARGUMENT);
  conv_fails(NULL, NULL, 0, NULL, NULL, 2, OCTET_ERR_SHAPE); /* 1 channel, group 2 */
  conv_fails(NULL, NULL, 0, NULL, NULL, -1, OCTET_ERR_INVALID_ARGUMENT);
  op_case c;
  oc_init(&c, "Conv", 17); /* kernel larger than the input */
  oc_input(&c, F32, 3, D(1, 1, 2), FV(1, 2));
  oc_input(&c, F32, 3, D(1, 1, 3), FV(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Conv", 17); /* W's channels disagree with X's */
  oc_input(&c, F32, 3, D(1, 2, 2), FV(1, 2, 3, 4));
  oc_input(&c, F32, 3, D(1, 1, 1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Conv", 17); /* B of the wrong length */
  oc_input(&c, F32, 3, D(1, 1, 2), FV(1, 2));
  oc_input(&c, F32, 3, D(2, 1, 1), FV(1, 2));
  oc_input(&c, F32, 1, D(3), FV(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Conv", 17); /* 2-D X */
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  oc_input(&c, F32, 2, D(1, 1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  oc_init(&c, "Conv", 17); /* int64 */
  oc_input(&c, I64, 3, D(1, 1, 1), IV(1));
  oc_input(&c, I64, 3, D(1, 1, 1), IV(1));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

/* ---- ConvTranspose ------------------------------------------------------- */

/* x = [1, 2, 3] through w [1, 1, k]. */
static void convt1(op_case *c, const float *w, int64_t k) {
  oc_init(c, "ConvTranspose", 17);
  oc_input(c, F32, 3, D(1, 1, 3), FV(1, 2, 3));
  oc_input(c, F32, 3, D(1, 1, k), w);
}

START_TEST(convtranspose_1d) {
  op_case c;
  /* y[i + k] += x[i] w[k] */
  convt1(&c, FV(1, 10), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 12, 23, 30), 4, 0);
  oc_free(&c);
  /* stride 2: y[2i + k] */
  convt1(&c, FV(1, 10), 2);
  oc_attr_ints(&c, "strides", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 10, 2, 20, 3, 30), 6, 0);
  oc_free(&c);
  /* output_padding 1: one more element at the end (0, plus B) */
  convt1(&c, FV(1, 10), 2);
  oc_input(&c, F32, 1, D(1), FV(0.5f));
  oc_attr_ints(&c, "strides", IV(2), 1);
  oc_attr_ints(&c, "output_padding", IV(1), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1.5f, 10.5f, 2.5f, 20.5f, 3.5f, 30.5f, 0.5f), 7, 0);
  oc_free(&c);
  /* output_shape 7: total padding -1, the extra element at the end */
  convt1(&c, FV(1, 10), 2);
  oc_attr_ints(&c, "strides", IV(2), 1);
  oc_attr_ints(&c, "output_shape", IV(7), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 10, 2, 20, 3, 30, 0), 7, 0);
  oc_free(&c);
  /* pads (1, 0) crop the first element */
  convt1(&c, FV(1, 10), 2);
  oc_attr_ints(&c, "strides", IV(2), 1);
  oc_attr_ints(&c, "pads", IV(1, 0), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(10, 2, 20, 3, 30), 5, 0);
  oc_free(&c);
  /* SAME, k = 3, stride 2: full [1,10,102,20,203,30,300] cut to 6, the odd
   * pad at the end (UPPER) or the start (LOWER) */
  convt1(&c, FV(1, 10, 100), 3);
  oc_attr_ints(&c, "strides", IV(2), 1);
  oc_attr_string(&c, "auto_pad", "SAME_UPPER");
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 10, 102, 20, 203, 30), 6, 0);
  oc_free(&c);
  convt1(&c, FV(1, 10, 100), 3);
  oc_attr_ints(&c, "strides", IV(2), 1);
  oc_attr_string(&c, "auto_pad", "SAME_LOWER");
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(10, 102, 20, 203, 30, 300), 6, 0);
  oc_free(&c);
  /* dilation 2: y[i + 2k] */
  convt1(&c, FV(1, 10), 2);
  oc_attr_ints(&c, "dilations", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 2, 13, 20, 30), 5, 0);
  oc_free(&c);
}
END_TEST

START_TEST(convtranspose_group_and_2d) {
  op_case c;
  /* group 2: X [1, 2, 1] = 1, 2; W [2, 1, 1] = 3, 4 -> 3, 8 */
  oc_init(&c, "ConvTranspose", 17);
  oc_attr_int(&c, "group", 2);
  oc_input(&c, F32, 3, D(1, 2, 1), FV(1, 2));
  oc_input(&c, F32, 3, D(2, 1, 1), FV(3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(1, 2, 1));
  check_f32(&c, 0, FV(3, 8), 2, 0);
  oc_free(&c);
  /* 2-D, stride 2, 1x1 -> two output channels of a 2x2 kernel */
  oc_init(&c, "ConvTranspose", 17);
  oc_attr_ints(&c, "strides", IV(2, 2), 2);
  oc_input(&c, F32, 4, D(1, 1, 1, 2), FV(1, 2));
  oc_input(&c, F32, 4, D(1, 2, 2, 2), FV(1, 2, 3, 4, -1, -2, -3, -4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 4, D(1, 2, 2, 4));
  check_f32(&c, 0, FV(1, 2, 2, 4, 3, 4, 6, 8, -1, -2, -2, -4, -3, -4, -6, -8), 16, 0);
  oc_free(&c);
}
END_TEST

START_TEST(convtranspose_errors) {
  op_case c;
  convt1(&c, FV(1, 10), 2); /* output_padding >= stride and dilation */
  oc_attr_ints(&c, "output_padding", IV(1), 1);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  convt1(&c, FV(1, 10), 2); /* pads larger than the output */
  oc_attr_ints(&c, "pads", IV(3, 2), 2);
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  convt1(&c, FV(1, 10), 2);
  oc_attr_ints(&c, "output_shape", IV(7, 7), 2);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  /* absurd sizes, through inference alone (no data): stride 2^31 over 2^37
   * elements overflows int64; 2^20 of them is only too large */
  const octet_op_def *def = octet_op_find("ConvTranspose");
  ck_assert_ptr_nonnull(def);
  for (int k = 0; k < 2; k++) {
    oc_init(&c, "ConvTranspose", 17);
    oc_attr_ints(&c, "strides", IV((int64_t)1 << 31), 1);
    octet_tview in[2] = {{.dtype = F32, .rank = 3, .dims = {1, 1, k ? (int64_t)1 << 20
                                                                      : (int64_t)1 << 37}},
                         {.dtype = F32, .rank = 3, .dims = {1, 1, 2}}};
    octet_tview out[1];
    memset(out, 0, sizeof out);
    ck_assert_int_eq(def->infer(&c.node, in, 2, out, 1), OCTET_ERR_OVERFLOW);
    ck_assert(octet_last_error()[0] != '\0');
    oc_free(&c);
  }
}
END_TEST

/* ---- pooling ------------------------------------------------------------- */

static void pool1(op_case *c, const char *op, int64_t opset, const float *x, int64_t n,
                  int64_t k, int64_t s) {
  oc_init(c, op, opset);
  oc_input(c, F32, 3, D(1, 1, n), x);
  oc_attr_ints(c, "kernel_shape", IV(k), 1);
  if (s > 1) oc_attr_ints(c, "strides", IV(s), 1);
}

START_TEST(pool_ceil_mode) {
  op_case c;
  /* [1..5], k 2, s 2: floor [2, 4]; ceil adds the window [5, (end)] */
  pool1(&c, "MaxPool", 12, FV(1, 2, 3, 4, 5), 5, 2, 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(2, 4), 2, 0);
  oc_free(&c);
  pool1(&c, "MaxPool", 12, FV(1, 2, 3, 4, 5), 5, 2, 2);
  oc_attr_int(&c, "ceil_mode", 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(2, 4, 5), 3, 0);
  oc_free(&c);
  /* AveragePool: the ceil window's extra end is never counted, also with
   * count_include_pad */
  for (int cip = 0; cip <= 1; cip++) {
    pool1(&c, "AveragePool", 11, FV(1, 2, 3, 4, 5), 5, 2, 2);
    oc_attr_int(&c, "ceil_mode", 1);
    oc_attr_int(&c, "count_include_pad", cip);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    check_f32(&c, 0, FV(1.5f, 3.5f, 5), 3, 0);
    oc_free(&c);
  }
  /* in 2, k 3, s 3, pads 1: ceil gives 2 windows, but the second would
   * start in the end pad, so 1: [p, 1, 2] */
  pool1(&c, "AveragePool", 19, FV(1, 2), 2, 3, 3);
  oc_attr_ints(&c, "pads", IV(1, 1), 2);
  oc_attr_int(&c, "ceil_mode", 1);
  oc_attr_int(&c, "count_include_pad", 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 3, D(1, 1, 1));
  check_f32(&c, 0, FV(1), 1, 1e-7);
  oc_free(&c);
}
END_TEST

START_TEST(pool_count_include_pad) {
  op_case c;
  /* [1..5] with pads (1, 0), k 2, s 2: windows [p,1], [2,3], [4,5] */
  pool1(&c, "AveragePool", 11, FV(1, 2, 3, 4, 5), 5, 2, 2);
  oc_attr_ints(&c, "pads", IV(1, 0), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(1, 2.5f, 4.5f), 3, 0);
  oc_free(&c);
  pool1(&c, "AveragePool", 11, FV(1, 2, 3, 4, 5), 5, 2, 2);
  oc_attr_ints(&c, "pads", IV(1, 0), 2);
  oc_attr_int(&c, "count_include_pad", 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(0.5f, 2.5f, 4.5f), 3, 0);
  oc_free(&c);
  /* dilations (opset 19): windows (0, 2), (1, 3), (2, 4) */
  pool1(&c, "AveragePool", 19, FV(1, 2, 3, 4, 5), 5, 2, 1);
  oc_attr_ints(&c, "dilations", IV(2), 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(2, 3, 4), 3, 0);
  oc_free(&c);
}
END_TEST

START_TEST(pool_same_upper_lower) {
  op_case c;
  /* [1, 5, 2, 4], k 2: one pad, at the end (UPPER) or the start (LOWER) */
  static const char *const modes[2] = {"SAME_UPPER", "SAME_LOWER"};
  static const float want_max[2][4] = {{5, 5, 4, 4}, {1, 5, 5, 4}};
  static const float want_avg[2][4] = {{3, 3.5f, 3, 4}, {1, 3, 3.5f, 3}};
  for (int m = 0; m < 2; m++) {
    pool1(&c, "MaxPool", 12, FV(1, 5, 2, 4), 4, 2, 1);
    oc_attr_string(&c, "auto_pad", modes[m]);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    check_f32(&c, 0, want_max[m], 4, 0);
    oc_free(&c);
    pool1(&c, "AveragePool", 11, FV(1, 5, 2, 4), 4, 2, 1);
    oc_attr_string(&c, "auto_pad", modes[m]);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    check_f32(&c, 0, want_avg[m], 4, 0);
    oc_free(&c);
  }
}
END_TEST

START_TEST(maxpool_indices) {
  /* [[1,2,3],[4,5,6]] plus a second image 10 higher, k 2x2: maxima at
   * (1,1) and (1,2); row-major 4, 5, column-major 1 + 1*2, 1 + 2*2; the
   * second image's are 6 more */
  float x[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
  for (int order = 0; order <= 1; order++) {
    op_case c;
    oc_init(&c, "MaxPool", 12);
    oc_input(&c, F32, 4, D(2, 1, 2, 3), x);
    oc_attr_ints(&c, "kernel_shape", IV(2, 2), 2);
    oc_attr_int(&c, "storage_order", order);
    ck_assert_int_eq(oc_run(&c, 2), OCTET_OK);
    check_f32(&c, 0, FV(5, 6, 15, 16), 4, 0);
    int64_t want[4] = {4, 5, 10, 11};
    if (order) {
      want[0] = 3, want[1] = 5, want[2] = 9, want[3] = 11;
    }
    expect_out(&c, 1, I64, 4, D(2, 1, 1, 2), want);
    oc_free(&c);
  }
}
END_TEST

START_TEST(global_pools_and_errors) {
  op_case c;
  const float x[8] = {1, 2, 3, 4, -1, -5, 0, 2};
  oc_init(&c, "GlobalAveragePool", 1);
  oc_input(&c, F32, 4, D(1, 2, 2, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_shape(&c, 0, 4, D(1, 2, 1, 1));
  check_f32(&c, 0, FV(2.5f, -1), 2, 0);
  oc_free(&c);
  oc_init(&c, "GlobalMaxPool", 1);
  oc_input(&c, F32, 4, D(1, 2, 2, 2), x);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(4, 2), 2, 0);
  oc_free(&c);
  oc_init(&c, "MaxPool", 12); /* kernel_shape is required */
  oc_input(&c, F32, 3, D(1, 1, 2), FV(1, 2));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  pool1(&c, "MaxPool", 12, FV(1, 2), 2, 3, 1); /* kernel larger than the input */
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  pool1(&c, "AveragePool", 11, FV(1, 2), 2, 1, 1);
  oc_attr_int(&c, "count_include_pad", 2);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  pool1(&c, "AveragePool", 11, FV(1, 2), 2, 1, 1);
  oc_attr_int(&c, "ceil_mode", -1);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  pool1(&c, "MaxPool", 12, FV(1, 2), 2, 1, 1);
  oc_attr_ints(&c, "strides", IV(0), 1);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "MaxPool", 12); /* a 2-D kernel over a 1-D input */
  oc_input(&c, F32, 3, D(1, 1, 2), FV(1, 2));
  oc_attr_ints(&c, "kernel_shape", IV(1, 1), 2);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ---- BatchNormalization -------------------------------------------------- */

START_TEST(batchnorm) {
  /* channels [1, 3] and [2, 4]; scale 1, 2; B 0, 1; mean 2, 3; var 1, 4:
   * (x - 2) and (x - 3) / 2 * 2 + 1 */
  op_case c;
  oc_init(&c, "BatchNormalization", 15);
  oc_attr_float(&c, "epsilon", 0);
  oc_input(&c, F32, 3, D(1, 2, 2), FV(1, 3, 2, 4));
  oc_input(&c, F32, 1, D(2), FV(1, 2));
  oc_input(&c, F32, 1, D(2), FV(0, 1));
  oc_input(&c, F32, 1, D(2), FV(2, 3));
  oc_input(&c, F32, 1, D(2), FV(1, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  check_f32(&c, 0, FV(-1, 1, 0, 2), 4, 0);
  oc_free(&c);
  oc_init(&c, "BatchNormalization", 15);
  oc_attr_int(&c, "training_mode", 1);
  for (int i = 0; i < 5; i++) oc_input(&c, F32, 1, D(1), FV(1));
  expect_fail(&c, 1, OCTET_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "training_mode=1"));
  oc_init(&c, "BatchNormalization", 15); /* mean of the wrong length */
  oc_input(&c, F32, 2, D(1, 2), FV(1, 2));
  for (int i = 0; i < 4; i++) oc_input(&c, F32, 1, D(i == 2 ? 3 : 2), FV(1, 1, 1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
}
END_TEST

/* ---- folding BN into the producer ---------------------------------------- */

static float frand(uint32_t *s) {
  *s = *s * 1664525u + 1013904223u;
  return (float)((*s >> 8) & 0xffff) / 65536.0f;
}

static const float BN_S[3] = {1.5f, 0.25f, 2}, BN_B[3] = {0.5f, -1, 0.125f};
static const float BN_M[3] = {0.1f, -0.2f, 0.3f}, BN_V[3] = {0.5f, 2, 1};

/* Runs `op` (x [1, cin, 4, 4] or [2, cin] for Gemm) then BN through a
 * session, which folds; checks one node is left and the output equals the
 * unfolded ops (op_case, ref) within 1e-6 relative. */
static void fold_case(const char *op, int64_t group) {
  const bool gemm = strcmp(op, "Gemm") == 0, convt = strcmp(op, "ConvTranspose") == 0;
  const int64_t cin = gemm ? 5 : 2;
  uint32_t seed = 7;
  int64_t xd[4] = {1, cin, 4, 4}, xr = 4, wd[4], wr = 4, wn;
  if (gemm) {
    xd[0] = 2, xd[1] = cin, xr = 2;
    wd[0] = 3, wd[1] = cin, wr = 2; /* transB = 1 */
  } else if (convt) {
    wd[0] = cin, wd[1] = 3 / group, wd[2] = 2, wd[3] = 2;
  } else {
    wd[0] = 3, wd[1] = cin / group, wd[2] = 3, wd[3] = 3;
  }
  wn = 1;
  for (int i = 0; i < wr; i++) wn *= wd[i];
  int64_t xn = 1;
  for (int i = 0; i < xr; i++) xn *= xd[i];
  float x[64], w[64], b[3] = {0.25f, -0.5f, 1};
  for (int64_t i = 0; i < xn; i++) x[i] = frand(&seed) + 0.5f;
  for (int64_t i = 0; i < wn; i++) w[i] = frand(&seed) + 0.25f;
  /* unfolded */
  op_case c;
  oc_init(&c, op, 17);
  if (gemm) oc_attr_int(&c, "transB", 1);
  if (group > 1) oc_attr_int(&c, "group", group);
  oc_input(&c, F32, (int)xr, xd, x);
  oc_input(&c, F32, (int)wr, wd, w);
  oc_input(&c, F32, 1, D(3), b);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  op_case bn;
  oc_init(&bn, "BatchNormalization", 15);
  oc_input(&bn, F32, c.out[0].rank, c.out[0].dims, c.out[0].data);
  oc_input(&bn, F32, 1, D(3), BN_S);
  oc_input(&bn, F32, 1, D(3), BN_B);
  oc_input(&bn, F32, 1, D(3), BN_M);
  oc_input(&bn, F32, 1, D(3), BN_V);
  ck_assert_int_eq(oc_run(&bn, 1), OCTET_OK);
  /* folded, through a session */
  ob_model *m = ob_new(17);
  ob_input(m, "x", 1, (int)xr, xd);
  ob_init_f32(m, "W", (int)wr, wd, w);
  ob_init_f32(m, "B", 1, D(3), b);
  ob_init_f32(m, "s", 1, D(3), BN_S);
  ob_init_f32(m, "bb", 1, D(3), BN_B);
  ob_init_f32(m, "mean", 1, D(3), BN_M);
  ob_init_f32(m, "var", 1, D(3), BN_V);
  ob_node *pn = ob_node_add(m, op, "p", 3, (const char *[]){"x", "W", "B"}, 1,
                            (const char *[]){"h"});
  if (gemm) ob_attr_int(pn, "transB", 1);
  if (group > 1) ob_attr_int(pn, "group", group);
  ob_node_add(m, "BatchNormalization", "bn", 5,
              (const char *[]){"h", "s", "bb", "mean", "var"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &model) == OCTET_OK, "%s",
                octet_last_error());
  free(buf);
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(model, NULL, &s) == OCTET_OK, "%s", octet_last_error());
  size_t nodes = 0;
  ck_assert_int_eq(octet_session_node_count(s, &nodes), OCTET_OK);
  ck_assert_uint_eq(nodes, 1);
  octet_node_info info;
  ck_assert_int_eq(octet_session_node_info(s, 0, &info), OCTET_OK);
  ck_assert_msg(strcmp(info.op_type, op) == 0 || strcmp(info.op_type, "OctetLinear") == 0,
                "%s left as %s", op, info.op_type);
  octet_tensor in = {.name = "x", .dtype = F32, .rank = (int)xr, .data = x,
                     .nbytes = sizeof(float) * (size_t)xn};
  for (int i = 0; i < xr; i++) in.dims[i] = xd[i];
  octet_tensor out[1];
  ck_assert_msg(octet_session_run(s, &in, 1, out, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  const float *want = bn.out[0].data, *got = out[0].data;
  int64_t yn = tv_numel(&bn.out[0]);
  ck_assert_int_eq((int64_t)(out[0].nbytes / sizeof(float)), yn);
  for (int64_t i = 0; i < yn; i++)
    ck_assert_msg(fabs((double)got[i] - want[i]) <= 1e-6 * fabs((double)want[i]) + 1e-7,
                  "%s: y[%lld] folded %.9g, unfolded %.9g", op, (long long)i, got[i], want[i]);
  octet_session_destroy(s);
  octet_model_destroy(model);
  oc_free(&c);
  oc_free(&bn);
}

START_TEST(fold_batchnorm) {
  fold_case("Conv", 1);
  fold_case("ConvTranspose", 1);
  fold_case("Gemm", 1);
}
END_TEST

/* A small vision graph (Conv with pads, BN, MaxPool, AveragePool,
 * GlobalAveragePool) at fp16 precision, where the lowering makes every
 * activation and weight float16, against fp32. */
static void run_vision(octet_precision prec, const float *x, float *y) {
  uint32_t seed = 11;
  float w[4 * 2 * 3 * 3], b[4] = {0.1f, -0.2f, 0.3f, 0};
  for (int i = 0; i < 72; i++) w[i] = frand(&seed) - 0.5f;
  const float s4[4] = {1, 0.5f, 2, 1}, z4[4] = {0, 0.1f, -0.1f, 0}, v4[4] = {1, 2, 0.5f, 1};
  ob_model *m = ob_new(17);
  ob_input(m, "x", 1, 4, D(1, 2, 6, 6));
  ob_init_f32(m, "W", 4, D(4, 2, 3, 3), w);
  ob_init_f32(m, "B", 1, D(4), b);
  ob_init_f32(m, "s", 1, D(4), s4);
  ob_init_f32(m, "bb", 1, D(4), z4);
  ob_init_f32(m, "mean", 1, D(4), z4);
  ob_init_f32(m, "var", 1, D(4), v4);
  ob_attr_ints(ob_node_add(m, "Conv", "c", 3, (const char *[]){"x", "W", "B"}, 1,
                           (const char *[]){"h"}), "pads", 4, IV(1, 1, 1, 1));
  ob_node_add(m, "BatchNormalization", "bn", 5,
              (const char *[]){"h", "s", "bb", "mean", "var"}, 1, (const char *[]){"hb"});
  ob_node *mp = ob_node_add(m, "MaxPool", "mp", 1, (const char *[]){"hb"}, 1,
                            (const char *[]){"p"});
  ob_attr_ints(mp, "kernel_shape", 2, IV(2, 2));
  ob_attr_ints(mp, "strides", 2, IV(2, 2));
  ob_node *ap = ob_node_add(m, "AveragePool", "ap", 1, (const char *[]){"p"}, 1,
                            (const char *[]){"q"});
  ob_attr_ints(ap, "kernel_shape", 2, IV(3, 3));
  ob_attr_ints(ap, "pads", 4, IV(1, 1, 1, 1));
  ob_node_add(m, "GlobalAveragePool", "gap", 1, (const char *[]){"q"}, 1,
              (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &model) == OCTET_OK, "%s",
                octet_last_error());
  free(buf);
  octet_session_options opts;
  octet_session_options_init(&opts);
  opts.precision = prec;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(model, &opts, &s) == OCTET_OK, "%s", octet_last_error());
  octet_tensor in = {.name = "x", .dtype = F32, .rank = 4, .dims = {1, 2, 6, 6},
                     .data = (void *)x, .nbytes = sizeof(float) * 72};
  octet_tensor out[1];
  ck_assert_msg(octet_session_run(s, &in, 1, out, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  ck_assert_int_eq(out[0].dtype, F32);
  ck_assert_uint_eq(out[0].nbytes, 4 * sizeof(float));
  memcpy(y, out[0].data, 4 * sizeof(float));
  octet_session_destroy(s);
  octet_model_destroy(model);
}

START_TEST(vision_graph_fp16) {
  float x[72], y32[4], y16[4];
  uint32_t seed = 3;
  for (int i = 0; i < 72; i++) x[i] = frand(&seed) * 2 - 1;
  run_vision(OCTET_PRECISION_FP32, x, y32);
  run_vision(OCTET_PRECISION_FP16, x, y16);
  for (int i = 0; i < 4; i++)
    ck_assert_msg(fabsf(y16[i] - y32[i]) <= 1e-2f * (fabsf(y32[i]) + 0.1f),
                  "y[%d]: fp16 %g, fp32 %g", i, y16[i], y32[i]);
}
END_TEST

/* An image input with a symbolic height and width, [batch, 1, H, W] and
 * paddle2onnx's [batch, 1, ?, ?]: the session is made although the guessed
 * 1x1 image is too small for the 3x3 Conv (planning waits for the first
 * run), and it runs at 5x4 (two "?" dims of different sizes). A too-small
 * image is refused at the run. */
START_TEST(symbolic_image_dims) {
  for (int named = 0; named < 2; named++) {
    ob_model *m = ob_new(17);
    ob_input(m, "x", 1, 4, D(-1, 1, -1, -1));
    if (!named) {
      ob_input_dim_param(m, 2, "?");
      ob_input_dim_param(m, 3, "?");
    }
    float w[9];
    for (int i = 0; i < 9; i++) w[i] = 1.0f;
    ob_init_f32(m, "W", 4, D(1, 1, 3, 3), w);
    ob_node_add(m, "Conv", "c", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
    ob_output(m, "y", 1);
    size_t len;
    uint8_t *buf = ob_pack(m, &len);
    ob_free(m);
    octet_model *model = NULL;
    ck_assert_msg(octet_model_load_memory(buf, len, NULL, &model) == OCTET_OK, "%s",
                  octet_last_error());
    free(buf);
    octet_session *s = NULL;
    ck_assert_msg(octet_session_create(model, NULL, &s) == OCTET_OK, "%s", octet_last_error());
    float x[2 * 5 * 4];
    for (int i = 0; i < 40; i++) x[i] = (float)i;
    octet_tensor in = {.name = "x", .dtype = F32, .rank = 4, .dims = {2, 1, 5, 4},
                       .data = x, .nbytes = sizeof x};
    octet_tensor out;
    ck_assert_msg(octet_session_run(s, &in, 1, &out, 1) == OCTET_OK, "%s",
                  octet_session_last_error(s));
    ck_assert_int_eq(out.rank, 4);
    ck_assert(out.dims[0] == 2 && out.dims[1] == 1 && out.dims[2] == 3 && out.dims[3] == 2);
    const float *y = out.data;
    for (int n = 0; n < 2; n++)
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
          float want = 0;
          for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) want += x[n * 20 + (i + a) * 4 + j + b];
          ck_assert_float_eq(y[(n * 3 + i) * 2 + j], want);
        }
    in.dims[2] = 2;
    in.nbytes = sizeof(float) * 2 * 2 * 4;
    ck_assert_int_eq(octet_session_run(s, &in, 1, &out, 1), OCTET_ERR_SHAPE);
    ck_assert_msg(strstr(octet_session_last_error(s), "larger than the padded input"), "%s",
                  octet_session_last_error(s));
    octet_session_destroy(s);
    octet_model_destroy(model);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("ops-conv");
  TCase *tc = tcase_create("conv");
  tcase_add_test(tc, conv_2d_padding);
  tcase_add_test(tc, conv_asymmetric_pads_and_auto_pad);
  tcase_add_test(tc, conv_groups_and_bias);
  tcase_add_test(tc, conv_3d);
  tcase_add_test(tc, conv_errors);
  tcase_add_test(tc, convtranspose_1d);
  tcase_add_test(tc, convtranspose_group_and_2d);
  tcase_add_test(tc, convtranspose_errors);
  tcase_add_test(tc, pool_ceil_mode);
  tcase_add_test(tc, pool_count_include_pad);
  tcase_add_test(tc, pool_same_upper_lower);
  tcase_add_test(tc, maxpool_indices);
  tcase_add_test(tc, global_pools_and_errors);
  tcase_add_test(tc, batchnorm);
  tcase_add_test(tc, fold_batchnorm);
  tcase_add_test(tc, vision_graph_fp16);
  tcase_add_test(tc, symbolic_image_dims);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
