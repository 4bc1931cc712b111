/* Tests of the x86 w8a8 GEMM (backends/x86/qs8-gemm.h through the driver of
 * backends/common/gemm.h): every ISA's quantizer and microkernel must give
 * bit-identical results to the oracle (gemm-oracle.h, core/quant.h's rules), over shape sweeps
 * around each kernel's MR and NR, K below/at/above the unroll and the
 * quantizer's 64-value step, strided A and C, every epilogue, 1-3 threads.
 * A kernel whose ISA the CPU lacks is skipped ("SKIP ..."), not failed. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/x86/gemm-kernels-x86.h"
#include "backends/x86/qs8-gemm.h"
#include "core/cpu.h"
#include "core/ir.h"
#include "core/quant.h"
#include "core/vmath.h"
#include "gemm-oracle.h"

static const octet_isa kernel_isas[] = {OCTET_ISA_REF, OCTET_ISA_AVX2,
                                        OCTET_ISA_AVXVNNI, OCTET_ISA_AVX512VNNI,
                                        OCTET_ISA_AMX};
#define N_KERNELS (sizeof kernel_isas / sizeof kernel_isas[0])

static unsigned rng_state = 12345;
static float frand(void) { /* [-1, 1) */
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)(rng_state >> 8) / 8388608.0f - 1.0f;
}
static void fill(float *x, size_t n, float amp) {
  for (size_t i = 0; i < n; i++) x[i] = amp * frand();
}

static int skip(octet_isa isa, const char *what) {
  if (octet_isa_supported(isa)) return 0;
  printf("SKIP %s: CPU lacks %s\n", what, octet_isa_name(isa));
  return 1;
}

/* The w8a8 kernel of a level (NULL when the CPU lacks it). */
static const octet_gemm_kernel *kernel_for(octet_isa isa) {
  return octet_x86_gemm_kernel(OCTET_GEMM_W_Q8, isa);
}

/* Packs w for the kernel of `isa`. */
static octet_status pack(const float *w, int64_t K, int64_t N, octet_isa isa,
                         octet_gemm_weights **pw) {
  const octet_gemm_kernel *k = kernel_for(isa);
  ck_assert_ptr_nonnull(k);
  return octet_gemm_pack(k, w, false, K, N, pw);
}

static octet_status gemm(const octet_gemm_weights *pw, int64_t M, const float *A, int64_t lda,
                         float *C, int64_t ldc, const octet_gemm_epilogue *ep, void *scratch,
                         int threads) {
  return octet_gemm(pw, M, A, false, lda, C, false, ldc, ep, scratch, threads);
}

static const char *kernel_name(const octet_gemm_weights *pw) {
  return octet_gemm_weights_kernel(pw)->name;
}

static void *xmalloc(size_t n) {
  void *p = aligned_alloc(64, (n + 63) / 64 * 64 + 64);
  ck_assert_ptr_nonnull(p);
  return p;
}

/* ---- activation quantizers ------------------------------------------------ */

typedef struct quantizer {
  const char *name;
  octet_isa isa;
  octet_gemm_quantize_fn fn;
} quantizer;
static const quantizer quantizers[] = {
    {"octet_qs8_quantize_rows__avx2", OCTET_ISA_AVX2, octet_qs8_quantize_rows__avx2},
    {"octet_qs8_quantize_rows__avx512", OCTET_ISA_AVX512, octet_qs8_quantize_rows__avx512},
};

/* The portable quantizer (core/quant.h) on hand-checked rows. */
START_TEST(quantize_scalar_values) {
  uint8_t q[8];
  float s;
  memset(q, 0xEE, sizeof q);
  const float a[5] = {1.0f, -0.5f, 0.25f, -1.0f, 0.0f}; /* inv = 127 */
  octet_q8_quantize_rows_u8(a, 1, 5, 5, q, 8, &s);
  ck_assert_float_eq(s, 1.0f / 127.0f);
  /* 127, -63.5 -> -64 (ties to even), 31.75 -> 32, -127, 0; each + 128 */
  const uint8_t want[8] = {255, 64, 160, 1, 128, 128, 128, 128};
  ck_assert_mem_eq(q, want, 8);
  /* a zero row: scale 1, all 128 */
  const float z[3] = {0.0f, -0.0f, 0.0f};
  octet_q8_quantize_rows_u8(z, 1, 3, 3, q, 8, &s);
  ck_assert_float_eq(s, 1.0f);
  ck_assert_uint_eq(q[0], 128); ck_assert_uint_eq(q[1], 128);
  ck_assert_uint_eq(q[2], 128); ck_assert_uint_eq(q[3], 128);
  /* 127 / amax overflows: treated as a zero row */
  const float tiny[2] = {1e-38f, -2e-39f};
  octet_q8_quantize_rows_u8(tiny, 1, 2, 2, q, 8, &s);
  ck_assert_float_eq(s, 1.0f);
  ck_assert_uint_eq(q[0], 128); ck_assert_uint_eq(q[1], 128);
  /* NaN is ignored by the max and quantizes to -127 */
  const float n[3] = {NAN, 2.0f, -1.0f};
  octet_q8_quantize_rows_u8(n, 1, 3, 3, q, 8, &s);
  ck_assert_float_eq(s, 2.0f / 127.0f);
  ck_assert_uint_eq(q[0], 1); ck_assert_uint_eq(q[1], 255);
  ck_assert_uint_eq(q[2], 128 - 64); /* -63.5 -> -64 */
}
END_TEST

