/* The public API on a small model built in C: shapes that depend on the
 * batch, re-planning, errors, callbacks, concurrent sessions, and no
 * allocation on the hot path; and the fp16 conversion functions. */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/session.h" /* octet_session_enter, to hold a session busy */
#include "octet.h"
#include "onnx-build.h"

/* Allocation counter: the test links with --wrap for these symbols, so every
 * call made by octet's static library is counted. */
static volatile long n_allocs;
static size_t max_alloc; /* the largest single request since reset */
static void count(size_t n) {
  __atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED);
  size_t m = __atomic_load_n(&max_alloc, __ATOMIC_RELAXED);
  while (n > m && !__atomic_compare_exchange_n(&max_alloc, &m, n, false, __ATOMIC_RELAXED,
                                               __ATOMIC_RELAXED)) {
  }
}
void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__wrap_malloc(size_t n) { count(n); return __real_malloc(n); }
void *__wrap_calloc(size_t a, size_t b) { count(a * b); return __real_calloc(a, b); }
void *__wrap_realloc(void *p, size_t n) { count(n); return __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { count(n); return __real_aligned_alloc(a, n); }

static const float W[12] = {1, 0, -1, 2, 1, 0, 0, 3, 1, -2, 0.5f, 1};
static const float B[3] = {0.5f, -1, 0};

/* y = Relu(x @ W + B); z = Reshape(y, [Shape(y)[0], -1]) */
static uint8_t *tiny_model(size_t *len) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, 4}, wd[2] = {4, 3}, bd[1] = {3}, one[1] = {1};
  int64_t minus1[1] = {-1}, zero = 0;
  ob_input(m, "x", 1, 2, xd);
  ob_init_f32(m, "W", 2, wd, W);
  ob_init_raw(m, "B", 1, 1, bd, B, sizeof B);
  ob_init_i64(m, "minus1", 1, one, minus1);
  ob_init_i64(m, "zero", 0, NULL, &zero);
  ob_init_i64(m, "axes0", 1, one, &zero);
  ob_node_add(m, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"xw"});
  ob_node_add(m, "Add", "add", 2, (const char *[]){"xw", "B"}, 1, (const char *[]){"pre"});
  ob_node_add(m, "Relu", "relu", 1, (const char *[]){"pre"}, 1, (const char *[]){"y"});
  ob_node_add(m, "Shape", "shape", 1, (const char *[]){"y"}, 1, (const char *[]){"s"});
  ob_node_add(m, "Gather", "g", 2, (const char *[]){"s", "zero"}, 1, (const char *[]){"b"});
  ob_node_add(m, "Unsqueeze", "u", 2, (const char *[]){"b", "axes0"}, 1, (const char *[]){"bu"});
  ob_attr_int(ob_node_add(m, "Concat", "cat", 2, (const char *[]){"bu", "minus1"}, 1,
                          (const char *[]){"shp"}), "axis", 0);
  ob_attr_int(ob_node_add(m, "Reshape", "rs", 2, (const char *[]){"y", "shp"}, 1,
                          (const char *[]){"z"}), "allowzero", 0);
  ob_output(m, "z", 1);
  ob_output(m, "y", 1);
  uint8_t *buf = ob_pack(m, len);
  ob_free(m);
  return buf;
}

static octet_model *load_tiny(void) {
  size_t len;
  uint8_t *buf = tiny_model(&len);
  octet_model *m = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &m), OCTET_OK);
  free(buf);
  return m;
}

static void expected(const float *x, int64_t batch, float *y) {
  for (int64_t b = 0; b < batch; b++)
    for (int j = 0; j < 3; j++) {
      float acc = B[j];
      for (int k = 0; k < 4; k++) acc += x[b * 4 + k] * W[k * 3 + j];
      y[b * 3 + j] = acc > 0 ? acc : 0;
    }
}

static void fill(float *x, int64_t n, int seed) {
  for (int64_t i = 0; i < n; i++) x[i] = (float)((i * 7 + seed * 13) % 11) - 5.0f;
}

static octet_tensor input_x(float *x, int64_t batch) {
  octet_tensor t = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                    .dims = {batch, 4}, .data = x,
                    .nbytes = (size_t)batch * 4 * sizeof(float)};
  return t;
}

