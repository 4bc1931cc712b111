/* Picks the row-epilogue kernels once per call site from the active ISA. */
#include "common/linear-epilogue.h"

#include "core/cpu.h"
#include "octet-config.h"

#if OCTET_HAVE_X86
static const octet_linear_epilogue_kernels *best(void) {
  octet_isa isa = octet_isa_active();
  return isa == OCTET_ISA_AVX512 || isa == OCTET_ISA_AVX512VNNI ? &octet_linear_epilogue_avx512
                                                                 : &octet_linear_epilogue_scalar;
}
#else
static const octet_linear_epilogue_kernels *best(void) { return &octet_linear_epilogue_scalar; }
#endif

const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void) { return best(); }
