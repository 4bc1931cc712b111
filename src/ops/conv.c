/* Shape and dtype inference for the convolutions: Conv and ConvTranspose
 * (NCHW; the window geometry in core/window.c). */
#include "core/window.h"

static bool conv_dtype_ok(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 || t == OCTET_DTYPE_FLOAT64;
}

/* The checks Conv and ConvTranspose share: dtypes, ranks, group, B. Sets
 * *group. */
static octet_status conv_common(const octet_node *n, const octet_tview *in, int n_in,
                                int64_t *group) {
  const octet_tview *x = &in[0], *w = &in[1];
  if (!conv_dtype_ok(x->dtype))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s (float32, float16, "
                      "float64)", n->op_type, n->name, octet_dtype_name(x->dtype));
  if (w->dtype != x->dtype || (n_in > 2 && tv_present(&in[2]) && in[2].dtype != x->dtype))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': X is %s but W is %s and B is %s",
                      n->op_type, n->name, octet_dtype_name(x->dtype),
                      octet_dtype_name(w->dtype),
                      octet_dtype_name(n_in > 2 && tv_present(&in[2]) ? in[2].dtype : x->dtype));
  if (x->rank < 3 || w->rank != x->rank)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': X must be N x C x D1 ... Dk (rank >= 3) and "
                      "W of the same rank (X rank %d, W rank %d)",
                      n->op_type, n->name, x->rank, w->rank);
  *group = attr_int(n, "group", 1);
  if (*group < 1)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': group must be >= 1, got %lld",
                      n->op_type, n->name, (long long)*group);
  return OCTET_OK;
}

static octet_status check_bias(const octet_node *n, const octet_tview *in, int n_in,
                               int64_t channels) {
  if (n_in < 3 || !tv_present(&in[2])) return OCTET_OK;
  const octet_tview *b = &in[2];
  if (b->rank != 1 || b->dims[0] != channels)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': B must be 1-D with the %lld output channels "
                      "(rank %d, first dim %lld)",
                      n->op_type, n->name, (long long)channels, b->rank,
                      (long long)(b->rank ? b->dims[0] : 0));
  return OCTET_OK;
}

static octet_status finish(const octet_node *n, const octet_tview *x, int64_t channels,
                           const octet_window *win, octet_tview *o) {
  o->dtype = x->dtype;
  o->rank = x->rank;
  o->dims[0] = x->dims[0];
  o->dims[1] = channels;
  for (int i = 0; i < win->nsp; i++) o->dims[2 + i] = win->out[i];
  size_t nb;
  if (!shape_nbytes(o->dims, o->rank, o->dtype, &nb))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output is too large", n->op_type, n->name);
  return OCTET_OK;
}

/* Y[n, m] = B[m] + sum over the group's input channels and the kernel of
 * X * W; W is [M, C / group, k1 ... kk]. */
octet_status octet_infer_Conv(const octet_node *n, const octet_tview *in, int n_in,
                              octet_tview *out, int n_out) {
  (void)n_out;
  int64_t group = 1;
  octet_status st = conv_common(n, in, n_in, &group);
  if (st != OCTET_OK) return st;
  const octet_tview *x = &in[0], *w = &in[1];
  int64_t c = x->dims[1], m = w->dims[0];
  if (c % group != 0 || m % group != 0)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': group %lld does not divide the input "
                      "channels (%lld) and the output channels (%lld)",
                      n->op_type, n->name, (long long)group, (long long)c, (long long)m);
  if (w->dims[1] != c / group)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': W has %lld input channels per group, X has "
                      "%lld channels in %lld groups (%lld each)",
                      n->op_type, n->name, (long long)w->dims[1], (long long)c,
                      (long long)group, (long long)(c / group));
  if ((st = check_bias(n, in, n_in, m)) != OCTET_OK) return st;
  octet_window win;
  st = octet_window_get(n, OCTET_WINDOW_CONV, x->dims + 2, x->rank - 2, w->dims + 2, &win);
  if (st != OCTET_OK) return st;
  return finish(n, x, m, &win, &out[0]);
}

/* The gradient of Conv: W is [C, M / group, k1 ... kk]; every input element
 * spreads W's taps over the output, stride apart. */
octet_status octet_infer_ConvTranspose(const octet_node *n, const octet_tview *in, int n_in,
                                       octet_tview *out, int n_out) {
  (void)n_out;
  int64_t group = 1;
  octet_status st = conv_common(n, in, n_in, &group);
  if (st != OCTET_OK) return st;
  const octet_tview *x = &in[0], *w = &in[1];
  int64_t c = x->dims[1];
  if (c % group != 0)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': group %lld does not divide the input "
                      "channels (%lld)", n->op_type, n->name, (long long)group, (long long)c);
  if (w->dims[0] != c)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': W's first dim (%lld) must be X's channels "
                      "(%lld)", n->op_type, n->name, (long long)w->dims[0], (long long)c);
  int64_t m;
  if (__builtin_mul_overflow(w->dims[1], group, &m))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output channels overflow", n->op_type,
                      n->name);
  if ((st = check_bias(n, in, n_in, m)) != OCTET_OK) return st;
  octet_window win;
  st = octet_window_get(n, OCTET_WINDOW_CONV_TRANSPOSE, x->dims + 2, x->rank - 2, w->dims + 2,
                        &win);
  if (st != OCTET_OK) return st;
  return finish(n, x, m, &win, &out[0]);
}