static void check_run(octet_session *s, int64_t batch, int seed) {
  float x[64 * 4], want[64 * 3];
  fill(x, batch * 4, seed);
  expected(x, batch, want);
  octet_tensor in = input_x(x, batch), out[2];
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_OK);
  ck_assert_str_eq(out[0].name, "z");
  ck_assert_int_eq(out[0].rank, 2);
  ck_assert_int_eq(out[0].dims[0], batch);
  ck_assert_int_eq(out[0].dims[1], 3);
  ck_assert_uint_eq(out[0].nbytes, (size_t)batch * 3 * sizeof(float));
  for (int64_t i = 0; i < batch * 3; i++) {
    ck_assert_float_eq_tol(((float *)out[0].data)[i], want[i], 1e-5f);
    ck_assert_float_eq_tol(((float *)out[1].data)[i], want[i], 1e-5f);
  }
}

START_TEST(test_info) {
  octet_model *m = load_tiny();
  size_t n;
  ck_assert_int_eq(octet_model_input_count(m, &n), OCTET_OK);
  ck_assert_uint_eq(n, 1);
  octet_tensor_info info;
  ck_assert_int_eq(octet_model_input_info(m, 0, &info), OCTET_OK);
  ck_assert_str_eq(info.name, "x");
  ck_assert_int_eq(info.dtype, OCTET_DTYPE_FLOAT32);
  ck_assert_int_eq(info.rank, 2);
  ck_assert_int_eq(info.dims[0], -1);
  ck_assert_str_eq(info.dim_names[0], "batch");
  ck_assert_int_eq(info.dims[1], 4);
  ck_assert_int_eq(octet_model_input_info(m, 1, &info), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_str_ne(octet_last_error(), "");
  ck_assert_int_eq(octet_model_output_count(m, &n), OCTET_OK);
  ck_assert_uint_eq(n, 2);
  octet_model_stats st;
  ck_assert_int_eq(octet_model_stats_get(m, &st), OCTET_OK);
  ck_assert_int_eq(st.opset, 17);
  ck_assert_uint_eq(st.param_count, 12 + 3 + 1 + 1 + 1);
  ck_assert_uint_eq(st.node_count, 8);
  const char *op;
  size_t count, total = 0;
  for (size_t i = 0; octet_model_op_type(m, i, &op, &count) == OCTET_OK; i++) total += count;
  ck_assert_uint_eq(total, 8);
  octet_model_destroy(m);
  octet_model_destroy(NULL);
  octet_session_destroy(NULL);
}
END_TEST

/* The built-in resnet18 (issue 16): torchvision ResNet-18's graph, no run
 * (tests/test-cli.sh and test-bench.sh run it). */
START_TEST(test_builtin_resnet18) {
  octet_model *m = NULL;
  ck_assert_msg(octet_model_builtin("resnet18", NULL, &m) == OCTET_OK, "%s", octet_last_error());
  octet_tensor_info info;
  ck_assert_int_eq(octet_model_input_info(m, 0, &info), OCTET_OK);
  ck_assert_str_eq(info.name, "input");
  ck_assert_int_eq(info.dtype, OCTET_DTYPE_FLOAT32);
  ck_assert_int_eq(info.rank, 4);
  ck_assert_int_eq(info.dims[0], -1);
  ck_assert_str_eq(info.dim_names[0], "batch");
  ck_assert(info.dims[1] == 3 && info.dims[2] == 224 && info.dims[3] == 224);
  ck_assert_int_eq(octet_model_output_info(m, 0, &info), OCTET_OK);
  ck_assert(info.rank == 2 && info.dims[0] == -1 && info.dims[1] == 1000);
  octet_model_stats st;
  ck_assert_int_eq(octet_model_stats_get(m, &st), OCTET_OK);
  ck_assert_int_eq(st.opset, 17);
  /* torchvision's 11,689,512 parameters + 4,800 BN running means and vars */
  ck_assert_uint_eq(st.param_count, 11689512 + 2 * 4800);
  ck_assert_uint_eq(st.node_count, 69);
  octet_model_destroy(m);
  ck_assert_int_eq(octet_model_builtin("resnet50", NULL, &m), OCTET_ERR_NOT_FOUND);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(octet_last_error(), "encoder, mlp, resnet18") != NULL, "%s",
                octet_last_error());
}
END_TEST

