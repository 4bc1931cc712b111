/* Throughput of the vectorised x86 non-GEMM microkernels (vec-ukernels.h)
 * next to the portable scalar code of core/vmath.h (what the ref backend
 * runs) and the machine's own copy bandwidth, at two working-set sizes: one
 * that stays in L2 and one far larger than L2. GB/s counts bytes read plus
 * bytes written; median of 7 timed runs. Standalone: built from this file,
 * the vec-*.c kernels and the core (see the meson lines in the report). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"

#include "core/cpu.h"
#include "core/ir.h"
#include "core/vmath.h"
#include "backends/x86/vec-ukernels.h"

/* One benchmarked operation over a buffer of n elements in rows of len. */
typedef struct job {
  const char *name;
  int kind; /* 0 unary, 1 binary (b = row), 2 softmax, 3 layernorm,
               4 softmax on rows whose last quarter is masked with -1e4 */
  size_t in_es, out_es;
  void (*un)(size_t, const void *, void *);
  void (*bin)(size_t, const void *, const void *, void *);
  void (*ln)(size_t, const void *, const void *, const void *, float, void *);
} job;

static void *g_x, *g_y, *g_p; /* input, output, per-row parameter */
static void *g_xh, *g_ph;     /* the same values as halves */
static void *g_xm;            /* g_x with the last quarter of rows -1e4 */

static void run_job(const job *j, size_t n, size_t len, int threads) {
  size_t rows = n / len;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t r = 0; r < rows; r++) {
    const char *x = (const char *)(j->kind == 4    ? g_xm
                                   : j->in_es == 2 ? g_xh
                                                   : g_x) +
                    r * len * j->in_es;
    const void *p = j->in_es == 2 ? g_ph : g_p;
    char *y = (char *)g_y + r * len * j->out_es;
    switch (j->kind) {
      case 0:
        j->un(len, x, y);
        break;
      case 1:
        j->bin(len, x, p, y);
        break;
      case 2:
      case 4:
        j->un(len, x, y);
        break;
      default:
        j->ln(len, x, p, p, 1e-5f, y);
        break;
    }
  }
}

/* Median GB/s of 7 runs, each repeated for >= 20 ms. */
static double measure(const job *j, size_t n, size_t len, int threads) {
  double bytes = (double)n * (double)(j->in_es + j->out_es);
  run_job(j, n, len, threads);
  double t0 = bench_now();
  int reps = 0;
  do {
    run_job(j, n, len, threads);
    reps++;
  } while (bench_now() - t0 < 0.02);
  double r[7];
  for (int k = 0; k < 7; k++) {
    double s = bench_now();
    for (int i = 0; i < reps; i++) run_job(j, n, len, threads);
    r[k] = bytes * reps / (bench_now() - s) * 1e-9;
  }
  qsort(r, 7, sizeof r[0], bench_cmp_double);
  return r[3];
}

/* ---- scalar references (the ref backend's per-element code) ---- */

static void s_gelu(size_t n, const void *x, void *y) {
  for (size_t i = 0; i < n; i++)
    ((float *)y)[i] = vm_gelu(((const float *)x)[i]);
}
static void s_gelu_tanh(size_t n, const void *x, void *y) {
  for (size_t i = 0; i < n; i++)
    ((float *)y)[i] = vm_gelu_tanh(((const float *)x)[i]);
}
static void s_sigmoid(size_t n, const void *x, void *y) {
  for (size_t i = 0; i < n; i++)
    ((float *)y)[i] = vm_sigmoid(((const float *)x)[i]);
}
static void s_softmax(size_t n, const void *xv, void *yv) {
  const float *x = xv;
  float *y = yv, acc[VM_LANES];
  for (int l = 0; l < VM_LANES; l++) acc[l] = -INFINITY;
  for (size_t i = 0; i < n; i++) acc[i % 16] = vm_max(acc[i % 16], x[i]);
  float m = vm_hmax16(acc);
  for (int l = 0; l < VM_LANES; l++) acc[l] = 0.0f;
  for (size_t i = 0; i < n; i++) {
    y[i] = vm_exp(x[i] - m);
    acc[i % 16] = acc[i % 16] + y[i];
  }
  float inv = 1.0f / vm_hsum16(acc);
  for (size_t i = 0; i < n; i++) y[i] = y[i] * inv;
}
static void s_copy(size_t n, const void *x, void *y) {
  memcpy(y, x, n * sizeof(float));
}

