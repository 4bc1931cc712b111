/* OctetAttention on arm64 (attention-arm.h): the NEON kernel tables of
 * float32 and float16 activations; the node itself (scratch sized at
 * planning, nothing allocated at run) is common/attention-node.c. */
#include "backends/arm/attention-arm.h"
#include "backends/arm/f32-matmul-neon.h"
#include "backends/arm/vec-ukernels-neon.h"

static const octet_attention_kernels neon_f32 = {
    .matmul = octet_f32_matmul__neon, .transpose = octet_attention_transpose_f32,
    .mulc = octet_f32_vmulc_ukernel__neon, .divc = octet_f32_vdivc_ukernel__neon,
    .add = octet_f32_vadd_ukernel__neon, .addc = octet_f32_vaddc_ukernel__neon,
    .softmax = octet_f32_softmax_ukernel__neon, .softmax_rows = NULL};
static const octet_attention_kernels neon_f16 = {
    .matmul = octet_f32_matmul__neon, .transpose = octet_attention_transpose_f32,
    .to_f32 = octet_f16_f32_vcvt_ukernel__neon, .from_f32 = octet_f32_f16_vcvt_ukernel__neon,
    .mulc = octet_f16_vmulc_ukernel__neon, .divc = octet_f16_vdivc_ukernel__neon,
    .add = octet_f16_vadd_ukernel__neon, .addc = octet_f16_vaddc_ukernel__neon,
    .softmax = octet_f16_softmax_ukernel__neon, .softmax_rows = NULL};

bool octet_arm_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx) {
  return octet_attention_node_supports(n, in, n_in, ctx);
}

octet_status octet_arm_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_node_kernel *k) {
  return octet_attention_node_prepare(n, in, n_in, threads, &neon_f32, &neon_f16,
                                      "attention f32 neon", "attention f16 neon", k);
}
