/* The arm64 float GEMM kernels (backends/arm/f32-gemm-arm.h, through the
 * GEMM driver of backends/common/gemm.h) over a sweep
 * of M below, at and above the 8-row tile and the 64-row block, N below,
 * at and above the 12- (8-) column panel, K below, at and above the f16
 * k-block (16) and the driver's k-block (256), with bias, ReLU, GELU, a
 * residual, fp16 and fp32 activations and outputs, strided A and C, one
 * and two threads. Each case is checked twice:
 *  - bit for bit against a scalar emulation of the kernel's own arithmetic
 *    (f32, f16w: one fmaf chain per output in k order; f16: fp16 fmaf
 *    chains restarted every 16 k and added into fp32), so any change to
 *    the sums, their order or the edge handling is caught;
 *  - against ref's sums (acc += a * w in fp32, ref's epilogue order)
 *    within the error bound of docs/arm64.md, relative to sum |a * w|.
 * The f16 kernel is skipped when the CPU lacks FPHP + ASIMDHP. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/arm/f32-gemm-arm.h"
#include "backends/arm/gemm-kernels-arm.h"
#include "backends/common/gemm.h"
#include "backends/common/linear-epilogue.h"
#include "core/cpu.h"
#include "core/ir.h"
#include "core/vmath.h"

static const octet_arm_gemm_family families[] = {OCTET_ARM_GEMM_F32, OCTET_ARM_GEMM_F16W,
                                                 OCTET_ARM_GEMM_F16};
static const int64_t Ms[] = {1, 7, 8, 9, 33, 100};
static const int64_t Ns[] = {1, 7, 8, 12, 13, 33};
static const int64_t Ks[] = {1, 7, 16, 17, 33, 256, 300};

/* Values in [-1, 1), none smaller than 2^-8 in magnitude but zero: then
 * every a * w + h of the f16 emulation is exact in double (below). */
static unsigned rng = 7;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  float v = (float)((rng >> 8) & 0xffffff) / 8388608.0f - 1.0f;
  return fabsf(v) < 0x1p-8f ? 0.0f : v;
}
static float rh(float x) { return octet_fp16_to_fp32(octet_fp32_to_fp16(x)); }

/* x (exact) rounded once to fp16, nearest even, as a float. (Through
 * float it would round twice, which an FMA's exact result can tell.) */
static float rh_exact(double x) {
  if (x == 0.0 || !isfinite(x)) return (float)x;
  int e;
  frexp(x, &e);
  const double ulp = ldexp(1.0, e - 11 > -24 ? e - 11 : -24);
  const double r = nearbyint(x / ulp) * ulp;
  return fabs(r) > 65504.0 ? (float)copysign(INFINITY, x) : (float)r;
}

typedef struct gemm_case {
  int64_t M, K, N, lda, ldc;
  bool a_f16, c_f16, bias, res;
  int act; /* 0 none, 1 relu, 2 gelu (post) */
  int threads;
} gemm_case;

typedef struct operands {
  float *a, *w, *b, *r; /* values (fp16-representable where stored fp16) */
  void *A;              /* the kernel's A: fp32 or fp16, lda */
  void *W;              /* fp32 or fp16 bits, [K, N] */
} operands;

static void make_operands(octet_arm_gemm_family f, const gemm_case *c, operands *o) {
  const bool w_f16 = f != OCTET_ARM_GEMM_F32;
  o->a = malloc(sizeof(float) * (size_t)(c->M * c->K));
  o->w = malloc(sizeof(float) * (size_t)(c->K * c->N));
  o->b = malloc(sizeof(float) * (size_t)c->N);
  o->r = malloc(sizeof(float) * (size_t)(c->M * c->N));
  o->A = calloc((size_t)(c->M * c->lda), c->a_f16 ? 2 : 4);
  o->W = malloc((size_t)(c->K * c->N) * (w_f16 ? 2 : 4));
  for (int64_t i = 0; i < c->M; i++)
    for (int64_t k = 0; k < c->K; k++) {
      float v = frand() * 2.0f;
      if (c->a_f16) {
        ((uint16_t *)o->A)[i * c->lda + k] = octet_fp32_to_fp16(v);
        v = rh(v);
      } else {
        ((float *)o->A)[i * c->lda + k] = v;
      }
      o->a[i * c->K + k] = v;
    }
  for (int64_t i = 0; i < c->K * c->N; i++) {
    float v = frand();
    if (w_f16) {
      ((uint16_t *)o->W)[i] = octet_fp32_to_fp16(v);
      v = rh(v);
    } else {
      ((float *)o->W)[i] = v;
    }
    o->w[i] = v;
  }
  for (int64_t i = 0; i < c->N; i++) o->b[i] = frand();
  for (int64_t i = 0; i < c->M * c->N; i++) o->r[i] = frand();
}

