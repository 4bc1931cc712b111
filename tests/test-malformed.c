/* Bad input never crashes: truncated and corrupted files, random bytes,
 * inconsistent tensors, absurd dims, unknown ops, unsafe external paths.
 * Every failure must come back as a status with a message. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "octet.h"
#include "onnx-build.h"

static uint8_t *valid_model(size_t *len) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, 4}, wd[2] = {4, 3}, bd[1] = {3}, sd[1] = {2};
  float w[12], b[3] = {1, 2, 3};
  int64_t shape[2] = {-1, 3};
  for (int i = 0; i < 12; i++) w[i] = (float)i * 0.25f - 1.0f;
  ob_input(m, "x", 1, 2, xd);
  ob_init_f32(m, "W", 2, wd, w);
  ob_init_raw(m, "B", 1, 1, bd, b, sizeof b);
  ob_init_i64(m, "shape", 1, sd, shape);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"xw"});
  ob_node_add(m, "Add", "add", 2, (const char *[]){"xw", "B"}, 1, (const char *[]){"h"});
  ob_node_add(m, "Softmax", "sm", 1, (const char *[]){"h"}, 1, (const char *[]){"p"});
  ob_node_add(m, "Reshape", "rs", 2, (const char *[]){"p", "shape"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  uint8_t *buf = ob_pack(m, len);
  ob_free(m);
  return buf;
}

/* Loads; if that works, plans and runs with a well-formed input. Returns the
 * load status. Nothing here may crash or leak (ASan checks in CI). */
static octet_status try_model(const uint8_t *buf, size_t len) {
  octet_model *m = NULL;
  octet_status st = octet_model_load_memory(buf, len, NULL, &m);
  if (st != OCTET_OK) {
    ck_assert_ptr_null(m);
    ck_assert_msg(octet_last_error()[0] != '\0', "failure without a message");
    return st;
  }
  octet_session *s = NULL;
  if (octet_session_create(m, NULL, &s) == OCTET_OK) {
    size_t n_in = 0, n_out = 0;
    octet_model_input_count(m, &n_in);
    octet_model_output_count(m, &n_out);
    if (n_in == 1 && n_out >= 1 && n_out <= 4) {
      octet_tensor_info info;
      octet_model_input_info(m, 0, &info);
      float x[3 * 4] = {0.5f, -1, 2, 0, 1, 1, 1, 1, -2, 3, 0, 0.25f};
      octet_tensor in = {.name = NULL, .dtype = info.dtype, .rank = info.rank};
      size_t numel = 1;
      for (int d = 0; d < info.rank; d++) {
        in.dims[d] = info.dims[d] < 0 ? 3 : info.dims[d];
        numel *= (size_t)in.dims[d];
      }
      if (info.dtype == OCTET_DTYPE_FLOAT32 && numel <= 12) {
        in.data = x;
        in.nbytes = numel * sizeof(float);
        octet_tensor out[4];
        octet_status rs = octet_session_run(s, &in, 1, out, 4);
        if (rs != OCTET_OK) ck_assert(octet_session_last_error(s)[0] != '\0');
      }
    }
    octet_session_destroy(s);
  } else {
    ck_assert(octet_last_error()[0] != '\0');
  }
  octet_model_destroy(m);
  return OCTET_OK;
}

START_TEST(test_valid_model_runs) {
  size_t len;
  uint8_t *buf = valid_model(&len);
  octet_model *m = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &m), OCTET_OK);
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, NULL, &s), OCTET_OK);
  float x[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                     .dims = {2, 4}, .data = x, .nbytes = sizeof x};
  octet_tensor out[1];
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 1), OCTET_OK);
  float sum = 0;
  for (int i = 0; i < 3; i++) sum += ((float *)out[0].data)[i];
  ck_assert_float_eq_tol(sum, 1.0f, 1e-5f);
  octet_session_destroy(s);
  octet_model_destroy(m);
  free(buf);
}
END_TEST

