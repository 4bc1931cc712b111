/* Benchmark of the w8a8 GEMM (backends/x86/qs8-gemm.h): GOP/s and % of the
 * int8 peak that this program measures with the register-only loops of
 * tools/peaks.h (TDPBUSD at amx, VPDPBUSD zmm at avx512vnni: the instruction
 * of the active level's kernel; the figure `octet bench` reports),
 * and, at avx512vnni, beside the ceiling of the microkernel's instruction
 * mix with its operands in L1 (tools/peaks.h, bench_measure_mix),
 * for M in {128, 256, 512, 1024} x (K, N) in {(1024,1024), (1024,4096),
 * (4096,1024), (384,1536), (1536,384)}, 1 and 2 threads, median of 7 runs.
 * The octet time includes the per-row activation quantization and the fused
 * epilogue (bias). With oneDNN (OCTET_HAVE_ONEDNN), the same shapes through
 * its u8s8->f32 matmul with per-column output scales and bias, weights
 * reordered once into format `any`; its activations are already u8, so its
 * time has no quantization in it; "+quant" adds the time of octet's
 * quantizer alone (what using oneDNN for w8a8 would cost). oneDNN gets the
 * same instruction class as octet's kernel: AMX at level amx, at most
 * AVX512_CORE_VNNI below it (OCTET_ISA=avx512vnni compares the VNNI
 * kernels on an AMX machine) unless --onednn-amx is given. Ratios are
 * octet's speed over the other's.
 *
 * usage: bench-gemm-qs8 [--onednn-amx] [threads...]   (default: 1 2) */
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"
#include "peaks.h"

#include "octet-config.h"
#include "backends/common/gemm.h"
#include "backends/x86/gemm-kernels-x86.h"
#include "core/cpu.h"
#include "core/quant.h"

#if OCTET_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

#define RUNS 7
#define MIN_SAMPLE_S 0.01

/* ---- runs -------------------------------------------------------------------- */

static void fill(float *x, size_t n, unsigned seed, float amp) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = amp * ((float)(seed >> 8) / 16777216.0f * 2.0f - 1.0f);
  }
}

/* Seconds per call: the median and the best of RUNS samples of at least
 * MIN_SAMPLE_S each. */
typedef struct timing {
  double median, best;
} timing;
typedef void (*run_fn)(void *ctx);
static timing time_runs(run_fn fn, void *ctx) {
  fn(ctx); /* warm up */
  double t0 = bench_now();
  fn(ctx);
  double one = bench_now() - t0;
  int reps = one > 0 && one < MIN_SAMPLE_S ? (int)(MIN_SAMPLE_S / one) + 1 : 1;
  double s[RUNS];
  for (int r = 0; r < RUNS; r++) {
    t0 = bench_now();
    for (int i = 0; i < reps; i++) fn(ctx);
    s[r] = (bench_now() - t0) / reps;
  }
  qsort(s, RUNS, sizeof s[0], bench_cmp_double);
  return (timing){s[RUNS / 2], s[0]};
}

typedef struct octet_run {
  const octet_gemm_weights *w;
  int64_t M;
  const float *A;
  float *C;
  octet_gemm_epilogue ep;
  void *scratch;
  int threads;
} octet_run;

static void octet_call(void *p) {
  octet_run *r = p;
  int64_t K = octet_gemm_weights_k(r->w), N = octet_gemm_weights_n(r->w);
  if (octet_gemm(r->w, r->M, r->A, false, K, r->C, false, N, &r->ep, r->scratch,
                 r->threads) != OCTET_OK) {
    fprintf(stderr, "octet_gemm failed: %s\n", octet_last_error());
    exit(1);
  }
}

#if OCTET_HAVE_ONEDNN
/* The activation quantization alone (what using oneDNN would add). */
typedef struct quant_run {
  const octet_gemm_kernel *kern;
  const float *A;
  size_t M, K;
  uint8_t *q;
  float *scale;
  int threads;
} quant_run;

