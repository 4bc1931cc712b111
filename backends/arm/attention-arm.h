/* The arm backend's OctetAttention: the shared driver (common/attention.h)
 * with the NEON activation MatMul (f32-matmul-neon.h) and the NEON Softmax
 * and elementwise kernels (vec-ukernels-neon.h), all bit-identical to
 * ref's, so the fused node gives the decomposed graph's result bit for bit
 * in float32 and float16. Baseline NEON: the same kernels at every arm
 * level (NEON, DOTPROD, I8MM). */
#ifndef OCTET_ARM_ATTENTION_ARM_H
#define OCTET_ARM_ATTENTION_ARM_H

#include "backends/backend.h"
#include "backends/common/attention.h"

/* Claims an OctetAttention node unless one thread's scratch would exceed
 * the limit (very long sequences; the reason goes to octet_backend_why and
 * ref runs the node). */
bool octet_arm_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx);
/* Scratch for `threads` threads is allocated here; nothing at run. */
octet_status octet_arm_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_node_kernel *k);

#endif
