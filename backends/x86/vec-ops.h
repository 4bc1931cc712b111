/* Vectorised x86 kernels for the non-GEMM ops of a transformer encoder:
 * Softmax (contiguous rows), LayerNormalization (output Y only), Gelu
 * (erf and tanh forms), Erf, Tanh, Sigmoid, Relu, Add/Sub/Mul/Div (same
 * shape, a scalar operand, or a [N] row against [..., N]) and Cast
 * float32 <-> float16, on float32 and float16 tensors, for AVX2 (+FMA+F16C)
 * and AVX-512.
 *
 * float32 results are bit-identical to the ref backend at every ISA level:
 * both follow the fp32 algorithms of core/vmath.h. float16 tensors are
 * loaded with VCVTPH2PS, computed the same way in fp32 and stored with
 * VCVTPS2PH (round to nearest even; NaN stored as sign | 0x7e00 like
 * octet_fp32_to_fp16), which also matches the ref bit for bit. */
#ifndef OCTET_X86_VEC_OPS_H
#define OCTET_X86_VEC_OPS_H

#include "core/cpu.h"
#include "core/ir.h"

/* Returns a kernel for this node at this ISA level, or NULL to decline
 * (unsupported op, dtype, axis, broadcast pattern or ISA). *name (may be
 * NULL) receives a static string such as "softmax f32 avx512".
 * OCTET_ISA_AVX2/AVXVNNI select the AVX2 kernels, OCTET_ISA_AVX512/
 * AVX512VNNI the AVX-512 ones; OCTET_ISA_REF and arm levels give NULL.
 * Kernels have the octet_kernel_fn signature, allocate nothing, and run
 * rows (or blocks of elements) in parallel with OpenMP num_threads(
 * ctx->threads) when the work exceeds ~32K elements. Should the shapes seen
 * at run time fall outside what was selected, a kernel delegates to the
 * op's ref kernel rather than fail. */
octet_kernel_fn octet_x86_select_kernel(const octet_node *node,
                                        const octet_tview *in, int n_in,
                                        const octet_tview *out, int n_out,
                                        octet_isa isa, const char **name);

#endif /* OCTET_X86_VEC_OPS_H */