static void free_operands(operands *o) {
  free(o->a), free(o->w), free(o->b), free(o->r), free(o->A), free(o->W);
}

/* The epilogue in ref's order; GELU on the stored (fp16-rounded) value. */
static float finish(const gemm_case *c, const operands *o, int64_t m, int64_t n, float y) {
  if (c->bias) y = y + o->b[n];
  if (c->act == 1) y = y > 0.0f ? y : 0.0f;
  if (c->c_f16) y = rh(y);
  if (c->act == 2) y = c->c_f16 ? rh(vm_gelu(y)) : vm_gelu(y);
  if (c->res) y = y + o->r[m * c->N + n];
  return y;
}

/* The kernel's own arithmetic, element by element. */
static float emulate(octet_arm_gemm_family f, const gemm_case *c, const operands *o, int64_t m,
                     int64_t n) {
  const float *a = o->a + m * c->K;
  if (f != OCTET_ARM_GEMM_F16) {
    float s = 0.0f;
    for (int64_t k = 0; k < c->K; k++) s = fmaf(a[k], o->w[k * c->N + n], s);
    return s;
  }
  float s = 0.0f;
  for (int64_t k0 = 0; k0 < c->K; k0 += OCTET_ARM_F16_KBLOCK) {
    /* h is an fp16 value; a * w has lsb >= 2^-36 and |h| < 2^8, so
     * a * w + h is exact in double and rounded once, as vfmaq_f16 does */
    float h = 0.0f;
    for (int64_t k = k0; k < c->K && k < k0 + OCTET_ARM_F16_KBLOCK; k++)
      h = rh_exact((double)a[k] * o->w[k * c->N + n] + h);
    s = s + h;
  }
  return s;
}

/* ref's sums (backends/ref/linear.c: acc += a * w, no FMA) and sum |a w|. */
static float ref_sum(const gemm_case *c, const operands *o, int64_t m, int64_t n, double *mag) {
  float s = 0.0f;
  double g = 0.0;
  for (int64_t k = 0; k < c->K; k++) {
    s += o->a[m * c->K + k] * o->w[k * c->N + n];
    g += fabs((double)o->a[m * c->K + k] * o->w[k * c->N + n]);
  }
  *mag = g;
  return s;
}

/* docs/arm64.md: |kernel sum - exact| <= bound * sum |a w|; fp32 chains
 * gamma_K = K u32 / (1 - K u32); f16: gamma_KB(u16) for the fp16 block sums
 * plus gamma_(K/KB + 1)(u32) for adding them in fp32. */
static double sum_bound(octet_arm_gemm_family f, int64_t K) {
  const double u32 = ldexp(1.0, -24), u16 = ldexp(1.0, -11);
  double g32 = (double)K * u32 / (1.0 - (double)K * u32);
  if (f != OCTET_ARM_GEMM_F16) return g32;
  const double kb = (double)(K < OCTET_ARM_F16_KBLOCK ? K : OCTET_ARM_F16_KBLOCK);
  const double nb = (double)((K + OCTET_ARM_F16_KBLOCK - 1) / OCTET_ARM_F16_KBLOCK);
  return kb * u16 / (1.0 - kb * u16) * (1.0 + g32) + (nb + 1.0) * u32;
}

static float got_at(const gemm_case *c, const void *C, int64_t m, int64_t n) {
  return c->c_f16 ? octet_fp16_to_fp32(((const uint16_t *)C)[m * c->ldc + n])
                  : ((const float *)C)[m * c->ldc + n];
}

