/* Tests of the x86 fp32 / fp16-weight GEMM (backends/x86/f32-gemm.h through
 * the driver of backends/common/gemm.h): every float kernel of the x86
 * table (each ISA variant, skipped when the CPU lacks it)
 * against a double-precision reference that uses the same weights (for f16w:
 * the weights rounded to fp16 to nearest even, as packing does).
 *
 * Tolerance: fp32 accumulation of K products in any order is within
 * gamma_K = K·u/(1 - K·u) ≈ K·2^-24 of the exact sum, relative to
 * sum_k |a_k·w_k|; we allow 2·K·2^-24·sum|a·w| + 2^-30 (fp32 out). fp16 out
 * adds one rounding to half: + 2^-11·|y| + 2^-24 (half's smallest
 * subnormal). The epilogue (bias, residual, relu) adds at most two more fp32
 * roundings, covered by the factor 2 (K >= 1). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/common/gemm.h"
#include "backends/x86/gemm-kernels-x86.h"
#include "core/cpu.h"
#include "core/ir.h"

#define KC_BLOCK 192 /* the x86 float kernels' largest k block (kc_max) */

/* The i-th float kernel of the x86 table. */
static const octet_gemm_kernel *kernel_at(int i) {
  size_t n;
  const octet_gemm_kernel *k = octet_x86_gemm_kernels(&n);
  for (size_t j = 0; j < n; j++)
    if (k[j].wtype != OCTET_GEMM_W_Q8 && i-- == 0) return &k[j];
  ck_abort_msg("no float kernel %d", i);
  return NULL;
}

static int kernel_count(void) {
  size_t n, f = 0;
  const octet_gemm_kernel *k = octet_x86_gemm_kernels(&n);
  for (size_t j = 0; j < n; j++) f += k[j].wtype != OCTET_GEMM_W_Q8;
  return (int)f;
}

static octet_status pack_kernel(const float *w, int64_t K, int64_t N, const octet_gemm_kernel *k,
                                octet_gemm_weights **out) {
  return octet_gemm_pack(k, w, false, K, N, out);
}

static octet_status gemm(const octet_gemm_weights *w, int64_t M, const float *A, int64_t lda,
                         void *C, int64_t ldc, bool out_f16, const octet_gemm_epilogue *ep,
                         void *scratch, int threads) {
  return octet_gemm(w, M, A, false, lda, C, out_f16, ldc, ep, scratch, threads);
}

static bool skip(const octet_gemm_kernel *k) {
  if (octet_isa_supported(k->isa)) return false;
  printf("SKIP %s: CPU lacks %s\n", k->name, octet_isa_name(k->isa));
  return true;
}

static unsigned rng_state = 12345;
static float frand(void) { /* uniform in [-1, 1) */
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)((rng_state >> 8) & 0xffffff) / 8388608.0f - 1.0f;
}

static float *rand_buf(size_t n) {
  float *x = malloc((n ? n : 1) * sizeof *x);
  ck_assert_ptr_nonnull(x);
  for (size_t i = 0; i < n; i++) x[i] = frand();
  return x;
}

/* The weights as the kernel sees them. */
static double wval(const octet_gemm_kernel *k, float w) {
  return k->wtype == OCTET_GEMM_W_F16
             ? octet_fp16_to_fp32(octet_fp32_to_fp16(w))
             : w;
}

typedef struct ref_out {
  double *y;   /* [M, N] with the epilogue applied */
  double *tol; /* [M, N] */
} ref_out;

