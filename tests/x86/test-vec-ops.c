/* The vectorised x86 non-GEMM kernels (backends/x86/vec-*) against the ref
 * kernels at AVX2 and AVX-512 over rows of 1, 7, 15, 16, 17, 33, 384 and
 * 1536 elements (the shared cases of tests/vec-ops-check.c), and the x86
 * selector's names and ISA levels. */
#include <check.h>

#include "core/cpu.h"
#include "vec-ops-check.h"
#include "backends/x86/vec-ops.h"

#define F32 OCTET_DTYPE_FLOAT32

static const octet_isa k_isas[] = {OCTET_ISA_AVX2, OCTET_ISA_AVX512};
static const int64_t k_lens[] = {1, 7, 15, 16, 17, 33, 384, 1536};

/* ---- selector ------------------------------------------------------------ */

START_TEST(selector) {
  op_case c;
  oc_init(&c, "Relu", 14);
  oc_input(&c, F32, 1, (int64_t[]){4}, (float[]){1, 2, 3, 4});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  const char *name = "unset";
  ck_assert_ptr_null(octet_x86_select_kernel(&c.node, c.in, c.n_in, c.out,
                                             c.n_out, OCTET_ISA_REF, &name));
  ck_assert_ptr_null(name);
  ck_assert_ptr_nonnull(octet_x86_select_kernel(
      &c.node, c.in, c.n_in, c.out, c.n_out, OCTET_ISA_AVX512VNNI, &name));
  ck_assert_str_eq(name, "relu f32 avx512");
  ck_assert_ptr_nonnull(octet_x86_select_kernel(
      &c.node, c.in, c.n_in, c.out, c.n_out, OCTET_ISA_AVXVNNI, &name));
  ck_assert_str_eq(name, "relu f32 avx2");
  oc_free(&c);
  vec_expect_common_declines();
}
END_TEST

static void add_x86_tests(TCase *t) { tcase_add_test(t, selector); }

int main(void) {
  const vec_target t = {
      .suite = "x86-vec-ops",
      .isas = k_isas,
      .n_isas = sizeof k_isas / sizeof k_isas[0],
      .select = octet_x86_select_kernel,
      .lens = k_lens,
      .n_lens = sizeof k_lens / sizeof k_lens[0],
  };
  return vec_ops_run(&t, add_x86_tests);
}
