/* Batches run in chunks (src/exec/chunk.c, src/plan/batch-split.c): the same
 * bytes as the whole batch, at every precision, and graphs that mix batch
 * items are recognised and run whole. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octet.h"
#include "onnx-build.h"

#define F32 1
#define I64 7

static octet_session *session(const octet_model *m, octet_precision prec, unsigned flags,
                              size_t chunk_bytes) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = prec;
  o.threads = 2;
  o.flags = flags;
  o.chunk_bytes = chunk_bytes;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  return s;
}

/* Runs s on one float32 [b, cols] input or the encoder's two int64 inputs;
 * returns a copy of output 0 and its byte count. */
static void *run(octet_session *s, void *in0, void *in1, size_t in_bytes,
                 int64_t b, int64_t cols, octet_dtype dt, size_t *nbytes) {
  octet_tensor in[2] = {
      {.dtype = dt, .rank = 2, .dims = {b, cols}, .data = in0, .nbytes = in_bytes},
      {.dtype = dt, .rank = 2, .dims = {b, cols}, .data = in1, .nbytes = in_bytes}};
  octet_tensor out[1];
  ck_assert_msg(octet_session_run(s, in, in1 ? 2 : 1, out, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  ck_assert_int_eq(out[0].dims[0], b);
  void *copy = malloc(out[0].nbytes);
  memcpy(copy, out[0].data, out[0].nbytes);
  *nbytes = out[0].nbytes;
  return copy;
}

/* The built-in encoder (sequence 8) in chunks of 2 and of 1 item against the
 * whole batch, byte for byte, at fp32, fp16 and w8a8; batch sizes change
 * between runs (6, 5, 6) so the plans switch. */
START_TEST(test_encoder_chunks_bit_identical) {
  static const octet_precision precs[3] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                           OCTET_PRECISION_W8A8};
  const octet_precision prec = precs[_i];
  octet_builtin_options bo;
  octet_builtin_options_init(&bo);
  bo.seq = 8;
  octet_model *m = NULL;
  ck_assert(octet_model_builtin("encoder", &bo, &m) == OCTET_OK);
  octet_session *whole = session(m, prec, OCTET_SESSION_NO_CHUNK, 0);
  size_t item = 0;
  ck_assert(octet_session_arena_bytes(whole, &item) == OCTET_OK); /* planned for 1 item */
  octet_session *chunked = session(m, prec, 0, 2 * item);
  int64_t ids[6 * 8], mask[6 * 8];
  for (int i = 0; i < 6 * 8; i++) ids[i] = (i * 7919) % 30522, mask[i] = i % 8 < 6 + i / 24;
  const int64_t batches[3] = {6, 5, 6}, expect_chunk[3] = {2, 1, 2};
  for (int r = 0; r < 3; r++) {
    int64_t b = batches[r];
    size_t na, nb, in_bytes = (size_t)b * 8 * sizeof(int64_t);
    void *a = run(whole, ids, mask, in_bytes, b, 8, OCTET_DTYPE_INT64, &na);
    void *c = run(chunked, ids, mask, in_bytes, b, 8, OCTET_DTYPE_INT64, &nb);
    int64_t batch, chunk;
    const char *why;
    ck_assert(octet_session_chunking(chunked, &batch, &chunk, &why) == OCTET_OK);
    ck_assert_int_eq(batch, b);
    ck_assert_int_eq(chunk, expect_chunk[r]);
    ck_assert_str_eq(why, "");
    ck_assert(octet_session_chunking(whole, &batch, &chunk, &why) == OCTET_OK);
    ck_assert_int_eq(chunk, b);
    ck_assert_uint_eq(na, nb);
    ck_assert_msg(memcmp(a, c, na) == 0, "%s batch %lld: chunked output differs",
                  octet_precision_name(prec), (long long)b);
    free(a), free(c);
  }
  octet_session_destroy(whole);
  octet_session_destroy(chunked);
  octet_model_destroy(m);
}
END_TEST

/* The ONNX encoder of the test data (exported the way tools do it: the
 * position ids sliced to Shape(input_ids)[1], token type ids expanded to
 * Shape(input_ids)) in chunks of one item against the whole batch. */
START_TEST(test_onnx_encoder_chunks) {
  static const octet_precision precs[2] = {OCTET_PRECISION_FP32, OCTET_PRECISION_W8A8};
  const char *dir = getenv("OCTET_TESTDATA");
  ck_assert_msg(dir != NULL, "OCTET_TESTDATA is not set (meson test sets it)");
  char path[4096];
  snprintf(path, sizeof path, "%s/encoder.onnx", dir);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load(path, &m) == OCTET_OK, "%s", octet_last_error());
  for (int pi = 0; pi < 2; pi++) {
    octet_session *whole = session(m, precs[pi], OCTET_SESSION_NO_CHUNK, 0);
    octet_session *chunked = session(m, precs[pi], 0, 1);
    enum { B = 3, S = 8 };
    int64_t ids[B * S], mask[B * S];
    for (int i = 0; i < B * S; i++) ids[i] = (i * 7919) % 30522, mask[i] = i % S < 5 + i / S;
    size_t na, nb, in_bytes = sizeof ids;
    void *a = run(whole, ids, mask, in_bytes, B, S, OCTET_DTYPE_INT64, &na);
    void *c = run(chunked, ids, mask, in_bytes, B, S, OCTET_DTYPE_INT64, &nb);
    int64_t batch, chunk;
    const char *why;
    ck_assert(octet_session_chunking(chunked, &batch, &chunk, &why) == OCTET_OK);
    ck_assert_msg(batch == B && chunk == 1, "batch %lld chunk %lld: %s", (long long)batch,
                  (long long)chunk, why);
    ck_assert_uint_eq(na, nb);
    ck_assert_msg(memcmp(a, c, na) == 0, "%s: chunked output differs", octet_precision_name(precs[pi]));
    free(a), free(c);
    octet_session_destroy(whole);
    octet_session_destroy(chunked);
  }
  octet_model_destroy(m);
}
END_TEST