static ref_out reference(const octet_gemm_kernel *k, int64_t M, int64_t K,
                         int64_t N, const float *A, int64_t lda, const float *W,
                         const octet_gemm_epilogue *ep, bool out_f16) {
  ref_out r = {malloc((size_t)(M * N) * sizeof(double) + 8),
               malloc((size_t)(M * N) * sizeof(double) + 8)};
  ck_assert(r.y && r.tol);
  double *wq = malloc((size_t)(K * N) * sizeof(double) + 8);
  ck_assert_ptr_nonnull(wq);
  for (int64_t i = 0; i < K * N; i++) wq[i] = wval(k, W[i]);
  for (int64_t m = 0; m < M; m++)
    for (int64_t n = 0; n < N; n++) {
      double s = 0, sa = 0;
      for (int64_t kk = 0; kk < K; kk++) {
        const double p = (double)A[m * lda + kk] * wq[kk * N + n];
        s += p;
        sa += fabs(p);
      }
      if (ep && ep->bias) s += ep->bias[n], sa += fabs(ep->bias[n]);
      if (ep && ep->residual)
        s += ep->residual[m * ep->ldr + n],
            sa += fabs(ep->residual[m * ep->ldr + n]);
      if (ep && ep->act == OCTET_ACT_RELU && s < 0) s = 0;
      double tol = 2.0 * (double)(K + 2) * ldexp(sa, -24) + ldexp(1, -30);
      if (out_f16) tol += ldexp(fabs(s), -11) + ldexp(1, -24);
      r.y[m * N + n] = s;
      r.tol[m * N + n] = tol;
    }
  free(wq);
  return r;
}

static double out_at(const void *C, int64_t i, bool out_f16) {
  return out_f16 ? octet_fp16_to_fp32(((const uint16_t *)C)[i])
                 : ((const float *)C)[i];
}

static void check_close(const char *what, const ref_out *r, const void *C,
                        int64_t M, int64_t N, int64_t ldc, bool out_f16) {
  for (int64_t m = 0; m < M; m++)
    for (int64_t n = 0; n < N; n++) {
      const double got = out_at(C, m * ldc + n, out_f16);
      const double want = r->y[m * N + n], tol = r->tol[m * N + n];
      ck_assert_msg(fabs(got - want) <= tol,
                    "%s: C[%lld,%lld] = %.9g, want %.9g (tol %.3g)", what,
                    (long long)m, (long long)n, got, want, tol);
    }
}

/* One GEMM through the driver with kernel k, checked against the reference;
 * the padding of C (ldc > N) must stay untouched. */
static void run_case(const octet_gemm_kernel *k, int64_t M, int64_t K,
                     int64_t N, int64_t lda, int64_t ldc, bool out_f16,
                     const octet_gemm_epilogue *ep, int threads) {
  float *A = rand_buf((size_t)(M * lda));
  float *W = rand_buf((size_t)(K * N));
  octet_gemm_weights *w = NULL;
  ck_assert_int_eq(pack_kernel(W, K, N, k, &w), OCTET_OK);
  const size_t es = out_f16 ? 2 : 4;
  const size_t cbytes = (size_t)(M * ldc) * es;
  unsigned char *C = malloc(cbytes + 1);
  ck_assert_ptr_nonnull(C);
  memset(C, 0x5a, cbytes);
  const size_t sb = octet_gemm_scratch_bytes(w, M, threads);
  unsigned char *scratch = malloc(sb + 64);
  ck_assert_ptr_nonnull(scratch);
  memset(scratch + sb, 0xa5, 64);
  const octet_status st = gemm(w, M, A, lda, C, ldc, out_f16, ep, sb ? scratch : NULL, threads);
  ck_assert_msg(st == OCTET_OK, "%s: %s", k->name, octet_last_error());
  for (int i = 0; i < 64; i++) ck_assert_int_eq(scratch[sb + i], 0xa5);
  ref_out r = reference(k, M, K, N, A, lda, W, ep, out_f16);
  char what[160];
  snprintf(what, sizeof what, "%s M=%lld K=%lld N=%lld lda=%lld ldc=%lld%s",
           k->name, (long long)M, (long long)K, (long long)N, (long long)lda,
           (long long)ldc, out_f16 ? " f16out" : "");
  check_close(what, &r, C, M, N, ldc, out_f16);
  for (int64_t m = 0; m < M; m++)
    for (int64_t b = N * (int64_t)es; b < ldc * (int64_t)es; b++)
      ck_assert_msg(C[(size_t)m * ldc * es + (size_t)b] == 0x5a,
                    "%s: padding of row %lld written", what, (long long)m);
  free(r.y);
  free(r.tol);
  free(scratch);
  free(C);
  octet_gemm_weights_free(w);
  free(W);
  free(A);
}

/* ---- the shape sweep, every kernel --------------------------------------- */