#define U(nm, es_in, es_out, f) \
  { nm, 0, es_in, es_out, f, NULL, NULL }
#define B(nm, es, f) \
  { nm, 1, es, es, NULL, f, NULL }
#define SM(nm, f) \
  { nm, 4, 4, 4, f, NULL, NULL }
#define S(nm, es, f) \
  { nm, 2, es, es, f, NULL, NULL }
#define L(nm, es, f) \
  { nm, 3, es, es, NULL, NULL, f }

static void print_isa(const char *isa, const job *jobs, size_t nj, size_t n_l2,
                      size_t n_big, double bw_l2, double bw_big[2]) {
  printf("\n%s  (GB/s = bytes read + written per second; %% of copy BW)\n",
         isa);
  printf("%-26s %6s | %9s %6s | %9s %6s | %9s %6s\n", "kernel", "row", "L2 1T",
         "%", "big 1T", "%", "big 2T", "%");
  for (size_t i = 0; i < nj; i++) {
    const job *j = &jobs[i];
    size_t len = j->kind >= 2 ? 384 : j->kind == 1 ? 1536 : 4096;
    double a = measure(j, n_l2, len, 1), b = measure(j, n_big, len, 1),
           c = measure(j, n_big, len, 2);
    printf("%-26s %6zu | %9.1f %5.0f%% | %9.1f %5.0f%% | %9.1f %5.0f%%\n",
           j->name, len, a, 100 * a / bw_l2, b, 100 * b / bw_big[0], c,
           100 * c / bw_big[1]);
    fflush(stdout);
  }
}