START_TEST(test_run_replan) {
  octet_model *m = load_tiny();
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 2;
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_OK);
  check_run(s, 2, 1);
  check_run(s, 7, 2); /* re-plans */
  check_run(s, 2, 3); /* and back */
  check_run(s, 1, 4);
  /* The Shape/Gather/Unsqueeze/Concat chain is folded at plan time,
   * MatMul+Add+Relu fused into one linear node, and the Reshape is a view of
   * y's bytes (no copy): one node is scheduled. */
  size_t n;
  ck_assert_int_eq(octet_session_node_count(s, &n), OCTET_OK);
  ck_assert_uint_eq(n, 1);
  octet_node_info ni;
  ck_assert_int_eq(octet_session_node_info(s, 0, &ni), OCTET_OK);
  ck_assert_str_eq(ni.op_type, "OctetLinear");
  ck_assert_str_ne(ni.backend, "");
  size_t arena;
  ck_assert_int_eq(octet_session_arena_bytes(s, &arena), OCTET_OK);
  ck_assert_uint_gt(arena, 0);
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

/* max_plan_bytes: a plan that would need more fails before allocating, with
 * a message, and the session stays usable at shapes that fit. */
START_TEST(test_max_plan_bytes) {
  octet_model *m = load_tiny();
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  o.max_plan_bytes = 16;
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_ERR_NO_MEMORY);
  ck_assert_ptr_null(s);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "max_plan_bytes"));
  o.max_plan_bytes = 4096;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_OK);
  check_run(s, 2, 1);
  const int64_t big = 4096; /* y alone: 48 KiB */
  float *x = calloc((size_t)big * 4, sizeof(float));
  ck_assert_ptr_nonnull(x);
  octet_tensor in = input_x(x, big), out[2];
  max_alloc = 0;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_NO_MEMORY);
  ck_assert_ptr_nonnull(strstr(octet_session_last_error(s), "max_plan_bytes"));
  ck_assert_uint_lt(max_alloc, 32 << 10); /* the arena (> 96 KiB) was never asked for */
  free(x);
  check_run(s, 2, 2);
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

/* The memory this process may use, as the library computes its default
 * max_plan_bytes from it (physical memory, or a lower cgroup limit). */
static size_t usable_memory(void) {
  size_t mem = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE);
  static const char *const cgroup[] = {"/sys/fs/cgroup/memory.max",
                                       "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
  for (int i = 0; i < 2; i++) {
    FILE *f = fopen(cgroup[i], "r");
    unsigned long long v;
    if (f && fscanf(f, "%llu", &v) == 1 && v > 0 && v < mem) mem = (size_t)v;
    if (f) fclose(f);
  }
  return mem;
}

/* The default max_plan_bytes is half of that: a plan for 60% of it is
 * refused before its arena is allocated (it used to be allowed: the limit
 * was all of physical memory). */
START_TEST(test_default_plan_limit) {
  octet_model *m = load_tiny();
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  o.flags = OCTET_SESSION_NO_CHUNK;
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_OK);
  size_t arena_item = 0; /* arena bytes per batch item, from a small plan */
  octet_tensor in = input_x(NULL, 1024);
  ck_assert_int_eq(octet_session_plan(s, &in, 1), OCTET_OK);
  ck_assert_int_eq(octet_session_arena_bytes(s, &arena_item), OCTET_OK);
  arena_item /= 1024;
  in = input_x(NULL, (int64_t)(usable_memory() / 10 * 6 / arena_item));
  max_alloc = 0;
  ck_assert_int_eq(octet_session_plan(s, &in, 1), OCTET_ERR_NO_MEMORY);
  ck_assert_msg(strstr(octet_session_last_error(s), "max_plan_bytes"), "%s",
                octet_session_last_error(s));
  ck_assert_uint_lt(max_alloc, (size_t)1 << 30);
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

/* An external tensor larger than its file fails on the file's size before
 * the tensor is allocated (2^32 floats: it used to malloc 16 GiB first). */