START_TEST(test_sweep) {
  const octet_gemm_kernel *k = kernel_at(_i);
  if (skip(k)) return;
  const int64_t mr = k->mr, nr = k->nr;
  const int64_t Ms[] = {1, 2, mr - 1, mr, mr + 1, 2 * mr + 3, 33};
  const int64_t Ns[] = {1, 7, nr - 1, nr, nr + 1, 33, 383};
  const int64_t Ks[] = {
      1, 3, 4, 5, 7, 33, KC_BLOCK - 1, KC_BLOCK, KC_BLOCK + 1, 383, 1537};
  int cases = 0;
  for (size_t a = 0; a < sizeof Ms / sizeof Ms[0]; a++)
    for (size_t b = 0; b < sizeof Ns / sizeof Ns[0]; b++)
      for (size_t c = 0; c < sizeof Ks / sizeof Ks[0]; c++) {
        const int64_t M = Ms[a], N = Ns[b], K = Ks[c];
        if (M < 1) continue;
        /* alternate plain and strided A/C */
        const bool strided = (a + b + c) % 2;
        run_case(k, M, K, N, strided ? K + 3 : K, strided ? N + 5 : N, false,
                 NULL, 1);
        cases++;
      }
  printf("%s: %d sweep cases\n", k->name, cases);
}
END_TEST

/* ---- the microkernel contract, called directly --------------------------- */

START_TEST(test_ukernel_direct) {
  const octet_gemm_kernel *k = kernel_at(_i);
  if (skip(k)) return;
  const int64_t MR = k->mr, NR = k->nr;
  const int64_t kcs[] = {0, 1, 7, 64};
  const int64_t lda = 70;
  float *A = rand_buf((size_t)(MR * lda));
  float *W = rand_buf((size_t)(64 * NR));
  float *acc = rand_buf((size_t)(MR * NR));
  float *bias = rand_buf((size_t)NR);
  float *res = rand_buf((size_t)(MR * NR));
  float *out = malloc((size_t)(MR * NR) * sizeof(float));
  ck_assert_ptr_nonnull(out);
  int calls = 0;
  for (size_t ki = 0; ki < 4; ki++) {
    const int64_t kc = kcs[ki];
    /* one panel of NR columns and kc steps, in the documented layout */
    void *panel =
        aligned_alloc(64, (size_t)((kc ? kc : 1) * NR * 4 + 63) / 64 * 64);
    ck_assert_ptr_nonnull(panel);
    for (int64_t i = 0; i < kc * NR; i++) {
      if (k->wtype == OCTET_GEMM_W_F16)
        ((uint16_t *)panel)[i] = octet_fp32_to_fp16(W[i]);
      else
        ((float *)panel)[i] = W[i];
    }
    for (int64_t mr = 1; mr <= MR; mr++)
      for (int64_t nr = 1; nr <= NR; nr++) {
        if (nr > 2 && nr < NR - 1 && nr % 8 != 0 && nr % 8 != 1) continue;
        for (int variant = 0; variant < 4; variant++) {
          const bool with_acc = variant & 1, with_st = variant & 2;
          const bool out_f16 = with_st && (nr % 2);
          const octet_gemm_params st = {.bias = bias, .residual = res, .ldr = (size_t)NR,
                                        .act = OCTET_ACT_RELU, .out_f16 = out_f16};
          memset(out, 0x5a, (size_t)(MR * NR) * sizeof(float));
          const size_t ld_out = (size_t)NR;
          k->ukernel((size_t)mr, (size_t)nr, (size_t)kc, A, (size_t)lda, panel,
                     with_acc ? acc : NULL, (size_t)NR, out, ld_out,
                     with_st ? &st : NULL);
          calls++;
          for (int64_t i = 0; i < MR; i++)
            for (int64_t j = 0; j < NR; j++) {
              double s = with_acc ? acc[i * NR + j] : 0, sa = fabs(s);
              for (int64_t kk = 0; kk < kc; kk++) {
                const double p =
                    (double)A[i * lda + kk] * wval(k, W[kk * NR + j]);
                s += p;
                sa += fabs(p);
              }
              if (i >= mr || j >= nr) {
                /* rows >= mr never written; columns >= nr not written by
                 * the final store (the partial store may write them) */
                if (with_st || i >= mr) {
                  const unsigned char *o = (const unsigned char *)out +
                                           (i * NR + j) * (out_f16 ? 2 : 4);
                  ck_assert_msg(o[0] == 0x5a,
                                "%s mr=%lld nr=%lld: wrote (%lld,%lld)",
                                k->name, (long long)mr, (long long)nr,
                                (long long)i, (long long)j);
                }
                continue;
              }
              double tol =
                  2.0 * (double)(kc + 3) * ldexp(sa, -24) + ldexp(1, -30);
              if (with_st) {
                s += bias[j] + res[i * NR + j];
                tol += 2 * ldexp(fabs(bias[j]) + fabs(res[i * NR + j]), -24);
                if (s < 0) s = 0;
                if (out_f16) tol += ldexp(fabs(s), -11) + ldexp(1, -24);
              }
              const double got = out_at(out, i * (int64_t)ld_out + j, out_f16);
              ck_assert_msg(fabs(got - s) <= tol,
                            "%s mr=%lld nr=%lld kc=%lld v=%d: (%lld,%lld) "
                            "%.9g want %.9g",
                            k->name, (long long)mr, (long long)nr,
                            (long long)kc, variant, (long long)i, (long long)j,
                            got, s);
            }
        }
      }
    free(panel);
  }
  printf("%s: %d direct microkernel calls\n", k->name, calls);
  free(out);
  free(res);
  free(bias);
  free(acc);
  free(W);
  free(A);
}
END_TEST

