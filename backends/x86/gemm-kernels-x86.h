/* The x86 GEMM kernels as the driver (backends/common/gemm.h) sees them:
 * one descriptor per microkernel, and the choice per ISA level. */
#ifndef OCTET_X86_GEMM_KERNELS_H
#define OCTET_X86_GEMM_KERNELS_H

#include <stddef.h>

#include "backends/common/gemm.h"
#include "core/cpu.h"

/* The kernel for weights of type t at level `isa` (usually
 * octet_isa_active()): the best at or below it; NULL when the CPU lacks
 * what it needs (Q8: the level itself; float kernels fall back to the best
 * the CPU has). Q8: AMX, AVX-512 VNNI, AVX-VNNI, then the exact AVX2
 * kernel (also at AVX-512 without VNNI), then scalar; F32 / F16: AVX-512,
 * AVX2 + FMA + F16C, scalar. */
const octet_gemm_kernel *octet_x86_gemm_kernel(octet_gemm_wtype t, octet_isa isa);
/* All x86 kernels, best first within each type (tests, benchmarks). */
const octet_gemm_kernel *octet_x86_gemm_kernels(size_t *count);

#endif