START_TEST(test_truncated) {
  size_t len;
  uint8_t *buf = valid_model(&len);
  int failures = 0;
  for (size_t n = 0; n < len; n++) {
    uint8_t *cut = malloc(n ? n : 1); /* exact size: ASan sees over-reads */
    memcpy(cut, buf, n);
    if (try_model(cut, n) != OCTET_OK) failures++;
    free(cut);
  }
  ck_assert_int_gt(failures, (int)len / 2);
  free(buf);
}
END_TEST

START_TEST(test_random_bytes) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int t = 0; t < 500; t++) {
    size_t n = 1 + (size_t)(t * 37 % 700);
    uint8_t *b = malloc(n);
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      b[i] = (uint8_t)x;
    }
    try_model(b, n);
    free(b);
  }
}
END_TEST

START_TEST(test_byte_flips) {
  size_t len;
  uint8_t *buf = valid_model(&len);
  static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x40};
  int errors = 0;
  for (size_t off = 0; off < len; off++) {
    for (size_t k = 0; k < sizeof masks; k++) {
      uint8_t *b = malloc(len);
      memcpy(b, buf, len);
      b[off] ^= masks[k];
      if (try_model(b, len) != OCTET_OK) errors++;
      free(b);
    }
  }
  ck_assert_int_gt(errors, 0);
  free(buf);
}
END_TEST

static void expect_error(ob_model *m, octet_status want, const char *fragment) {
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  octet_status st = octet_model_load_memory(buf, len, ".", &model);
  free(buf);
  if (st == OCTET_OK) { /* some errors only show when planning */
    octet_session *s = NULL;
    st = octet_session_create(model, NULL, &s);
    octet_session_destroy(s);
  }
  octet_model_destroy(model);
  ck_assert_msg(st == want, "status %d (%s), wanted %d; message: %s", st,
                octet_status_str(st), want, octet_last_error());
  ck_assert_msg(strstr(octet_last_error(), fragment) != NULL,
                "message '%s' lacks '%s'", octet_last_error(), fragment);
  printf("  ok: %-18s -> %s\n", octet_status_str(st), octet_last_error());
}

static ob_model *base_with_x(void) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, 4};
  ob_input(m, "x", 1, 2, xd);
  return m;
}

START_TEST(test_inconsistent_tensors) {
  /* raw_data shorter than the dims say */
  ob_model *m = base_with_x();
  int64_t wd[2] = {4, 3};
  float w[11] = {0};
  ob_init_raw(m, "W", 1, 2, wd, w, sizeof w);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "raw_data has 44 bytes, shape needs 48");
  /* typed data count disagrees */
  m = base_with_x();
  float w12[12] = {0};
  int64_t wd2[2] = {4, 4};
  ob_init_f32(m, "W", 2, wd, w12);
  ((void)wd2);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  /* valid: 12 values for 4x3 */
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &model), OCTET_OK);
  octet_model_destroy(model);
  free(buf);
  /* negative dim */
  m = base_with_x();
  int64_t neg[2] = {4, -3};
  ob_init_raw(m, "W", 1, 2, neg, w, 0);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "negative dim");
  /* enormous dims: the size product overflows */
  m = base_with_x();
  int64_t huge[3] = {1ll << 40, 1ll << 40, 1ll << 40};
  ob_init_raw(m, "W", 1, 3, huge, w, 4);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_OVERFLOW, "too large");
  /* unsupported dtype (string = 8) */
  m = base_with_x();
  ob_init_raw(m, "W", 8, 1, (int64_t[]){1}, "a", 1);
  ob_node_add(m, "Identity", "id", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_DTYPE, "unsupported dtype 8");
}
END_TEST

