/* Vectorised arm64 kernels for the non-GEMM ops of a transformer encoder:
 * Softmax (contiguous rows), LayerNormalization (output Y only), Gelu
 * (erf and tanh forms), Erf, Tanh, Sigmoid, Relu, Add/Sub/Mul/Div (same
 * shape, a scalar operand, or [G, 1, N] rows against [G, R, N]) and Cast
 * float32 <-> float16, on float32 and float16 tensors, with baseline NEON
 * (every arm64 CPU). The drivers are x86's (common/vec-drivers.h).
 *
 * float32 results are bit-identical to the ref backend, and so to the x86
 * kernels: all follow the fp32 algorithms of core/vmath.h. float16 tensors
 * are loaded with FCVTL, computed the same way in fp32 and stored with
 * FCVTN (round to nearest even; NaN stored as sign | 0x7e00 like
 * octet_fp32_to_fp16), which also matches the ref bit for bit. */
#ifndef OCTET_ARM_VEC_OPS_ARM_H
#define OCTET_ARM_VEC_OPS_ARM_H

#include "core/cpu.h"
#include "core/ir.h"

/* Returns a kernel for this node at this ISA level, or NULL to decline
 * (unsupported op, dtype, axis, broadcast pattern or ISA). *name (may be
 * NULL) receives a static string such as "softmax f32 neon".
 * OCTET_ISA_NEON, DOTPROD and I8MM all select the NEON kernels (the ops
 * gain nothing from dot products); OCTET_ISA_REF and x86 levels give NULL.
 * Kernels have the octet_kernel_fn signature, allocate nothing, and run
 * rows (or blocks of elements) in parallel with OpenMP num_threads(
 * ctx->threads) when the work exceeds ~32K elements. Should the shapes seen
 * at run time fall outside what was selected, a kernel delegates to the
 * op's ref kernel rather than fail. */
octet_kernel_fn octet_arm_select_vec_kernel(const octet_node *node,
                                            const octet_tview *in, int n_in,
                                            const octet_tview *out, int n_out,
                                            octet_isa isa, const char **name);

#endif /* OCTET_ARM_VEC_OPS_ARM_H */
