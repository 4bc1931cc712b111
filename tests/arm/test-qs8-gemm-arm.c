/* The arm64 qs8 kernels (backends/arm/qs8-gemm-arm.h, through the GEMM
 * driver) against a scalar oracle that follows ref's rules (quantization, exact int32 sums, fp32
 * epilogue in ref's order): bit-identical (memcmp) over a sweep of K below,
 * at and above the 8-byte groups, M odd and even (the 2-row tiles), N below
 * and above the 8-column panels, with bias, ReLU and GELU. Kernels the CPU
 * lacks are skipped. Then the kernel a session picks is checked against
 * the CPU's features (and against OCTET_TEST_EXPECT_KERNEL when set: CI
 * runs this under qemu's cortex-a53, neoverse-n1 and max CPU models). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/arm/gemm-kernels-arm.h"
#include "backends/arm/qs8-gemm-arm.h"
#include "backends/common/gemm.h"
#include "backends/common/linear-epilogue.h"
#include "core/cpu.h"
#include "core/quant.h"
#include "core/vmath.h"
#include "gemm-oracle.h"
#include "octet.h"
#include "onnx-build.h"

static const octet_isa isas[] = {OCTET_ISA_NEON, OCTET_ISA_DOTPROD, OCTET_ISA_I8MM};
static const int64_t Ks[] = {1, 7, 8, 9, 33, 383, 1537};
static const int64_t Ms[] = {1, 2, 3, 7, 8, 9, 17};
static const int64_t Ns[] = {1, 7, 8, 9, 33};

static unsigned rng = 11;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) & 0xffffff) / 8388608.0f - 1.0f;
}

/* ref's w8a8 linear: the oracle (core/quant.h's rules), then GELU. */
static void oracle(const float *A, const float *W, const float *bias, int act, int64_t M,
                   int64_t K, int64_t N, float *Y) {
  octet_gemm_epilogue ep = {.bias = bias, .act = act == 1 ? OCTET_ACT_RELU : OCTET_ACT_NONE};
  ck_assert_int_eq(gemm_oracle_q8(W, K, N, M, A, K, Y, N, &ep), OCTET_OK);
  if (act == 2)
    for (int64_t i = 0; i < M * N; i++) Y[i] = vm_gelu(Y[i]);
}

START_TEST(test_kernel_sweep) {
  const octet_isa isa = isas[_i];
  if (!octet_isa_supported(isa)) {
    printf("SKIP %s: the CPU lacks it\n", octet_isa_name(isa));
    return;
  }
  int cases = 0;
  for (size_t ki = 0; ki < sizeof Ks / sizeof Ks[0]; ki++)
    for (size_t mi = 0; mi < sizeof Ms / sizeof Ms[0]; mi++)
      for (size_t ni = 0; ni < sizeof Ns / sizeof Ns[0]; ni++) {
        const int64_t K = Ks[ki], M = Ms[mi], N = Ns[ni];
        const int act = (int)((ki + mi + ni) % 3);
        float *A = malloc(sizeof(float) * (size_t)(M * K)), *W = malloc(sizeof(float) * (size_t)(K * N));
        float *B = malloc(sizeof(float) * (size_t)N);
        float *want = malloc(sizeof(float) * (size_t)(M * N)), *got = malloc(sizeof(float) * (size_t)(M * N));
        for (int64_t i = 0; i < M * K; i++) A[i] = frand() * 3.0f;
        for (int64_t i = 0; i < K * N; i++) W[i] = frand();
        for (int64_t i = 0; i < N; i++) B[i] = frand();
        const float *bias = (ki + ni) % 2 ? B : NULL;
        oracle(A, W, bias, act, M, K, N, want);
        const octet_gemm_kernel *kern = octet_arm_gemm_q8_kernel(isa);
        octet_gemm_weights *pw = NULL;
        ck_assert_int_eq(octet_gemm_pack(kern, W, false, K, N, &pw), OCTET_OK);
        void *scratch = malloc(octet_gemm_scratch_bytes(pw, M, 2) + 1);
        memset(got, 0xAB, sizeof(float) * (size_t)(M * N));
        const octet_act a = act == 1 ? OCTET_ACT_RELU : act == 2 ? OCTET_ACT_GELU : OCTET_ACT_NONE;
        octet_gemm_epilogue ep = {.bias = bias, .act = a,
                                  .post = octet_linear_post_select(a, false)};
        ck_assert_int_eq(octet_gemm(pw, M, A, false, K, got, false, N, &ep, scratch, 2),
                         OCTET_OK);
        ck_assert_msg(memcmp(want, got, sizeof(float) * (size_t)(M * N)) == 0,
                      "%s M=%lld K=%lld N=%lld act %d: differs from ref", kern->name,
                      (long long)M, (long long)K, (long long)N, act);
        octet_gemm_weights_free(pw);
        free(scratch);
        free(A), free(W), free(B), free(want), free(got);
        cases++;
      }
  printf("%s: %d shapes bit-identical to ref\n", octet_isa_name(isa), cases);
}
END_TEST