START_TEST(test_graph_errors) {
  ob_model *m = base_with_x();
  ob_node_add(m, "FancyAttention", "attn0", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_UNSUPPORTED, "unsupported op 'FancyAttention' (node 'attn0'");
  m = base_with_x();
  ob_node_add(m, "Relu", "r", 1, (const char *[]){"missing"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "missing");
  m = base_with_x();
  ob_node_add(m, "Relu", "r", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "nowhere", 1);
  expect_error(m, OCTET_ERR_PARSE, "nowhere");
  m = base_with_x();
  ob_node_add(m, "Relu", "a", 1, (const char *[]){"b_out"}, 1, (const char *[]){"a_out"});
  ob_node_add(m, "Relu", "b", 1, (const char *[]){"a_out"}, 1, (const char *[]){"b_out"});
  ob_output(m, "a_out", 1);
  expect_error(m, OCTET_ERR_PARSE, "cycle");
  m = base_with_x();
  ob_node_add(m, "Add", "add", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "1 inputs, expected 2..2");
  /* shape errors found when planning */
  m = base_with_x();
  int64_t wd[2] = {5, 3};
  float w[15] = {0};
  ob_init_f32(m, "W", 2, wd, w);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_SHAPE, "mm");
  /* input with a negative fixed dim */
  m = ob_new(17);
  ob_input(m, "x", 1, 2, (int64_t[]){4, -1});
  ob_node_add(m, "Relu", "r", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &model), OCTET_OK);
  octet_model_destroy(model);
  free(buf);
  /* external data: unsafe paths, missing files, short files, bad offsets */
  static const struct { const char *loc, *off, *len, *msg; octet_status st; } ext[] = {
      {"../secret.bin", NULL, NULL, "relative path", OCTET_ERR_PARSE},
      {"/etc/passwd", NULL, NULL, "relative path", OCTET_ERR_PARSE},
      {"a/../../b", NULL, NULL, "relative path", OCTET_ERR_PARSE},
      {"no-such-file.bin", NULL, NULL, "cannot open", OCTET_ERR_IO},
      {"ext.bin", "8", NULL, "too short", OCTET_ERR_PARSE},
      {"ext.bin", "-1", NULL, "bad external offset", OCTET_ERR_PARSE},
      {"ext.bin", "0", "44", "external length 44", OCTET_ERR_PARSE},
  };
  FILE *f = fopen("ext.bin", "wb");
  ck_assert_ptr_nonnull(f);
  float zeros[12] = {0};
  fwrite(zeros, sizeof zeros, 1, f);
  fclose(f);
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    m = base_with_x();
    ob_init_external(m, "W", 1, 2, (int64_t[]){4, 3}, ext[i].loc, ext[i].off, ext[i].len);
    ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
    ob_output(m, "y", 1);
    expect_error(m, ext[i].st, ext[i].msg);
  }
  m = base_with_x();
  ob_init_external(m, "W", 1, 2, (int64_t[]){4, 3}, "ext.bin", "0", "48");
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  buf = ob_pack(m, &len);
  ob_free(m);
  ck_assert_int_eq(octet_model_load_memory(buf, len, ".", &model), OCTET_OK);
  octet_model_destroy(model);
  free(buf);
  remove("ext.bin");
  octet_status st = octet_model_load("/nonexistent/dir/model.onnx", &model);
  ck_assert_int_eq(st, OCTET_ERR_IO);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "/nonexistent/dir/model.onnx"));
  st = octet_model_load_memory(NULL, 0, NULL, &model);
  ck_assert_int_eq(st, OCTET_ERR_INVALID_ARGUMENT);
  st = octet_model_load_memory("", 0, NULL, &model);
  ck_assert_int_eq(st, OCTET_ERR_PARSE);
}
END_TEST

/* Opsets octet does not know, and attributes of the wrong type, are refused
 * with a message that says which (they used to load: opset 99 and 2^63-1
 * as if supported, -5 or no import as "opset 1 is too old", a float perm
 * ignored in favour of the default reversal). */
