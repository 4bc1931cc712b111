/* How load and session creation grow with the node count: a chain of N
 * nodes built in memory (tests/onnx-build.c), serialized, then timed
 * through octet_model_load_memory and octet_session_create (fusion,
 * lowering, planning, memory placement); one run checks the result.
 *
 *   relu  x -> Relu -> Relu -> ... -> y           (N Relu nodes)
 *   mlp   blocks of MatMul(W_i) -> Add(B_i) -> Relu -> Add(residual), 4
 *         nodes each, so the fusion passes (linear, bias, activation,
 *         residual) match N / 4 times
 *
 * usage: bench-load-chain [-p fp32|fp16|w8a8] [-m relu|mlp] [N ...]
 *        (default: relu, fp32, N = 10000 20000 50000 100000)
 * Prints one row per N: milliseconds of load, of session creation, their
 * sum and microseconds per node (flat when both are linear). Not a test:
 * run it alone on a quiet machine. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "octet.h"
#include "onnx-build.h"

#define WIDTH 16

static uint8_t *build_chain(int n, bool mlp, size_t *len) {
  ob_model *m = ob_new(17);
  int64_t xd[2] = {-1, WIDTH};
  ob_input(m, "x", 1, 2, xd);
  char prev[32] = "x", out[32], name[32], w[32], b[32], t1[32], t2[32], t3[32];
  float wv[WIDTH * WIDTH], bv[WIDTH];
  for (int i = 0; i < WIDTH * WIDTH; i++) wv[i] = (i % (WIDTH + 1)) ? 0.0f : 0.5f;
  for (int i = 0; i < WIDTH; i++) bv[i] = 0.01f;
  int64_t wd[2] = {WIDTH, WIDTH}, bd[1] = {WIDTH};
  if (!mlp) {
    for (int i = 0; i < n; i++) {
      snprintf(out, sizeof out, "v%d", i);
      snprintf(name, sizeof name, "relu%d", i);
      ob_node_add(m, "Relu", name, 1, (const char *[]){prev}, 1, (const char *[]){out});
      memcpy(prev, out, sizeof prev);
    }
  } else {
    for (int i = 0; i < n / 4; i++) {
      snprintf(w, sizeof w, "W%d", i);
      snprintf(b, sizeof b, "B%d", i);
      ob_init_raw(m, w, 1, 2, wd, wv, sizeof wv);
      ob_init_raw(m, b, 1, 1, bd, bv, sizeof bv);
      snprintf(t1, sizeof t1, "mm%d", i);
      snprintf(t2, sizeof t2, "bias%d", i);
      snprintf(t3, sizeof t3, "act%d", i);
      snprintf(out, sizeof out, "res%d", i);
      ob_node_add(m, "MatMul", t1, 2, (const char *[]){prev, w}, 1, (const char *[]){t1});
      ob_node_add(m, "Add", t2, 2, (const char *[]){t1, b}, 1, (const char *[]){t2});
      ob_node_add(m, "Relu", t3, 1, (const char *[]){t2}, 1, (const char *[]){t3});
      ob_node_add(m, "Add", out, 2, (const char *[]){t3, prev}, 1, (const char *[]){out});
      memcpy(prev, out, sizeof prev);
    }
  }
  ob_output(m, prev, 1);
  uint8_t *buf = ob_pack(m, len);
  ob_free(m);
  return buf;
}

static int run_one(int n, bool mlp, octet_precision prec) {
  size_t len;
  uint8_t *buf = build_chain(n, mlp, &len);
  double t0 = bench_now();
  octet_model *model = NULL;
  if (octet_model_load_memory(buf, len, NULL, &model) != OCTET_OK) {
    fprintf(stderr, "load: %s\n", octet_last_error());
    free(buf);
    return 1;
  }
  double t1 = bench_now();
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = prec;
  o.threads = 1;
  o.batch = 2;
  octet_session *s = NULL;
  if (octet_session_create(model, &o, &s) != OCTET_OK) {
    fprintf(stderr, "session: %s\n", octet_last_error());
    octet_model_destroy(model);
    free(buf);
    return 1;
  }
  double t2 = bench_now();
  float x[2 * WIDTH];
  for (int i = 0; i < 2 * WIDTH; i++) x[i] = (float)(i % 5) - 2.0f;
  octet_tensor in = {.name = "x", .dtype = OCTET_DTYPE_FLOAT32, .rank = 2,
                     .dims = {2, WIDTH}, .data = x, .nbytes = sizeof x}, y;
  octet_status st = octet_session_run(s, &in, 1, &y, 1);
  double t3 = bench_now();
  size_t arena = 0;
  octet_session_arena_bytes(s, &arena);
  printf("%8d  %10.1f  %10.1f  %10.1f  %8.2f  %8.1f  %9zu  %s\n", n, 1e3 * (t1 - t0),
         1e3 * (t2 - t1), 1e3 * (t2 - t0), 1e6 * (t2 - t0) / n, 1e3 * (t3 - t2), arena,
         st == OCTET_OK ? "ok" : octet_session_last_error(s));
  fflush(stdout);
  octet_session_destroy(s);
  octet_model_destroy(model);
  free(buf);
  return st != OCTET_OK;
}

int main(int argc, char **argv) {
  octet_precision prec = OCTET_PRECISION_FP32;
  bool mlp = false;
  int sizes[64], n_sizes = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
      if (octet_precision_parse(argv[++i], &prec) != OCTET_OK) {
        fprintf(stderr, "%s\n", octet_last_error());
        return 2;
      }
    } else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
      mlp = strcmp(argv[++i], "mlp") == 0;
    } else if (n_sizes < 64 && atoi(argv[i]) > 0) {
      sizes[n_sizes++] = atoi(argv[i]);
    } else {
      fprintf(stderr, "usage: %s [-p fp32|fp16|w8a8] [-m relu|mlp] [N ...]\n", argv[0]);
      return 2;
    }
  }
  if (n_sizes == 0) {
    static const int def[] = {10000, 20000, 50000, 100000};
    for (int i = 0; i < 4; i++) sizes[n_sizes++] = def[i];
  }
  printf("octet %s: %s chain, %s, load + session create (1 thread, batch 2)\n",
         octet_version(), mlp ? "mlp" : "relu", octet_precision_name(prec));
  printf("%8s  %10s  %10s  %10s  %8s  %8s  %9s\n", "nodes", "load ms", "create ms", "total ms",
         "us/node", "run ms", "arena B");
  int bad = 0;
  for (int i = 0; i < n_sizes; i++) bad |= run_one(sizes[i], mlp, prec);
  return bad;
}
