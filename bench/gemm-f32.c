/* Benchmark of the fp32 and fp16-weight GEMM (backends/x86/f32-gemm.h):
 * GFLOP/s and % of the fp32 FMA peak that this program measures with a
 * register-only loop (zmm when the CPU has AVX-512, else ymm), for M in
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

#include "core/cpu.h"
#include "x86/f32-gemm.h"

#define RUNS 7
#define MIN_SAMPLE_S 0.005

/* ---- peak: 12 independent FMA chains (latency 4 × 2 ports), registers -- */

__attribute__((target("avx512f"), noinline)) static float peak_zmm(long iters,
                                                                   float seed) {
  __m512 x = _mm512_set1_ps(seed), y = _mm512_set1_ps(1e-7f);
  __m512 a0 = _mm512_set1_ps(0), a1 = _mm512_set1_ps(1);
  __m512 a2 = _mm512_set1_ps(2), a3 = _mm512_set1_ps(3);
  __m512 a4 = _mm512_set1_ps(4), a5 = _mm512_set1_ps(5);
  __m512 a6 = _mm512_set1_ps(6), a7 = _mm512_set1_ps(7);
  __m512 a8 = _mm512_set1_ps(8), a9 = _mm512_set1_ps(9);
  __m512 a10 = _mm512_set1_ps(10), a11 = _mm512_set1_ps(11);
  for (long i = 0; i < iters; i++) {
    a0 = _mm512_fmadd_ps(a0, x, y), a1 = _mm512_fmadd_ps(a1, x, y);
    a2 = _mm512_fmadd_ps(a2, x, y), a3 = _mm512_fmadd_ps(a3, x, y);
    a4 = _mm512_fmadd_ps(a4, x, y), a5 = _mm512_fmadd_ps(a5, x, y);
    a6 = _mm512_fmadd_ps(a6, x, y), a7 = _mm512_fmadd_ps(a7, x, y);
    a8 = _mm512_fmadd_ps(a8, x, y), a9 = _mm512_fmadd_ps(a9, x, y);
    a10 = _mm512_fmadd_ps(a10, x, y), a11 = _mm512_fmadd_ps(a11, x, y);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
  s = _mm512_add_ps(
      s, _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(
      s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"), noinline)) static float peak_ymm(
    long iters, float seed) {
  __m256 x = _mm256_set1_ps(seed), y = _mm256_set1_ps(1e-7f);
  __m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1);
  __m256 a2 = _mm256_set1_ps(2), a3 = _mm256_set1_ps(3);
  __m256 a4 = _mm256_set1_ps(4), a5 = _mm256_set1_ps(5);
  __m256 a6 = _mm256_set1_ps(6), a7 = _mm256_set1_ps(7);
  __m256 a8 = _mm256_set1_ps(8), a9 = _mm256_set1_ps(9);
  __m256 a10 = _mm256_set1_ps(10), a11 = _mm256_set1_ps(11);
  for (long i = 0; i < iters; i++) {
    a0 = _mm256_fmadd_ps(a0, x, y), a1 = _mm256_fmadd_ps(a1, x, y);
    a2 = _mm256_fmadd_ps(a2, x, y), a3 = _mm256_fmadd_ps(a3, x, y);
    a4 = _mm256_fmadd_ps(a4, x, y), a5 = _mm256_fmadd_ps(a5, x, y);
    a6 = _mm256_fmadd_ps(a6, x, y), a7 = _mm256_fmadd_ps(a7, x, y);
    a8 = _mm256_fmadd_ps(a8, x, y), a9 = _mm256_fmadd_ps(a9, x, y);
    a10 = _mm256_fmadd_ps(a10, x, y), a11 = _mm256_fmadd_ps(a11, x, y);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3));
  s = _mm256_add_ps(
      s, _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(
      s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float f[8];
  _mm256_storeu_ps(f, s);
  return f[0];
}

/* GFLOP/s of the register-only loop on `threads` threads, median of RUNS. */
static double measure_peak(int threads, bool zmm) {
  const long iters = 20 * 1000 * 1000;
  const double flops_per_iter = 12.0 * 2.0 * (zmm ? 16 : 8);
  double v[RUNS];
  volatile float sink = 0;
  for (int r = 0; r < RUNS; r++) {
    double t = bench_now();
#pragma omp parallel num_threads(threads)
    {
      float s = zmm ? peak_zmm(iters, 0.999999f) : peak_ymm(iters, 0.999999f);
      if (s == 12345.0f) sink = s;
    }
    t = bench_now() - t;
    v[r] = threads * iters * flops_per_iter / t * 1e-9;
  }
  (void)sink;
  return bench_median(v, RUNS);
}

/* ---- timing -------------------------------------------------------------- */

typedef struct bench_case {
  int64_t M, K, N;
  int threads;
  const float *A;
  float *C;
  const float *W;             /* for OpenBLAS */
  const octet_f32_weights *w; /* for octet, NULL for OpenBLAS */
  void *scratch;
} bench_case;

static void run_once(const bench_case *c) {
  if (c->w) {
    octet_status s = octet_f32_gemm(c->w, c->M, c->A, c->K, c->C, c->N, false,
                                    NULL, c->scratch, c->threads);
    if (s != OCTET_OK) {
      fprintf(stderr, "octet_f32_gemm: %s\n", octet_last_error());
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
  const bool zmm = isa == OCTET_ISA_AVX512 || isa == OCTET_ISA_AVX512VNNI;

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
    const double peak = measure_peak(threads, zmm);
    openblas_set_num_threads(threads);
    printf("\nthreads %d: peak (register-only %s FMA) %.1f GFLOP/s\n", threads,
           zmm ? "zmm" : "ymm", peak);
    printf("%5s %5s %5s | %-17s %7s %6s | %-17s %7s %6s | %8s %6s\n", "M", "K",
           "N", "kernel", "GFLOP/s", "%peak", "kernel", "GFLOP/s", "%peak",
           "OpenBLAS", "%peak");
    double pf32[20], pf16[20], pobl[20];
    int n = 0;
    for (int s = 0; s < nKN; s++) {
      const int64_t K = KN[s][0], N = KN[s][1];
      octet_f32_weights *w32 = NULL, *w16 = NULL;
      if (octet_f32_weights_pack(W, K, N, OCTET_WEIGHTS_F32, isa, &w32) ||
          octet_f32_weights_pack(W, K, N, OCTET_WEIGHTS_F16, isa, &w16)) {
        fprintf(stderr, "pack: %s\n", octet_last_error());
        return 1;
      }
      for (int mi = 0; mi < nM; mi++) {
        const int64_t M = Ms[mi];
        size_t sb = octet_f32_scratch_bytes(w32, M, threads);
        size_t sb16 = octet_f32_scratch_bytes(w16, M, threads);
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
            octet_f32_kernel_name(w32), g32, pf32[n],
            octet_f32_kernel_name(w16), g16, pf16[n], gob, pobl[n]);
        fflush(stdout);
        n++;
      }
      octet_f32_weights_free(w32);
      octet_f32_weights_free(w16);
    }
    printf(
        "median %%peak over the %d shapes: f32 %.1f%%, f16w %.1f%%, "
        "OpenBLAS %.1f%%\n",
        n, bench_median(pf32, n), bench_median(pf16, n), bench_median(pobl, n));
  }
  free(A);
  free(C);
  free(W);
  return 0;
}
