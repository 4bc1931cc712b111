/* Benchmark of the fp32 and fp16-weight GEMM (backends/x86/f32-gemm.h through the driver, backends/common/gemm.h):
 * GFLOP/s and % of the fp32 FMA peak that this program measures with the
 * register-only loops of tools/peaks.h (zmm at the AVX-512 levels, else
 * ymm; the same figure `octet bench` reports), for M in
 * {128, 256, 512, 1024} x (K, N) in {(1024,1024), (1024,4096), (4096,1024),
 * (384,1536), (1536,384)}, 1 and 2 threads, median of RUNS runs. No
 * epilogue (plain C = A·W, fp32 out), the same work as the OpenBLAS column:
 * cblas_sgemm row-major, no transposes, beta = 0, its own threads set to the
 * same count (which core it picked is printed; OPENBLAS_CORETYPE chooses it).
 *
 * usage: bench-gemm-f32 [threads...]   (default: 1 2) */
#include <cblas.h>
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"
#include "peaks.h"

#include "core/cpu.h"
#include "backends/common/gemm.h"
#include "backends/x86/gemm-kernels-x86.h"

#define RUNS 7
#define MIN_SAMPLE_S 0.005

/* ---- timing -------------------------------------------------------------- */

typedef struct bench_case {
  int64_t M, K, N;
  int threads;
  const float *A;
  float *C;
  const float *W;             /* for OpenBLAS */
  const octet_gemm_weights *w; /* for octet, NULL for OpenBLAS */
  void *scratch;
} bench_case;

static void run_once(const bench_case *c) {
  if (c->w) {
    octet_status s = octet_gemm(c->w, c->M, c->A, false, c->K, c->C, false, c->N, NULL,
                                c->scratch, c->threads);
    if (s != OCTET_OK) {
      fprintf(stderr, "octet_gemm: %s\n", octet_last_error());
      exit(1);
    }
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)c->M, (int)c->N,
                (int)c->K, 1.0f, c->A, (int)c->K, c->W, (int)c->N, 0.0f, c->C,
                (int)c->N);
  }
}

/* Median GFLOP/s over RUNS samples, each at least MIN_SAMPLE_S long. */
static double time_case(const bench_case *c) {
  const double flops = 2.0 * (double)c->M * (double)c->K * (double)c->N;
  run_once(c); /* warm-up */
  double t = bench_now();
  run_once(c);
  t = bench_now() - t;
  int reps = t > 0 ? (int)(MIN_SAMPLE_S / t) + 1 : 1;
  double v[RUNS];
  for (int r = 0; r < RUNS; r++) {
    t = bench_now();
    for (int i = 0; i < reps; i++) run_once(c);
    t = bench_now() - t;
    v[r] = flops * reps / t * 1e-9;
  }
  return bench_median(v, RUNS);
}

/* Lets the other library's idle threads stop spinning before the next
 * measurement: OpenBLAS workers busy-wait for a while after each call, and
 * on 2 cores that would steal a core from the next octet run. */
static void settle(double seconds) {
  struct timespec t = {(time_t)seconds,
                       (long)((seconds - (double)(time_t)seconds) * 1e9)};
  nanosleep(&t, NULL);
}

static void fill(float *x, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = (float)((seed >> 9) & 0xffff) / 65536.0f - 0.5f;
  }
}