/* ---- epilogue, fp16 output, threads -------------------------------------- */

START_TEST(test_epilogue) {
  const octet_gemm_kernel *k = kernel_at(_i);
  if (skip(k)) return;
  const int64_t M = 2 * k->mr + 3, K = KC_BLOCK + 1, N = 3 * k->nr + 5;
  float *bias = rand_buf((size_t)N);
  float *res = rand_buf((size_t)(M * (N + 2)));
  const octet_gemm_epilogue eps[] = {
      {bias, NULL, 0, OCTET_ACT_NONE, NULL},
      {NULL, res, N + 2, OCTET_ACT_NONE, NULL},
      {NULL, NULL, 0, OCTET_ACT_RELU, NULL},
      {bias, res, N + 2, OCTET_ACT_RELU, NULL},
  };
  for (size_t e = 0; e < sizeof eps / sizeof eps[0]; e++)
    for (int f16 = 0; f16 < 2; f16++)
      for (int threads = 1; threads <= 2; threads++)
        run_case(k, M, K, N, K + 1, N + 3, f16, &eps[e], threads);
  /* fp16 out over short K too (single k block, st applied directly) */
  float *bias2 = rand_buf(383), *res2 = rand_buf(33 * 383);
  const octet_gemm_epilogue ep2 = {bias2, res2, 383, OCTET_ACT_RELU, NULL};
  run_case(k, 33, 33, 383, 33, 383, true, &ep2, 2);
  free(res2);
  free(bias2);
  free(res);
  free(bias);
}
END_TEST

/* Two threads must give bit-identical results to one (same tiles, same
 * k order), and the residual may be C itself. */
START_TEST(test_threads_and_alias) {
  const octet_gemm_kernel *k = kernel_at(_i);
  if (skip(k)) return;
  const int64_t M = 100, K = 1000, N = 300;
  float *A = rand_buf((size_t)(M * K));
  float *W = rand_buf((size_t)(K * N));
  float *bias = rand_buf((size_t)N);
  float *C1 = rand_buf((size_t)(M * N));
  float *C2 = malloc((size_t)(M * N) * sizeof(float));
  float *R = malloc((size_t)(M * N) * sizeof(float));
  ck_assert(C2 && R);
  memcpy(C2, C1, (size_t)(M * N) * sizeof(float));
  memcpy(R, C1, (size_t)(M * N) * sizeof(float));
  octet_gemm_weights *w = NULL;
  ck_assert_int_eq(pack_kernel(W, K, N, k, &w), OCTET_OK);
  size_t sb = octet_gemm_scratch_bytes(w, M, 2);
  void *scratch = malloc(sb + 1);
  octet_gemm_epilogue ep1 = {bias, C1, N, OCTET_ACT_NONE, NULL};
  octet_gemm_epilogue ep2 = {bias, C2, N, OCTET_ACT_NONE, NULL};
  ck_assert_int_eq(gemm(w, M, A, K, C1, N, false, &ep1, scratch, 1), OCTET_OK);
  ck_assert_int_eq(gemm(w, M, A, K, C2, N, false, &ep2, scratch, 2), OCTET_OK);
  ck_assert_int_eq(memcmp(C1, C2, (size_t)(M * N) * sizeof(float)), 0);
  octet_gemm_epilogue epr = {bias, R, N, OCTET_ACT_NONE, NULL};
  ref_out r = reference(k, M, K, N, A, K, W, &epr, false);
  check_close(k->name, &r, C1, M, N, N, false);
  free(r.y);
  free(r.tol);
  free(scratch);
  octet_gemm_weights_free(w);
  free(R);
  free(C2);
  free(C1);
  free(bias);
  free(W);
  free(A);
}
END_TEST

