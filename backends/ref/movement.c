/* Reference kernels for the data movement ops (Transpose, Concat, Split,
 * Slice, Gather, Expand). All work on bytes, so every dtype is supported.
 * Transpose, Slice and Expand share one strided-copy engine. */
#include <stdint.h>
#include <string.h>

#include "core/ir.h"

/* Defined in src/ops/movement.c. */
octet_status octet_slice_resolve(const octet_node *node, const octet_tview *in,
                                 int n_in, int64_t *starts, int64_t *steps,
                                 int64_t *sizes);

enum { PAR_MIN = 1 << 16, TILE = 32 };

/* ---- strided copy engine ------------------------------------------------- */

/* out (contiguous, dims) <- in[sum_k i_k * strides[k]] (element strides,
 * possibly 0 or negative). */
typedef struct copy_plan {
  int rank;
  int64_t dims[OCTET_MAX_RANK];
  int64_t strides[OCTET_MAX_RANK];
} copy_plan;

/* Drops size-1 dims and merges neighbours that are contiguous in the input.
 * Leaves rank >= 1. */
static void plan_simplify(copy_plan *p) {
  int r = 0;
  for (int k = 0; k < p->rank; k++) {
    if (p->dims[k] == 1) continue;
    if (r > 0 && p->strides[r - 1] == p->strides[k] * p->dims[k]) {
      p->dims[r - 1] *= p->dims[k];
      p->strides[r - 1] = p->strides[k];
      continue;
    }
    p->dims[r] = p->dims[k];
    p->strides[r] = p->strides[k];
    r++;
  }
  if (r == 0) {
    p->dims[0] = 1;
    p->strides[0] = 0;
    r = 1;
  }
  p->rank = r;
}

/* n elements of size es from src (element stride s) to contiguous dst. */
static void copy_strided(char *restrict dst, const char *restrict src,
                         size_t es, int64_t n, int64_t s) {
  switch (es) {
    case 1:
      for (int64_t i = 0; i < n; i++) dst[i] = src[i * s];
      break;
    case 2: {
      uint16_t *d = (uint16_t *)dst;
      const uint16_t *p = (const uint16_t *)src;
      for (int64_t i = 0; i < n; i++) d[i] = p[i * s];
      break;
    }
    case 4: {
      uint32_t *d = (uint32_t *)dst;
      const uint32_t *p = (const uint32_t *)src;
      for (int64_t i = 0; i < n; i++) d[i] = p[i * s];
      break;
    }
    case 8: {
      uint64_t *d = (uint64_t *)dst;
      const uint64_t *p = (const uint64_t *)src;
      for (int64_t i = 0; i < n; i++) d[i] = p[i * s];
      break;
    }
    default:
      for (int64_t i = 0; i < n; i++)
        memcpy(dst + (size_t)i * es, src + i * s * (int64_t)es, es);
  }
}

/* Input element offset of outer index `idx` over dims[0..nd). */
static int64_t outer_offset(const copy_plan *p, int nd, int64_t idx) {
  int64_t off = 0;
  for (int k = nd - 1; k >= 0; k--) {
    off += (idx % p->dims[k]) * p->strides[k];
    idx /= p->dims[k];
  }
  return off;
}

/* Rows [r0, r1): a row is one run along the last plan dim. */
static void copy_rows(char *out, const char *in, size_t es, const copy_plan *p,
                      int64_t r0, int64_t r1) {
  int nd = p->rank - 1;
  int64_t inner = p->dims[nd], s = p->strides[nd];
  int64_t idx[OCTET_MAX_RANK];
  int64_t rem = r0, off = 0;
  for (int k = nd - 1; k >= 0; k--) {
    idx[k] = rem % p->dims[k];
    rem /= p->dims[k];
    off += idx[k] * p->strides[k];
  }
  for (int64_t r = r0; r < r1; r++) {
    char *dst = out + (size_t)(r * inner) * es;
    const char *src = in + off * (int64_t)es;
    if (s == 1)
      memcpy(dst, src, (size_t)inner * es);
    else
      copy_strided(dst, src, es, inner, s);
    for (int k = nd - 1; k >= 0; k--) { /* odometer */
      off += p->strides[k];
      if (++idx[k] < p->dims[k]) break;
      off -= idx[k] * p->strides[k];
      idx[k] = 0;
    }
  }
}

/* One TILE-row band of a 2-D transpose: out[i][j] = src[i + j * sj] for
 * i in [i0, i0+TILE), j in [0, nj). */
