/* Pad's parameters (core/pad.h). */
#include "core/pad.h"

#include <string.h>

static octet_status pad_mode(const octet_node *n, octet_pad_mode *mode) {
  const octet_attr *a = octet_node_attr(n, "mode");
  const char *s = "constant";
  if (a) {
    if (a->type != OCTET_ATTR_STRING || !a->s)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "Pad '%s': attribute mode must be a string", n->name);
    s = a->s;
  }
  if (strcmp(s, "constant") == 0) *mode = OCTET_PAD_CONSTANT;
  else if (strcmp(s, "reflect") == 0) *mode = OCTET_PAD_REFLECT;
  else if (strcmp(s, "edge") == 0) *mode = OCTET_PAD_EDGE;
  else if (strcmp(s, "wrap") == 0 && n->opset >= 19) *mode = OCTET_PAD_WRAP;
  else
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "Pad '%s': mode \"%s\" is not constant, reflect, edge%s",
                      n->name, s, n->opset >= 19 ? " or wrap" : " (wrap needs opset 19)");
  return OCTET_OK;
}

/* An int64 (or int32) 1-D tensor known at plan time, as `count` values. */
static octet_status int_list(const octet_node *n, const octet_tview *t,
                             const char *what, size_t *count) {
  if (t->dtype != OCTET_DTYPE_INT64 && t->dtype != OCTET_DTYPE_INT32)
    return octet_fail(OCTET_ERR_DTYPE, "Pad '%s': %s must be int64, not %s",
                      n->name, what, octet_dtype_name(t->dtype) ? octet_dtype_name(t->dtype) : "?");
  if (t->rank != 1)
    return octet_fail(OCTET_ERR_SHAPE, "Pad '%s': %s must be 1-D (rank %d)",
                      n->name, what, t->rank);
  if (!t->data && t->dims[0] != 0)
    return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                      "Pad '%s': %s is not known at planning (data-dependent shape)",
                      n->name, what);
  *count = (size_t)t->dims[0];
  return OCTET_OK;
}

octet_status octet_pad_params_get(const octet_node *n, const octet_tview *in,
                                  int n_in, octet_pad_params *p) {
  memset(p, 0, sizeof *p);
  int r = in[0].rank;
  p->rank = r;
  octet_status st = pad_mode(n, &p->mode);
  if (st) return st;
  int axes[OCTET_MAX_RANK];
  int n_axes = r;
  for (int i = 0; i < r; i++) axes[i] = i;
  const int64_t *attr = NULL;
  const octet_tview *pt = NULL;
  size_t count = 0;
  if (n->opset < 11) {
    if (n_in > 1)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "Pad '%s': Pad-%lld takes one input (pads is an attribute "
                        "before opset 11), got %d", n->name, (long long)n->opset, n_in);
    if (!attr_ints(n, "pads", &attr, &count))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "Pad '%s': required attribute pads is missing", n->name);
  } else {
    if (octet_node_attr(n, "pads") || octet_node_attr(n, "value"))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "Pad '%s': attributes pads/value are Pad-2's; from opset 11 "
                        "they are inputs 1 and 2", n->name);
    if (n_in < 2 || !tv_present(&in[1]))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "Pad '%s': input 1 (pads) is required", n->name);
    pt = &in[1];
    if ((st = int_list(n, pt, "pads", &count))) return st;
    if (n_in > 3 && tv_present(&in[3])) {
      if (n->opset < 18)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "Pad '%s': input 3 (axes) needs opset 18, the model has %lld",
                          n->name, (long long)n->opset);
      size_t na;
      if ((st = int_list(n, &in[3], "axes", &na))) return st;
      if (na > (size_t)r)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "Pad '%s': %zu axes for rank %d", n->name, na, r);
      bool seen[OCTET_MAX_RANK] = {false};
      for (size_t i = 0; i < na; i++) {
        int64_t a = 0;
        tv_read_i64(&in[3], (int64_t)i, &a);
        int d;
        if (!norm_axis(a, r, &d))
          return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                            "Pad '%s': axis %lld out of range for rank %d", n->name,
                            (long long)a, r);
        if (seen[d])
          return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "Pad '%s': axis %lld is repeated",
                            n->name, (long long)a);
        seen[d] = true;
        axes[i] = d;
      }
      n_axes = (int)na;
    }
  }
  if (count != 2 * (size_t)n_axes)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "Pad '%s': pads has %zu values, expected %d (2 x %d %s)", n->name,
                      count, 2 * n_axes, n_axes, n_axes == r ? "dims" : "axes");
  for (int i = 0; i < n_axes; i++) {
    int64_t b = 0, e = 0;
    if (attr) {
      b = attr[i];
      e = attr[n_axes + i];
    } else {
      tv_read_i64(pt, i, &b);
      tv_read_i64(pt, n_axes + i, &e);
    }
    if (b < -OCTET_PAD_MAX || b > OCTET_PAD_MAX || e < -OCTET_PAD_MAX || e > OCTET_PAD_MAX)
      return octet_fail(OCTET_ERR_OVERFLOW,
                        "Pad '%s': pads %lld, %lld of axis %d are too large", n->name,
                        (long long)b, (long long)e, axes[i]);
    p->begin[axes[i]] = b;
    p->end[axes[i]] = e;
  }
  return OCTET_OK;
}
