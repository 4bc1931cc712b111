/* OctetAttention on x86 (attention.h): kernels picked once per plan from
 * the ISA level, scratch for every thread sized at planning, nothing
 * allocated at run. */
#include <stdlib.h>
#include <string.h>

#include "common/attention.h"
#include "x86/attention.h"
#include "x86/f32-matmul.h"
#include "x86/vec-ukernels.h"

/* Per-thread scratch above this is declined (very long sequences): ref
 * runs the node instead. */
#define ATT_MAX_SCRATCH ((size_t)64 << 20)

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

typedef struct x86_attention {
  octet_attention_dims d;
  const octet_attention_kernels *k;
  int threads;
  void *scratch;
} x86_attention;

bool octet_x86_attention_supports(const octet_node *n, const octet_tview *in, int n_in,
                                  const octet_plan_ctx *ctx) {
  if (strcmp(n->op_type, "OctetAttention") != 0) return false;
  octet_attention_dims d;
  octet_attention_dims_of(n, in, n_in, &d);
  if (octet_attention_scratch_bytes(&d) > ATT_MAX_SCRATCH) {
    octet_backend_why(ctx, "attention scratch over %zu MiB per thread", ATT_MAX_SCRATCH >> 20);
    return false;
  }
  return true;
}

static void attention_free(void *p) {
  x86_attention *s = p;
  if (!s) return;
  free(s->scratch);
  free(s);
}

static octet_status attention_run(const octet_node *n, const octet_tview *in, int n_in,
                                  octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const x86_attention *s = ctx->state;
  octet_attention_dims d;
  octet_attention_dims_of(n, in, n_in, &d);
  if (d.B > s->d.B || d.Sq != s->d.Sq || d.Sk != s->d.Sk || d.H != s->d.H || d.D != s->d.D)
    return octet_fail(OCTET_ERR_INTERNAL, "Attention '%s': shapes differ from the plan",
                      n->name);
  octet_attention_run(&d, s->k, in, n_in, out, s->scratch, s->threads);
  return OCTET_OK;
}

octet_status octet_x86_attention_prepare(const octet_node *n, const octet_tview *in, int n_in,
                                         int threads, octet_isa isa, octet_node_kernel *k) {
  x86_attention *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  octet_attention_dims_of(n, in, n_in, &s->d);
  const bool wide = octet_isa_is_avx512(isa);
  s->k = wide ? (s->d.f16 ? &avx512_f16 : &avx512_f32) : (s->d.f16 ? &avx2_f16 : &avx2_f32);
  s->threads = threads > 0 ? threads : 1;
  const size_t per = octet_attention_scratch_bytes(&s->d);
  /* + 64: never a zero-byte request (Sq or D = 0), which may return NULL */
  if (!(s->scratch = aligned_alloc(64, per * (size_t)s->threads + 64))) {
    attention_free(s);
    return octet_fail(OCTET_ERR_NO_MEMORY, "Attention '%s': out of memory (scratch)", n->name);
  }
  k->run = attention_run;
  k->kernel_name = s->d.f16 ? (wide ? "attention f16 avx512" : "attention f16 avx2")
                            : (wide ? "attention f32 avx512" : "attention f32 avx2");
  k->state = s;
  k->free_state = attention_free;
  return OCTET_OK;
}
