/* OctetAttention on x86 (attention.h): kernels picked once per plan from
 * the ISA level; the node itself (scratch sized at planning, nothing
 * allocated at run) is common/attention-node.c. */
#include "backends/common/attention.h"
#include "backends/x86/attention.h"
#include "backends/x86/f32-matmul.h"
#include "backends/x86/vec-ukernels.h"

static const octet_attention_kernels avx512_f32 = {
    .matmul = octet_f32_matmul__avx512, .transpose = octet_f32_transpose__avx512,
    .mulc = octet_f32_vmulc_ukernel__avx512, .divc = octet_f32_vdivc_ukernel__avx512,
    .add = octet_f32_vadd_ukernel__avx512, .addc = octet_f32_vaddc_ukernel__avx512,
    .softmax = octet_f32_softmax_ukernel__avx512,
    .softmax_rows = octet_f32_att_softmax_rows__avx512};
static const octet_attention_kernels avx512_f16 = {
    .matmul = octet_f32_matmul__avx512, .transpose = octet_f32_transpose__avx512,
    .to_f32 = octet_f16_f32_vcvt_ukernel__avx512, .from_f32 = octet_f32_f16_vcvt_ukernel__avx512,
    .mulc = octet_f16_vmulc_ukernel__avx512, .divc = octet_f16_vdivc_ukernel__avx512,
    .add = octet_f16_vadd_ukernel__avx512, .addc = octet_f16_vaddc_ukernel__avx512,
    .softmax = octet_f16_softmax_ukernel__avx512};
static const octet_attention_kernels avx2_f32 = {
    .matmul = octet_f32_matmul__avx2, .transpose = octet_attention_transpose_f32,
    .mulc = octet_f32_vmulc_ukernel__avx2, .divc = octet_f32_vdivc_ukernel__avx2,
    .add = octet_f32_vadd_ukernel__avx2, .addc = octet_f32_vaddc_ukernel__avx2,
    .softmax = octet_f32_softmax_ukernel__avx2};
static const octet_attention_kernels avx2_f16 = {
    .matmul = octet_f32_matmul__avx2, .transpose = octet_attention_transpose_f32,
    .to_f32 = octet_f16_f32_vcvt_ukernel__avx2, .from_f32 = octet_f32_f16_vcvt_ukernel__avx2,
    .mulc = octet_f16_vmulc_ukernel__avx2, .divc = octet_f16_vdivc_ukernel__avx2,
    .add = octet_f16_vadd_ukernel__avx2, .addc = octet_f16_vaddc_ukernel__avx2,
    .softmax = octet_f16_softmax_ukernel__avx2};

bool octet_x86_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx) {
  return octet_attention_node_supports(n, in, n_in, ctx);
}

octet_status octet_x86_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_isa isa, octet_node_kernel *k) {
  if (octet_isa_is_avx512(isa))
    return octet_attention_node_prepare(n, in, n_in, threads, &avx512_f32, &avx512_f16,
                                        "attention f32 avx512", "attention f16 avx512", k);
  return octet_attention_node_prepare(n, in, n_in, threads, &avx2_f32, &avx2_f16,
                                      "attention f32 avx2", "attention f16 avx2", k);
}
