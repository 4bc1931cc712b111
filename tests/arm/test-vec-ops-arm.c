/* The NEON non-GEMM kernels (backends/arm/vec-*-neon.c) against the ref
 * kernels, byte for byte (the shared cases of tests/vec-ops-check.c: every
 * op x dtype over rows of 1..33, 383, 384 and 1536 elements, special
 * values, every broadcast pattern, 1 and 2 threads), the arm selector's
 * names and levels, and the arm backend claiming and naming these ops. The
 * kernels are baseline NEON, so they run under every QEMU CPU model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "backends/arm/vec-ops-arm.h"
#include "backends/backend.h"
#include "core/cpu.h"
#include "vec-ops-check.h"

#define F32 OCTET_DTYPE_FLOAT32
#define F16 OCTET_DTYPE_FLOAT16

/* One kernel set for all three levels: comparing it at NEON suffices; the
 * selector test checks DOTPROD and I8MM pick the same kernels. */
static const octet_isa k_isas[] = {OCTET_ISA_NEON};
static int64_t k_lens[33 + 3];

START_TEST(selector) {
  static const octet_isa levels[] = {OCTET_ISA_NEON, OCTET_ISA_DOTPROD,
                                     OCTET_ISA_I8MM};
  op_case c;
  oc_init(&c, "Softmax", 13);
  oc_input(&c, F16, 2, (int64_t[]){1, 2}, (uint16_t[]){0x3c00, 0x4000});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  const char *name = "unset";
  ck_assert_ptr_null(octet_arm_select_vec_kernel(
      &c.node, c.in, c.n_in, c.out, c.n_out, OCTET_ISA_REF, &name));
  ck_assert_ptr_null(name);
  ck_assert_ptr_null(octet_arm_select_vec_kernel(
      &c.node, c.in, c.n_in, c.out, c.n_out, OCTET_ISA_AVX512, &name));
  ck_assert_ptr_null(name);
  for (size_t k = 0; k < sizeof levels / sizeof levels[0]; k++) {
    ck_assert_ptr_nonnull(octet_arm_select_vec_kernel(
        &c.node, c.in, c.n_in, c.out, c.n_out, levels[k], &name));
    ck_assert_str_eq(name, "softmax f16 neon");
  }
  oc_free(&c);
  oc_init(&c, "Gelu", 20);
  oc_attr_string(&c, "approximate", "tanh");
  oc_input(&c, F32, 1, (int64_t[]){2}, (float[]){1, 4});
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  ck_assert_ptr_nonnull(octet_arm_select_vec_kernel(
      &c.node, c.in, c.n_in, c.out, c.n_out, OCTET_ISA_I8MM, &name));
  ck_assert_str_eq(name, "gelu tanh f32 neon");
  oc_free(&c);
  vec_expect_common_declines();
}
END_TEST

/* The arm backend claims a LayerNormalization at the active level, names
 * its kernel, runs it like the ref, and declines at OCTET_ISA=ref. */
START_TEST(backend_claims) {
  const octet_isa active = octet_isa_active();
  if (active == OCTET_ISA_REF) { /* OCTET_ISA=ref: the backend takes nothing */
    printf("SKIP backend_claims: OCTET_ISA=ref\n");
    return;
  }
  op_case c;
  oc_init(&c, "LayerNormalization", 17);
  float x[2 * 19], s[19], b[19];
  for (int i = 0; i < 2 * 19; i++) x[i] = (float)(i % 7) - 2.5f;
  for (int i = 0; i < 19; i++) s[i] = 1.0f + (float)i / 8, b[i] = -(float)i;
  oc_input(&c, F32, 2, (int64_t[]){2, 19}, x);
  oc_input(&c, F32, 1, (int64_t[]){19}, s);
  oc_input(&c, F32, 1, (int64_t[]){19}, b);
  ck_assert_int_eq(oc_run(&c, 1), OCTET_OK);
  octet_plan_ctx pc = {.precision = OCTET_PRECISION_FP32, .threads = 2};
  const octet_backend *arm = &octet_backend_arm;
  ck_assert(arm->supports(&c.node, c.in, c.n_in, c.out, c.n_out, &pc));
  octet_node_kernel k = {0};
  ck_assert_int_eq(arm->prepare(&c.node, c.in, c.n_in, c.out, c.n_out, &pc, &k),
                   OCTET_OK);
  ck_assert_str_eq(k.kernel_name, "layernorm f32 neon");
  float y[2 * 19];
  octet_tview o = c.out[0];
  o.data = y;
  octet_kctx kc = {.threads = 2, .state = k.state};
  ck_assert_int_eq(k.run(&c.node, c.in, c.n_in, &o, 1, &kc), OCTET_OK);
  ck_assert_mem_eq(y, c.out[0].data, sizeof y);
  ck_assert_ptr_null(k.free_state);
  const char *saved = getenv("OCTET_ISA");
  char isa[32] = "";
  if (saved) snprintf(isa, sizeof isa, "%s", saved);
  setenv("OCTET_ISA", "ref", 1);
  octet_isa_reset();
  ck_assert(!arm->supports(&c.node, c.in, c.n_in, c.out, c.n_out, &pc));
  if (saved)
    setenv("OCTET_ISA", isa, 1);
  else
    unsetenv("OCTET_ISA");
  octet_isa_reset();
  ck_assert_int_eq(octet_isa_active(), active);
  oc_free(&c);
}
END_TEST

static void add_arm_tests(TCase *t) {
  tcase_add_test(t, selector);
  tcase_add_test(t, backend_claims);
}

int main(void) {
  size_t n = 0;
  for (int64_t len = 1; len <= 33; len++) k_lens[n++] = len;
  k_lens[n++] = 383;
  k_lens[n++] = 384;
  k_lens[n++] = 1536;
  const vec_target t = {
      .suite = "arm-vec-ops",
      .isas = k_isas,
      .n_isas = sizeof k_isas / sizeof k_isas[0],
      .select = octet_arm_select_vec_kernel,
      .lens = k_lens,
      .n_lens = n,
  };
  return vec_ops_run(&t, add_arm_tests);
}
