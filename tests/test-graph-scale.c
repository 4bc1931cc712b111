/* Large graphs: load and session creation are linear in the node count
 * (value names through a hash index, topological sort with a heap, fusion
 * with one reader table per pass, the memory plan through an interval
 * index), and the results are right at 100k nodes. Times are not asserted
 * (bench/load-chain.c measures them); the test's timeout is what a
 * quadratic step would exceed (100k nodes took minutes before). */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "octet.h"
#include "onnx-build.h"
#include "plan/arena-place.h"

#define WIDTH 8

/* x -> Relu^n -> y, the nodes listed in reverse order when `reversed`. */
static octet_model *relu_chain(int n, bool reversed) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, WIDTH};
  ob_input(m, "x", 1, 2, xd);
  for (int k = 0; k < n; k++) {
    int i = reversed ? n - 1 - k : k;
    char in[32], out[32], name[32];
    if (i == 0)
      snprintf(in, sizeof in, "x");
    else
      snprintf(in, sizeof in, "v%d", i - 1);
    snprintf(out, sizeof out, "v%d", i);
    snprintf(name, sizeof name, "relu%d", i);
    ob_node_add(m, "Relu", name, 1, (const char *[]){in}, 1, (const char *[]){out});
  }
  char last[32];
  snprintf(last, sizeof last, "v%d", n - 1);
  ob_output(m, last, 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  octet_status st = octet_model_load_memory(buf, len, NULL, &model);
  free(buf);
  ck_assert_msg(st == OCTET_OK, "%s", octet_last_error());
  return model;
}

static void run_relu_chain(octet_model *model, int n) {
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(model, &o, &s) == OCTET_OK, "%s", octet_last_error());
  float x[2 * WIDTH];
  for (int i = 0; i < 2 * WIDTH; i++) x[i] = (float)(i % 5) - 2.0f;
  octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                     .dims = {2, WIDTH}, .data = x, .nbytes = sizeof x}, y;
  ck_assert_msg(octet_session_run(s, &in, 1, &y, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  for (int i = 0; i < 2 * WIDTH; i++)
    ck_assert_float_eq(((float *)y.data)[i], x[i] > 0 ? x[i] : 0.0f);
  size_t steps = 0, arena = 0;
  ck_assert_int_eq(octet_session_node_count(s, &steps), OCTET_OK);
  ck_assert_uint_eq(steps, (size_t)n);
  ck_assert_int_eq(octet_session_arena_bytes(s, &arena), OCTET_OK);
  ck_assert_uint_le(arena, 2 * 64); /* two [2, 8] floats alive at a time */
  octet_session_destroy(s);
}

START_TEST(test_relu_chain_100k) {
  octet_model *m = relu_chain(100000, false);
  octet_model_stats st;
  ck_assert_int_eq(octet_model_stats_get(m, &st), OCTET_OK);
  ck_assert_uint_eq(st.node_count, 100000);
  run_relu_chain(m, 100000);
  octet_model_destroy(m);
}
END_TEST

/* The file lists the nodes backwards: the sort has to reverse all of them. */
START_TEST(test_relu_chain_100k_reversed) {
  octet_model *m = relu_chain(100000, true);
  run_relu_chain(m, 100000);
  octet_model_destroy(m);
}
END_TEST

/* 25k blocks y = Relu(x W + B + x): the MatMul, bias and residual Add fuse
 * into one linear node per block, the Relu stays a step of its own (a
 * residual fuses only into a linear without activation); W = 0, B = 0.01,
 * so y = Relu(x + 0.01). */
START_TEST(test_mlp_chain_fused) {
  const int blocks = 25000;
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, WIDTH}, wd[2] = {WIDTH, WIDTH}, bd[1] = {WIDTH};
  float w[WIDTH * WIDTH] = {0}, b[WIDTH];
  for (int i = 0; i < WIDTH; i++) b[i] = 0.01f;
  ob_input(m, "x", 1, 2, xd);
  char prev[32] = "x";
  for (int i = 0; i < blocks; i++) {
    char wn[32], bn[32], mm[32], ad[32], ac[32], out[32];
    snprintf(wn, sizeof wn, "W%d", i);
    snprintf(bn, sizeof bn, "B%d", i);
    snprintf(mm, sizeof mm, "mm%d", i);
    snprintf(ad, sizeof ad, "bias%d", i);
    snprintf(ac, sizeof ac, "act%d", i);
    snprintf(out, sizeof out, "res%d", i);
    ob_init_raw(m, wn, 1, 2, wd, w, sizeof w);
    ob_init_raw(m, bn, 1, 1, bd, b, sizeof b);
    ob_node_add(m, "MatMul", mm, 2, (const char *[]){prev, wn}, 1, (const char *[]){mm});
    ob_node_add(m, "Add", ad, 2, (const char *[]){mm, bn}, 1, (const char *[]){ad});
    ob_node_add(m, "Add", ac, 2, (const char *[]){ad, prev}, 1, (const char *[]){ac});
    ob_node_add(m, "Relu", out, 1, (const char *[]){ac}, 1, (const char *[]){out});
    memcpy(prev, out, sizeof prev);
  }
  ob_output(m, prev, 1);
  size_t len;
  uint8_t *buf = ob_pack(m, &len);
  ob_free(m);
  octet_model *model = NULL;
  ck_assert_msg(octet_model_load_memory(buf, len, NULL, &model) == OCTET_OK, "%s",
                octet_last_error());
  free(buf);
  octet_session_options o;
  octet_session_options_init(&o);
  o.threads = 1;
  o.backends = "ref";
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(model, &o, &s) == OCTET_OK, "%s", octet_last_error());
  size_t steps = 0;
  ck_assert_int_eq(octet_session_node_count(s, &steps), OCTET_OK);
  ck_assert_uint_eq(steps, 2 * (size_t)blocks); /* a fused linear and a Relu per block */
  float x[WIDTH], want[WIDTH];
  for (int i = 0; i < WIDTH; i++) x[i] = want[i] = (float)i - 3.0f;
  for (int k = 0; k < blocks; k++)
    for (int i = 0; i < WIDTH; i++) want[i] = want[i] + 0.01f > 0 ? want[i] + 0.01f : 0.0f;
  octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                     .dims = {1, WIDTH}, .data = x, .nbytes = sizeof x}, y;
  ck_assert_msg(octet_session_run(s, &in, 1, &y, 1) == OCTET_OK, "%s",
                octet_session_last_error(s));
  for (int i = 0; i < WIDTH; i++) ck_assert_float_eq_tol(((float *)y.data)[i], want[i], 1e-3f);
  octet_session_destroy(s);
  octet_model_destroy(model);
}
END_TEST