START_TEST(test_opsets_and_attribute_types) {
  static const struct { int64_t opset; octet_status st; const char *msg; } opsets[] = {
      {99, OCTET_ERR_UNSUPPORTED, "opset 99 is newer than octet supports (the highest is 28)"},
      {INT64_MAX, OCTET_ERR_UNSUPPORTED, "opset 9223372036854775807 is newer"},
      {-5, OCTET_ERR_PARSE, "version -5, which is not an opset version"},
      {0, OCTET_ERR_PARSE, "version 0, which is not an opset version"},
      {5, OCTET_ERR_UNSUPPORTED, "opset 5 is too old (octet supports 7 to 28)"},
  };
  for (size_t i = 0; i < sizeof opsets / sizeof opsets[0]; i++) {
    ob_model *m = ob_new(opsets[i].opset);
    ob_input(m, "x", 1, 2, (int64_t[]){-1, 4});
    ob_node_add(m, "Relu", "r", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
    ob_output(m, "y", 1);
    expect_error(m, opsets[i].st, opsets[i].msg);
  }
  ob_model *m = base_with_x();
  ob_no_opset(m);
  ob_node_add(m, "Relu", "r", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE,
               "node 'r' (Relu) is in the default ONNX domain, but the model's opset_import "
               "has no entry for it");
  m = base_with_x();
  ob_attr_float(ob_node_add(m, "Transpose", "tr", 1, (const char *[]){"x"}, 1,
                            (const char *[]){"y"}), "perm", 1.0f);
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE,
               "node 'tr' (Transpose): attribute 'perm' must be ints (a list), the model "
               "gives a float");
  m = base_with_x();
  ob_attr_string(ob_node_add(m, "Softmax", "sm", 1, (const char *[]){"x"}, 1,
                             (const char *[]){"y"}), "axis", "-1");
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "node 'sm' (Softmax): attribute 'axis' must be an int");
  /* a float attribute may be written as an int (read as that number) */
  m = base_with_x();
  ob_init_f32(m, "W", 2, (int64_t[]){4, 3}, (float[12]){0});
  ob_attr_int(ob_node_add(m, "Gemm", "g", 2, (const char *[]){"x", "W"}, 1,
                          (const char *[]){"y"}), "alpha", 1);
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &model) == OCTET_OK, "%s",
                octet_last_error());
  octet_model_destroy(model);
  free(buf);
}
END_TEST

/* Gemm multiplies matrices: a 3-D A is refused, also when the Gemm is fused
 * into a linear node (constant B), which takes [..., K] batches itself. */