/* Runs one case; returns 0, or fails the test with the first mismatch. */
static void run_case(octet_arm_gemm_family f, const gemm_case *c) {
  operands o;
  make_operands(f, c, &o);
  octet_gemm_weights *pw = NULL;
  ck_assert_int_eq(octet_gemm_pack(octet_arm_gemm_float_kernel(f), o.W, f != OCTET_ARM_GEMM_F32,
                                   c->K, c->N, &pw),
                   OCTET_OK);
  const size_t ec = c->c_f16 ? 2 : 4, cbytes = (size_t)(c->M * c->ldc) * ec;
  unsigned char *C = malloc(cbytes);
  memset(C, 0xA5, cbytes);
  void *scratch = malloc(octet_gemm_scratch_bytes(pw, c->M, c->threads) + 1);
  const octet_act act = c->act == 1 ? OCTET_ACT_RELU : c->act == 2 ? OCTET_ACT_GELU : OCTET_ACT_NONE;
  octet_gemm_epilogue ep = {.bias = c->bias ? o.b : NULL,
                            .residual = c->res ? o.r : NULL,
                            .ldr = c->N,
                            .act = act,
                            .post = octet_linear_post_select(act, c->c_f16)};
  ck_assert_msg(octet_gemm(pw, c->M, o.A, c->a_f16, c->lda, C, c->c_f16, c->ldc, &ep,
                           scratch, c->threads) == OCTET_OK,
                "%s", octet_last_error());
  const char *name = octet_gemm_weights_kernel(pw)->name;
  const double out_u = c->c_f16 ? ldexp(1.0, -11) : ldexp(1.0, -24);
  for (int64_t m = 0; m < c->M; m++) {
    for (int64_t n = 0; n < c->N; n++) {
      const float got = got_at(c, C, m, n);
      const float want = finish(c, &o, m, n, emulate(f, c, &o, m, n));
      ck_assert_msg(memcmp(&got, &want, sizeof got) == 0,
                    "%s M=%lld K=%lld N=%lld a_f16 %d c_f16 %d act %d: [%lld,%lld] %.9g, "
                    "emulation %.9g",
                    name, (long long)c->M, (long long)c->K, (long long)c->N, c->a_f16, c->c_f16,
                    c->act, (long long)m, (long long)n, got, want);
      double mag;
      const float ref = finish(c, &o, m, n, ref_sum(c, &o, m, n, &mag));
      const double extra = (c->bias ? fabs(o.b[n]) : 0.0) + (c->res ? 1.0 : 0.0);
      double tol = (sum_bound(f, c->K) + (double)c->K * ldexp(1.0, -24)) * mag +
                   2.0 * out_u * (fabs(ref) + extra) + 1e-30;
      if (c->act == 2) tol = 1.2 * tol + 4.0 * out_u * fabs(ref);
      ck_assert_msg(fabs((double)got - ref) <= tol,
                    "%s M=%lld K=%lld N=%lld: [%lld,%lld] %.9g, ref %.9g, |diff| %.3g > %.3g",
                    name, (long long)c->M, (long long)c->K, (long long)c->N, (long long)m,
                    (long long)n, got, ref, fabs((double)got - ref), tol);
    }
    /* the row's padding past N is untouched */
    for (size_t b = (size_t)c->N * ec; b < (size_t)c->ldc * ec; b++)
      ck_assert_msg(C[(size_t)(m * c->ldc) * ec + b] == 0xA5, "%s wrote past N", name);
  }
  octet_gemm_weights_free(pw);
  free(scratch);
  free(C);
  free_operands(&o);
}

static bool family_runs(octet_arm_gemm_family f) {
  const octet_cpu_features *cpu = octet_cpu();
  return f != OCTET_ARM_GEMM_F16 || (cpu->fphp && cpu->asimdhp);
}

START_TEST(test_kernel_sweep) {
  const octet_arm_gemm_family f = families[_i];
  const char *name = octet_arm_gemm_float_kernel(f)->name;
  if (!family_runs(f)) {
    printf("SKIP %s: the CPU lacks FPHP + ASIMDHP\n", name);
    return;
  }
  int cases = 0;
  for (size_t ki = 0; ki < sizeof Ks / sizeof Ks[0]; ki++)
    for (size_t mi = 0; mi < sizeof Ms / sizeof Ms[0]; mi++)
      for (size_t ni = 0; ni < sizeof Ns / sizeof Ns[0]; ni++) {
        const unsigned v = (unsigned)(ki * 31 + mi * 7 + ni * 3);
        gemm_case c = {.M = Ms[mi], .K = Ks[ki], .N = Ns[ni]};
        c.lda = c.K + (v % 3 == 0 ? 5 : 0);
        c.ldc = c.N + (v % 4 == 1 ? 3 : 0);
        c.a_f16 = f == OCTET_ARM_GEMM_F16 || v % 2 == 1;
        c.c_f16 = f != OCTET_ARM_GEMM_F32 ? v % 5 != 0 : v % 5 == 0;
        c.bias = v % 3 != 1;
        c.act = (int)(v % 3);
        c.res = c.act == 0 && !c.c_f16 && v % 2 == 0;
        c.threads = 1 + (int)(v % 2);
        run_case(f, &c);
        cases++;
      }
  printf("%s: %d shapes equal to its emulation and within the bound of ref\n", name, cases);
}
END_TEST

/* K well past the driver's k-block (partial sums kept between k-blocks),
 * M past the 64-row block and N past a 16-panel column block. */
START_TEST(test_large) {
  const octet_arm_gemm_family f = families[_i];
  if (!family_runs(f)) return;
  gemm_case c = {.M = 70, .K = 600, .N = 200, .lda = 600, .ldc = 203, .bias = true,
                 .a_f16 = f == OCTET_ARM_GEMM_F16, .c_f16 = f == OCTET_ARM_GEMM_F16,
                 .act = 1, .threads = 2};
  run_case(f, &c);
}
END_TEST

int main(void) {
  Suite *su = suite_create("arm-f32-gemm");
  TCase *tc = tcase_create("f32");
  tcase_set_timeout(tc, 900);
  tcase_add_loop_test(tc, test_kernel_sweep, 0, 3);
  tcase_add_loop_test(tc, test_large, 0, 3);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