static void quant_call(void *p) {
  const quant_run *r = p;
  const size_t ldq = (r->K + 3) / 4 * 4;
#pragma omp parallel for num_threads(r->threads)
  for (int t = 0; t < r->threads; t++) {
    size_t m0 = r->M * (size_t)t / (size_t)r->threads;
    size_t m1 = r->M * (size_t)(t + 1) / (size_t)r->threads;
    r->kern->quantize(r->A + m0 * r->K, m1 - m0, r->K, r->K, r->q + m0 * ldq,
                      ldq, r->scale + m0);
  }
}

#define DNNL_CHECK(x)                                                   \
  do {                                                                  \
    dnnl_status_t st_ = (x);                                            \
    if (st_ != dnnl_success) {                                          \
      fprintf(stderr, "oneDNN error %d at %s:%d\n", (int)st_, __FILE__, \
              __LINE__);                                                \
      exit(1);                                                          \
    }                                                                   \
  } while (0)

typedef struct dnnl_run {
  dnnl_engine_t eng;
  dnnl_stream_t stream;
  dnnl_primitive_t prim;
  dnnl_exec_arg_t args[4];
  dnnl_memory_t mem[5];
  int threads;
} dnnl_run;

static void dnnl_call(void *p) {
  dnnl_run *r = p;
  omp_set_num_threads(r->threads);
  DNNL_CHECK(dnnl_primitive_execute(r->prim, r->stream, 4, r->args));
  DNNL_CHECK(dnnl_stream_wait(r->stream));
}

/* u8 A [M,K] x s8 W [K,N] -> f32, per-column scales, bias; W reordered once. */
static void dnnl_setup(dnnl_run *r, int64_t M, int64_t K, int64_t N,
                       const float *wf, const float *bias, int threads) {
  memset(r, 0, sizeof *r);
  r->threads = threads;
  DNNL_CHECK(dnnl_engine_create(&r->eng, dnnl_cpu, 0));
  DNNL_CHECK(dnnl_stream_create(&r->stream, r->eng, dnnl_stream_default_flags));
  dnnl_dims_t ad = {M, K}, wd = {K, N}, cd = {M, N}, bd = {1, N};
  dnnl_memory_desc_t a_md, w_md, wany_md, c_md, b_md;
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&a_md, 2, ad, dnnl_u8, dnnl_ab));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&w_md, 2, wd, dnnl_s8, dnnl_ab));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&wany_md, 2, wd, dnnl_s8,
                                          dnnl_format_tag_any));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&c_md, 2, cd, dnnl_f32, dnnl_ab));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&b_md, 2, bd, dnnl_f32, dnnl_ab));
  dnnl_matmul_desc_t md;
  DNNL_CHECK(dnnl_matmul_desc_init(&md, &a_md, &wany_md, &b_md, &c_md));
  float *scales = malloc((size_t)N * sizeof *scales);
  int8_t *wq = malloc((size_t)(K * N));
  octet_q8_quantize_weights(wf, K, N, wq, scales);
  dnnl_primitive_attr_t attr;
  DNNL_CHECK(dnnl_primitive_attr_create(&attr));
  DNNL_CHECK(dnnl_primitive_attr_set_output_scales(attr, N, 1 << 1, scales));
  dnnl_primitive_desc_t pd;
  DNNL_CHECK(dnnl_primitive_desc_create(&pd, &md, attr, r->eng, NULL));
  const dnnl_memory_desc_t *w_packed = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
  DNNL_CHECK(dnnl_primitive_create(&r->prim, pd));

  uint8_t *aq = malloc((size_t)(M * K));
  for (int64_t i = 0; i < M * K; i++) aq[i] = (uint8_t)(i * 2654435761u >> 24);
  DNNL_CHECK(dnnl_memory_create(&r->mem[0], &a_md, r->eng, DNNL_MEMORY_ALLOCATE));
  DNNL_CHECK(dnnl_memory_create(&r->mem[1], &w_md, r->eng, wq));
  DNNL_CHECK(dnnl_memory_create(&r->mem[2], w_packed, r->eng, DNNL_MEMORY_ALLOCATE));
  DNNL_CHECK(dnnl_memory_create(&r->mem[3], &b_md, r->eng, DNNL_MEMORY_ALLOCATE));
  DNNL_CHECK(dnnl_memory_create(&r->mem[4], &c_md, r->eng, DNNL_MEMORY_ALLOCATE));
  void *h;
  DNNL_CHECK(dnnl_memory_get_data_handle(r->mem[0], &h));
  memcpy(h, aq, (size_t)(M * K));
  DNNL_CHECK(dnnl_memory_get_data_handle(r->mem[3], &h));
  memcpy(h, bias, (size_t)N * sizeof(float));

  dnnl_primitive_desc_t rpd;
  dnnl_primitive_t reorder;
  DNNL_CHECK(dnnl_reorder_primitive_desc_create(&rpd, &w_md, r->eng, w_packed, r->eng, NULL));
  DNNL_CHECK(dnnl_primitive_create(&reorder, rpd));
  dnnl_exec_arg_t rargs[2] = {{DNNL_ARG_FROM, r->mem[1]}, {DNNL_ARG_TO, r->mem[2]}};
  DNNL_CHECK(dnnl_primitive_execute(reorder, r->stream, 2, rargs));
  DNNL_CHECK(dnnl_stream_wait(r->stream));
  dnnl_primitive_destroy(reorder);
  dnnl_primitive_desc_destroy(rpd);
  dnnl_primitive_desc_destroy(pd);
  dnnl_primitive_attr_destroy(attr);

  r->args[0] = (dnnl_exec_arg_t){DNNL_ARG_SRC, r->mem[0]};
  r->args[1] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, r->mem[2]};
  r->args[2] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, r->mem[3]};
  r->args[3] = (dnnl_exec_arg_t){DNNL_ARG_DST, r->mem[4]};
  free(aq), free(scales), free(wq);
}