START_TEST(test_gemm_rank) {
  for (int constant_b = 0; constant_b <= 1; constant_b++) {
    ob_model *m = ob_new(17);
    ob_input(m, "x", 1, 3, (int64_t[]){-1, 2, 4});
    if (constant_b)
      ob_init_f32(m, "W", 2, (int64_t[]){4, 3}, (float[12]){0});
    else
      ob_input(m, "W", 1, 2, (int64_t[]){4, 3});
    ob_node_add(m, "Gemm", "gemm3d", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
    ob_output(m, "y", 1);
    expect_error(m, OCTET_ERR_SHAPE, "gemm3d");
  }
}
END_TEST

/* issue 16 part B: convolution and pooling attributes from a file are
 * checked when planning (negative pads, zero strides, a kernel larger than
 * the padded input, a group that does not divide the channels, output
 * sizes that overflow, attributes of the wrong type, training mode). */
static ob_model *conv_model(const char *op, int64_t wd3, int64_t xw) {
  ob_model *m = ob_new(17);
  ob_input(m, "x", 1, 4, (int64_t[]){1, 2, 4, xw});
  float w[2 * 2 * 3 * 3] = {0};
  if (strcmp(op, "Conv") == 0)
    ob_init_f32(m, "W", 4, (int64_t[]){2, wd3, 3, 3}, w);
  else
    ob_init_f32(m, "W", 4, (int64_t[]){2, 1, 3, 3}, w);
  return m;
}

static ob_node *conv_node(ob_model *m, const char *op) {
  ob_node *n = ob_node_add(m, op, "cv", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  return n;
}

START_TEST(test_conv_attributes) {
  ob_model *m = conv_model("Conv", 2, 4);
  ob_attr_ints(conv_node(m, "Conv"), "pads", 4, (int64_t[]){0, -1, 0, 0});
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "attribute 'pads'[1] = -1 is out of range");
  m = conv_model("Conv", 2, 4);
  ob_attr_ints(conv_node(m, "Conv"), "strides", 2, (int64_t[]){1, 0});
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "attribute 'strides'[1] = 0");
  m = conv_model("Conv", 2, 2); /* 3x3 kernel over 4x2 */
  conv_node(m, "Conv");
  expect_error(m, OCTET_ERR_SHAPE, "is larger than the padded input");
  m = conv_model("Conv", 2, 4);
  ob_attr_int(conv_node(m, "Conv"), "group", 3);
  expect_error(m, OCTET_ERR_SHAPE, "group 3 does not divide");
  m = conv_model("Conv", 1, 4); /* W [2, 1, 3, 3] needs group 2 */
  conv_node(m, "Conv");
  expect_error(m, OCTET_ERR_SHAPE, "W has 1 input channels per group");
  m = conv_model("Conv", 2, 4);
  ob_attr_float(conv_node(m, "Conv"), "pads", 1.0f);
  expect_error(m, OCTET_ERR_PARSE, "attribute 'pads' must be ints (a list)");
  m = conv_model("Conv", 2, 4);
  ob_attr_string(conv_node(m, "Conv"), "auto_pad", "SAME");
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "auto_pad 'SAME' is not");
  /* a transposed convolution whose output size is absurd */
  m = conv_model("ConvTranspose", 1, 1 << 20);
  ob_attr_ints(conv_node(m, "ConvTranspose"), "strides", 2,
               (int64_t[]){1, (int64_t)1 << 31});
  expect_error(m, OCTET_ERR_OVERFLOW, "output is too large");
  m = conv_model("ConvTranspose", 1, 4);
  ob_attr_ints(conv_node(m, "ConvTranspose"), "output_padding", 2, (int64_t[]){1, 1});
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "output_padding[0] = 1 must be smaller");
  m = ob_new(17);
  ob_input(m, "x", 1, 4, (int64_t[]){1, 2, 4, 4});
  ob_node_add(m, "MaxPool", "mp", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "attribute 'kernel_shape' is required");
  m = ob_new(17);
  ob_input(m, "x", 1, 4, (int64_t[]){1, 2, 4, 4});
  ob_attr_ints(ob_node_add(m, "AveragePool", "ap", 1, (const char *[]){"x"}, 1,
                           (const char *[]){"y"}), "kernel_shape", 2,
               (int64_t[]){(int64_t)1 << 40, 1});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_INVALID_ARGUMENT, "attribute 'kernel_shape'[0]");
  m = ob_new(17);
  ob_input(m, "x", 1, 4, (int64_t[]){1, 2, 4, 4});
  float c2[2] = {1, 1};
  static const char *const bn_in[5] = {"x", "s", "b", "mean", "var"};
  for (int i = 1; i < 5; i++) ob_init_f32(m, bn_in[i], 1, (int64_t[]){2}, c2);
  ob_attr_int(ob_node_add(m, "BatchNormalization", "bn", 5, bn_in, 1, (const char *[]){"y"}),
              "training_mode", 1);
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_UNSUPPORTED, "training_mode=1 is not supported");
}
END_TEST

/* ---- model folders: symbolic links, FIFOs, devices ------------------------ */

static char tmp_root[200];

static void make_tmp_root(void) {
  const char *base = getenv("TMPDIR");
  snprintf(tmp_root, sizeof tmp_root, "%s/test-malformed-XXXXXX", base && *base ? base : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(tmp_root));
}

static void tmp_file(char *out, size_t cap, const char *name) {
  snprintf(out, cap, "%s/%s", tmp_root, name);
}

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  fclose(f);
}

/* A MatMul whose 4x3 weight is external data at `location`. */
static uint8_t *external_model(const char *location, size_t *len) {
  ob_model *m = base_with_x();
  ob_init_external(m, "W", 1, 2, (int64_t[]){4, 3}, location, NULL, NULL);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  uint8_t *buf = ob_pack(m, len);
  ob_free(m);
  return buf;
}

static octet_status load_external(const char *location, const char *dir) {
  size_t len;
  uint8_t *buf = external_model(location, &len);
  octet_model *model = NULL;
  octet_status st = octet_model_load_memory(buf, len, dir, &model);
  free(buf);
  octet_model_destroy(model);
  return st;
}