int main(void) {
  /* L2-resident: 64K elements (<= 512 KB in + out); big: 16M (64 MB f32
   * in), beyond L2 (this machine's L3 may still hold it). */
  const size_t n_l2 = 65536, n_big = (size_t)16 << 20;
  g_x = aligned_alloc(64, n_big * 4);
  g_y = aligned_alloc(64, n_big * 4);
  g_p = aligned_alloc(64, 4096 * 4);
  float *xf = g_x;
  for (size_t i = 0; i < n_big; i++)
    xf[i] = (float)((i * 2654435761u) % 2000) * 0.004f - 4.0f;
  for (size_t i = 0; i < 4096; i++) ((float *)g_p)[i] = 1.0f + 1e-3f * i;
  g_xm = aligned_alloc(64, n_big * 4);
  for (size_t i = 0; i < n_big; i++)
    ((float *)g_xm)[i] = i % 384 >= 288 ? -10000.0f : xf[i];
  g_xh = aligned_alloc(64, n_big * 2);
  g_ph = aligned_alloc(64, 4096 * 2);
  for (size_t i = 0; i < n_big; i++)
    ((uint16_t *)g_xh)[i] = octet_fp32_to_fp16(xf[i]);
  for (size_t i = 0; i < 4096; i++)
    ((uint16_t *)g_ph)[i] = octet_fp32_to_fp16(((float *)g_p)[i]);
  const job copy = U("memcpy (bandwidth)", 4, 4, s_copy);
  double bw_l2 = measure(&copy, n_l2, 4096, 1);
  double bw_big[2] = {measure(&copy, n_big, 4096, 1),
                      measure(&copy, n_big, 4096, 2)};
  printf("copy bandwidth: L2 %.1f GB/s, big 1T %.1f GB/s, big 2T %.1f GB/s\n",
         bw_l2, bw_big[0], bw_big[1]);
  const job scalar[] = {
      U("gelu f32 scalar (ref)", 4, 4, s_gelu),
      U("gelu tanh f32 scalar (ref)", 4, 4, s_gelu_tanh),
      U("sigmoid f32 scalar (ref)", 4, 4, s_sigmoid),
      S("softmax f32 scalar (ref)", 4, s_softmax),
  };
  print_isa("scalar vmath (what OCTET_ISA=ref runs)", scalar, 4, n_l2, n_big,
            bw_l2, bw_big);
  if (octet_isa_supported(OCTET_ISA_AVX2)) {
    const job j[] = {
        S("softmax f32 avx2", 4, octet_f32_softmax_ukernel__avx2),
        SM("softmax f32 masked avx2", octet_f32_softmax_ukernel__avx2),
        S("softmax f16 avx2", 2, octet_f16_softmax_ukernel__avx2),
        L("layernorm f32 avx2", 4, octet_f32_layernorm_ukernel__avx2),
        L("layernorm f16 avx2", 2, octet_f16_layernorm_ukernel__avx2),
        U("gelu f32 avx2", 4, 4, octet_f32_vgelu_ukernel__avx2),
        U("gelu f16 avx2", 2, 2, octet_f16_vgelu_ukernel__avx2),
        U("gelu tanh f32 avx2", 4, 4, octet_f32_vgelutanh_ukernel__avx2),
        U("erf f32 avx2", 4, 4, octet_f32_verf_ukernel__avx2),
        U("tanh f32 avx2", 4, 4, octet_f32_vtanh_ukernel__avx2),
        U("sigmoid f32 avx2", 4, 4, octet_f32_vsigmoid_ukernel__avx2),
        U("relu f32 avx2", 4, 4, octet_f32_vrelu_ukernel__avx2),
        B("add row f32 avx2", 4, octet_f32_vadd_ukernel__avx2),
        B("mul row f16 avx2", 2, octet_f16_vmul_ukernel__avx2),
        U("cast f32->f16 avx2", 4, 2, octet_f32_f16_vcvt_ukernel__avx2),
        U("cast f16->f32 avx2", 2, 4, octet_f16_f32_vcvt_ukernel__avx2),
    };
    print_isa("AVX2", j, sizeof j / sizeof j[0], n_l2, n_big, bw_l2, bw_big);
  } else {
    printf("SKIP avx2: CPU lacks avx2\n");
  }
  if (octet_isa_supported(OCTET_ISA_AVX512)) {
    const job j[] = {
        S("softmax f32 avx512", 4, octet_f32_softmax_ukernel__avx512),
        SM("softmax f32 masked avx512", octet_f32_softmax_ukernel__avx512),
        S("softmax f16 avx512", 2, octet_f16_softmax_ukernel__avx512),
        L("layernorm f32 avx512", 4, octet_f32_layernorm_ukernel__avx512),
        L("layernorm f16 avx512", 2, octet_f16_layernorm_ukernel__avx512),
        U("gelu f32 avx512", 4, 4, octet_f32_vgelu_ukernel__avx512),
        U("gelu f16 avx512", 2, 2, octet_f16_vgelu_ukernel__avx512),
        U("gelu tanh f32 avx512", 4, 4, octet_f32_vgelutanh_ukernel__avx512),
        U("erf f32 avx512", 4, 4, octet_f32_verf_ukernel__avx512),
        U("tanh f32 avx512", 4, 4, octet_f32_vtanh_ukernel__avx512),
        U("sigmoid f32 avx512", 4, 4, octet_f32_vsigmoid_ukernel__avx512),
        U("relu f32 avx512", 4, 4, octet_f32_vrelu_ukernel__avx512),
        B("add row f32 avx512", 4, octet_f32_vadd_ukernel__avx512),
        B("mul row f16 avx512", 2, octet_f16_vmul_ukernel__avx512),
        U("cast f32->f16 avx512", 4, 2, octet_f32_f16_vcvt_ukernel__avx512),
        U("cast f16->f32 avx512", 2, 4, octet_f16_f32_vcvt_ukernel__avx512),
    };
    print_isa("AVX-512", j, sizeof j / sizeof j[0], n_l2, n_big, bw_l2, bw_big);
  } else {
    printf("SKIP avx512: CPU lacks avx512\n");
  }
  free(g_x);
  free(g_y);
  free(g_p);
  free(g_xh);
  free(g_xm);
  free(g_ph);
  return 0;
}