/* ---- placement: the interval index gives the plain search's offsets ------ */

static size_t naive_place(octet_arena_item *it, int n, size_t *off) {
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    size_t o = 0;
    for (bool moved = true; moved;) {
      moved = false;
      for (int k = 0; k < i; k++) {
        if (it[k].last < it[i].first || it[i].last < it[k].first) continue;
        size_t end = off[k] + it[k].bytes;
        if (o < end && off[k] < o + it[i].bytes) o = end, moved = true;
      }
    }
    off[i] = o;
    if (o + it[i].bytes > total) total = o + it[i].bytes;
  }
  return total;
}

static uint64_t rng(uint64_t *s) {
  *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
  return *s;
}

START_TEST(test_place_matches_plain_search) {
  static const struct { int n, steps, max_life; size_t sizes; } cases[] = {
      {1, 1, 1, 4}, {50, 20, 5, 3}, {500, 100, 10, 64}, {2000, 2000, 3, 1000},
      {2000, 300, 300, 7}, {3000, 1000, 1000, 2}};
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    int n = cases[c].n;
    octet_arena_item *it = calloc((size_t)n, sizeof *it);
    size_t *off = calloc((size_t)n, sizeof *off);
    ck_assert(it && off);
    for (int i = 0; i < n; i++) {
      it[i].first = (int)(rng(&seed) % (uint64_t)cases[c].steps);
      it[i].last = it[i].first + (int)(rng(&seed) % (uint64_t)cases[c].max_life);
      it[i].bytes = 64 * (1 + rng(&seed) % cases[c].sizes);
    }
    size_t want = naive_place(it, n, off), got = 0;
    ck_assert_int_eq(octet_arena_place(it, n, &got), OCTET_OK);
    ck_assert_uint_eq(got, want);
    for (int i = 0; i < n; i++) ck_assert_uint_eq(it[i].offset, off[i]);
    free(it);
    free(off);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("graph-scale");
  TCase *tc = tcase_create("graph-scale");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_place_matches_plain_search);
  tcase_add_test(tc, test_relu_chain_100k);
  tcase_add_test(tc, test_relu_chain_100k_reversed);
  tcase_add_test(tc, test_mlp_chain_fused);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