/* Small float32 models, x [batch, 4] -> y. */
static const float W[12] = {1, 0, -1, 2, 1, 0, 0, 3, 1, -2, 0.5f, 1};

static octet_model *load(ob_model *om) {
  size_t len;
  uint8_t *buf = ob_pack(om, &len);
  ob_free(om);
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &m) == OCTET_OK, "%s", octet_last_error());
  free(buf);
  return m;
}

static ob_model *start(void) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, 4};
  ob_input(m, "x", F32, 2, xd);
  ob_output(m, "y", F32);
  return m;
}

/* Separable: y = Reshape(Relu(x @ W), [Shape(x)[0], -1]) + 1 */
static octet_model *model_separable(void) {
  ob_model *m = start();
  int64_t wd[2] = {4, 3}, one[1] = {1}, zero[1] = {0}, minus[1] = {-1};
  ob_init_f32(m, "W", 2, wd, W);
  ob_init_f32(m, "one", 0, NULL, (const float[]){1.0f});
  ob_init_i64(m, "s0", 1, one, zero);
  ob_init_i64(m, "s1", 1, one, one);
  ob_init_i64(m, "m1", 1, one, minus);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"h"});
  ob_node_add(m, "Relu", "relu", 1, (const char *[]){"h"}, 1, (const char *[]){"r"});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"sh"});
  ob_node_add(m, "Slice", "b", 3, (const char *[]){"sh", "s0", "s1"}, 1, (const char *[]){"bd"});
  ob_attr_int(ob_node_add(m, "Concat", "cat", 2, (const char *[]){"bd", "m1"}, 1,
                          (const char *[]){"t2"}), "axis", 0);
  ob_node_add(m, "Reshape", "rs", 2, (const char *[]){"r", "t2"}, 1, (const char *[]){"z"});
  ob_node_add(m, "Add", "add", 2, (const char *[]){"z", "one"}, 1, (const char *[]){"y"});
  return load(m);
}