/* Rows with the awkward values: exact .5 ties, zeros, -0, NaN, inf, tiny and
 * huge magnitudes, denormals. */
static void special_row(float *a, size_t K, int kind) {
  fill(a, K, 3.0f);
  switch (kind) {
    case 0: break;
    case 1: /* ties: amax 127 so inv = 1 and a * inv = a */
      for (size_t k = 0; k < K; k++) a[k] = (float)((int)(k % 254) - 127) + 0.5f;
      a[0] = 127.0f;
      break;
    case 2: memset(a, 0, K * sizeof *a); break;
    case 3: for (size_t k = 0; k < K; k++) a[k] = k % 2 ? -0.0f : 0.0f; break;
    case 4: a[K / 2] = NAN; break;
    case 5: a[K / 3] = INFINITY; break;
    case 6: for (size_t k = 0; k < K; k++) a[k] *= 1e-39f; break;
    case 7: for (size_t k = 0; k < K; k++) a[k] *= 1e37f; break;
    case 8: a[K - 1] = 1000.0f; break; /* the max in the tail */
  }
}

START_TEST(quantize_isa_vs_scalar) {
  static const size_t Ks[] = {1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 32, 33, 63, 64,
                              65, 127, 128, 129, 383, 384, 1537};
  for (size_t qi = 0; qi < sizeof quantizers / sizeof quantizers[0]; qi++) {
    const quantizer *qz = &quantizers[qi];
    if (skip(qz->isa, qz->name)) continue;
    int checked = 0;
    for (size_t ki = 0; ki < sizeof Ks / sizeof Ks[0]; ki++) {
      size_t K = Ks[ki], kp = (K + 3) / 4 * 4, M = 9, lda = K + 5, ldq = kp + 70;
      float *a = xmalloc(M * lda * sizeof *a);
      uint8_t *q0 = xmalloc(M * ldq), *q1 = xmalloc(M * ldq);
      float s0[9], s1[9];
      for (size_t m = 0; m < M; m++) special_row(a + m * lda, K, (int)m);
      memset(q0, 0xEE, M * ldq);
      memset(q1, 0xEE, M * ldq);
      octet_q8_quantize_rows_u8(a, M, K, lda, q0, ldq, s0);
      qz->fn(a, M, K, lda, q1, ldq, s1);
      for (size_t m = 0; m < M; m++) {
        ck_assert_msg(memcmp(q0 + m * ldq, q1 + m * ldq, ldq) == 0,
                      "%s: K %zu row %zu differs from scalar", qz->name, K, m);
        ck_assert_msg(memcmp(&s0[m], &s1[m], sizeof(float)) == 0,
                      "%s: K %zu row %zu scale %g vs %g", qz->name, K, m,
                      (double)s1[m], (double)s0[m]);
        for (size_t k = K; k < kp; k++) ck_assert_uint_eq(q1[m * ldq + k], 128);
        for (size_t k = kp; k < ldq; k++) ck_assert_uint_eq(q1[m * ldq + k], 0xEE);
        checked++;
      }
      free(a), free(q0), free(q1);
    }
    ck_assert_int_eq(checked, (int)(9 * sizeof Ks / sizeof Ks[0]));
  }
}
END_TEST

/* ---- weights ------------------------------------------------------------- */