int main(int argc, char **argv) {
  int thread_list[8] = {1, 2}, nthreads = 2;
  if (argc > 1) {
    nthreads = 0;
    for (int i = 1; i < argc && nthreads < 8; i++)
      thread_list[nthreads++] = atoi(argv[i]) > 0 ? atoi(argv[i]) : 1;
  }
  static const int64_t Ms[] = {128, 256, 512, 1024};
  static const int64_t KN[][2] = {
      {1024, 1024}, {1024, 4096}, {4096, 1024}, {384, 1536}, {1536, 384}};
  const int nM = 4, nKN = 5;
  const octet_isa isa = octet_isa_active();

  float *A = aligned_alloc(64, (size_t)1024 * 4096 * sizeof(float));
  float *C = aligned_alloc(64, (size_t)1024 * 4096 * sizeof(float));
  float *W = aligned_alloc(64, (size_t)4096 * 4096 * sizeof(float));
  if (!A || !C || !W) return 1;
  fill(A, (size_t)1024 * 4096, 1);
  fill(W, (size_t)4096 * 4096, 2);

  printf("cpu: %s, isa: %s\n", octet_cpu()->brand, octet_isa_name(isa));
  printf("openblas: %s (OPENBLAS_CORETYPE=%s)\n", openblas_get_corename(),
         getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "unset");

  for (int ti = 0; ti < nthreads; ti++) {
    const int threads = thread_list[ti];
    bench_peaks pk;
    bench_measure_peaks(threads, &pk);
    bench_measure_mix(threads, &pk);
    const double peak = pk.fp32_gflops, mix = pk.fp32_mix_gflops;
    openblas_set_num_threads(threads);
    printf("\nthreads %d: peak (register-only %s) %.1f GFLOP/s\n", threads,
           pk.fp32_how, peak);
    if (mix > 0)
      printf("kernel mix from L1 (%s): %.1f GFLOP/s = %.1f%% of peak\n",
             pk.fp32_mix_how, mix, peak > 0 ? 100 * mix / peak : 0);
    printf("%5s %5s %5s | %-17s %7s %6s | %-17s %7s %6s | %8s %6s\n", "M", "K",
           "N", "kernel", "GFLOP/s", "%peak", "kernel", "GFLOP/s", "%peak",
           "OpenBLAS", "%peak");
    double pf32[20], pf16[20], pobl[20];
    int n = 0;
    for (int s = 0; s < nKN; s++) {
      const int64_t K = KN[s][0], N = KN[s][1];
      octet_gemm_weights *w32 = NULL, *w16 = NULL;
      if (octet_gemm_pack(octet_x86_gemm_kernel(OCTET_GEMM_W_F32, isa), W, false, K, N, &w32) ||
          octet_gemm_pack(octet_x86_gemm_kernel(OCTET_GEMM_W_F16, isa), W, false, K, N, &w16)) {
        fprintf(stderr, "pack: %s\n", octet_last_error());
        return 1;
      }
      for (int mi = 0; mi < nM; mi++) {
        const int64_t M = Ms[mi];
        size_t sb = octet_gemm_scratch_bytes(w32, M, threads);
        size_t sb16 = octet_gemm_scratch_bytes(w16, M, threads);
        void *scratch = malloc((sb > sb16 ? sb : sb16) + 1);
        bench_case c = {M, K, N, threads, A, C, W, w32, scratch};
        const double g32 = time_case(&c);
        c.w = w16;
        const double g16 = time_case(&c);
        c.w = NULL;
        if (threads > 1) settle(0.01);
        const double gob = time_case(&c);
        if (threads > 1) settle(0.25);
        free(scratch);
        pf32[n] = 100 * g32 / peak;
        pf16[n] = 100 * g16 / peak;
        pobl[n] = 100 * gob / peak;
        printf(
            "%5lld %5lld %5lld | %-17s %7.1f %5.1f%% | %-17s %7.1f "
            "%5.1f%% | %8.1f %5.1f%%\n",
            (long long)M, (long long)K, (long long)N,
            octet_gemm_weights_kernel(w32)->name, g32, pf32[n],
            octet_gemm_weights_kernel(w16)->name, g16, pf16[n], gob, pobl[n]);
        fflush(stdout);
        n++;
      }
      octet_gemm_weights_free(w32);
      octet_gemm_weights_free(w16);
    }
    printf(
        "median %%peak over the %d shapes: f32 %.1f%%, f16w %.1f%%, "
        "OpenBLAS %.1f%%\n",
        n, bench_median(pf32, n), bench_median(pf16, n), bench_median(pobl, n));
    if (mix > 0)
      printf("as %% of the kernel mix from L1: f32 %.1f%%, f16w %.1f%%, OpenBLAS %.1f%%\n",
             bench_median(pf32, n) * peak / mix, bench_median(pf16, n) * peak / mix,
             bench_median(pobl, n) * peak / mix);
  }
  free(A);
  free(C);
  free(W);
  return 0;
}
