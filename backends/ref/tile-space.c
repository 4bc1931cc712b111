/* Reference kernels of Tile, DepthToSpace and SpaceToDepth: element
 * copies by index arithmetic (any dtype, by element size). */
#include <string.h>

#include "backends/ref/elementwise.h"

static inline void copy_el(char *dst, const char *src, size_t es) {
  switch (es) {
    case 1: *dst = *src; return;
    case 2: memcpy(dst, src, 2); return;
    case 4: memcpy(dst, src, 4); return;
    default: memcpy(dst, src, 8); return;
  }
}

octet_status octet_ref_Tile(const octet_node *node, const octet_tview *in, int n_in,
                            octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)node;
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  octet_tview *y = &out[0];
  size_t es = octet_dtype_size(x->dtype);
  int r = x->rank;
  int64_t numel = tv_numel(y);
  if (numel == 0) return OCTET_OK;
  if (r == 0) {
    memcpy(y->data, x->data, es);
    return OCTET_OK;
  }
  int64_t xs[OCTET_MAX_RANK], s = 1;
  for (int d = r - 1; d >= 0; d--) {
    xs[d] = s;
    s *= x->dims[d];
  }
  int64_t inner = y->dims[r - 1], xin = x->dims[r - 1], rows = numel / inner;
  const char *src = x->data;
  char *dst = y->data;
  int nt = ctx->threads > 1 && numel > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t row = 0; row < rows; row++) {
    int64_t rem = row, base = 0;
    for (int d = r - 2; d >= 0; d--) {
      base += (rem % y->dims[d]) % x->dims[d] * xs[d];
      rem /= y->dims[d];
    }
    char *o = dst + (size_t)(row * inner) * es;
    const char *srow = src + (size_t)base * es;
    for (int64_t k = 0; k < inner; k += xin) /* whole copies of the input row */
      memcpy(o + (size_t)k * es, srow, (size_t)xin * es);
  }
  return OCTET_OK;
}

/* out[n, c, h b + i, w b + j] = in[n, ch(c, i, j), h, w] for DepthToSpace;
 * SpaceToDepth is the inverse mapping. */
static octet_status space_depth(const octet_node *node, const octet_tview *in,
                                octet_tview *out, bool to_space, bool crd,
                                const octet_kctx *ctx) {
  (void)node;
  /* the "space" side [N, C, H b, W b] and the "depth" side [N, C b^2, H, W] */
  const octet_tview *sp = to_space ? out : in, *dp = to_space ? in : out;
  size_t es = octet_dtype_size(in->dtype);
  int64_t b = attr_int(node, "blocksize", 1);
  int64_t N = sp->dims[0], C = sp->dims[1], HB = sp->dims[2], WB = sp->dims[3];
  int64_t H = dp->dims[2], W = dp->dims[3], CD = dp->dims[1];
  char *sd = sp->data, *dd = dp->data;
  int64_t total = N * C * HB;
  int nt = ctx->threads > 1 && tv_numel(out) > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t t = 0; t < total; t++) {
    int64_t hb = t % HB, c = (t / HB) % C, n = t / (HB * C);
    int64_t h = hb / b, i = hb % b;
    for (int64_t wb = 0; wb < WB; wb++) {
      int64_t w = wb / b, j = wb % b;
      int64_t ch = crd ? c * b * b + i * b + j : (i * b + j) * C + c;
      char *s = sd + (size_t)(((n * C + c) * HB + hb) * WB + wb) * es;
      char *d = dd + (size_t)(((n * CD + ch) * H + h) * W + w) * es;
      if (to_space)
        copy_el(s, d, es);
      else
        copy_el(d, s, es);
    }
  }
  return OCTET_OK;
}

octet_status octet_ref_DepthToSpace(const octet_node *node, const octet_tview *in,
                                    int n_in, octet_tview *out, int n_out,
                                    const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  bool crd = strcmp(attr_string(node, "mode", "DCR"), "CRD") == 0;
  return space_depth(node, &in[0], &out[0], true, crd, ctx);
}

octet_status octet_ref_SpaceToDepth(const octet_node *node, const octet_tview *in,
                                    int n_in, octet_tview *out, int n_out,
                                    const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  bool crd = strcmp(attr_string(node, "mode", "DCR"), "CRD") == 0;
  return space_depth(node, &in[0], &out[0], false, crd, ctx);
}