START_TEST(weights_scalar_values) {
  /* K = 3, N = 3: columns with amax 2, 0 (zero column) and 127 */
  const float w[9] = {2.0f, 0.0f, 127.0f,   /* k = 0 */
                      -1.0f, 0.0f, -63.5f,  /* k = 1 */
                      0.5f, -0.0f, 0.5f};   /* k = 2 */
  int8_t q[9];
  float s[3];
  octet_q8_quantize_weights(w, 3, 3, q, s);
  ck_assert_float_eq(s[0], 2.0f / 127.0f);
  ck_assert_float_eq(s[1], 1.0f);
  ck_assert_float_eq(s[2], 1.0f);
  ck_assert_int_eq(q[0], 127); ck_assert_int_eq(q[3], -64); /* -63.5 */
  ck_assert_int_eq(q[6], 32);                                /* 31.75 */
  ck_assert_int_eq(q[1], 0); ck_assert_int_eq(q[4], 0); ck_assert_int_eq(q[7], 0);
  ck_assert_int_eq(q[2], 127); ck_assert_int_eq(q[5], -64); /* tie to even */
  ck_assert_int_eq(q[8], 0);                                 /* 0.5 -> 0 */
}
END_TEST

START_TEST(weights_pack_info) {
  const int64_t K = 100, N = 70;
  float *w = xmalloc((size_t)(K * N) * sizeof *w);
  fill(w, (size_t)(K * N), 1.0f);
  for (size_t i = 0; i < N_KERNELS; i++) {
    octet_isa isa = kernel_isas[i];
    if (skip(isa, octet_isa_name(isa))) continue;
    const octet_gemm_kernel *kern = kernel_for(isa);
    octet_gemm_weights *pw;
    ck_assert_int_eq(pack(w, K, N, isa, &pw), OCTET_OK);
    ck_assert_str_eq(kernel_name(pw), kern->name);
    ck_assert_int_eq(octet_gemm_weights_k(pw), K);
    ck_assert_int_eq(octet_gemm_weights_n(pw), N);
    size_t b = octet_gemm_weights_bytes(pw);
    ck_assert_uint_ge(b, (size_t)(K * N));
    /* K*N + 8 per column + K's padding to kalign + the last panel's
     * padding + small */
    ck_assert_uint_le(b, (size_t)(K * N + 8 * N) + (size_t)((kern->kalign - 4) * N) +
                             (size_t)(kern->nr * (K + kern->kalign)) + 1024);
    ck_assert_uint_eq(octet_gemm_scratch_bytes(pw, 0, 2), 0);
    ck_assert_uint_gt(octet_gemm_scratch_bytes(pw, 5, 2), 0);
    octet_gemm_weights_free(pw);
  }
  octet_gemm_weights_free(NULL);
  free(w);
}
END_TEST

/* ---- microkernels on hand-packed panels (the documented layout) ---------- */

/* Builds one panel of np columns (nr real) for kp k as docs/kernels-qs8.md
 * draws it, calls the kernel on mr rows and checks every output against
 * the definition, bit for bit, and that nothing outside the tile changed. */
static void check_ukernel(const octet_gemm_kernel *kern, size_t mr, size_t nr,
                          size_t kp, int epi) {
  size_t np = (nr + (size_t)kern->ng - 1) / (size_t)kern->ng * (size_t)kern->ng;
  if (np > (size_t)kern->nr) np = (size_t)kern->nr;
  const size_t lda = kp + 13, ldc = nr + 3, ldr = nr + 5;
  int8_t *panel = xmalloc(8 * np + kp * np);
  uint8_t *a = xmalloc(mr * lda + 4);
  int8_t *qw = xmalloc(kp * np + 1);
  float sw[64], sa[32], bias[64], *res = xmalloc(mr * ldr * sizeof(float));
  ck_assert(mr <= 32 && np <= 64); /* the kernels' MR and NR fit sa, sw, bias */
  float *c = xmalloc((mr + 1) * ldc * sizeof(float));
  memset(panel, 0, 8 * np + kp * np);
  memset(qw, 0, kp * np + 1);
  for (size_t j = 0; j < nr; j++) {
    int32_t sum = 0;
    for (size_t k = 0; k < kp; k++) {
      qw[k * np + j] = (int8_t)(frand() * 127.5f);
      sum += qw[k * np + j];
      panel[8 * np + (k / 4 * np + j) * 4 + k % 4] = qw[k * np + j];
    }
    int32_t comp = -128 * sum;
    sw[j] = 0.01f + (frand() + 1.0f) * 0.01f;
    bias[j] = frand();
    memcpy(panel + 4 * j, &comp, 4);
    memcpy(panel + 4 * np + 4 * j, &sw[j], 4);
  }
  for (size_t i = 0; i < mr * lda + 4; i++) a[i] = (uint8_t)((frand() + 1.0f) * 127.9f);
  for (size_t i = 0; i < mr; i++) sa[i] = 0.02f + (frand() + 1.0f) * 0.01f;
  for (size_t i = 0; i < mr * ldr; i++) res[i] = frand();
  for (size_t i = 0; i < (mr + 1) * ldc; i++) c[i] = -555.0f;
  octet_gemm_params prm = {.scale_a = sa, .bias = epi & 1 ? bias : NULL,
                           .residual = epi & 2 ? res : NULL, .ldr = ldr,
                           .act = (epi >> 2) & 1 ? OCTET_ACT_RELU : OCTET_ACT_NONE,
                           .prefetch = (const char *)a, .prefetch_step = 0};
  kern->ukernel(mr, nr, kp, a, lda, panel, NULL, 0, c, ldc, &prm);
  for (size_t i = 0; i <= mr; i++)
    for (size_t j = 0; j < ldc; j++) {
      float want = -555.0f;
      if (i < mr && j < nr) {
        int32_t acc = 0;
        for (size_t k = 0; k < kp; k++)
          acc += ((int32_t)a[i * lda + k] - 128) * qw[k * np + j];
        want = (float)acc;
        want = want * sa[i];
        want = want * sw[j];
        if (epi & 1) want = want + bias[j];
        if (epi & 2) want = want + res[i * ldr + j];
        if (epi & 4) want = want > 0.0f ? want : 0.0f;
      }
      ck_assert_msg(memcmp(&c[i * ldc + j], &want, 4) == 0,
                    "%s mr %zu nr %zu kp %zu epilogue %d: c[%zu,%zu] = %.9g, want %.9g",
                    kern->name, mr, nr, kp, epi, i, j, (double)c[i * ldc + j],
                    (double)want);
    }
  free(panel), free(a), free(qw), free(res), free(c);
}

