/* Reference kernels of TopK and NonZero.
 *
 * TopK orders the elements of each slice along the axis by a total order:
 * by value (descending for largest = 1, ascending for largest = 0), equal
 * values by index, the lower first (the ONNX spec and its node tests). NaN
 * counts as larger than every number and equal to every NaN, as in ONNX
 * Runtime: first with largest = 1, last with largest = 0; -0.0 equals
 * 0.0. Every value is mapped once per comparison to an unsigned 64-bit key
 * whose order is that one, so the integer types (int64 and uint64 beyond
 * double's 53 bits) compare exactly. The K best of a slice are kept in a
 * binary heap stored in the Indices output itself (its K slots along the
 * axis, no scratch), O(n log K), then sorted in place; the result is
 * always in sorted order, which sorted = 0 allows.
 *
 * NonZero writes the coordinates of the non-zero elements in row-major
 * order, [rank, nnz] (a scalar as [1, nnz]); it runs when the plan folds
 * it (its input is known at planning). */
#include <string.h>

#include "backends/ref/elementwise.h"

/* An unsigned key of element i in the order described above (for
 * largest = 0, the complement: the best element always has the largest
 * key). */
static inline uint64_t key_at(octet_dtype t, const void *x, int64_t i, bool largest) {
  uint64_t k;
  switch (t) {
    case OCTET_DTYPE_FLOAT32:
    case OCTET_DTYPE_FLOAT16:
    case OCTET_DTYPE_FLOAT64: {
      double d;
      if (t == OCTET_DTYPE_FLOAT32)
        d = ((const float *)x)[i];
      else if (t == OCTET_DTYPE_FLOAT16)
        d = octet_fp16_to_fp32(((const uint16_t *)x)[i]);
      else
        d = ((const double *)x)[i];
      if (d != d) {
        k = UINT64_MAX; /* every NaN, whatever its sign and payload */
      } else {
        if (d == 0.0) d = 0.0; /* -0.0 as 0.0 */
        uint64_t b;
        memcpy(&b, &d, sizeof b);
        k = (b >> 63) ? ~b : b | ((uint64_t)1 << 63);
      }
      break;
    }
    case OCTET_DTYPE_INT8: k = (uint64_t)(int64_t)((const int8_t *)x)[i]; k ^= (uint64_t)1 << 63; break;
    case OCTET_DTYPE_INT16: k = (uint64_t)(int64_t)((const int16_t *)x)[i]; k ^= (uint64_t)1 << 63; break;
    case OCTET_DTYPE_INT32: k = (uint64_t)(int64_t)((const int32_t *)x)[i]; k ^= (uint64_t)1 << 63; break;
    case OCTET_DTYPE_INT64: k = (uint64_t)((const int64_t *)x)[i] ^ ((uint64_t)1 << 63); break;
    case OCTET_DTYPE_UINT8: k = ((const uint8_t *)x)[i]; break;
    case OCTET_DTYPE_UINT16: k = ((const uint16_t *)x)[i]; break;
    case OCTET_DTYPE_UINT32: k = ((const uint32_t *)x)[i]; break;
    default: k = ((const uint64_t *)x)[i]; break;
  }
  return largest ? k : ~k;
}

/* One slice: n elements of x from `base`, `stride` apart. */
typedef struct topk_slice {
  octet_dtype t;
  const void *x;
  int64_t base, stride;
  bool largest;
} topk_slice;

/* Does the element at axis index a come before the one at b? */
static inline bool before(const topk_slice *s, int64_t a, int64_t b) {
  uint64_t ka = key_at(s->t, s->x, s->base + a * s->stride, s->largest);
  uint64_t kb = key_at(s->t, s->x, s->base + b * s->stride, s->largest);
  return ka > kb || (ka == kb && a < b);
}

/* A heap of `n` axis indices at h[0], h[step], ... whose root is the
 * element that comes last (the worst kept); restores it below slot i. */
static void sift_down(const topk_slice *s, int64_t *h, int64_t step, int64_t n, int64_t i) {
  for (;;) {
    int64_t c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && before(s, h[c * step], h[(c + 1) * step])) c++;
    if (!before(s, h[i * step], h[c * step])) return;
    int64_t tmp = h[i * step];
    h[i * step] = h[c * step];
    h[c * step] = tmp;
    i = c;
  }
}