/* External data may sit behind a symbolic link that stays inside the
 * model's folder; a link that leads out of it (to a file or through a
 * directory) is refused, whatever the file it reaches. */
START_TEST(test_external_symlinks) {
  make_tmp_root();
  char dir[256], p[512], q[300];
  tmp_file(dir, sizeof dir, "model");
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  float w[12] = {0};
  snprintf(p, sizeof p, "%s/w.bin", dir);
  write_file(p, w, sizeof w);
  tmp_file(p, sizeof p, "outside.bin");
  write_file(p, w, sizeof w);
  snprintf(p, sizeof p, "%s/sub", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  static const struct { const char *name, *target; } links[] = {
      {"inside", "w.bin"},          {"sub/back", "../w.bin"}, {"passwd", "/etc/passwd"},
      {"etcdir", "/etc"},           {"up", ".."},             {"out", "../outside.bin"},
      {"dangling", "no-such.bin"},
  };
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, links[i].name);
    ck_assert_int_eq(symlink(links[i].target, p), 0);
  }
  snprintf(p, sizeof p, "%s/abs", dir); /* an absolute link into the folder */
  snprintf(q, sizeof q, "%s/w.bin", dir);
  ck_assert_int_eq(symlink(q, p), 0);
  static const char *const ok[] = {"w.bin", "inside", "sub/back", "abs", "sub/../w.bin"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    octet_status st = load_external(ok[i], dir);
    if (strcmp(ok[i], "sub/../w.bin") == 0) { /* ".." is refused lexically */
      ck_assert_int_eq(st, OCTET_ERR_PARSE);
      continue;
    }
    ck_assert_msg(st == OCTET_OK, "%s: %s", ok[i], octet_last_error());
  }
  static const char *const escape[] = {"passwd", "etcdir/passwd", "up/outside.bin", "out"};
  for (size_t i = 0; i < sizeof escape / sizeof escape[0]; i++) {
    ck_assert_int_eq(load_external(escape[i], dir), OCTET_ERR_PARSE);
    ck_assert_msg(strstr(octet_last_error(), "outside the model's folder"), "%s: %s",
                  escape[i], octet_last_error());
    printf("  ok: %s -> %s\n", escape[i], octet_last_error());
  }
  ck_assert_int_eq(load_external("dangling", dir), OCTET_ERR_IO);
  /* the same through octet_model_load, and with the folder itself behind a
   * link (the rule is about the resolved folder) */
  size_t len;
  uint8_t *buf = external_model("passwd", &len);
  snprintf(p, sizeof p, "%s/m.onnx", dir);
  write_file(p, buf, len);
  free(buf);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load(p, &model), OCTET_ERR_PARSE);
  buf = external_model("inside", &len);
  write_file(p, buf, len);
  free(buf);
  tmp_file(q, sizeof q, "alias");
  ck_assert_int_eq(symlink(dir, q), 0);
  snprintf(p, sizeof p, "%s/m.onnx", q);
  ck_assert_msg(octet_model_load(p, &model) == OCTET_OK, "%s", octet_last_error());
  octet_model_destroy(model);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* One load expected to fail: the model file `path`, or (base set) the
 * external data `path` of a model in the folder `base`. */
typedef struct refusal {
  const char *path, *base;
  octet_status want;
  const char *fragment;
} refusal;

/* Runs the load in a child process: 0 when it failed as expected, 1 when it
 * did otherwise, 124 when it had not returned after 10 s (then killed), so
 * that a load that blocks fails the test instead of hanging it. */
static int refused_in_child(const refusal *r) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    octet_model *model = NULL;
    octet_status st = r->base ? load_external(r->path, r->base) : octet_model_load(r->path, &model);
    bool ok = st == r->want && strstr(octet_last_error(), r->fragment);
    if (!ok) fprintf(stderr, "%s: status %d, message: %s\n", r->path, st, octet_last_error());
    else printf("  ok: %s -> %s\n", r->path, octet_last_error());
    fflush(NULL);
    _exit(ok ? 0 : 1);
  }
  ck_assert_int_gt(pid, 0);
  for (int i = 0; i < 1000; i++) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return 124;
}