START_TEST(test_external_checked_before_alloc) {
  char dir[] = "/tmp/test-api-XXXXXX", path[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/w.bin", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  static const char zeros[64];
  ck_assert_uint_eq(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
  fclose(f);
  ob_model *mb = ob_new(17);
  ob_input(mb, "x", 1, 1, (int64_t[]){1});
  ob_init_external(mb, "W", 1, 1, (int64_t[]){(int64_t)1 << 32}, "w.bin", NULL, NULL);
  ob_node_add(mb, "Add", "add", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(mb, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(mb, &len);
  ob_free(mb);
  octet_model *m = NULL;
  max_alloc = 0;
  ck_assert_int_eq(octet_model_load_memory(buf, len, dir, &m), OCTET_ERR_PARSE);
  ck_assert_msg(strstr(octet_last_error(), "too short"), "%s", octet_last_error());
  ck_assert_uint_lt(max_alloc, (size_t)1 << 20);
  free(buf);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* y = ReduceMean(Expand(P, [B, S, H]) + x, last axis): the Expand of the
 * constant P folds at planning. At B = 10^5 it is 4.9 GB; deciding the
 * chunks needs only the arena's size at B, so it is never computed at B
 * (it used to be, before chunking planned for 250 items). */
START_TEST(test_no_batch_sized_fold) {
  enum { S = 32, H = 384 };
  ob_model *mb = ob_new(17);
  ob_input(mb, "x", 1, 3, (int64_t[]){-1, S, 1});
  static float pos[S * H];
  for (int i = 0; i < S * H; i++) pos[i] = (float)(i % 7);
  ob_init_raw(mb, "P", 1, 3, (int64_t[]){1, S, H}, pos, sizeof pos);
  ob_init_i64(mb, "zero", 1, (int64_t[]){1}, (int64_t[]){0});
  ob_init_i64(mb, "two", 1, (int64_t[]){1}, (int64_t[]){2});
  ob_init_i64(mb, "h", 1, (int64_t[]){1}, (int64_t[]){H});
  ob_node_add(mb, "Shape", "shape", 1, (const char *[]){"x"}, 1, (const char *[]){"s"});
  ob_node_add(mb, "Slice", "bs", 3, (const char *[]){"s", "zero", "two"}, 1,
              (const char *[]){"bs"});
  ob_attr_int(ob_node_add(mb, "Concat", "cat", 2, (const char *[]){"bs", "h"}, 1,
                          (const char *[]){"bsh"}), "axis", 0);
  ob_node_add(mb, "Expand", "expand", 2, (const char *[]){"P", "bsh"}, 1,
              (const char *[]){"pe"});
  ob_node_add(mb, "Add", "add", 2, (const char *[]){"pe", "x"}, 1, (const char *[]){"a"});
  ob_attr_ints(ob_node_add(mb, "ReduceMean", "mean", 1, (const char *[]){"a"}, 1,
                           (const char *[]){"y"}), "axes", 1, (int64_t[]){-1});
  ob_output(mb, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(mb, &len);
  ob_free(mb);
  octet_model *m = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &m), OCTET_OK);
  free(buf);
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_OK);
  octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 3,
                     .dims = {100000, S, 1}};
  max_alloc = 0;
  ck_assert_msg(octet_session_plan(s, &in, 1) == OCTET_OK, "%s", octet_session_last_error(s));
  int64_t batch, chunk;
  ck_assert_int_eq(octet_session_chunking(s, &batch, &chunk, NULL), OCTET_OK);
  ck_assert_int_eq(batch, 100000);
  ck_assert_int_lt(chunk, 1000);
  ck_assert_uint_lt(max_alloc, (size_t)256 << 20); /* the fold at B: 4.9 GB */
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

START_TEST(test_no_alloc_in_run) {
  octet_model *m = load_tiny();
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_OK);
  float x[5 * 4];
  fill(x, 20, 9);
  octet_tensor in = input_x(x, 5), out[2];
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_OK);
  /* No Check assertion inside the measured loop: libcheck is linked
   * statically and allocates when it records a checkpoint. */
  int bad = 0;
  long before = n_allocs;
  for (int i = 0; i < 10; i++) bad += octet_session_run(s, &in, 1, out, 2) != OCTET_OK;
  long during = n_allocs - before;
  ck_assert_int_eq(bad, 0);
  ck_assert_int_eq(during, 0);
  /* and the counter does see the library's allocations: */
  before = n_allocs;
  in.dims[0] = 6;
  in.nbytes = 6 * 4 * sizeof(float);
  float x6[24] = {0};
  in.data = x6;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_OK); /* re-plans */
  ck_assert_int_gt(n_allocs - before, 0);
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

START_TEST(test_run_errors) {
  octet_model *m = load_tiny();
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, NULL, &s), OCTET_OK);
  float x[8] = {0};
  octet_tensor out[2];
  octet_tensor in = input_x(x, 2);
  in.dtype = OCTET_DTYPE_INT32;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_DTYPE);
  ck_assert_ptr_nonnull(strstr(octet_session_last_error(s), "dtype"));
  in = input_x(x, 2);
  in.dims[1] = 5;
  in.nbytes = 40;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_SHAPE);
  in = input_x(x, 2);
  in.rank = 3;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_SHAPE);
  in = input_x(x, 2);
  in.nbytes = 4;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_SHAPE);
  in = input_x(x, 2);
  in.name = "nope";
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_NOT_FOUND);
  ck_assert_ptr_nonnull(strstr(octet_session_last_error(s), "nope"));
  ck_assert_int_eq(octet_session_run(s, NULL, 0, out, 2), OCTET_ERR_INVALID_ARGUMENT);
  in = input_x(x, 2);
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 1), OCTET_ERR_INVALID_ARGUMENT);
  in.data = NULL;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_INVALID_ARGUMENT);
  in = input_x(x, 2);
  in.dims[0] = -3;
  ck_assert_int_eq(octet_session_run(s, &in, 1, out, 2), OCTET_ERR_SHAPE);
  ck_assert_int_eq(octet_session_run(NULL, &in, 1, out, 2), OCTET_ERR_INVALID_ARGUMENT);
  /* still usable after errors */
  check_run(s, 2, 5);
  octet_session_destroy(s);
  octet_session_options o;
  octet_session_options_init(&o);
  o.backends = "nonexistent";
  ck_assert_int_eq(octet_session_create(m, &o, &s), OCTET_ERR_NOT_FOUND);
  ck_assert_ptr_null(s);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "nonexistent"));
  octet_session_options bad = {0};
  ck_assert_int_eq(octet_session_create(m, &bad, &s), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(octet_session_create(NULL, NULL, &s), OCTET_ERR_INVALID_ARGUMENT);
  octet_model_destroy(m);
  ck_assert_str_eq(octet_status_str(OCTET_ERR_SHAPE), "shape mismatch");
  octet_precision p;
  ck_assert_int_eq(octet_precision_parse("w8a8", &p), OCTET_OK);
  ck_assert_int_eq(p, OCTET_PRECISION_W8A8);
  ck_assert_int_eq(octet_precision_parse("int4", &p), OCTET_ERR_INVALID_ARGUMENT);
}
END_TEST

