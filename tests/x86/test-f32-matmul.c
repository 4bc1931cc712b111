/* The x86 activation MatMul (backends/x86/f32-matmul.h) against the ref
 * backend's MatMul: bit-identical (memcmp) in fp32 and fp16, at each x86
 * ISA level the CPU has (skipped otherwise), over a sweep of shapes: K
 * below, at and above the groups of 4 and ref's 256-deep blocks, M above
 * and below the 64-row tasks, N below and above a vector, with batch dims
 * and with B a single matrix (A's batch folded into rows).
 * Also the kernels themselves (octet_f32_matmul__avx2 / __avx512) against
 * octet_ref_matmul_f32 with row strides wider than the rows, over every
 * edge of their register tiles (AVX2 8 rows x 8 columns, AVX-512 8 rows x
 * 32 columns): M and N below, at and above a tile and a vector, K around
 * the groups of 4 and the 256-deep blocks; the padding of C must stay
 * untouched. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/cpu.h"
#include "kernel-check.h"
#include "backends/ref/kernels.h"
#include "backends/x86/f32-matmul.h"

static const octet_isa levels[] = {OCTET_ISA_AVX2, OCTET_ISA_AVXVNNI, OCTET_ISA_AVX512,
                                   OCTET_ISA_AVX512VNNI};
static const int64_t Ks[] = {1, 3, 4, 7, 33, 255, 256, 257, 383, 520};
static const int64_t Ms[] = {1, 7, 65, 130};
static const int64_t Ns[] = {1, 7, 16, 33};
enum { NK = sizeof Ks / sizeof Ks[0], NM = sizeof Ms / sizeof Ms[0], NN = sizeof Ns / sizeof Ns[0] };

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
  void *a = rand_data(t, na, 1.0f), *b = rand_data(t, nb, 1.0f);
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
    const char *kernel;
    ck_assert_msg(backend_matches_ref(&octet_backend_x86, &c, 2, &kernel),
                  "%s %s layout %d M=%lld K=%lld N=%lld: differs from ref", kernel,
                  octet_dtype_name(t), layout, (long long)M, (long long)K, (long long)N);
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

/* ---- the kernels directly, with strides ----------------------------------- */

static const size_t kMs[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 33};
static const size_t kNs[] = {1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 48, 64, 65, 70};
static const size_t kKs[] = {1, 2, 3, 4, 5, 8, 31, 32, 64, 255, 256, 257, 260, 515};
enum { PAD = 5 };

START_TEST(test_kernel_strided) {
  const bool wide = _i == 1;
  const octet_isa need = wide ? OCTET_ISA_AVX512 : OCTET_ISA_AVX2;
  if (!octet_isa_supported(need)) {
    printf("SKIP: no %s\n", octet_isa_name(need));
    return;
  }
  const octet_f32_matmul_fn mm = wide ? octet_f32_matmul__avx512 : octet_f32_matmul__avx2;
  int cases = 0;
  for (size_t mi = 0; mi < sizeof kMs / sizeof kMs[0]; mi++)
    for (size_t ni = 0; ni < sizeof kNs / sizeof kNs[0]; ni++)
      for (size_t ki = 0; ki < sizeof kKs / sizeof kKs[0]; ki++)
        for (int strided = 0; strided < 2; strided++) {
          const size_t M = kMs[mi], N = kNs[ni], K = kKs[ki];
          const size_t lda = K + (strided ? PAD : 0), ldb = N + (strided ? PAD + 2 : 0),
                       ldc = N + (strided ? PAD + 4 : 0);
          /* the last row of each operand ends at a guard page */
          guarded ga = rand_f32((M - 1) * lda + K), gb = rand_f32((K - 1) * ldb + N);
          const float *a = ga.p, *b = gb.p;
          const size_t cn = (M - 1) * ldc + N;
          guarded gc = guarded_alloc(cn);
          float *want = malloc(sizeof(float) * cn), *got = gc.p;
          memset(want, 0xAB, sizeof(float) * cn);
          memset(got, 0xAB, sizeof(float) * cn);
          octet_ref_matmul_f32(M, N, K, a, lda, b, ldb, want, ldc);
          mm(M, N, K, a, lda, b, ldb, got, ldc);
          ck_assert_msg(memcmp(got, want, sizeof(float) * cn) == 0,
                        "%s M=%zu N=%zu K=%zu lda=%zu ldb=%zu ldc=%zu: differs from ref",
                        wide ? "avx512" : "avx2", M, N, K, lda, ldb, ldc);
          free(want);
          munmap(ga.map, ga.len), munmap(gb.map, gb.len), munmap(gc.map, gc.len);
          cases++;
        }
  printf("%s kernel: %d strided cases bit-identical to ref\n", wide ? "avx512" : "avx2", cases);
}
END_TEST

int main(void) {
  rand_seed(7);
  Suite *s = suite_create("x86-f32-matmul");
  TCase *tc = tcase_create("matmul");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_matmul_sweep, 0, 8);
  tcase_add_loop_test(tc, test_kernel_strided, 0, 2);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0;
}
