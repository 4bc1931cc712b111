/* Shared Check cases for the vectorised non-GEMM kernels of a backend
 * (tests/vec-ops-check.c): every op and dtype through the backend's
 * selector, compared byte for byte with the ref kernel. */
#ifndef OCTET_TESTS_VEC_OPS_CHECK_H
#define OCTET_TESTS_VEC_OPS_CHECK_H

#include <check.h>
#include <stddef.h>

#include "core/cpu.h"
#include "core/ir.h"
#include "op-harness.h"

/* octet_x86_select_kernel / octet_arm_select_vec_kernel */
typedef octet_kernel_fn (*vec_select_fn)(const octet_node *node,
                                         const octet_tview *in, int n_in,
                                         const octet_tview *out, int n_out,
                                         octet_isa isa, const char **name);

typedef struct vec_target {
  const char *suite;     /* Check suite name */
  const octet_isa *isas; /* levels whose kernels are compared (and must
                            decline the same nodes); unsupported: skipped */
  size_t n_isas;
  vec_select_fn select;
  const int64_t *lens; /* row lengths of the sweeps (<= 1536) */
  size_t n_lens;
} vec_target;

extern long vec_runs; /* kernel runs compared with the ref */

/* Runs the ref on `c` with n_out outputs, then requires every level of the
 * target to decline the node; frees c. */
void vec_expect_decline(op_case *c, int n_out);
/* What every selector declines, at each of the target's levels: a float64
 * Relu, an op without vector kernels (Sqrt), Gelu of an unknown form. */
void vec_expect_common_declines(void);

/* Runs the shared cases plus those add_tests (may be NULL) adds to the
 * same TCase; returns the exit status for main. */
int vec_ops_run(const vec_target *t, void (*add_tests)(TCase *));

#endif /* OCTET_TESTS_VEC_OPS_CHECK_H */