static void dnnl_teardown(dnnl_run *r) {
  dnnl_primitive_destroy(r->prim);
  for (int i = 0; i < 5; i++) dnnl_memory_destroy(r->mem[i]);
  dnnl_stream_destroy(r->stream);
  dnnl_engine_destroy(r->eng);
}
#endif

static double median_of(double *x, int n) {
  qsort(x, (size_t)n, sizeof x[0], bench_cmp_double);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

int main(int argc, char **argv) {
  static const int64_t Ms[] = {128, 256, 512, 1024};
  static const int64_t KN[][2] = {{1024, 1024}, {1024, 4096}, {4096, 1024},
                                  {384, 1536},  {1536, 384}};
  int threads_list[8] = {1, 2}, nthreads = 0, amx = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--onednn-amx") == 0)
      amx = 1;
    else if (nthreads < 8 && atoi(argv[i]) > 0)
      threads_list[nthreads++] = atoi(argv[i]);
  }
  if (nthreads == 0) nthreads = 2;
  const octet_isa isa = octet_isa_active();
  if (isa == OCTET_ISA_AMX) amx = 1;
  printf("qs8 GEMM benchmark  cpu: %s  isa: %s\n", octet_cpu()->brand,
         octet_isa_name(isa));
#if OCTET_HAVE_ONEDNN
  if (!amx && dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx512_core_vnni) != dnnl_success)
    printf("oneDNN: could not limit the ISA\n");
  printf("oneDNN %d.%d: u8s8->f32 matmul, ISA %s (no activation quantization in "
         "its time)\n", dnnl_version()->major, dnnl_version()->minor,
         amx ? "any (AMX allowed)" : "<= avx512_core_vnni");
#else
  (void)amx;
  printf("oneDNN: not built in\n");