START_TEST(ukernels_direct) {
  /* k below, at and above the unroll (4-k kernels) or the 64-k chunk (AMX) */
  static const size_t kps4[] = {0, 4, 8, 12, 36, 64}, kps64[] = {0, 64, 128, 320};
  for (size_t i = 0; i < N_KERNELS; i++) {
    if (skip(kernel_isas[i], octet_isa_name(kernel_isas[i]))) continue;
    const octet_gemm_kernel *kern = kernel_for(kernel_isas[i]);
    const size_t *kps = kern->kalign == 64 ? kps64 : kps4;
    const size_t nk = kern->kalign == 64 ? 4 : 6;
    int tiles = 0;
    if (kern->begin) kern->begin();
    for (size_t mr = 1; mr <= (size_t)kern->mr; mr++)
      for (size_t nr = 1; nr <= (size_t)kern->nr; nr++)
        for (size_t ki = 0; ki < nk; ki++, tiles++) {
          ck_assert_uint_eq(kps[ki] % (size_t)kern->kalign, 0);
          check_ukernel(kern, mr, nr, kps[ki], (int)(mr + nr + ki) % 8);
        }
    if (kern->end) kern->end();
    ck_assert_int_eq(tiles, kern->mr * kern->nr * (int)nk);
  }
}
END_TEST

/* ---- whole GEMM against the oracle ----------------------------------------- */

typedef struct gemm_case {
  int64_t M, N, K, lda, ldc;
  int bias, residual, act;
} gemm_case;

/* Runs one case on every supported kernel with 1..3 threads; returns the
 * number of (kernel, threads) runs compared bit for bit. */
static int run_case(const gemm_case *g, const float *w, const float *A,
                    const float *bias, const float *res) {
  float *want = xmalloc((size_t)(g->M * g->ldc) * sizeof *want);
  float *C = xmalloc((size_t)(g->M * g->ldc) * sizeof *C);
  octet_gemm_epilogue ep = {g->bias ? bias : NULL, g->residual ? res : NULL,
                            g->N, g->act ? OCTET_ACT_RELU : OCTET_ACT_NONE, NULL};
  for (int64_t i = 0; i < g->M * g->ldc; i++) want[i] = -777.0f;
  ck_assert_int_eq(gemm_oracle_q8(w, g->K, g->N, g->M, A, g->lda, want, g->ldc, &ep), OCTET_OK);
  int runs = 0;
  for (size_t i = 0; i < N_KERNELS; i++) {
    octet_isa isa = kernel_isas[i];
    if (!octet_isa_supported(isa)) continue;
    octet_gemm_weights *pw;
    ck_assert_int_eq(pack(w, g->K, g->N, isa, &pw), OCTET_OK);
    int max_threads = g->M * g->N * g->K < 200000 ? 3 : 2;
    for (int th = 1; th <= max_threads; th++) {
      size_t sb = octet_gemm_scratch_bytes(pw, g->M, th);
      void *scratch = xmalloc(sb);
      for (int64_t j = 0; j < g->M * g->ldc; j++) C[j] = -777.0f;
      ck_assert_int_eq(gemm(pw, g->M, A, g->lda, C, g->ldc, &ep, scratch, th), OCTET_OK);
      for (int64_t m = 0; m < g->M; m++)
        for (int64_t n = 0; n < g->ldc; n++) {
          const float *x = &C[m * g->ldc + n], *y = &want[m * g->ldc + n];
          ck_assert_msg(memcmp(x, y, sizeof *x) == 0,
                        "%s, %d threads, M %lld N %lld K %lld lda %lld ldc %lld "
                        "(bias %d res %d act %d): C[%lld,%lld] = %.9g, want %.9g",
                        kernel_name(pw), th, (long long)g->M,
                        (long long)g->N, (long long)g->K, (long long)g->lda,
                        (long long)g->ldc, g->bias, g->residual, g->act,
                        (long long)m, (long long)n, (double)*x, (double)*y);
        }
      free(scratch);
      runs++;
    }
    octet_gemm_weights_free(pw);
  }
  free(want), free(C);
  return runs;
}