/* Each mixes batch items: (name of the node that must be blamed, model). */
static octet_model *model_reduce_batch(void) { /* y = x - mean over the batch */
  ob_model *m = start();
  ob_node *r = ob_node_add(m, "ReduceMean", "mean_b", 1, (const char *[]){"x"}, 1,
                           (const char *[]){"mu"});
  ob_attr_ints(r, "axes", 1, (const int64_t[]){0});
  ob_node_add(m, "Sub", "sub", 2, (const char *[]){"x", "mu"}, 1, (const char *[]){"y"});
  return load(m);
}

static octet_model *model_softmax_batch(void) {
  ob_model *m = start();
  ob_attr_int(ob_node_add(m, "Softmax", "sm_b", 1, (const char *[]){"x"}, 1,
                          (const char *[]){"y"}), "axis", 0);
  return load(m);
}

static octet_model *model_gram(void) { /* y = x @ (x^T x): contracts over the batch */
  ob_model *m = start();
  ob_attr_ints(ob_node_add(m, "Transpose", "xt", 1, (const char *[]){"x"}, 1,
                           (const char *[]){"t"}), "perm", 2, (const int64_t[]){1, 0});
  ob_node_add(m, "MatMul", "gram", 2, (const char *[]){"t", "x"}, 1, (const char *[]){"g"});
  ob_node_add(m, "MatMul", "proj", 2, (const char *[]){"x", "g"}, 1, (const char *[]){"y"});
  return load(m);
}

static octet_model *model_reshape_const(void) { /* [b, 4] -> [4, b] -> Softmax rows -> [b, 4] */
  ob_model *m = start();
  int64_t two[1] = {2};
  ob_init_i64(m, "to", 1, two, (const int64_t[]){4, -1});
  ob_init_i64(m, "back", 1, two, (const int64_t[]){-1, 4});
  ob_node_add(m, "Reshape", "rs_const", 2, (const char *[]){"x", "to"}, 1, (const char *[]){"r"});
  ob_attr_int(ob_node_add(m, "Softmax", "sm", 1, (const char *[]){"r"}, 1,
                          (const char *[]){"s"}), "axis", -1);
  ob_node_add(m, "Reshape", "rs_back", 2, (const char *[]){"s", "back"}, 1, (const char *[]){"y"});
  return load(m);
}

/* Separable since shape values that do not depend on the batch size fold
 * to constants: y = x + pos[:, 0:Shape(x)[1]], the way exporters slice
 * position ids to the sequence length. */
static octet_model *model_slice_by_seq(void) {
  ob_model *m = start();
  int64_t pd[2] = {1, 8}, one[1] = {1};
  float pos[8];
  for (int i = 0; i < 8; i++) pos[i] = 0.5f * (float)i;
  ob_init_f32(m, "pos", 2, pd, pos);
  ob_init_i64(m, "i1", 0, NULL, (const int64_t[]){1});
  ob_init_i64(m, "ax0", 1, one, (const int64_t[]){0});
  ob_init_i64(m, "st", 1, one, (const int64_t[]){0});
  ob_init_i64(m, "ax1", 1, one, (const int64_t[]){1});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"sh"});
  ob_node_add(m, "Gather", "seq", 2, (const char *[]){"sh", "i1"}, 1, (const char *[]){"s"});
  ob_node_add(m, "Unsqueeze", "uns", 2, (const char *[]){"s", "ax0"}, 1, (const char *[]){"e"});
  ob_node_add(m, "Slice", "pos_slice", 4, (const char *[]){"pos", "st", "e", "ax1"}, 1,
              (const char *[]){"p"});
  ob_node_add(m, "Add", "add", 2, (const char *[]){"x", "p"}, 1, (const char *[]){"y"});
  return load(m);
}

/* Separable: a constant row expanded to the input's shape (token type ids)
 * is the same for every item: y = x * Expand(tt [1, 4], Shape(x)). */