static void transpose_band(char *restrict dst, const char *restrict src,
                           size_t es, int64_t ni, int64_t nj, int64_t sj,
                           int64_t i0) {
  int64_t i1 = i0 + TILE < ni ? i0 + TILE : ni;
  for (int64_t j0 = 0; j0 < nj; j0 += TILE) {
    int64_t j1 = j0 + TILE < nj ? j0 + TILE : nj;
    for (int64_t i = i0; i < i1; i++) {
      char *d = dst + (size_t)(i * nj + j0) * es;
      copy_strided(d, src + (i + j0 * sj) * (int64_t)es, es, j1 - j0, sj);
    }
  }
}

/* Copies the strided view described by `p` (dims = output dims) from `in`
 * (pointer to the element at index 0) into the contiguous `out`. */
static void strided_copy(char *out, const char *in, size_t es, copy_plan p,
                         int threads) {
  int64_t total = 1;
  for (int k = 0; k < p.rank; k++) total *= p.dims[k];
  if (total == 0) return;
  plan_simplify(&p);
  int nt = total >= PAR_MIN && threads > 1 ? threads : 1;
  int r = p.rank;
  if (r >= 2 && p.strides[r - 2] == 1 && p.strides[r - 1] != 1 &&
      p.dims[r - 1] > 1) {
    /* batched 2-D transpose: input contiguous along out axis r-2 */
    int64_t ni = p.dims[r - 2], nj = p.dims[r - 1], sj = p.strides[r - 1];
    int64_t bands = (ni + TILE - 1) / TILE, mats = total / (ni * nj);
    int64_t tasks = mats * bands;
#pragma omp parallel for num_threads(nt) schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t m = t / bands, b = t % bands;
      char *dst = out + (size_t)(m * ni * nj) * es;
      const char *src = in + outer_offset(&p, r - 2, m) * (int64_t)es;
      transpose_band(dst, src, es, ni, nj, sj, b * TILE);
    }
    return;
  }
  int64_t rows = total / p.dims[r - 1];
  int64_t chunks = nt > 1 ? (int64_t)nt * 4 : 1;
  if (chunks > rows) chunks = rows;
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t c = 0; c < chunks; c++)
    copy_rows(out, in, es, &p, rows * c / chunks, rows * (c + 1) / chunks);
}

/* Contiguous element strides of a tensor. */
static void c_strides(const octet_tview *t, int64_t *s) {
  int64_t acc = 1;
  for (int k = t->rank - 1; k >= 0; k--) {
    s[k] = acc;
    acc *= t->dims[k];
  }
}

/* ---- Transpose ----------------------------------------------------------- */

octet_status octet_ref_Transpose(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out,
                                 const octet_kctx *ctx) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  int r = x->rank;
  int64_t s[OCTET_MAX_RANK];
  c_strides(x, s);
  const int64_t *perm;
  size_t np;
  bool has = attr_ints(node, "perm", &perm, &np);
  copy_plan p = {.rank = r};
  for (int k = 0; k < r; k++) {
    int64_t a = has ? perm[k] : r - 1 - k;
    if (a < 0 || a >= r)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad perm",
                        node->op_type, node->name);
    p.dims[k] = x->dims[a];
    p.strides[k] = s[a];
  }
  strided_copy(out[0].data, x->data, octet_dtype_size(x->dtype), p,
               ctx->threads);
  return OCTET_OK;
}

/* ---- Slice --------------------------------------------------------------- */

octet_status octet_ref_Slice(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *x = &in[0];
  int64_t starts[OCTET_MAX_RANK], steps[OCTET_MAX_RANK];
  int64_t s[OCTET_MAX_RANK];
  copy_plan p = {.rank = x->rank};
  octet_status st = octet_slice_resolve(node, in, n_in, starts, steps, p.dims);
  if (st) return st;
  c_strides(x, s);
  size_t es = octet_dtype_size(x->dtype);
  int64_t base = 0;
  for (int k = 0; k < x->rank; k++) {
    if (p.dims[k] != out[0].dims[k])
      return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': output shape mismatch",
                        node->op_type, node->name);
    /* octet_slice_resolve leaves |steps[k]| <= dims of the input along k
     * (1 when the output has at most one element there): no overflow */
    base += starts[k] * s[k];
    p.strides[k] = p.dims[k] > 1 ? steps[k] * s[k] : 0;
  }
  if (tv_numel(&out[0]) == 0) return OCTET_OK;
  strided_copy(out[0].data, (const char *)x->data + base * (int64_t)es, es, p,
               ctx->threads);
  return OCTET_OK;
}

