/* The arm OctetAttention (backends/arm/attention-arm.h) against the ref
 * backend's: bit-identical (memcmp) in fp32 and fp16 at the active arm
 * level (the kernels are baseline NEON, the same at every level), over a
 * sweep of shapes: sequence lengths 1, 7, 9, 16, 17, 31, 33 (Sq != Sk
 * too), head dims 1, 4, 7, 8, 64, 65, 1-3 heads, batch 1-2, every scale
 * op, and masks of shape [B, 1, 1, Sk], [B, H, Sq, Sk], [Sk], [Sq, 1] or
 * none, with one masked value set to -10000; the backend declines the node
 * under OCTET_ISA=ref. Also the NEON activation MatMul itself
 * (octet_f32_matmul__neon) against octet_ref_matmul_f32 with row strides
 * wider than the rows, over every edge of its 8 x 8 register tile (M and
 * N below, at and above a tile and a vector; K around the groups of 4 and
 * the 256-deep blocks), each operand's last row ending at a guard page and
 * C's padding left untouched. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backends/arm/f32-matmul-neon.h"
#include "core/cpu.h"
#include "kernel-check.h"
#include "backends/ref/kernels.h"

static bool arm_active(void) {
  const octet_isa a = octet_isa_active();
  return a == OCTET_ISA_NEON || a == OCTET_ISA_DOTPROD || a == OCTET_ISA_I8MM;
}

/* ---- the node against ref ---------------------------------------------------- */

static void check_case(octet_dtype t, const att_shape *s, int mask, int op, int threads) {
  op_case c;
  att_build(&c, t, s, mask, op);
  ck_assert_msg(oc_run(&c, 1) == OCTET_OK, "%s", octet_last_error());
  const char *kernel;
  const bool same = backend_matches_ref(&octet_backend_arm, &c, threads, &kernel);
  ck_assert_str_eq(kernel, t == OCTET_DTYPE_FLOAT16 ? "attention f16 neon" : "attention f32 neon");
  ck_assert_msg(same, "%s B=%lld Sq=%lld Sk=%lld H=%lld D=%lld mask %d op %d: differs from ref",
                kernel, (long long)s->B, (long long)s->Sq, (long long)s->Sk, (long long)s->H,
                (long long)s->D, mask, op);
  oc_free(&c);
}

static const att_shape shapes[] = {
    {1, 1, 1, 1, 1},    {1, 7, 7, 2, 4},    {2, 16, 16, 3, 7},  {1, 31, 33, 1, 64},
    {2, 33, 31, 2, 65}, {1, 7, 33, 2, 1},   {1, 33, 7, 1, 4},   {2, 16, 31, 3, 64},
    {1, 1, 16, 2, 65},  {2, 31, 1, 1, 7},   {1, 9, 17, 3, 8},   {2, 17, 9, 1, 33},
};
enum { NSHAPES = sizeof shapes / sizeof shapes[0] };

START_TEST(test_attention_sweep) {
  if (!arm_active()) {
    printf("SKIP: OCTET_ISA is not an arm level\n");
    return;
  }
  const octet_dtype t = _i % 2 ? OCTET_DTYPE_FLOAT16 : OCTET_DTYPE_FLOAT32;
  int cases = 0;
  for (int si = 0; si < NSHAPES; si++)
    for (int mask = 0; mask < 5; mask++)
      for (int op = 0; op < 3; op++, cases++)
        check_case(t, &shapes[si], mask, op, 1 + (cases % 2));
  printf("%s: %d attention cases bit-identical to ref\n", octet_dtype_name(t), cases);
}
END_TEST

START_TEST(test_declines_at_ref) {
  const char *saved = getenv("OCTET_ISA");
  char isa[32] = "";
  if (saved) snprintf(isa, sizeof isa, "%s", saved);
  const att_shape s = {1, 7, 7, 2, 4};
  op_case c;
  att_build(&c, OCTET_DTYPE_FLOAT32, &s, 1, 1);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  octet_plan_ctx pc = {.precision = OCTET_PRECISION_FP32, .threads = 2};
  setenv("OCTET_ISA", "ref", 1);
  octet_isa_reset();
  ck_assert(!octet_backend_arm.supports(&c.node, c.in, c.n_in, c.out, 1, &pc));
  if (saved)
    setenv("OCTET_ISA", isa, 1);
  else
    unsetenv("OCTET_ISA");
  octet_isa_reset();
  oc_free(&c);
}
END_TEST

/* ---- the MatMul kernel directly, with strides -------------------------------- */

static const size_t kMs[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33};
static const size_t kNs[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 33, 64, 65};
static const size_t kKs[] = {1, 3, 4, 5, 7, 8, 64, 65, 255, 256, 257, 260, 515};
enum { PAD = 5 };

START_TEST(test_matmul_strided) {
  const bool strided = _i == 1;
  int cases = 0;
  for (size_t mi = 0; mi < sizeof kMs / sizeof kMs[0]; mi++)
    for (size_t ni = 0; ni < sizeof kNs / sizeof kNs[0]; ni++)
      for (size_t ki = 0; ki < sizeof kKs / sizeof kKs[0]; ki++) {
        const size_t M = kMs[mi], N = kNs[ni], K = kKs[ki];
        const size_t lda = K + (strided ? PAD : 0), ldb = N + (strided ? PAD + 2 : 0),
                     ldc = N + (strided ? PAD + 4 : 0);
        guarded ga = rand_f32((M - 1) * lda + K), gb = rand_f32((K - 1) * ldb + N);
        const size_t cn = (M - 1) * ldc + N;
        guarded gc = guarded_alloc(cn);
        float *want = malloc(sizeof(float) * cn), *got = gc.p;
        memset(want, 0xAB, sizeof(float) * cn);
        memset(got, 0xAB, sizeof(float) * cn);
        octet_ref_matmul_f32(M, N, K, ga.p, lda, gb.p, ldb, want, ldc);
        octet_f32_matmul__neon(M, N, K, ga.p, lda, gb.p, ldb, got, ldc);
        ck_assert_msg(memcmp(got, want, sizeof(float) * cn) == 0,
                      "neon M=%zu N=%zu K=%zu lda=%zu ldb=%zu ldc=%zu: differs from ref", M, N,
                      K, lda, ldb, ldc);
        free(want);
        munmap(ga.map, ga.len), munmap(gb.map, gb.len), munmap(gc.map, gc.len);
        cases++;
      }
  printf("neon matmul (%s): %d cases bit-identical to ref\n", strided ? "strided" : "dense",
         cases);
}
END_TEST

int main(void) {
  rand_seed(13);
  Suite *s = suite_create("arm-attention");
  TCase *tc = tcase_create("attention");
  tcase_set_timeout(tc, 600);
  tcase_add_loop_test(tc, test_attention_sweep, 0, 2);
  tcase_add_test(tc, test_declines_at_ref);
  tcase_add_loop_test(tc, test_matmul_strided, 0, 2);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
