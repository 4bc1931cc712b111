/* Unit tests of the reshaping and shape-producing ops (Reshape, Flatten,
 * Squeeze, Unsqueeze, Shape, ConstantOfShape, Range, Constant) with
 * hand-computed expectations. */
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

static void attr_tensor(op_case *c, const char *name, octet_dtype dt, int rank,
                        const int64_t *dims, const void *data) {
  octet_attr *a = octet_node_add_attr(&c->node, name, OCTET_ATTR_TENSOR);
  a->t.dtype = dt;
  a->t.rank = rank;
  for (int i = 0; i < rank; i++) a->t.dims[i] = dims[i];
  size_t nb = tv_nbytes(&a->t);
  a->t.data = malloc(nb ? nb : 1);
  if (nb) memcpy(a->t.data, data, nb);
}

/* ---- Reshape / Flatten --------------------------------------------------- */

START_TEST(reshape_infer_and_copy) {
  op_case c;
  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 2, I64(2, 3), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(3, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(3, 2), F32(0, 1, 2, 3, 4, 5));
  oc_free(&c);

  /* 0 copies the input dim */
  oc_init(&c, "Reshape", 14);
  oc_input(&c, I32T, 3, I64(2, 1, 2), I32(7, 8, 9, 10));
  oc_input(&c, I64T, 1, I64(2), I64(0, -1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I32T, 2, I64(2, 2), I32(7, 8, 9, 10));
  oc_free(&c);

  /* allowzero keeps a literal 0; empty tensors */
  oc_init(&c, "Reshape", 14);
  oc_attr_int(&c, "allowzero", 1);
  oc_input(&c, F32T, 2, I64(3, 0), NULL);
  oc_input(&c, I64T, 1, I64(3), I64(0, 3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 3, I64(0, 3, 4), NULL);
  oc_free(&c);

  /* [0, 4] to [-1, 0]: the 0 copies the 4, so -1 is 0 / 4 = 0, unique. ONNX
   * calls 0 with -1 invalid only under allowzero=1 (then the -1 would be
   * 0 / 0); ONNX Runtime also gives [0, 4]. */
  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 2, I64(0, 4), NULL);
  oc_input(&c, I64T, 1, I64(2), I64(-1, 0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(0, 4), NULL);
  oc_free(&c);

  /* to a scalar */
  oc_init(&c, "Reshape", 13);
  oc_input(&c, F32T, 2, I64(1, 1), F32(4.5f));
  oc_input(&c, I64T, 1, I64(0), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 0, NULL, F32(4.5f));
  oc_free(&c);
}
END_TEST

START_TEST(reshape_errors) {
  op_case c;
  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 1, I64(6), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(1), I64(4));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 1, I64(6), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(-1, -1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 1, I64(6), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I64T, 1, I64(2), I64(4, -1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Reshape", 14);
  oc_attr_int(&c, "allowzero", 1);
  oc_input(&c, F32T, 1, I64(0), NULL);
  oc_input(&c, I64T, 1, I64(2), I64(0, -1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  /* the ambiguous forms: [0, 4] to [-1, 0] with allowzero=1, and [4, 0]
   * to [-1, 0] (the 0 copies a 0: -1 would be 0 / 0) */
  oc_init(&c, "Reshape", 14);
  oc_attr_int(&c, "allowzero", 1);
  oc_input(&c, F32T, 2, I64(0, 4), NULL);
  oc_input(&c, I64T, 1, I64(2), I64(-1, 0));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  ck_assert_msg(strstr(octet_last_error(), "allowzero=1 with both 0 and -1"), "%s",
                octet_last_error());
  oc_free(&c);

  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 2, I64(4, 0), NULL);
  oc_input(&c, I64T, 1, I64(2), I64(-1, 0));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);
  ck_assert_msg(strstr(octet_last_error(), "cannot infer the -1 dim"), "%s", octet_last_error());
  oc_free(&c);

  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 1, I64(6), F32(0, 1, 2, 3, 4, 5));
  oc_input_dynamic(&c, I64T, 1, I64(2), I64(3, 2));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "data-dependent"));
  oc_free(&c);

  oc_init(&c, "Reshape", 14);
  oc_input(&c, F32T, 1, I64(6), F32(0, 1, 2, 3, 4, 5));
  oc_input(&c, I32T, 1, I64(2), I32(3, 2));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

START_TEST(flatten_axes) {
  static const int64_t axes[5] = {1, 0, -1, 3, 2};
  static const int64_t want[5][2] = {{2, 12}, {1, 24}, {6, 4}, {24, 1},
                                     {6, 4}};
  float *x = iota_f32(24);
  for (int i = 0; i < 5; i++) {
    op_case c;
    oc_init(&c, "Flatten", 13);
    if (i > 0) oc_attr_int(&c, "axis", axes[i]);
    oc_input(&c, F32T, 3, I64(2, 3, 4), x);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    expect_out(&c, 0, F32T, 2, want[i], x);
    oc_free(&c);
  }
  op_case c;
  oc_init(&c, "Flatten", 13);
  oc_attr_int(&c, "axis", 4);
  oc_input(&c, F32T, 3, I64(2, 3, 4), x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  oc_init(&c, "Flatten", 13);
  oc_attr_int(&c, "axis", -4);
  oc_input(&c, F32T, 3, I64(2, 3, 4), x);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
  free(x);
}
END_TEST

/* ---- Squeeze / Unsqueeze ------------------------------------------------- */

START_TEST(squeeze_forms) {
  op_case c;
  oc_init(&c, "Squeeze", 13); /* no axes: all ones */
  oc_input(&c, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(3), F32(1, 2, 3));
  oc_free(&c);

  oc_init(&c, "Squeeze", 11); /* attribute form */
  oc_attr_ints(&c, "axes", I64(0), 1);
  oc_input(&c, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(3, 1), F32(1, 2, 3));
  oc_free(&c);

  oc_init(&c, "Squeeze", 13); /* input form, negative axis */
  oc_input(&c, I64T, 3, I64(1, 3, 1), I64(4, 5, 6));
  oc_input(&c, I64T, 1, I64(1), I64(-1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 2, I64(1, 3), I64(4, 5, 6));
  oc_free(&c);

  oc_init(&c, "Squeeze", 13); /* to a scalar */
  oc_input(&c, F32T, 2, I64(1, 1), F32(9));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 0, NULL, F32(9));
  oc_free(&c);
}
END_TEST

START_TEST(squeeze_errors) {
  op_case c;
  oc_init(&c, "Squeeze", 13);
  oc_input(&c, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "Squeeze", 13);
  oc_input(&c, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(3));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Squeeze", 13);
  oc_input(&c, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  oc_input_dynamic(&c, I64T, 1, I64(1), I64(0));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);
}
END_TEST

START_TEST(unsqueeze_forms) {
  op_case c;
  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(2), I64(-1, 0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 3, I64(1, 3, 1), F32(1, 2, 3));
  oc_free(&c);

  oc_init(&c, "Unsqueeze", 11);
  oc_attr_ints(&c, "axes", I64(1), 1);
  oc_input(&c, OCTET_DTYPE_BOOL, 2, I64(2, 2), U8(1, 0, 0, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_BOOL, 3, I64(2, 1, 2), U8(1, 0, 0, 1));
  oc_free(&c);

  oc_init(&c, "Unsqueeze", 13); /* scalar, and size-0 dims */
  oc_input(&c, F32T, 0, NULL, F32(5));
  oc_input(&c, I64T, 1, I64(1), I64(0));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(1), F32(5));
  oc_free(&c);

  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(0), NULL);
  oc_input(&c, I64T, 1, I64(1), I64(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(0, 1), NULL);
  oc_free(&c);
}
END_TEST

START_TEST(unsqueeze_errors) {
  op_case c;
  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(2), I64(0, -3));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT); /* out rank 3: -3 is 0 */
  oc_free(&c);

  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Unsqueeze", 13);
  oc_input(&c, F32T, 1, I64(3), F32(1, 2, 3));
  oc_input(&c, F32T, 1, I64(1), F32(0));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);
}
END_TEST

