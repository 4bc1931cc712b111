/* Where each backend's linear node starts to pay: the fp32 OctetLinear
 * (Y = X·W + B) of every backend in this build, prepared and run through
 * the backend interface exactly as the executor does (but without the
 * backends' own cost checks), over shapes from tiny to encoder-sized;
 * median microseconds per call at the given thread count. OpenBLAS's
 * OCTET_OPENBLAS_MIN_FLOP (backends/openblas) comes from this table: the
 * M·N·K below which cblas_sgemm's call and thread start-up cost more than
 * the portable ref loop it falls back to.
 *
 * usage: bench-linear-backends [threads]   (default 2) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"

#include "backends/backend.h"
#include "op-harness.h"

#define RUNS 15

/* Median microseconds of one call; negative when the backend cannot
 * prepare the node. */
static double time_backend(const octet_backend *be, op_case *c, int threads) {
  octet_plan_ctx pc = {.precision = OCTET_PRECISION_FP32, .threads = threads};
  octet_node_kernel k = {0};
  if (be->available && !be->available()) return -1;
  if (be->prepare(&c->node, c->in, c->n_in, c->out, 1, &pc, &k) != OCTET_OK) return -1;
  octet_kctx kc = {.threads = threads, .state = k.state};
  double t[RUNS];
  int reps = 1;
  for (;;) { /* calls per sample: at least 2 ms */
    double t0 = bench_now();
    for (int r = 0; r < reps; r++) k.run(&c->node, c->in, c->n_in, c->out, 1, &kc);
    if (bench_now() - t0 > 2e-3 || reps > (1 << 20)) break;
    reps *= 2;
  }
  for (int i = 0; i < RUNS; i++) {
    double t0 = bench_now();
    for (int r = 0; r < reps; r++) k.run(&c->node, c->in, c->n_in, c->out, 1, &kc);
    t[i] = (bench_now() - t0) / reps * 1e6;
  }
  if (k.free_state) k.free_state(k.state);
  qsort(t, RUNS, sizeof t[0], bench_cmp_double);
  return t[RUNS / 2];
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  if (threads < 1) threads = 1;
  static const int64_t shapes[][3] = {
      {1, 16, 16},   {4, 16, 16},    {8, 32, 32},     {16, 32, 32},    {16, 64, 64},
      {32, 64, 64},  {32, 128, 64},  {64, 64, 128},   {64, 128, 128},  {128, 128, 128},
      {64, 256, 256}, {256, 256, 256}, {128, 384, 384}, {512, 384, 1536},
  };
  const char *names[] = {"ref", "x86", "openblas", "onednn"};
  const octet_backend *bes[4];
  int nb = 0;
  printf("fp32 linear node (X·W + B), %d threads: median us per call\n", threads);
  printf("%6s %6s %6s %12s", "M", "K", "N", "M*N*K");
  for (int i = 0; i < 4; i++)
    if ((bes[nb] = octet_backend_find(names[i]))) {
      printf(" %10s", names[i]);
      nb++;
    }
  printf("\n");
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    int64_t M = shapes[s][0], K = shapes[s][1], N = shapes[s][2];
    int64_t xd[2] = {M, K}, wd[2] = {K, N}, bd[1] = {N};
    float *x = malloc(sizeof(float) * (size_t)(M * K));
    float *w = malloc(sizeof(float) * (size_t)(K * N));
    float *b = malloc(sizeof(float) * (size_t)N);
    for (int64_t i = 0; i < M * K; i++) x[i] = (float)(i % 7) * 0.1f;
    for (int64_t i = 0; i < K * N; i++) w[i] = (float)(i % 5) * 0.01f;
    for (int64_t i = 0; i < N; i++) b[i] = 0.5f;
    op_case c;
    oc_init(&c, "OctetLinear", 17);
    oc_input_dynamic(&c, OCTET_DTYPE_FLOAT32, 2, xd, x);
    oc_input(&c, OCTET_DTYPE_FLOAT32, 2, wd, w);
    oc_input(&c, OCTET_DTYPE_FLOAT32, 1, bd, b);
    if (oc_run(&c, 1) != OCTET_OK) {
      fprintf(stderr, "bench-linear-backends: %s\n", octet_last_error());
      return 1;
    }
    printf("%6lld %6lld %6lld %12lld", (long long)M, (long long)K, (long long)N,
           (long long)(M * N * K));
    for (int i = 0; i < nb; i++) {
      double us = time_backend(bes[i], &c, threads);
      if (us < 0)
        printf(" %10s", "-");
      else
        printf(" %10.2f", us);
    }
    printf("\n");
    oc_free(&c);
    free(x);
    free(w);
    free(b);
  }
  return 0;
}