static octet_model *model_expand_fill(void) {
  ob_model *m = start();
  int64_t td[2] = {1, 4};
  ob_init_f32(m, "tt", 2, td, (const float[]){2, -1, 0.5f, 3});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"sh"});
  ob_node_add(m, "Expand", "fill", 2, (const char *[]){"tt", "sh"}, 1, (const char *[]){"t"});
  ob_node_add(m, "Mul", "mul", 2, (const char *[]){"x", "t"}, 1, (const char *[]){"y"});
  return load(m);
}

/* Not separable: Range(0, Shape(x)[0]) numbers the items (a chunk would
 * restart at 0): y = x + Unsqueeze(Cast(Range(0, batch, 1)), 1). */
static octet_model *model_range_batch(void) {
  ob_model *m = start();
  int64_t one[1] = {1};
  ob_init_i64(m, "i0", 0, NULL, (const int64_t[]){0});
  ob_init_i64(m, "zero", 0, NULL, (const int64_t[]){0});
  ob_init_i64(m, "step", 0, NULL, (const int64_t[]){1});
  ob_init_i64(m, "ax1", 1, one, (const int64_t[]){1});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"sh"});
  ob_node_add(m, "Gather", "batch", 2, (const char *[]){"sh", "i0"}, 1, (const char *[]){"b"});
  ob_node_add(m, "Range", "range_b", 3, (const char *[]){"zero", "b", "step"}, 1,
              (const char *[]){"r"});
  ob_attr_int(ob_node_add(m, "Cast", "cast", 1, (const char *[]){"r"}, 1,
                          (const char *[]){"rf"}), "to", F32);
  ob_node_add(m, "Unsqueeze", "uns", 2, (const char *[]){"rf", "ax1"}, 1,
              (const char *[]){"ru"});
  ob_node_add(m, "Add", "add", 2, (const char *[]){"x", "ru"}, 1, (const char *[]){"y"});
  return load(m);
}

/* Not separable: the batch size scales the data, y = x * Cast(Shape(x)[0]). */
static octet_model *model_scale_by_batch(void) {
  ob_model *m = start();
  ob_init_i64(m, "i0", 0, NULL, (const int64_t[]){0});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"sh"});
  ob_node_add(m, "Gather", "batch", 2, (const char *[]){"sh", "i0"}, 1, (const char *[]){"b"});
  ob_attr_int(ob_node_add(m, "Cast", "cast", 1, (const char *[]){"b"}, 1,
                          (const char *[]){"bf"}), "to", F32);
  ob_node_add(m, "Mul", "mul_b", 2, (const char *[]){"x", "bf"}, 1, (const char *[]){"y"});
  return load(m);
}

typedef struct split_case {
  octet_model *(*make)(void);
  const char *blame; /* "" = separable */
} split_case;

static const split_case cases[] = {
    {model_separable, ""},         {model_reduce_batch, "mean_b"},
    {model_softmax_batch, "sm_b"}, {model_gram, "gram"},
    {model_reshape_const, "does not scale"},
    {model_slice_by_seq, ""},      {model_expand_fill, ""},
    {model_range_batch, "range_b"}, {model_scale_by_batch, "mul_b"},
};

/* With a 1-byte budget every batch wants chunks of 1: the separable model
 * gets them, the others run whole and say which node mixes the items; the
 * outputs equal the whole batch's either way. */
