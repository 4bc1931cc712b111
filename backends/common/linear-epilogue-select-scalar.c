/* The row-epilogue choice on machines with neither x86 nor arm64 kernels:
 * the portable ones (linear-epilogue.h). */
#include "backends/common/linear-epilogue.h"

const octet_linear_epilogue_kernels *octet_linear_epilogue_select(void) {
  return &octet_linear_epilogue_scalar;
}

octet_linear_post_fn octet_linear_post_select(octet_act act, bool f16) {
  return octet_linear_post_scalar(act, f16);
}