/* ---- Expand -------------------------------------------------------------- */

octet_status octet_ref_Expand(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const octet_kctx *ctx) {
  (void)node; (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  copy_plan p = {.rank = out[0].rank};
  for (int k = 0; k < p.rank; k++) p.dims[k] = out[0].dims[k];
  broadcast_strides(x->dims, x->rank, out[0].dims, out[0].rank, p.strides);
  strided_copy(out[0].data, x->data, octet_dtype_size(x->dtype), p,
               ctx->threads);
  return OCTET_OK;
}

/* ---- Concat / Split ------------------------------------------------------ */

/* outer = prod(dims[0..axis)), inner = prod(dims(axis..)) of t. */
static void split_at(const octet_tview *t, int axis, int64_t *outer,
                     int64_t *inner) {
  *outer = 1;
  *inner = 1;
  for (int k = 0; k < axis; k++) *outer *= t->dims[k];
  for (int k = axis + 1; k < t->rank; k++) *inner *= t->dims[k];
}

octet_status octet_ref_Concat(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *y = &out[0];
  int axis;
  if (!norm_axis(attr_int(node, "axis", 0), y->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                      node->op_type, node->name);
  size_t es = octet_dtype_size(y->dtype);
  int64_t outer, inner;
  split_at(y, axis, &outer, &inner);
  size_t row = (size_t)(y->dims[axis] * inner) * es;
  if (row == 0 || outer == 0) return OCTET_OK;
  int nt = tv_numel(y) >= PAR_MIN && ctx->threads > 1 ? ctx->threads : 1;
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t o = 0; o < outer; o++) {
    char *dst = (char *)y->data + (size_t)o * row;
    for (int i = 0; i < n_in; i++) {
      size_t n = (size_t)(in[i].dims[axis] * inner) * es;
      if (n == 0) continue;
      memcpy(dst, (const char *)in[i].data + (size_t)o * n, n);
      dst += n;
    }
  }
  return OCTET_OK;
}

octet_status octet_ref_Split(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in;
  const octet_tview *x = &in[0];
  int axis;
  if (!norm_axis(attr_int(node, "axis", 0), x->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                      node->op_type, node->name);
  size_t es = octet_dtype_size(x->dtype);
  int64_t outer, inner;
  split_at(x, axis, &outer, &inner);
  size_t row = (size_t)(x->dims[axis] * inner) * es;
  if (row == 0 || outer == 0) return OCTET_OK;
  int nt = tv_numel(x) >= PAR_MIN && ctx->threads > 1 ? ctx->threads : 1;
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t o = 0; o < outer; o++) {
    const char *src = (const char *)x->data + (size_t)o * row;
    for (int i = 0; i < n_out; i++) {
      size_t n = (size_t)(out[i].dims[axis] * inner) * es;
      if (n == 0) continue;
      if (out[i].data) memcpy((char *)out[i].data + (size_t)o * n, src, n);
      src += n;
    }
  }
  return OCTET_OK;
}

/* ---- Gather -------------------------------------------------------------- */

octet_status octet_ref_Gather(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const octet_kctx *ctx) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0], *idx = &in[1];
  int axis;
  if (!norm_axis(attr_int(node, "axis", 0), x->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad axis",
                      node->op_type, node->name);
  size_t es = octet_dtype_size(x->dtype);
  int64_t outer, inner, dim = x->dims[axis], ni = tv_numel(idx);
  split_at(x, axis, &outer, &inner);
  for (int64_t i = 0; i < ni; i++) {
    int64_t v;
    if (!tv_read_i64(idx, i, &v))
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': indices must be int32 or "
                        "int64", node->op_type, node->name);
    if (v < -dim || v >= dim)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': index %lld out of range [%lld, %lld)",
                        node->op_type, node->name, (long long)v,
                        (long long)-dim, (long long)dim);
  }
  size_t run = (size_t)inner * es;
  if (run == 0 || outer == 0 || ni == 0) return OCTET_OK;
  int nt = tv_numel(&out[0]) >= PAR_MIN && ctx->threads > 1 ? ctx->threads : 1;
  int64_t tasks = outer * ni;
#pragma omp parallel for num_threads(nt) schedule(static)
  for (int64_t t = 0; t < tasks; t++) {
    int64_t o = t / ni, v;
    tv_read_i64(idx, t % ni, &v);
    if (v < 0) v += dim;
    memcpy((char *)out[0].data + (size_t)t * run,
           (const char *)x->data + (size_t)(o * dim + v) * run, run);
  }
  return OCTET_OK;
}