octet_status octet_ref_TopK(const octet_node *node, const octet_tview *in, int n_in,
                            octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  octet_tview *v = &out[0], *ix = &out[1];
  int ax;
  if (!norm_axis(attr_int(node, "axis", -1), x->rank, &ax) || v->rank != x->rank ||
      ix->rank != x->rank)
    return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': bad axis or outputs", node->op_type,
                      node->name);
  int64_t n = x->dims[ax], k = v->dims[ax], inner = 1, outer = 1;
  for (int d = 0; d < x->rank; d++) {
    if (d != ax && v->dims[d] != x->dims[d])
      return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': output shape disagrees with X",
                        node->op_type, node->name);
    if (d < ax) outer *= x->dims[d];
    if (d > ax) inner *= x->dims[d];
  }
  if (k < 0 || k > n)
    return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': K %lld for an axis of %lld",
                      node->op_type, node->name, (long long)k, (long long)n);
  if (k == 0 || outer * inner == 0) return OCTET_OK;
  bool largest = node->opset < 11 || attr_int(node, "largest", 1) != 0;
  size_t es = octet_dtype_size(x->dtype);
  int64_t slices = outer * inner;
  int64_t *idx = ix->data;
  int nt = ctx->threads > 1 && tv_numel(x) > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t sl = 0; sl < slices; sl++) {
    int64_t o = sl / inner, i = sl % inner;
    topk_slice s = {.t = x->dtype, .x = x->data, .base = o * n * inner + i,
                    .stride = inner, .largest = largest};
    int64_t *h = idx + o * k * inner + i; /* the heap, `inner` apart */
    int64_t size = 0;
    for (int64_t j = 0; j < n; j++) {
      if (size < k) { /* push j and sift it up */
        int64_t c = size++;
        h[c * inner] = j;
        while (c > 0) {
          int64_t p = (c - 1) / 2;
          if (!before(&s, h[p * inner], h[c * inner])) break;
          int64_t tmp = h[p * inner];
          h[p * inner] = h[c * inner];
          h[c * inner] = tmp;
          c = p;
        }
      } else if (before(&s, j, h[0])) {
        h[0] = j;
        sift_down(&s, h, inner, size, 0);
      }
    }
    /* heap sort: the worst to the end, then the next worst, ... */
    for (int64_t m = size - 1; m > 0; m--) {
      int64_t tmp = h[0];
      h[0] = h[m * inner];
      h[m * inner] = tmp;
      sift_down(&s, h, inner, m, 0);
    }
    const char *src = (const char *)x->data + (size_t)s.base * es;
    char *dst = (char *)v->data + (size_t)(o * k * inner + i) * es;
    for (int64_t m = 0; m < k; m++)
      memcpy(dst + (size_t)(m * inner) * es, src + (size_t)(h[m * inner] * inner) * es, es);
  }
  return OCTET_OK;
}

static bool nonzero_at(const octet_tview *t, int64_t i) {
  if (t->dtype == OCTET_DTYPE_FLOAT32) return ((const float *)t->data)[i] != 0.0f;
  if (t->dtype == OCTET_DTYPE_FLOAT64) return ((const double *)t->data)[i] != 0.0;
  if (t->dtype == OCTET_DTYPE_FLOAT16)
    return (((const uint16_t *)t->data)[i] & 0x7fff) != 0; /* +-0 are zero */
  size_t es = octet_dtype_size(t->dtype);
  const unsigned char *p = (const unsigned char *)t->data + (size_t)i * es;
  for (size_t b = 0; b < es; b++)
    if (p[b]) return true;
  return false;
}

octet_status octet_ref_NonZero(const octet_node *node, const octet_tview *in, int n_in,
                               octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  (void)ctx;
  const octet_tview *x = &in[0];
  octet_tview *y = &out[0];
  int r = x->rank > 0 ? x->rank : 1;
  int64_t n = tv_numel(x), nnz = 0;
  for (int64_t i = 0; i < n; i++) nnz += nonzero_at(x, i);
  if (y->rank != 2 || y->dims[0] != r || y->dims[1] != nnz)
    return octet_fail(OCTET_ERR_INTERNAL,
                      "%s '%s': the output was planned for other data (%lld non-zero "
                      "elements now)",
                      node->op_type, node->name, (long long)nnz);
  int64_t *res = y->data, c = 0;
  for (int64_t i = 0; i < n; i++) {
    if (!nonzero_at(x, i)) continue;
    int64_t rem = i;
    for (int d = x->rank - 1; d >= 0; d--) {
      res[d * nnz + c] = rem % x->dims[d];
      rem /= x->dims[d];
    }
    if (x->rank == 0) res[c] = 0;
    c++;
  }
  return OCTET_OK;
}