static int sweep(const int64_t *Ms, size_t nm, const int64_t *Ns, size_t nn,
                 const int64_t *Ks, size_t nk, int strided) {
  int runs = 0, variant = 0;
  for (size_t ki = 0; ki < nk; ki++)
    for (size_t ni = 0; ni < nn; ni++) {
      int64_t K = Ks[ki], N = Ns[ni];
      float *w = xmalloc((size_t)(K * N) * sizeof *w);
      float *bias = xmalloc((size_t)N * sizeof *bias);
      fill(w, (size_t)(K * N), 0.7f);
      fill(bias, (size_t)N, 0.3f);
      for (size_t mi = 0; mi < nm; mi++) {
        int64_t M = Ms[mi];
        gemm_case g = {M, N, K, strided ? K + 3 : K, strided ? N + 5 : N,
                       variant & 1, (variant >> 1) & 1, (variant >> 2) & 1};
        variant++;
        float *A = xmalloc((size_t)(M * g.lda) * sizeof *A);
        float *res = xmalloc((size_t)(M * N) * sizeof *res);
        fill(A, (size_t)(M * g.lda), 2.0f);
        fill(res, (size_t)(M * N), 0.5f);
        runs += run_case(&g, w, A, bias, res);
        free(A), free(res);
      }
      free(w), free(bias);
    }
  return runs;
}

/* The contract's sweep, the union over the kernels (MR 4, 6, 8; NR 8, 16,
 * 48): M in {1, 2, MR-1, MR, MR+1, 2MR+3, 33}, N in {1, 7, NR-1, NR, NR+1,
 * 33, 383}, K in {1, 3, 4, 5, 7, 33, 383, 1537} plus 8 +- 1 (the k unroll);
 * every other (K, N) pair strided (lda > K, ldc > N). The driver has no K
 * blocking: each microkernel call runs the whole K. */
START_TEST(gemm_contract_sweep) {
  static const int64_t Ms[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 15, 19, 33};
  static const int64_t Ns[] = {1, 7, 8, 9, 15, 16, 17, 33, 47, 48, 49, 383};
  static const int64_t Ks[] = {1, 3, 4, 5, 7, 8, 9, 33, 383, 1537};
  int runs = 0;
  for (size_t ki = 0; ki < sizeof Ks / sizeof Ks[0]; ki++)
    for (size_t ni = 0; ni < sizeof Ns / sizeof Ns[0]; ni++)
      runs += sweep(Ms, sizeof Ms / sizeof Ms[0], &Ns[ni], 1, &Ks[ki], 1,
                    (int)((ki + ni) % 2));
  ck_assert_int_gt(runs, 0);
}
END_TEST

/* K around the quantizer's 64-value steps and long rows. */
START_TEST(gemm_k_sweep) {
  static const int64_t Ms[] = {3, 8, 9};
  static const int64_t Ns[] = {17, 49};
  static const int64_t Ks[] = {12, 15, 16, 17, 31, 32, 63, 64, 65, 127, 128, 129, 1024};
  int runs = sweep(Ms, 3, Ns, 2, Ks, sizeof Ks / sizeof Ks[0], 1);
  ck_assert_int_gt(runs, 0);
}
END_TEST

/* Every epilogue, and the residual being C itself (ldr == ldc); M and N
 * give full tiles of every kernel (AMX's 32 x 32 has its own epilogue) and
 * edge ones. */
