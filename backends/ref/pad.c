/* Reference kernel of Pad (core/pad.h has its parameters): every output
 * element maps, axis by axis, to an element of the input cropped by the
 * negative pads, or to the constant. Outside the kept range an index is
 * reflected (about the first and last element, numpy's "reflect", applied
 * as often as the pad needs; an axis of one element repeats it), clamped
 * (edge) or taken modulo the kept size (wrap). */
#include <string.h>

#include "backends/ref/elementwise.h"
#include "core/pad.h"

typedef struct pad_axis {
  int64_t start, kept, before; /* first kept input index, kept count, pad */
} pad_axis;

/* Input index along one axis for output index o, or -1 (the constant). */
static inline int64_t pad_map(octet_pad_mode mode, const pad_axis *a, int64_t o) {
  int64_t j = o - a->before, n = a->kept;
  if (j >= 0 && j < n) return a->start + j;
  switch (mode) {
    case OCTET_PAD_CONSTANT:
      return -1;
    case OCTET_PAD_EDGE:
      j = j < 0 ? 0 : n - 1;
      break;
    case OCTET_PAD_WRAP:
      j %= n;
      if (j < 0) j += n;
      break;
    case OCTET_PAD_REFLECT:
      if (n == 1) {
        j = 0;
      } else {
        int64_t m = 2 * (n - 1);
        j %= m;
        if (j < 0) j += m;
        if (j >= n) j = m - j;
      }
      break;
  }
  return a->start + j;
}

static void put(char *dst, const char *src, size_t es) {
  switch (es) {
    case 1: *dst = *src; return;
    case 2: memcpy(dst, src, 2); return;
    case 4: memcpy(dst, src, 4); return;
    default: memcpy(dst, src, es); return;
  }
}

/* The constant as bytes of dtype t: input 2 (Pad-11+), the float attribute
 * `value` (Pad-2) converted like Cast, or zero. */
static void pad_constant(const octet_node *node, const octet_tview *in, int n_in,
                         octet_dtype t, char *buf) {
  size_t es = octet_dtype_size(t);
  memset(buf, 0, 8);
  if (node->opset >= 11) {
    if (n_in > 2 && tv_present(&in[2]) && in[2].data) memcpy(buf, in[2].data, es);
    return;
  }
  double v = attr_float(node, "value", 0.0f);
  if (t == OCTET_DTYPE_FLOAT32) {
    float f = (float)v;
    memcpy(buf, &f, 4);
  } else if (t == OCTET_DTYPE_FLOAT64) {
    memcpy(buf, &v, 8);
  } else if (t == OCTET_DTYPE_FLOAT16) {
    uint16_t h = ew_f64_to_f16(v);
    memcpy(buf, &h, 2);
  } else {
    uint64_t u = ew_f64_to_int(v, t);
    ew_store_u64(t, buf, 1, &u);
  }
}

octet_status octet_ref_Pad(const octet_node *node, const octet_tview *in, int n_in,
                           octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *x = &in[0];
  octet_tview *y = &out[0];
  octet_pad_params p;
  octet_status st = octet_pad_params_get(node, in, n_in, &p);
  if (st) return st;
  int r = x->rank;
  size_t es = octet_dtype_size(x->dtype);
  char cval[8];
  pad_constant(node, in, n_in, x->dtype, cval);
  int64_t numel = tv_numel(y);
  if (numel == 0) return OCTET_OK;
  if (r == 0) {
    memcpy(y->data, x->data, es);
    return OCTET_OK;
  }
  pad_axis ax[OCTET_MAX_RANK];
  int64_t stride[OCTET_MAX_RANK];
  int64_t s = 1;
  for (int d = r - 1; d >= 0; d--) {
    int64_t cb = p.begin[d] < 0 ? -p.begin[d] : 0, ce = p.end[d] < 0 ? -p.end[d] : 0;
    ax[d].start = cb;
    ax[d].kept = x->dims[d] - cb - ce;
    ax[d].before = p.begin[d] > 0 ? p.begin[d] : 0;
    if (ax[d].kept <= 0 && y->dims[d] > 0 && p.mode != OCTET_PAD_CONSTANT)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "Pad '%s': axis %d has no elements to %s",
                        node->name, d, "repeat");
    stride[d] = s;
    s *= x->dims[d];
  }
  int64_t inner = y->dims[r - 1], rows = numel / inner;
  const char *src = x->data;
  char *dst = y->data;
  int nt = ctx->threads > 1 && numel > 65536 ? ctx->threads : 1;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t row = 0; row < rows; row++) {
    int64_t rem = row, base = 0;
    bool constant = false;
    for (int d = r - 2; d >= 0; d--) {
      int64_t o = rem % y->dims[d];
      rem /= y->dims[d];
      int64_t i = pad_map(p.mode, &ax[d], o);
      if (i < 0) constant = true;
      else base += i * stride[d];
    }
    char *o = dst + (size_t)(row * inner) * es;
    for (int64_t k = 0; k < inner; k++) {
      int64_t i = constant ? -1 : pad_map(p.mode, &ax[r - 1], k);
      put(o + (size_t)k * es, i < 0 ? cval : src + (size_t)(base + i) * es, es);
    }
  }
  return OCTET_OK;
}