/* A FIFO, a device or a directory where a file is expected is refused at
 * once (opening a FIFO used to wait for a writer forever: each load runs in
 * a child that is given 10 s). */
START_TEST(test_special_files) {
  make_tmp_root();
  char fifo[512], wfifo[512], wdir[512], null[512];
  tmp_file(fifo, sizeof fifo, "m.onnx");
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  tmp_file(wfifo, sizeof wfifo, "w.fifo");
  ck_assert_int_eq(mkfifo(wfifo, 0600), 0);
  tmp_file(wdir, sizeof wdir, "wdir");
  ck_assert_int_eq(mkdir(wdir, 0700), 0);
  tmp_file(null, sizeof null, "null");
  ck_assert_int_eq(symlink("/dev/null", null), 0); /* outside, and a device */
  const refusal cases[] = {
      {fifo, NULL, OCTET_ERR_IO, "is a FIFO (named pipe), not a regular file"},
      {"/dev/null", NULL, OCTET_ERR_IO, "is a character device"},
      {tmp_root, NULL, OCTET_ERR_IO, "is a directory"},
      {"w.fifo", tmp_root, OCTET_ERR_IO, "is a FIFO"},
      {"wdir", tmp_root, OCTET_ERR_IO, "is a directory"},
      {"null", tmp_root, OCTET_ERR_PARSE, "outside the model's folder"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int rc = refused_in_child(&cases[i]);
    ck_assert_msg(rc == 0, "%s: %s", cases[i].path,
                  rc == 124 ? "blocked (killed after 10 s)" : "not refused as expected");
  }
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Names from a corrupt or hostile file reach messages escaped: no terminal
 * escape, control byte, invalid UTF-8 or bidirectional override comes out
 * raw; printable ASCII and valid UTF-8 stay readable. */
/* issue 16 part A: a dim_value of -1 or 0 without a dim_param (paddle2onnx)
 * is a symbolic dim: the model loads, says -1, and runs at any size there;
 * other negative values are still refused. */
START_TEST(test_dim_value_symbolic) {
  ob_model *m = ob_new(17);
  ob_input_dim_values(m, "x", 1, 3, (int64_t[]){-1, 0, 2});
  ob_node_add(m, "Neg", "neg", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &model), OCTET_OK);
  free(buf);
  octet_tensor_info info;
  ck_assert_int_eq(octet_model_input_info(model, 0, &info), OCTET_OK);
  ck_assert_int_eq(info.rank, 3);
  ck_assert(info.dims[0] == -1 && info.dims[1] == -1 && info.dims[2] == 2);
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(model, NULL, &s), OCTET_OK);
  float x[12], *y;
  for (int i = 0; i < 12; i++) x[i] = (float)i;
  const int64_t shapes[3][2] = {{2, 3}, {1, 0}, {3, 2}};
  for (int k = 0; k < 3; k++) {
    octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 3,
                       .dims = {shapes[k][0], shapes[k][1], 2}, .data = x,
                       .nbytes = sizeof(float) * (size_t)(shapes[k][0] * shapes[k][1] * 2)};
    octet_tensor out[1];
    ck_assert_msg(octet_session_run(s, &in, 1, out, 1) == OCTET_OK, "%s",
                  octet_session_last_error(s));
    ck_assert(out[0].dims[0] == shapes[k][0] && out[0].dims[1] == shapes[k][1]);
    y = out[0].data;
    for (int64_t i = 0; i < shapes[k][0] * shapes[k][1] * 2; i++) ck_assert(y[i] == -x[i]);
  }
  octet_session_destroy(s);
  octet_model_destroy(model);
  m = ob_new(17);
  ob_input_dim_values(m, "x", 1, 2, (int64_t[]){-2, 2});
  ob_node_add(m, "Neg", "neg", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_PARSE, "dim 0 is -2");
}
END_TEST

/* issue 16 part A: a graph input declared without a shape: every dim is
 * symbolic and the first run gives the rank, which later runs keep. */