#endif
  double total_t0 = bench_now();
  for (int ti = 0; ti < nthreads; ti++) {
    int th = threads_list[ti];
    bench_peaks pk;
    bench_measure_peaks(th, &pk);
    bench_measure_mix(th, &pk);
    const double peak = pk.int8_gops, mix = pk.int8_mix_gops;
    printf("\nthreads %d: int8 peak %.0f GOP/s (%.0f per core, %s)\n", th, peak,
           peak / th, pk.int8_how);
    if (mix > 0)
      printf("kernel mix from L1 (%s): %.0f GOP/s = %.1f%% of peak\n", pk.int8_mix_how,
             mix, peak > 0 ? 100 * mix / peak : 0);
    printf("%5s %5s %5s  %-21s %7s %6s %6s", "M", "K", "N", "kernel", "GOP/s",
           "%peak", "best");
    if (OCTET_HAVE_ONEDNN) printf(" %7s %6s %7s", "oneDNN", "ratio", "+quant");
    printf("\n");
    double pct[64], best[64], ratio[64], ratio_q[64];
    int np = 0;
    for (size_t s = 0; s < sizeof KN / sizeof KN[0]; s++) {
      int64_t K = KN[s][0], N = KN[s][1];
      float *wf = malloc((size_t)(K * N) * sizeof *wf);
      float *bias = malloc((size_t)N * sizeof *bias);
      fill(wf, (size_t)(K * N), 7u + (unsigned)s, 0.05f);
      fill(bias, (size_t)N, 11u, 0.1f);
      octet_gemm_weights *w;
      if (octet_gemm_pack(octet_x86_gemm_kernel(OCTET_GEMM_W_Q8, isa), wf, false, K, N, &w) !=
          OCTET_OK) {
        fprintf(stderr, "pack failed: %s\n", octet_last_error());
        return 1;
      }
      for (size_t mi = 0; mi < sizeof Ms / sizeof Ms[0]; mi++) {
        int64_t M = Ms[mi];
        float *A = malloc((size_t)(M * K) * sizeof *A);
        float *C = malloc((size_t)(M * N) * sizeof *C);
        fill(A, (size_t)(M * K), 3u + (unsigned)mi, 1.0f);
        void *scratch = aligned_alloc(64, octet_gemm_scratch_bytes(w, M, th) / 64 * 64 + 64);
        octet_run r = {w, M, A, C, {bias, NULL, 0, OCTET_ACT_NONE, NULL}, scratch, th};
        timing t = time_runs(octet_call, &r);
        double ops = 2.0 * (double)M * (double)K * (double)N;
        double g = ops / t.median / 1e9;
        pct[np] = peak > 0 ? 100 * g / peak : 0;
        best[np] = peak > 0 ? 100 * ops / t.best / 1e9 / peak : 0;
        printf("%5lld %5lld %5lld  %-21s %7.1f %5.1f%% %5.1f%%", (long long)M,
               (long long)K, (long long)N, octet_gemm_weights_kernel(w)->name, g, pct[np],
               best[np]);
#if OCTET_HAVE_ONEDNN
        dnnl_run d;
        dnnl_setup(&d, M, K, N, wf, bias, th);
        timing td = time_runs(dnnl_call, &d);
        dnnl_teardown(&d);
        quant_run qr = {octet_gemm_weights_kernel(w), A, (size_t)M, (size_t)K,
                        malloc((size_t)(M * ((K + 3) / 4 * 4))),
                        malloc((size_t)M * sizeof(float)), th};
        timing tq = time_runs(quant_call, &qr);
        free(qr.q), free(qr.scale);
        ratio[np] = td.median / t.median;
        ratio_q[np] = (td.median + tq.median) / t.median;
        printf(" %7.1f %5.2fx %6.2fx", ops / td.median / 1e9, ratio[np], ratio_q[np]);
#else
        ratio[np] = ratio_q[np] = 0;
#endif
        np++;
        printf("\n");
        fflush(stdout);
        free(A), free(C), free(scratch);
      }
      octet_gemm_weights_free(w);
      free(wf), free(bias);
    }
    printf("threads %d: median over shapes %.1f%% of peak (best runs %.1f%%)", th,
           median_of(pct, np), median_of(best, np));
    if (mix > 0) printf(", %.1f%% of the kernel mix", median_of(pct, np) * peak / mix);
    if (OCTET_HAVE_ONEDNN)
      printf(", octet/oneDNN %.2fx, octet/(oneDNN + quantization) %.2fx",
             median_of(ratio, np), median_of(ratio_q, np));
    printf("\n");
  }
  printf("\n(total %.1f s)\n", bench_now() - total_t0);
  return 0;
}