/* ---- Shape --------------------------------------------------------------- */

START_TEST(shape_start_end) {
  static const struct {
    int64_t start, end;
    bool has_start, has_end;
    int n;
    int64_t want[3];
  } cases[] = {
      {0, 0, false, false, 3, {2, 3, 4}}, {1, 0, true, false, 2, {3, 4}},
      {0, -1, false, true, 2, {2, 3}},   {-10, 10, true, true, 3, {2, 3, 4}},
      {2, 1, true, true, 0, {0}},
  };
  float x24[24] = {0};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    op_case c;
    oc_init(&c, "Shape", 15);
    if (cases[i].has_start) oc_attr_int(&c, "start", cases[i].start);
    if (cases[i].has_end) oc_attr_int(&c, "end", cases[i].end);
    oc_input(&c, F32T, 3, I64(2, 3, 4), x24);
    ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
    expect_out(&c, 0, I64T, 1, (const int64_t[]){cases[i].n}, cases[i].want);
    oc_free(&c);
  }
  /* the kernel reads only dims: call it with no input data */
  op_case c;
  oc_init(&c, "Shape", 13);
  octet_tview x = {.dtype = F32T, .rank = 2, .dims = {5, 7}, .data = NULL};
  int64_t y[2] = {0, 0};
  octet_tview out = {.dtype = I64T, .rank = 1, .dims = {2}, .data = y};
  octet_kctx ctx = {.threads = 1};
  ck_assert_int_eq(octet_backend_oracle_kernel(&c.node)(&c.node, &x, 1, &out, 1, &ctx), OCTET_OK);
  ck_assert_int_eq(y[0], 5);
  ck_assert_int_eq(y[1], 7);
  oc_free(&c);
}
END_TEST

