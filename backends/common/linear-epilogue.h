/* Row epilogues of OctetLinear for backends whose GEMM comes from a library
 * that returns plain fp32 or int32 products (openblas, onednn), the fp16 ->
 * fp32 conversion they need for fp16 weights and activations, and the GELU
 * rows every linear backend runs after its GEMM.
 *
 * Each function handles one row of n outputs, in the ref backend's order of
 * fp32 operations (backends/ref/linear.c), without FMA:
 *   f32:  y = acc; y = y + bias[j]; relu
 *   qs8:  y = (float)(acc[j] - comp[j]); y = y * sa; y = y * sw[j];
 *         y = y + bias[j]; relu
 * so every version is bit-identical to the scalar one and to ref. bias may
 * be NULL. fp16 outputs are rounded to nearest even. comp[j] is what the
 * u8 offset of the activations added to the integer sum (128 * sum_k qw). */
#ifndef OCTET_LINEAR_EPILOGUE_H
#define OCTET_LINEAR_EPILOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ir.h"
#include "core/linear.h"

typedef struct octet_linear_epilogue_kernels {
  const char *name; /* "scalar", "avx512" */
  void (*f16_to_f32)(size_t n, const uint16_t *x, float *y);
  void (*f32)(size_t n, const float *acc, const float *bias, int relu,
              float *y);
  void (*f32_to_f16)(size_t n, const float *acc, const float *bias, int relu,
                     uint16_t *y);
  void (*qs8)(size_t n, const int32_t *acc, const int32_t *comp, float sa,
              const float *sw, const float *bias, int relu, float *y);
} octet_linear_epilogue_kernels;

/* The fastest set the CPU runs (honours OCTET_ISA). Defined by the
 * architecture's selector, linked in by the build: backends/x86/linear-
 * epilogue-select-x86.c, backends/arm/linear-epilogue-select-arm.c, or
 * linear-epilogue-select-scalar.c here on other machines. */
const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void);

/* GELU applied in place to a stored output row, for the linear node's
 * OCTET_ACT_GELU and OCTET_ACT_GELU_TANH, fp32 or fp16 elements: the Gelu
 * op's own kernels, so fused equals separate bit for bit (the same
 * selectors). NULL for other activations. */
typedef void (*octet_linear_post_fn)(size_t n, const void *x, void *y);
octet_linear_post_fn octet_linear_post_select(octet_act act, bool f16);
/* The portable GELU rows, and the portable choice among them. */
void octet_linear_gelu_f32_scalar(size_t n, const void *x, void *y);
void octet_linear_gelu_f16_scalar(size_t n, const void *x, void *y);
void octet_linear_gelutanh_f32_scalar(size_t n, const void *x, void *y);
void octet_linear_gelutanh_f16_scalar(size_t n, const void *x, void *y);
octet_linear_post_fn octet_linear_post_scalar(octet_act act, bool f16);

extern const octet_linear_epilogue_kernels octet_linear_epilogue_scalar;

#endif