START_TEST(gemm_epilogues) {
  const int64_t M = 41, N = 53, K = 70, ldc = 61;
  float *w = xmalloc((size_t)(K * N) * sizeof *w), *A = xmalloc((size_t)(M * K) * sizeof *A);
  float *bias = xmalloc((size_t)N * sizeof *bias), *res = xmalloc((size_t)(M * ldc) * sizeof *res);
  float *want = xmalloc((size_t)(M * ldc) * sizeof *want), *C = xmalloc((size_t)(M * ldc) * sizeof *C);
  fill(w, (size_t)(K * N), 1.0f), fill(A, (size_t)(M * K), 1.0f);
  fill(bias, (size_t)N, 0.5f), fill(res, (size_t)(M * ldc), 0.5f);
  int runs = 0;
  for (int e = 0; e < 8; e++) {
    octet_gemm_epilogue ep = {e & 1 ? bias : NULL, e & 2 ? res : NULL, ldc,
                              (e >> 2) & 1 ? OCTET_ACT_RELU : OCTET_ACT_NONE, NULL};
    ck_assert_int_eq(gemm_oracle_q8(w, K, N, M, A, K, want, ldc, &ep), OCTET_OK);
    for (size_t i = 0; i < N_KERNELS; i++) {
      if (!octet_isa_supported(kernel_isas[i])) continue;
      octet_gemm_weights *pw;
      ck_assert_int_eq(pack(w, K, N, kernel_isas[i], &pw), OCTET_OK);
      void *scratch = xmalloc(octet_gemm_scratch_bytes(pw, M, 2));
      /* in place: C starts as the residual */
      memcpy(C, res, (size_t)(M * ldc) * sizeof *C);
      octet_gemm_epilogue ep2 = ep;
      if (ep.residual) ep2.residual = C;
      ck_assert_int_eq(gemm(pw, M, A, K, C, ldc, &ep2, scratch, 2), OCTET_OK);
      for (int64_t m = 0; m < M; m++)
        ck_assert_msg(memcmp(C + m * ldc, want + m * ldc, (size_t)N * sizeof *C) == 0,
                      "%s: epilogue %d row %lld", kernel_name(pw), e, (long long)m);
      if (e & 1 && !(e & 4)) { /* relu off: some outputs are negative */
        int neg = 0;
        for (int64_t j = 0; j < N; j++) neg += C[j] < 0;
        ck_assert_int_gt(neg, 0);
      }
      if (e & 4)
        for (int64_t j = 0; j < M * ldc; j++)
          if (j % ldc < N) ck_assert_float_ge(C[j], 0.0f);
      free(scratch);
      octet_gemm_weights_free(pw);
      runs++;
    }
  }
  ck_assert_int_gt(runs, 0);
  free(w), free(A), free(bias), free(res), free(want), free(C);
}
END_TEST

/* GELU through the epilogue: kernels that compute it themselves (AMX) and
 * those that leave it to `post` give the oracle's bits followed by the
 * scalar vm_gelu / vm_gelu_tanh. */
static int post_calls;
static void post_gelu(size_t n, const void *x, void *y) {
  post_calls++;
  for (size_t i = 0; i < n; i++) ((float *)y)[i] = vm_gelu(((const float *)x)[i]);
}
static void post_gelu_tanh(size_t n, const void *x, void *y) {
  post_calls++;
  for (size_t i = 0; i < n; i++) ((float *)y)[i] = vm_gelu_tanh(((const float *)x)[i]);
}