START_TEST(test_small_models) {
  const split_case *k = &cases[_i];
  octet_model *m = k->make();
  octet_session *whole = session(m, OCTET_PRECISION_FP32, OCTET_SESSION_NO_CHUNK, 0);
  octet_session *chunked = session(m, OCTET_PRECISION_FP32, 0, 1);
  float x[8 * 4];
  for (int i = 0; i < 8 * 4; i++) x[i] = (float)((i * 37) % 11) * 0.25f - 1.0f;
  for (int r = 0; r < 2; r++) {
    size_t na, nb;
    void *a = run(whole, x, NULL, sizeof x, 8, 4, OCTET_DTYPE_FLOAT32, &na);
    void *c = run(chunked, x, NULL, sizeof x, 8, 4, OCTET_DTYPE_FLOAT32, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_msg(memcmp(a, c, na) == 0, "case %d: outputs differ", _i);
    free(a), free(c);
    int64_t batch, chunk;
    const char *why;
    ck_assert(octet_session_chunking(chunked, &batch, &chunk, &why) == OCTET_OK);
    ck_assert_int_eq(batch, 8);
    if (!k->blame[0]) {
      ck_assert_int_eq(chunk, 1);
      ck_assert_str_eq(why, "");
    } else {
      ck_assert_int_eq(chunk, 8);
      ck_assert_msg(strstr(why, k->blame) != NULL, "case %d: '%s' does not name '%s'", _i,
                    why, k->blame);
    }
  }
  octet_session_destroy(whole);
  octet_session_destroy(chunked);
  octet_model_destroy(m);
}
END_TEST

/* The torch-exported model (Shape/Slice/Concat/Reshape chains, Gemm on a
 * pooled row, two outputs) in chunks of one item against the whole batch. */
static const char *g_torch_model;

START_TEST(test_torch_model_chunks) {
  static const octet_precision precs[3] = {OCTET_PRECISION_FP32, OCTET_PRECISION_FP16,
                                           OCTET_PRECISION_W8A8};
  octet_model *m = NULL;
  ck_assert_msg(octet_model_load(g_torch_model, &m) == OCTET_OK, "%s", octet_last_error());
  octet_session *whole = session(m, precs[_i], OCTET_SESSION_NO_CHUNK, 0);
  octet_session *chunked = session(m, precs[_i], 0, 1);
  enum { B = 6, S = 5, D = 64 };
  static float x[B * S * D];
  for (int i = 0; i < B * S * D; i++) x[i] = (float)((i * 131) % 97) / 48.0f - 1.0f;
  octet_tensor in = {.dtype = OCTET_DTYPE_FLOAT32, .rank = 3, .dims = {B, S, D}, .data = x,
                     .nbytes = sizeof x};
  octet_tensor oa[2], ob[2];
  ck_assert_msg(octet_session_run(whole, &in, 1, oa, 2) == OCTET_OK, "%s",
                octet_session_last_error(whole));
  ck_assert_msg(octet_session_run(chunked, &in, 1, ob, 2) == OCTET_OK, "%s",
                octet_session_last_error(chunked));
  int64_t batch, chunk;
  const char *why;
  ck_assert(octet_session_chunking(chunked, &batch, &chunk, &why) == OCTET_OK);
  ck_assert_msg(batch == B && chunk == 1, "batch %lld chunk %lld: %s", (long long)batch,
                (long long)chunk, why);
  for (int o = 0; o < 2; o++) {
    ck_assert_int_eq(oa[o].rank, ob[o].rank);
    for (int d = 0; d < oa[o].rank; d++) ck_assert_int_eq(oa[o].dims[d], ob[o].dims[d]);
    ck_assert_uint_eq(oa[o].nbytes, ob[o].nbytes);
    ck_assert_msg(memcmp(oa[o].data, ob[o].data, oa[o].nbytes) == 0, "output %d differs", o);
  }
  octet_session_destroy(whole);
  octet_session_destroy(chunked);
  octet_model_destroy(m);
}
END_TEST

int main(int argc, char **argv) {
  g_torch_model = argc > 1 ? argv[1] : "tests/data/torch_tiny.onnx";
  Suite *s = suite_create("chunk");
  TCase *tc = tcase_create("chunk");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, test_encoder_chunks_bit_identical, 0, 3);
  tcase_add_loop_test(tc, test_torch_model_chunks, 0, 3);
  tcase_add_test(tc, test_onnx_encoder_chunks);
  tcase_add_loop_test(tc, test_small_models, 0, (int)(sizeof cases / sizeof cases[0]));
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
