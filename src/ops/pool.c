/* Shape and dtype inference for pooling: MaxPool, AveragePool,
 * GlobalMaxPool and GlobalAveragePool (NCHW; the window geometry in
 * core/window.c). */
#include "core/window.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 || t == OCTET_DTYPE_FLOAT64;
}

static octet_status need_rank(const octet_node *n, const octet_tview *x) {
  if (x->rank >= 3) return OCTET_OK;
  return octet_fail(OCTET_ERR_SHAPE, "%s '%s': X must be N x C x D1 ... Dk (rank >= 3), "
                    "not rank %d", n->op_type, n->name, x->rank);
}

static octet_status flag(const octet_node *n, const char *name, int64_t *v) {
  *v = attr_int(n, name, 0);
  if (*v == 0 || *v == 1) return OCTET_OK;
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': %s must be 0 or 1, got %lld",
                    n->op_type, n->name, name, (long long)*v);
}

static octet_status window_out(const octet_node *n, const octet_tview *x, octet_tview *o) {
  octet_window win;
  octet_status st = octet_window_get(n, OCTET_WINDOW_POOL, x->dims + 2, x->rank - 2, NULL,
                                     &win);
  if (st != OCTET_OK) return st;
  o->dtype = x->dtype;
  o->rank = x->rank;
  o->dims[0] = x->dims[0];
  o->dims[1] = x->dims[1];
  for (int i = 0; i < win.nsp; i++) o->dims[2 + i] = win.out[i];
  size_t nb;
  if (!shape_nbytes(o->dims, o->rank, OCTET_DTYPE_INT64, &nb))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output is too large", n->op_type, n->name);
  return OCTET_OK;
}

/* Y: the largest element of each window (padding never wins); the optional
 * Indices: where it is, flattened over the whole of X (row-major, or
 * column-major within each spatial plane with storage_order = 1). */
octet_status octet_infer_MaxPool(const octet_node *n, const octet_tview *in, int n_in,
                                 octet_tview *out, int n_out) {
  (void)n_in;
  const octet_tview *x = &in[0];
  if (!is_float(x->dtype) && x->dtype != OCTET_DTYPE_INT8 && x->dtype != OCTET_DTYPE_UINT8)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64, int8, uint8)", n->op_type, n->name,
                      octet_dtype_name(x->dtype));
  octet_status st = need_rank(n, x);
  int64_t order;
  if (st == OCTET_OK) st = flag(n, "storage_order", &order);
  if (st == OCTET_OK) st = window_out(n, x, &out[0]);
  if (st != OCTET_OK) return st;
  if (n_out > 1) {
    out[1].dtype = OCTET_DTYPE_INT64;
    out[1].rank = out[0].rank;
    for (int i = 0; i < out[0].rank; i++) out[1].dims[i] = out[0].dims[i];
  }
  return OCTET_OK;
}

/* The mean of each window: over its input elements, or (count_include_pad
 * = 1) over every tap inside the padded input (not the extra end of a
 * ceil_mode window). */
octet_status octet_infer_AveragePool(const octet_node *n, const octet_tview *in, int n_in,
                                     octet_tview *out, int n_out) {
  (void)n_in;
  (void)n_out;
  const octet_tview *x = &in[0];
  if (!is_float(x->dtype))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64)", n->op_type, n->name, octet_dtype_name(x->dtype));
  octet_status st = need_rank(n, x);
  int64_t cip;
  if (st == OCTET_OK) st = flag(n, "count_include_pad", &cip);
  if (st == OCTET_OK) st = window_out(n, x, &out[0]);
  return st;
}

static octet_status infer_global(const octet_node *n, const octet_tview *in, octet_tview *out) {
  const octet_tview *x = &in[0];
  if (!is_float(x->dtype))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64)", n->op_type, n->name, octet_dtype_name(x->dtype));
  octet_status st = need_rank(n, x);
  if (st != OCTET_OK) return st;
  out[0].dtype = x->dtype;
  out[0].rank = x->rank;
  for (int i = 0; i < x->rank; i++) out[0].dims[i] = i < 2 ? x->dims[i] : 1;
  return OCTET_OK;
}

octet_status octet_infer_GlobalMaxPool(const octet_node *n, const octet_tview *in, int n_in,
                                       octet_tview *out, int n_out) {
  (void)n_in;
  (void)n_out;
  return infer_global(n, in, out);
}

octet_status octet_infer_GlobalAveragePool(const octet_node *n, const octet_tview *in,
                                           int n_in, octet_tview *out, int n_out) {
  (void)n_in;
  (void)n_out;
  return infer_global(n, in, out);
}