/* ---- ConstantOfShape ----------------------------------------------------- */

START_TEST(constant_of_shape) {
  op_case c;
  oc_init(&c, "ConstantOfShape", 13);
  oc_input(&c, I64T, 1, I64(2), I64(2, 3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 2, I64(2, 3), F32(0, 0, 0, 0, 0, 0));
  oc_free(&c);

  oc_init(&c, "ConstantOfShape", 13);
  attr_tensor(&c, "value", I64T, 1, I64(1), I64(7));
  oc_input(&c, I64T, 1, I64(2), I64(3, 1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 2, I64(3, 1), I64(7, 7, 7));
  oc_free(&c);

  oc_init(&c, "ConstantOfShape", 20); /* empty shape: scalar */
  attr_tensor(&c, "value", F32T, 1, I64(1), F32(2.5f));
  oc_input(&c, I64T, 1, I64(0), NULL);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 0, NULL, F32(2.5f));
  oc_free(&c);

  oc_init(&c, "ConstantOfShape", 13);
  oc_input(&c, I64T, 1, I64(2), I64(2, -1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  oc_init(&c, "ConstantOfShape", 13);
  oc_input_dynamic(&c, I64T, 1, I64(1), I64(2));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);

  oc_init(&c, "ConstantOfShape", 13);
  attr_tensor(&c, "value", F32T, 1, I64(2), F32(1, 2));
  oc_input(&c, I64T, 1, I64(1), I64(2));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

/* ---- Range --------------------------------------------------------------- */

static void range_case(op_case *c, octet_dtype dt, const void *s,
                       const void *l, const void *d) {
  oc_init(c, "Range", 13);
  oc_input(c, dt, 0, NULL, s);
  oc_input(c, dt, 0, NULL, l);
  oc_input(c, dt, 0, NULL, d);
}

START_TEST(range_values) {
  op_case c;
  range_case(&c, I32T, I32(1), I32(5), I32(2));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I32T, 1, I64(2), I32(1, 3));
  oc_free(&c);

  range_case(&c, F32T, F32(0), F32(1), F32(0.25f));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(4), F32(0, 0.25f, 0.5f, 0.75f));
  oc_free(&c);

  range_case(&c, I64T, I64(10), I64(4), I64(-3));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 1, I64(2), I64(10, 7));
  oc_free(&c);

  range_case(&c, I64T, I64(5), I64(1), I64(1));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 1, I64(0), NULL);
  oc_free(&c);

  const int16_t s16 = -2, l16 = 3, d16 = 2, w16[3] = {-2, 0, 2};
  range_case(&c, OCTET_DTYPE_INT16, &s16, &l16, &d16);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_INT16, 1, I64(3), w16);
  oc_free(&c);

  const double s = 0, l = 1, d = 0.5, w[2] = {0, 0.5};
  range_case(&c, OCTET_DTYPE_FLOAT64, &s, &l, &d);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, OCTET_DTYPE_FLOAT64, 1, I64(2), w);
  oc_free(&c);

  const double l2 = 1.0, d2 = 0.3; /* ceil(3.33) = 4 */
  range_case(&c, OCTET_DTYPE_FLOAT64, &s, &l2, &d2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  ck_assert_int_eq(c.out[0].dims[0], 4);
  oc_free(&c);
}
END_TEST

