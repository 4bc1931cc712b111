/* The x86 backend's OctetAttention: the shared driver (common/attention.h)
 * with the AVX-512 or AVX2 MatMul, Softmax and elementwise kernels, which
 * are bit-identical to ref's, so the fused node gives the decomposed
 * graph's result bit for bit at every ISA level. */
#ifndef OCTET_X86_ATTENTION_H
#define OCTET_X86_ATTENTION_H

#include "backends/backend.h"
#include "backends/common/attention.h"
#include "core/cpu.h"

bool octet_x86_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx);
octet_status octet_x86_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_isa isa, octet_node_kernel *k);

/* Scale, mask and Softmax of float32 score rows (octet_att_softmax_rows_fn),
 * bit-identical to vmulc / vdivc, vadd / vaddc and the Softmax kernel of
 * the same ISA run one after the other (att-softmax-avx512.c). */
void octet_f32_att_softmax_rows__avx512(size_t rows, size_t n, const float *x, size_t ldx,
                                        int scale_op, float c, const float *mask, size_t ldm,
                                        bool mask_cols, float *y, size_t ldy);

#endif