typedef struct { const char *names[16]; int n; } seen_nodes;

static void on_node(const octet_node_event *ev, void *user) {
  seen_nodes *sn = user;
  if (sn->n < 16) sn->names[sn->n++] = ev->node->name;
  ck_assert(ev->seconds >= 0);
}

START_TEST(test_callback) {
  octet_model *m = load_tiny();
  octet_session *s = NULL;
  ck_assert_int_eq(octet_session_create(m, NULL, &s), OCTET_OK);
  seen_nodes sn = {0};
  ck_assert_int_eq(octet_session_set_callback(s, on_node, &sn), OCTET_OK);
  check_run(s, 3, 1);
  ck_assert_int_eq(sn.n, 1); /* the Reshape is a view: no step */
  ck_assert_str_eq(sn.names[0], "mm");
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

static void *thread_main(void *arg) {
  octet_session *s = arg;
  for (int i = 0; i < 50; i++) check_run(s, 1 + (i % 9), i);
  return NULL;
}

START_TEST(test_two_sessions_two_threads) {
  octet_model *m = load_tiny();
  octet_session *a = NULL, *b = NULL;
  ck_assert_int_eq(octet_session_create(m, NULL, &a), OCTET_OK);
  ck_assert_int_eq(octet_session_create(m, NULL, &b), OCTET_OK);
  pthread_t ta, tb;
  pthread_create(&ta, NULL, thread_main, a);
  pthread_create(&tb, NULL, thread_main, b);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  octet_session_destroy(a);
  octet_session_destroy(b);
  octet_model_destroy(m);
}
END_TEST

/* fp16 <-> fp32: every half but NaN round-trips; NaN stays NaN (0x7e00
 * with its sign on the way back); rounding to nearest even, overflow to
 * infinity, subnormals. */
static uint16_t to_half(float f) { return octet_fp32_to_fp16(f); }

START_TEST(test_fp16) {
  for (uint32_t h = 0; h < 0x10000u; h++) {
    const float f = octet_fp16_to_fp32((uint16_t)h);
    if ((h & 0x7c00u) == 0x7c00u && (h & 0x3ffu)) {
      ck_assert(isnan(f));
      ck_assert_uint_eq(to_half(f), (h & 0x8000u) | 0x7e00u);
    } else {
      ck_assert_msg(to_half(f) == h, "0x%04x -> %a -> 0x%04x", (unsigned)h, (double)f,
                    (unsigned)to_half(f));
    }
  }
  ck_assert(octet_fp16_to_fp32(0x3c00) == 1.0f);
  ck_assert(octet_fp16_to_fp32(0x0001) == ldexpf(1.0f, -24));
  ck_assert(octet_fp16_to_fp32(0xfc00) == -INFINITY);
  ck_assert_uint_eq(to_half(-0.0f), 0x8000);
  ck_assert_uint_eq(to_half(1.0f + ldexpf(1.0f, -11)), 0x3c00);     /* tie: to even */
  ck_assert_uint_eq(to_half(1.0f + 3 * ldexpf(1.0f, -11)), 0x3c02); /* tie: to even */
  ck_assert_uint_eq(to_half(65504.0f), 0x7bff);
  ck_assert_uint_eq(to_half(65519.0f), 0x7bff);
  ck_assert_uint_eq(to_half(65520.0f), 0x7c00);
  ck_assert_uint_eq(to_half(-1e30f), 0xfc00);
  ck_assert_uint_eq(to_half(ldexpf(1.0f, -25)), 0x0000); /* tie: to even (0) */
  ck_assert_uint_eq(to_half(ldexpf(1.5f, -25)), 0x0001);
  ck_assert_uint_eq(to_half(ldexpf(1.0f, -26)), 0x0000);
}
END_TEST

/* One session, two threads. A call while another is in progress fails with
 * OCTET_ERR_BUSY and changes nothing (it used to race: a re-plan under a
 * running thread crashed in run_steps, the same batch gave wrong outputs).
 * First made to happen for sure: the second thread calls while the first
 * is inside run (held in the node callback); then both threads hammer the
 * session at different batches: every call is OK (with the right shapes)
 * or BUSY, nothing else, and a run afterwards is right. */
typedef struct busy_ctx {
  octet_session *s;
  atomic_int inside, tried, threads;
  pthread_barrier_t start;
  octet_status st_run, st_plan, st_info, st_count;
  int ok, busy, bad;
} busy_ctx;

static void hold_in_callback(const octet_node_event *ev, void *user) {
  (void)ev;
  busy_ctx *c = user;
  if (atomic_exchange(&c->inside, 1)) return; /* hold the first call only */
  while (!atomic_load(&c->tried)) sched_yield();
}

static void *call_while_busy(void *arg) {
  busy_ctx *c = arg;
  while (!atomic_load(&c->inside)) sched_yield();
  float x[4 * 3] = {0};
  octet_tensor in = input_x(x, 3), out[2];
  octet_node_info ni;
  size_t n;
  c->st_run = octet_session_run(c->s, &in, 1, out, 2);
  c->st_plan = octet_session_plan(c->s, &in, 1);
  c->st_info = octet_session_node_info(c->s, 0, &ni);
  c->st_count = octet_session_node_count(c->s, &n);
  atomic_store(&c->tried, 1);
  return NULL;
}

static void *hammer(void *arg) {
  busy_ctx *c = arg;
  static _Thread_local float x[64 * 4];
  const int me = atomic_fetch_add(&c->threads, 1);
  pthread_barrier_wait(&c->start);
  for (int i = 0; i < 3000; i++) {
    int64_t batch = 1 + (i * 7 + me * 5) % 13;
    fill(x, batch * 4, i);
    octet_tensor in = input_x(x, batch), out[2];
    octet_status st = octet_session_run(c->s, &in, 1, out, 2);
    if (st == OCTET_ERR_BUSY) {
      __atomic_add_fetch(&c->busy, 1, __ATOMIC_RELAXED);
      continue;
    }
    /* the outputs' bytes are the session's until its next run, which the
     * other thread may start at once: only the status and the shape (a
     * copy) are this thread's to check */
    bool right = st == OCTET_OK && out[0].dims[0] == batch && out[0].dims[1] == 3;
    __atomic_add_fetch(right ? &c->ok : &c->bad, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

START_TEST(test_one_session_two_threads) {
  octet_model *m = load_tiny();
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  busy_ctx c = {0};
  ck_assert_int_eq(octet_session_create(m, &o, &c.s), OCTET_OK);
  ck_assert_int_eq(octet_session_set_callback(c.s, hold_in_callback, &c), OCTET_OK);
  pthread_t t;
  pthread_create(&t, NULL, call_while_busy, &c);
  check_run(c.s, 2, 1); /* holds in the callback until the other thread tried */
  pthread_join(t, NULL);
  ck_assert_int_eq(c.st_run, OCTET_ERR_BUSY);
  ck_assert_int_eq(c.st_plan, OCTET_ERR_BUSY);
  ck_assert_int_eq(c.st_info, OCTET_ERR_BUSY);
  ck_assert_int_eq(c.st_count, OCTET_ERR_BUSY);
  ck_assert_int_eq(octet_session_set_callback(c.s, NULL, NULL), OCTET_OK);
  check_run(c.s, 5, 2); /* usable afterwards, and the plan is the first thread's */
  /* the message: thread-local, the session's own is the last real call's */
  float x[12] = {0};
  octet_tensor in = input_x(x, 3), out[2];
  atomic_store(&c.inside, 0);
  atomic_store(&c.tried, 0);
  ck_assert(octet_session_enter(c.s, "test"));
  ck_assert_int_eq(octet_session_run(c.s, &in, 1, out, 2), OCTET_ERR_BUSY);
  ck_assert_ptr_nonnull(strstr(octet_last_error(), "in use by another call"));
  octet_session_leave(c.s);
  pthread_t a, b;
  pthread_barrier_init(&c.start, NULL, 2);
  pthread_create(&a, NULL, hammer, &c);
  pthread_create(&b, NULL, hammer, &c);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  pthread_barrier_destroy(&c.start);
  printf("one session, two threads: %d ok, %d busy, %d wrong\n", c.ok, c.busy, c.bad);
  ck_assert_int_eq(c.bad, 0);
  ck_assert_int_eq(c.ok + c.busy, 6000);
  ck_assert_int_gt(c.ok, 0);
  check_run(c.s, 4, 3); /* and right afterwards */
  octet_session_destroy(c.s);
  octet_model_destroy(m);
}
END_TEST

int main(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("api");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_info);
  tcase_add_test(tc, test_builtin_resnet18);
  tcase_add_test(tc, test_run_replan);
  tcase_add_test(tc, test_max_plan_bytes);
  tcase_add_test(tc, test_default_plan_limit);
  tcase_add_test(tc, test_external_checked_before_alloc);
  tcase_add_test(tc, test_no_batch_sized_fold);
  tcase_add_test(tc, test_no_alloc_in_run);
  tcase_add_test(tc, test_run_errors);
  tcase_add_test(tc, test_callback);
  tcase_add_test(tc, test_two_sessions_two_threads);
  tcase_add_test(tc, test_fp16);
  tcase_add_test(tc, test_one_session_two_threads);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