START_TEST(range_errors) {
  op_case c;
  range_case(&c, I32T, I32(1), I32(5), I32(0));
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Range", 13);
  oc_input(&c, I32T, 0, NULL, I32(1));
  oc_input(&c, I64T, 0, NULL, I64(5));
  oc_input(&c, I32T, 0, NULL, I32(1));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);

  range_case(&c, OCTET_DTYPE_UINT8, U8(1), U8(5), U8(1));
  expect_fail(&c, 1, OCTET_ERR_DTYPE);

  oc_init(&c, "Range", 13);
  oc_input(&c, I64T, 0, NULL, I64(0));
  oc_input_dynamic(&c, I64T, 0, NULL, I64(5));
  oc_input(&c, I64T, 0, NULL, I64(1));
  expect_fail(&c, 1, OCTET_ERR_DATA_DEPENDENT);

  oc_init(&c, "Range", 13);
  oc_input(&c, I64T, 1, I64(2), I64(0, 1));
  oc_input(&c, I64T, 0, NULL, I64(5));
  oc_input(&c, I64T, 0, NULL, I64(1));
  expect_fail(&c, 1, OCTET_ERR_SHAPE);

  range_case(&c, I64T, I64(INT64_MIN), I64(INT64_MAX), I64(1));
  expect_fail(&c, 1, OCTET_ERR_OVERFLOW);
}
END_TEST

/* ---- Constant ------------------------------------------------------------ */

START_TEST(constant_forms) {
  op_case c;
  oc_init(&c, "Constant", 13);
  attr_tensor(&c, "value", I32T, 2, I64(1, 2), I32(3, 4));
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I32T, 2, I64(1, 2), I32(3, 4));
  oc_free(&c);

  oc_init(&c, "Constant", 13);
  oc_attr_float(&c, "value_float", 1.5f);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 0, NULL, F32(1.5f));
  oc_free(&c);

  oc_init(&c, "Constant", 13);
  oc_attr_floats(&c, "value_floats", F32(1, 2, 3), 3);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, F32T, 1, I64(3), F32(1, 2, 3));
  oc_free(&c);

  oc_init(&c, "Constant", 13);
  oc_attr_int(&c, "value_int", -7);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 0, NULL, I64(-7));
  oc_free(&c);

  oc_init(&c, "Constant", 13);
  oc_attr_ints(&c, "value_ints", I64(5, 6), 2);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 1, I64(2), I64(5, 6));
  oc_free(&c);

  oc_init(&c, "Constant", 13);
  oc_attr_ints(&c, "value_ints", NULL, 0);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  expect_out(&c, 0, I64T, 1, I64(0), NULL);
  oc_free(&c);
}
END_TEST

START_TEST(constant_errors) {
  op_case c;
  oc_init(&c, "Constant", 13);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Constant", 13);
  oc_attr_int(&c, "value_int", 1);
  oc_attr_float(&c, "value_float", 1);
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);

  oc_init(&c, "Constant", 13);
  oc_attr_string(&c, "value_string", "hi");
  expect_fail(&c, 1, OCTET_ERR_UNSUPPORTED);

  oc_init(&c, "Constant", 13);
  oc_attr_int(&c, "value", 3); /* wrong attribute type */
  expect_fail(&c, 1, OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

static Suite *shape_suite(void) {
  Suite *s = suite_create("shape");
  TCase *tc = tcase_create("ops");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, reshape_infer_and_copy);
  tcase_add_test(tc, reshape_errors);
  tcase_add_test(tc, flatten_axes);
  tcase_add_test(tc, squeeze_forms);
  tcase_add_test(tc, squeeze_errors);
  tcase_add_test(tc, unsqueeze_forms);
  tcase_add_test(tc, unsqueeze_errors);
  tcase_add_test(tc, shape_start_end);
  tcase_add_test(tc, constant_of_shape);
  tcase_add_test(tc, range_values);
  tcase_add_test(tc, range_errors);
  tcase_add_test(tc, constant_forms);
  tcase_add_test(tc, constant_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(shape_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
