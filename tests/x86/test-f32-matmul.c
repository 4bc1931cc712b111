/* The x86 activation MatMul (backends/x86/f32-matmul.h) against the ref
 * backend's MatMul: bit-identical (memcmp) in fp32 and fp16, at each x86
 * ISA level the CPU has (skipped otherwise), over a sweep of shapes: K
 * below, at and above the groups of 4 and ref's 256-deep blocks, M above
 * and below the 64-row tasks, N below and above a vector, with batch dims
 * and with B a single matrix (A's batch folded into rows). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "core/cpu.h"
#include "op-harness.h"

static const octet_isa levels[] = {OCTET_ISA_AVX2, OCTET_ISA_AVXVNNI, OCTET_ISA_AVX512,
                                   OCTET_ISA_AVX512VNNI};
static const int64_t Ks[] = {1, 3, 4, 7, 33, 255, 256, 257, 383, 520};
static const int64_t Ms[] = {1, 7, 65, 130};
static const int64_t Ns[] = {1, 7, 16, 33};
enum { NK = sizeof Ks / sizeof Ks[0], NM = sizeof Ms / sizeof Ms[0], NN = sizeof Ns / sizeof Ns[0] };

static unsigned rng = 7;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) & 0xffffff) / 8388608.0f - 1.0f;
}

static void *rand_data(octet_dtype t, int64_t n) {
  size_t es = t == OCTET_DTYPE_FLOAT16 ? 2 : 4;
  char *p = malloc((size_t)n * es + 1);
  for (int64_t i = 0; i < n; i++) {
    float v = frand();
    if (t == OCTET_DTYPE_FLOAT16)
      ((uint16_t *)p)[i] = octet_fp32_to_fp16(v);
    else
      ((float *)p)[i] = v;
  }
  return p;
}

/* layout: 0 = no batch, 1 = batch [3] on both, 2 = batch [2, 3] on both,
 * 3 = A batch [2, 3], B one matrix */
static int check_case(octet_dtype t, int layout, int64_t M, int64_t K, int64_t N) {
  int64_t ad[4], bd[4];
  int ar = 0, br = 0;
  if (layout == 1) ad[ar++] = bd[br++] = 3;
  if (layout == 2 || layout == 3) {
    ad[ar++] = 2;
    ad[ar++] = 3;
    if (layout == 2) {
      bd[br++] = 2;
      bd[br++] = 3;
    }
  }
  ad[ar++] = M;
  ad[ar++] = K;
  bd[br++] = K;
  bd[br++] = N;
  int64_t na = 1, nb = 1;
  for (int d = 0; d < ar; d++) na *= ad[d];
  for (int d = 0; d < br; d++) nb *= bd[d];
  void *a = rand_data(t, na), *b = rand_data(t, nb);
  op_case c;
  oc_init(&c, "MatMul", 17);
  oc_input_dynamic(&c, t, ar, ad, a);
  oc_input_dynamic(&c, t, br, bd, b);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  int compared = 0;
  for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
    if (!octet_isa_supported(levels[l])) continue;
    setenv("OCTET_ISA", octet_isa_name(levels[l]), 1);
    octet_isa_reset();
    octet_plan_ctx pc = {.precision = OCTET_PRECISION_FP32, .threads = 2};
    ck_assert(octet_backend_x86.supports(&c.node, c.in, c.n_in, c.out, 1, &pc));
    octet_node_kernel k = {0};
    ck_assert_int_eq(octet_backend_x86.prepare(&c.node, c.in, c.n_in, c.out, 1, &pc, &k),
                     OCTET_OK);
    octet_tview got = c.out[0];
    size_t bytes = (size_t)tv_numel(&got) * (t == OCTET_DTYPE_FLOAT16 ? 2 : 4);
    got.data = malloc(bytes + 1);
    memset(got.data, 0xAB, bytes);
    octet_kctx kc = {.threads = 2, .state = k.state};
    ck_assert_int_eq(k.run(&c.node, c.in, c.n_in, &got, 1, &kc), OCTET_OK);
    ck_assert_msg(memcmp(got.data, c.out[0].data, bytes) == 0,
                  "%s %s layout %d M=%lld K=%lld N=%lld: differs from ref", k.kernel_name,
                  octet_dtype_name(t), layout, (long long)M, (long long)K, (long long)N);
    if (k.free_state) k.free_state(k.state);
    free(got.data);
    compared++;
  }
  unsetenv("OCTET_ISA");
  octet_isa_reset();
  oc_free(&c);
  free(a);
  free(b);
  return compared;
}

START_TEST(test_matmul_sweep) {
  const octet_dtype t = _i % 2 ? OCTET_DTYPE_FLOAT16 : OCTET_DTYPE_FLOAT32;
  const int layout = (_i / 2) % 4;
  int compared = 0;
  for (int mi = 0; mi < NM; mi++)
    for (int ki = 0; ki < NK; ki++)
      for (int ni = 0; ni < NN; ni++) compared += check_case(t, layout, Ms[mi], Ks[ki], Ns[ni]);
  if (!compared) printf("SKIP: the CPU has no x86 level (AVX2 or above)\n");
  else printf("%s layout %d: %d cases x levels bit-identical to ref\n", octet_dtype_name(t), layout,
              compared);
}
END_TEST

int main(void) {
  Suite *s = suite_create("x86-f32-matmul");
  TCase *tc = tcase_create("matmul");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_matmul_sweep, 0, 8);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