/* ---- fp16 weight rounding -------------------------------------------------
 */

/* With A = [1] and K = 1, C = W as stored: f16w must hold each weight rounded
 * to the nearest fp16, ties to even, overflow to inf. */
START_TEST(test_f16_weight_rounding) {
  const octet_gemm_kernel *k = kernel_at(_i);
  if (k->wtype != OCTET_GEMM_W_F16 || skip(k)) return;
  const float vals[] = {
      1.0f + 0x1p-11f,            /* tie between 1 and 1+2^-10: even is 1 */
      1.0f + 3 * 0x1p-11f,        /* tie: even is 1 + 2^-9 */
      1.0f + 0x1p-11f + 0x1p-20f, /* just above the tie: up */
      -2.0f - 0x1p-10f,           /* tie at exponent 1: even is -2 */
      65504.0f,
      65519.0f,
      65520.0f, /* max half, rounds down, overflows */
      0x1p-24f,
      0x1p-25f,
      3 * 0x1p-26f, /* subnormal, tie to 0, up */
      0.1f,
      -1e-3f,
      3.14159265f,
  };
  const float want[] = {
      1.0f,      1.0f + 0x1p-9f, 1.0f + 0x1p-10f,  -2.0f,
      65504.0f,  65504.0f,       INFINITY,         0x1p-24f,
      0.0f,      0x1p-24f,       0.0999755859375f, -0.0010004043579101562f,
      3.140625f,
  };
  const int64_t N = sizeof vals / sizeof vals[0];
  float A[1] = {1.0f}, C[13];
  ck_assert_int_eq(N, 13);
  octet_gemm_weights *w = NULL;
  ck_assert_int_eq(pack_kernel(vals, 1, N, k, &w), OCTET_OK);
  /* ~2 bytes per weight: one K row of ceil(N/NR) panels */
  ck_assert_uint_eq(octet_gemm_weights_bytes(w),
                    (size_t)((N + k->nr - 1) / k->nr * k->nr) * 2);
  ck_assert_int_eq(gemm(w, 1, A, 1, C, N, false, NULL, NULL, 1), OCTET_OK);
  for (int64_t n = 0; n < N; n++)
    ck_assert_msg(C[n] == want[n], "%s: w=%a stored as %a, want %a", k->name,
                  (double)vals[n], (double)C[n], (double)want[n]);
  octet_gemm_weights_free(w);
}
END_TEST

/* ---- API ------------------------------------------------------------------
 */

/* Packs W for the float kernel the x86 table picks for a type and level. */
static octet_status pack_level(const float *W, int64_t K, int64_t N, octet_gemm_wtype t,
                               octet_isa isa, octet_gemm_weights **w) {
  return octet_gemm_pack(octet_x86_gemm_kernel(t, isa), W, false, K, N, w);
}