START_TEST(gemm_gelu_epilogue) {
  const int64_t M = 45, N = 70, K = 130;
  float *w = xmalloc((size_t)(K * N) * sizeof *w), *A = xmalloc((size_t)(M * K) * sizeof *A);
  float *bias = xmalloc((size_t)N * sizeof *bias), *want = xmalloc((size_t)(M * N) * sizeof *want);
  float *C = xmalloc((size_t)(M * N) * sizeof *C);
  fill(w, (size_t)(K * N), 1.0f), fill(A, (size_t)(M * K), 1.0f), fill(bias, (size_t)N, 0.5f);
  int runs = 0;
  for (int tanh_form = 0; tanh_form < 2; tanh_form++) {
    octet_gemm_epilogue ep = {bias, NULL, 0, OCTET_ACT_NONE, NULL};
    ck_assert_int_eq(gemm_oracle_q8(w, K, N, M, A, K, want, N, &ep), OCTET_OK);
    for (int64_t i = 0; i < M * N; i++)
      want[i] = tanh_form ? vm_gelu_tanh(want[i]) : vm_gelu(want[i]);
    ep.act = tanh_form ? OCTET_ACT_GELU_TANH : OCTET_ACT_GELU;
    ep.post = tanh_form ? post_gelu_tanh : post_gelu;
    for (size_t i = 0; i < N_KERNELS; i++) {
      if (!octet_isa_supported(kernel_isas[i])) continue;
      const octet_gemm_kernel *kern = kernel_for(kernel_isas[i]);
      octet_gemm_weights *pw;
      ck_assert_int_eq(pack(w, K, N, kernel_isas[i], &pw), OCTET_OK);
      void *scratch = xmalloc(octet_gemm_scratch_bytes(pw, M, 2));
      post_calls = 0;
      ck_assert_int_eq(gemm(pw, M, A, K, C, N, &ep, scratch, 2), OCTET_OK);
      ck_assert_msg(memcmp(C, want, (size_t)(M * N) * sizeof *C) == 0, "%s: GELU (tanh %d)",
                    kern->name, tanh_form);
      if (kern->gelu)
        ck_assert_int_eq(post_calls, 0);
      else
        ck_assert_int_gt(post_calls, 0);
      free(scratch);
      octet_gemm_weights_free(pw);
      runs++;
    }
  }
  ck_assert_int_gt(runs, 0);
  /* a GELU act without its post is refused */
  octet_gemm_weights *pw;
  ck_assert_int_eq(pack(w, K, N, OCTET_ISA_REF, &pw), OCTET_OK);
  void *scratch = xmalloc(octet_gemm_scratch_bytes(pw, M, 1));
  octet_gemm_epilogue bad = {bias, NULL, 0, OCTET_ACT_GELU, NULL};
  ck_assert_int_eq(gemm(pw, M, A, K, C, N, &bad, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  free(scratch);
  octet_gemm_weights_free(pw);
  free(w), free(A), free(bias), free(want), free(C);
}
END_TEST

/* NaN, inf, zero and tiny rows give the same bits on every kernel. */
START_TEST(gemm_special_rows) {
  const int64_t M = 9, N = 50, K = 77;
  float *w = xmalloc((size_t)(K * N) * sizeof *w), *A = xmalloc((size_t)(M * K) * sizeof *A);
  fill(w, (size_t)(K * N), 1.0f);
  for (int64_t m = 0; m < M; m++) special_row(A + m * K, (size_t)K, (int)m);
  gemm_case g = {M, N, K, K, N, 0, 0, 0};
  ck_assert_int_gt(run_case(&g, w, A, NULL, NULL), 0);
  free(w), free(A);
}
END_TEST

/* A long K at the int32 limit: all qa = 127 and qw = -127 in column 0. */
START_TEST(gemm_long_k_exact) {
  const int64_t M = 2, N = 3, K = 100003;
  float *w = xmalloc((size_t)(K * N) * sizeof *w), *A = xmalloc((size_t)(M * K) * sizeof *A);
  for (int64_t k = 0; k < K; k++) {
    w[k * N] = -3.0f, w[k * N + 1] = 3.0f, w[k * N + 2] = k % 2 ? 1.0f : -1.0f;
    A[k] = 0.5f, A[K + k] = k % 3 ? 0.5f : -0.5f;
  }
  float want[6];
  ck_assert_int_eq(gemm_oracle_q8(w, K, N, M, A, K, want, N, NULL), OCTET_OK);
  float y = (float)(int32_t)(-127 * 127 * K);
  y = y * (0.5f / 127.0f);
  y = y * (3.0f / 127.0f);
  ck_assert_float_eq(want[0], y);
  gemm_case g = {M, N, K, K, N, 0, 0, 0};
  ck_assert_int_gt(run_case(&g, w, A, NULL, NULL), 0);
  free(w), free(A);
}
END_TEST

/* K = 0 (an empty sum): y = bias; N = 0 and M = 0 are no-ops. */
START_TEST(gemm_degenerate) {
  const float bias[5] = {1, -2, 3, -4, 5};
  float w[1] = {0}, A[10] = {0}, C[10];
  for (size_t i = 0; i < N_KERNELS; i++) {
    if (!octet_isa_supported(kernel_isas[i])) continue;
    octet_gemm_weights *pw;
    ck_assert_int_eq(pack(w, 0, 5, kernel_isas[i], &pw), OCTET_OK);
    octet_gemm_epilogue ep = {bias, NULL, 0, OCTET_ACT_NONE, NULL};
    void *scratch = xmalloc(octet_gemm_scratch_bytes(pw, 2, 1));
    ck_assert_int_eq(gemm(pw, 2, A, 0, C, 5, &ep, scratch, 1), OCTET_OK);
    for (int j = 0; j < 10; j++) ck_assert_float_eq(C[j], bias[j % 5]);
    ck_assert_int_eq(gemm(pw, 0, NULL, 0, NULL, 5, &ep, NULL, 1), OCTET_OK);
    free(scratch);
    octet_gemm_weights_free(pw);
    ck_assert_int_eq(pack(w, 1, 0, kernel_isas[i], &pw), OCTET_OK);
    ck_assert_int_eq(gemm(pw, 3, A, 1, C, 0, NULL, C, 2), OCTET_OK);
    octet_gemm_weights_free(pw);
  }
}
END_TEST

START_TEST(gemm_errors) {
  float w[12] = {0}, A[12] = {0}, C[12];
  octet_gemm_weights *pw = (octet_gemm_weights *)&pw;
  ck_assert_int_eq(pack(w, -1, 3, OCTET_ISA_REF, &pw), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_ptr_null(pw);
  ck_assert_int_eq(pack(NULL, 4, 3, OCTET_ISA_REF, &pw), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(pack(w, 200000, 3, OCTET_ISA_REF, &pw), OCTET_ERR_INVALID_ARGUMENT);
  uint16_t w16[12] = {0}; /* int8 packing takes fp32 weights only */
  ck_assert_int_eq(octet_gemm_pack(kernel_for(OCTET_ISA_REF), w16, true, 4, 3, &pw),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_ptr_null(kernel_for(OCTET_ISA_I8MM)); /* not an x86 level */
  ck_assert_int_eq(pack(w, 4, 3, OCTET_ISA_REF, &pw), OCTET_OK);
  char scratch[4096];
  ck_assert_int_eq(gemm(pw, 2, A, 3, C, 3, NULL, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(pw, 2, A, 4, C, 2, NULL, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(pw, -1, A, 4, C, 3, NULL, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(pw, 2, A, 4, C, 3, NULL, NULL, 1), OCTET_ERR_INVALID_ARGUMENT);
  octet_gemm_epilogue bad_ldr = {NULL, C, 2, OCTET_ACT_NONE, NULL};
  ck_assert_int_eq(gemm(pw, 2, A, 4, C, 3, &bad_ldr, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  octet_gemm_epilogue bad_act = {NULL, NULL, 0, (octet_act)7, NULL};
  ck_assert_int_eq(gemm(pw, 2, A, 4, C, 3, &bad_act, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(NULL, 2, A, 4, C, 3, NULL, scratch, 1), OCTET_ERR_INVALID_ARGUMENT);
  /* no fp16 activations or outputs for int8 kernels */
  ck_assert_int_eq(octet_gemm(pw, 2, A, true, 4, C, false, 3, NULL, scratch, 1),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(octet_gemm(pw, 2, A, false, 4, C, true, 3, NULL, scratch, 1),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(pw, 2, A, 4, C, 3, NULL, scratch, 1), OCTET_OK);
  ck_assert_int_eq(gemm_oracle_q8(w, 4, 3, 2, A, 3, C, 3, NULL), OCTET_ERR_INVALID_ARGUMENT);
  octet_gemm_weights_free(pw);
}
END_TEST

/* OCTET_ISA selects the kernel the active level packs for. */
START_TEST(kernel_for_levels) {
  static const struct {
    octet_isa isa;
    const char *name;
  } want[] = {{OCTET_ISA_REF, "qs8 4x16c4 scalar"},      {OCTET_ISA_AVX2, "qs8 4x8c4 avx2"},
              {OCTET_ISA_AVX512, "qs8 4x8c4 avx2"},      {OCTET_ISA_AVXVNNI, "qs8 6x16c4 avxvnni"},
              {OCTET_ISA_AVX512VNNI, "qs8 8x48c4 avx512vnni"}, {OCTET_ISA_AMX, "qs8 32x32c4 amx"}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    const octet_gemm_kernel *k = kernel_for(want[i].isa);
    if (skip(want[i].isa, want[i].name)) {
      ck_assert_ptr_null(k);
      continue;
    }
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->name, want[i].name);
  }
}
END_TEST

static Suite *qs8_suite(void) {
  Suite *s = suite_create("qs8-gemm");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, quantize_scalar_values);
  tcase_add_test(tc, quantize_isa_vs_scalar);
  tcase_add_test(tc, weights_scalar_values);
  tcase_add_test(tc, weights_pack_info);
  tcase_add_test(tc, ukernels_direct);
  tcase_add_test(tc, gemm_contract_sweep);
  tcase_add_test(tc, gemm_k_sweep);
  tcase_add_test(tc, gemm_epilogues);
  tcase_add_test(tc, gemm_special_rows);
  tcase_add_test(tc, gemm_long_k_exact);
  tcase_add_test(tc, gemm_gelu_epilogue);
  tcase_add_test(tc, gemm_degenerate);
  tcase_add_test(tc, gemm_errors);
  tcase_add_test(tc, kernel_for_levels);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(qs8_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures != 0;
}