START_TEST(test_input_without_shape) {
  ob_model *m = ob_new(17);
  ob_input(m, "x", 1, -1, NULL);
  ob_node_add(m, "Abs", "abs", 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &model), OCTET_OK);
  free(buf);
  octet_tensor_info info;
  ck_assert_int_eq(octet_model_input_info(model, 0, &info), OCTET_OK);
  ck_assert_int_eq(info.rank, -1);
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(model, NULL, &s), OCTET_OK);
  float x[6] = {-1, 2, -3, 4, -5, 6};
  const int64_t shapes[3][2] = {{2, 3}, {3, 2}, {1, 1}};
  for (int k = 0; k < 3; k++) {
    octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                       .dims = {shapes[k][0], shapes[k][1]}, .data = x,
                       .nbytes = sizeof(float) * (size_t)(shapes[k][0] * shapes[k][1])};
    octet_tensor out[1];
    ck_assert_msg(octet_session_run(s, &in, 1, out, 1) == OCTET_OK, "%s",
                  octet_session_last_error(s));
    ck_assert(out[0].rank == 2 && out[0].dims[0] == shapes[k][0]);
    for (int64_t i = 0; i < shapes[k][0] * shapes[k][1]; i++)
      ck_assert(((float *)out[0].data)[i] == fabsf(x[i]));
  }
  octet_tensor in1 = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 1,
                      .dims = {6}, .data = x, .nbytes = sizeof x};
  octet_tensor out[1];
  ck_assert_int_eq(octet_session_run(s, &in1, 1, out, 1), OCTET_ERR_SHAPE);
  octet_session_destroy(s);
  octet_model_destroy(model);
}
END_TEST

START_TEST(test_names_sanitized) {
  ob_model *m = base_with_x();
  ob_node_add(m, "Fancy\x1b[2J", "n\x1b]0;owned\x07\xff\xc3(\u202e\xc2\x9b\u8282\u70b9", 1,
              (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  expect_error(m, OCTET_ERR_UNSUPPORTED,
               "unsupported op 'Fancy\\x1b[2J' (node 'n\\x1b]0;owned\\x07\\xff\\xc3("
               "\\u202E\\u009B\u8282\u70b9'");
  for (const unsigned char *p = (const unsigned char *)octet_last_error(); *p; p++)
    ck_assert_msg(*p >= 0x20 && *p != 0x7f, "raw byte 0x%02x in the message", *p);
  /* a long escaped name is cut at a whole escape, never inside one */
  char name[600];
  memset(name, 0x1b, sizeof name - 1);
  name[sizeof name - 1] = '\0';
  m = base_with_x();
  ob_node_add(m, "Nope", name, 1, (const char *[]){"x"}, 1, (const char *[]){"y"});
  ob_output(m, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &model), OCTET_ERR_UNSUPPORTED);
  free(buf);
  const char *msg = octet_last_error(), *tail = msg + strlen(msg);
  ck_assert_uint_gt(strlen(msg), 900);
  while (tail > msg && tail[-1] != '\\') tail--;
  ck_assert_uint_eq(strlen(tail), 3); /* ...\x1b */
}
END_TEST

int main(void) {
  Suite *s = suite_create("malformed");
  TCase *tc = tcase_create("malformed");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_valid_model_runs);
  tcase_add_test(tc, test_truncated);
  tcase_add_test(tc, test_random_bytes);
  tcase_add_test(tc, test_byte_flips);
  tcase_add_test(tc, test_inconsistent_tensors);
  tcase_add_test(tc, test_graph_errors);
  tcase_add_test(tc, test_names_sanitized);
  tcase_add_test(tc, test_opsets_and_attribute_types);
  tcase_add_test(tc, test_gemm_rank);
  tcase_add_test(tc, test_conv_attributes); /* issue 16 part B */
  tcase_add_test(tc, test_external_symlinks);
  tcase_add_test(tc, test_special_files);
  tcase_add_test(tc, test_dim_value_symbolic); /* issue 16 part A */
  tcase_add_test(tc, test_input_without_shape);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_set_fork_status(sr, CK_NOFORK); /* so ASan/LSan see every test */
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