START_TEST(test_api) {
  float W[4 * 5] = {0};
  octet_gemm_weights *w = (octet_gemm_weights *)&w;
  ck_assert_int_eq(pack_level(W, 4, -1, OCTET_GEMM_W_F32, octet_isa_active(), &w),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_ptr_null(w);
  ck_assert_int_eq(pack_level(NULL, 4, 5, OCTET_GEMM_W_F32, octet_isa_active(), &w),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(pack_level(W, INT64_MAX / 2, 5, OCTET_GEMM_W_F32, octet_isa_active(), &w),
                   OCTET_ERR_OVERFLOW);
  ck_assert_int_eq(octet_gemm_pack(NULL, W, false, 4, 5, &w), OCTET_ERR_INVALID_ARGUMENT);
  /* the kernel follows the requested level */
  ck_assert_int_eq(pack_level(W, 4, 5, OCTET_GEMM_W_F16, OCTET_ISA_REF, &w), OCTET_OK);
  ck_assert_str_eq(octet_gemm_weights_kernel(w)->name, "f16w 4x8 scalar");
  ck_assert_uint_eq(octet_gemm_weights_bytes(w), 4 * 8 * 2);
  float A[2 * 4] = {0}, C[2 * 5];
  ck_assert_int_eq(gemm(w, 2, A, 3, C, 5, false, NULL, NULL, 1),
                   OCTET_ERR_INVALID_ARGUMENT); /* lda < K */
  ck_assert_int_eq(gemm(w, 2, A, 4, C, 4, false, NULL, NULL, 1),
                   OCTET_ERR_INVALID_ARGUMENT); /* ldc < N */
  octet_gemm_epilogue bad = {NULL, NULL, 0, (octet_act)7, NULL};
  ck_assert_int_eq(gemm(w, 2, A, 4, C, 5, false, &bad, NULL, 1), OCTET_ERR_INVALID_ARGUMENT);
  /* A_DIRECT kernels read fp32 activations only */
  ck_assert_int_eq(octet_gemm(w, 2, A, true, 4, C, false, 5, NULL, NULL, 1),
                   OCTET_ERR_INVALID_ARGUMENT);
  ck_assert_int_eq(gemm(w, 0, NULL, 4, NULL, 5, false, NULL, NULL, 2), OCTET_OK);
  octet_gemm_weights_free(w);
  /* K = 0: C is the epilogue alone; N = 0: nothing to do */
  ck_assert_int_eq(pack_level(NULL, 0, 5, OCTET_GEMM_W_F32, octet_isa_active(), &w), OCTET_OK);
  const float bias[5] = {1, -2, 3, -4, 5};
  const octet_gemm_epilogue relu = {bias, NULL, 0, OCTET_ACT_RELU, NULL};
  ck_assert_int_eq(gemm(w, 2, A, 0, C, 5, false, &relu, NULL, 2), OCTET_OK);
  for (int i = 0; i < 10; i++)
    ck_assert_float_eq(C[i], bias[i % 5] > 0 ? bias[i % 5] : 0.0f);
  octet_gemm_weights_free(w);
  ck_assert_int_eq(pack_level(W, 4, 0, OCTET_GEMM_W_F32, octet_isa_active(), &w), OCTET_OK);
  ck_assert_int_eq(gemm(w, 2, A, 4, C, 0, false, NULL, NULL, 2), OCTET_OK);
  octet_gemm_weights_free(w);
  if (octet_isa_supported(OCTET_ISA_AVX512)) {
    ck_assert_int_eq(pack_level(W, 4, 5, OCTET_GEMM_W_F32, OCTET_ISA_AVX512VNNI, &w), OCTET_OK);
    ck_assert_str_eq(octet_gemm_weights_kernel(w)->name, "f32 9x48 avx512");
    octet_gemm_weights_free(w);
  }
  if (octet_isa_supported(OCTET_ISA_AVX2)) {
    ck_assert_int_eq(pack_level(W, 4, 5, OCTET_GEMM_W_F16, OCTET_ISA_AVXVNNI, &w), OCTET_OK);
    ck_assert_str_eq(octet_gemm_weights_kernel(w)->name, "f16w 6x16 avx2");
    octet_gemm_weights_free(w);
  }
  octet_gemm_weights_free(NULL);
}
END_TEST

static Suite *f32_gemm_suite(void) {
  Suite *s = suite_create("f32-gemm");
  TCase *tc = tcase_create("kernels");
  tcase_set_timeout(tc, 600);
  const int n = kernel_count();
  tcase_add_loop_test(tc, test_ukernel_direct, 0, n);
  tcase_add_loop_test(tc, test_f16_weight_rounding, 0, n);
  tcase_add_loop_test(tc, test_epilogue, 0, n);
  tcase_add_loop_test(tc, test_threads_and_alias, 0, n);
  tcase_add_loop_test(tc, test_sweep, 0, n);
  tcase_add_test(tc, test_api);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(f32_gemm_suite());
  srunner_run_all(sr, CK_NORMAL);
  const int failures = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
