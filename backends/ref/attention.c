/* Reference OctetAttention (src/ops/attention.c): the shared driver
 * (common/attention.h) with ref's own MatMul and Softmax and the
 * elementwise rules of ref's Mul / Div / Add (float16: computed in fp32,
 * rounded to float16 on store). */
#include <stdlib.h>

#include "backends/common/attention.h"
#include "backends/ref/kernels.h"

static void f16_to_f32(size_t n, const void *x, void *y) {
  const uint16_t *h = x;
  float *f = y;
  for (size_t i = 0; i < n; i++) f[i] = octet_fp16_to_fp32(h[i]);
}

static void f32_to_f16(size_t n, const void *x, void *y) {
  const float *f = x;
  uint16_t *h = y;
  for (size_t i = 0; i < n; i++) h[i] = octet_fp32_to_fp16(f[i]);
}

typedef enum { MUL, DIV, ADD } att_op;

static inline float apply(att_op op, float x, float c) {
  return op == MUL ? x * c : op == DIV ? x / c : x + c;
}

/* y[i] = a[i] op b[i * step] in float32, or in fp32 on float16 values. */
static void f32_op(att_op op, size_t step, size_t n, const void *a, const void *b, void *y) {
  const float *x = a, *c = b;
  float *o = y;
  for (size_t i = 0; i < n; i++) o[i] = apply(op, x[i], c[i * step]);
}

static void f16_op(att_op op, size_t step, size_t n, const void *a, const void *b, void *y) {
  const uint16_t *x = a, *c = b;
  uint16_t *o = y;
  for (size_t i = 0; i < n; i++)
    o[i] = octet_fp32_to_fp16(
        apply(op, octet_fp16_to_fp32(x[i]), octet_fp16_to_fp32(c[i * step])));
}

#define BINARY(name, fn, op, step) \
  static void name(size_t n, const void *a, const void *b, void *y) { fn(op, step, n, a, b, y); }
BINARY(f32_mulc, f32_op, MUL, 0)
BINARY(f32_divc, f32_op, DIV, 0)
BINARY(f32_add, f32_op, ADD, 1)
BINARY(f32_addc, f32_op, ADD, 0)
BINARY(f16_mulc, f16_op, MUL, 0)
BINARY(f16_divc, f16_op, DIV, 0)
BINARY(f16_add, f16_op, ADD, 1)
BINARY(f16_addc, f16_op, ADD, 0)

static void f32_softmax(size_t n, const void *x, void *y) { octet_ref_softmax_row(x, y, false, n); }
static void f16_softmax(size_t n, const void *x, void *y) { octet_ref_softmax_row(x, y, true, n); }

static const octet_attention_kernels ref_f32 = {
    .matmul = octet_ref_matmul_f32, .transpose = octet_attention_transpose_f32,
    .mulc = f32_mulc, .divc = f32_divc,
    .add = f32_add, .addc = f32_addc, .softmax = f32_softmax};
static const octet_attention_kernels ref_f16 = {
    .matmul = octet_ref_matmul_f32, .transpose = octet_attention_transpose_f32,
    .to_f32 = f16_to_f32, .from_f32 = f32_to_f16,
    .mulc = f16_mulc, .divc = f16_divc, .add = f16_add, .addc = f16_addc,
    .softmax = f16_softmax};

octet_status octet_ref_Attention(const octet_node *node, const octet_tview *in, int n_in,
                                 octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  octet_attention_dims d;
  octet_attention_dims_of(node, in, n_in, &d);
  const int threads = ctx && ctx->threads > 1 ? ctx->threads : 1;
  const size_t per = octet_attention_scratch_bytes(&d);
  if (per > SIZE_MAX / (size_t)threads)
    return octet_fail(OCTET_ERR_OVERFLOW, "Attention '%s': scratch size", node->name);
  void *scratch = aligned_alloc(64, per * (size_t)threads);
  if (!scratch)
    return octet_fail(OCTET_ERR_NO_MEMORY, "Attention '%s': out of memory (%zu bytes)",
                      node->name, per * (size_t)threads);
  octet_attention_run(&d, d.f16 ? &ref_f16 : &ref_f32, in, n_in, out, scratch, threads);
  free(scratch);
  return OCTET_OK;
}