/* The NEON activation quantizer equals ref's byte for byte, scale included,
 * on ordinary rows and on zeros, NaN, infinities, subnormals and ties. */
START_TEST(test_quantize_rows) {
  static const int64_t lens[] = {1, 3, 4, 5, 8, 9, 33, 383};
  int rows = 0;
  for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
    for (int kind = 0; kind < 7; kind++) {
      const int64_t K = lens[li];
      float x[383];
      for (int64_t k = 0; k < K; k++) x[k] = frand() * 10.0f;
      if (kind == 1) for (int64_t k = 0; k < K; k++) x[k] = 0.0f;
      if (kind == 2) x[K / 2] = NAN;
      if (kind == 3) x[K - 1] = INFINITY;
      if (kind == 4) for (int64_t k = 0; k < K; k++) x[k] *= 1e-41f; /* subnormal */
      if (kind == 5) for (int64_t k = 0; k < K; k++) x[k] = (float)((k % 9) - 4) * 0.5f;
      if (kind == 6) x[0] = -INFINITY;
      int8_t want[383], got[383];
      float sw, sg;
      octet_q8_quantize_row(x, K, want, &sw);
      octet_arm_qs8_quantize_row__neon(x, K, got, &sg);
      ck_assert_msg(memcmp(want, got, (size_t)K) == 0 && memcmp(&sw, &sg, sizeof sw) == 0,
                    "K=%lld kind %d: differs from ref", (long long)K, kind);
      rows++;
    }
  printf("quantizer: %d rows bit-identical to ref\n", rows);
}
END_TEST

/* The kernel a w8a8 session picks follows the CPU's features. */
START_TEST(test_kernel_choice) {
  ob_model *ob = ob_new(17);
  int64_t xd[2] = {-1, 16}, wd[2] = {16, 8};
  float w[128];
  for (int i = 0; i < 128; i++) w[i] = frand();
  ob_input(ob, "x", 1, 2, xd);
  ob_init_raw(ob, "W", 1, 2, wd, w, sizeof w);
  ob_node_add(ob, "MatMul", "mm", 2, (const char *[]){"x", "W"}, 1, (const char *[]){"y"});
  ob_output(ob, "y", 1);
  size_t len;
  uint8_t *buf = ob_pack(ob, &len);
  ob_free(ob);
  octet_model *m = NULL;
  ck_assert_int_eq(octet_model_load_memory(buf, len, NULL, &m), OCTET_OK);
  free(buf);
  octet_session_options o;
  octet_session_options_init(&o);
  o.precision = OCTET_PRECISION_W8A8;
  octet_session *s = NULL;
  ck_assert_msg(octet_session_create(m, &o, &s) == OCTET_OK, "%s", octet_last_error());
  octet_node_info ni;
  ck_assert_int_eq(octet_session_node_info(s, 0, &ni), OCTET_OK);
  const octet_cpu_features *f = octet_cpu();
  const char *want = f->i8mm && f->asimddp ? "i8mm" : f->asimddp ? "dotprod" : "neon";
  printf("cpu: asimddp %d i8mm %d fphp %d -> %s (%s)\n", f->asimddp, f->i8mm, f->fphp,
         ni.kernel, ni.backend);
  ck_assert_str_eq(ni.backend, "arm");
  ck_assert_msg(strstr(ni.kernel, want), "kernel %s, expected %s", ni.kernel, want);
  const char *expect = getenv("OCTET_TEST_EXPECT_KERNEL");
  if (expect && *expect) ck_assert_msg(strstr(ni.kernel, expect), "kernel %s, CI expects %s",
                                       ni.kernel, expect);
  octet_session_destroy(s);
  octet_model_destroy(m);
}
END_TEST

int main(void) {
  Suite *su = suite_create("arm-qs8");
  TCase *tc = tcase_create("qs8");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, test_kernel_sweep, 0, 3);
  tcase_add_test(tc, test_quantize_rows);
  tcase_add_test(tc, test_kernel_choice);
  suite_add_tcase(su, tc);
  SRunner *sr = srunner_create(su);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
