/* arm64 floating-point microkernels for the GEMM driver
 * (backends/common/gemm.h, A_PACKED: the driver packs each row tile's
 * k-block with the packers below). Three kernel families, one file each:
 *
 *   f32 8x12 neon           W fp32, A fp32: vfmaq_laneq_f32 (armv8-a)
 *   f16w 8x12 neon          W stored fp16 and widened with vcvt_f32_f16 in
 *                           the kernel, A fp32 (fp16 activations are widened
 *                           while packing): the "convert, then fp32 FMA"
 *                           path for CPUs without fp16 arithmetic
 *   f16 8x8 neonfp16arith   W and A fp16, vfmaq_laneq_f16 into fp16 sums
 *                           over k-blocks of OCTET_ARM_F16_KBLOCK steps, each
 *                           block added into fp32 sums (armv8.2-a+fp16;
 *                           CPUs with FPHP and ASIMDHP). Error bound:
 *                           docs/arm64.md.
 *
 * Packed A: per tile of MR rows, kc columns of MR values (row r of the tile
 * at offset r; rows past the edge zero), fp32 (fp16 for f16). Results are
 * deterministic: every output element is one chain of FMAs in k order
 * (f32, f16w), or of fp16 FMAs restarted every OCTET_ARM_F16_KBLOCK steps
 * from k = 0 and added into fp32 in k order (f16; the driver's k-blocks
 * start at multiples of it); the thread count never changes the order. The
 * epilogue is ref's: y = acc; y = y + bias[n]; relu; then (on the stored
 * row) GELU; then y = y + residual[m, n]. The descriptors:
 * gemm-kernels-arm.c. */
#ifndef OCTET_ARM_F32_GEMM_H
#define OCTET_ARM_F32_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/common/gemm.h"

/* fp16 sums in the f16 kernel restart every this many k steps. */
#define OCTET_ARM_F16_KBLOCK 16

#define OCTET_ARM_FLOAT_UKERNEL(name)                                                     \
  void name(size_t mr, size_t nr, size_t kc, const void *pa, size_t lda, const void *pb, \
            const float *acc, size_t ld_acc, void *out, size_t ld_out,                    \
            const octet_gemm_params *st)

OCTET_ARM_FLOAT_UKERNEL(octet_f32_gemm_ukernel_8x12__neon);
OCTET_ARM_FLOAT_UKERNEL(octet_f16w_gemm_ukernel_8x12__neon);
OCTET_ARM_FLOAT_UKERNEL(octet_f16_gemm_ukernel_8x8__neonfp16arith);

/* A packers (octet_gemm_pack_a_fn): fp32 tiles (fp16 activations widened
 * exactly) and fp16 tiles (fp32 activations rounded to nearest even). */
void octet_arm_pack_a_f32(const void *a, bool a_f16, size_t lda, size_t rows, size_t kc,
                          size_t mr_full, void *dst);
void octet_arm_pack_a_f16(const void *a, bool a_f16, size_t lda, size_t rows, size_t kc,
                          size_t mr_full, void *dst);

#endif
