/* Shape inference for the reshaping and shape-producing ops: Reshape,
 * Flatten, Squeeze, Unsqueeze, Shape, ConstantOfShape, Range, Constant. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/ir.h"

/* Defined in movement.c. */
octet_status octet_mv_check_size(const octet_node *node, const octet_tview *t);
octet_status octet_mv_read_list(const octet_node *node, const octet_tview *t,
                                const char *what, bool allow_i32,
                                int64_t *vals, int max, int *count);

/* ---- Reshape ------------------------------------------------------------- */

octet_status octet_infer_Reshape(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  int64_t shape[OCTET_MAX_RANK];
  int n;
  octet_status s = octet_mv_read_list(node, &in[1], "shape", false, shape,
                                      OCTET_MAX_RANK, &n);
  if (s) return s;
  bool allowzero = attr_int(node, "allowzero", 0) != 0;
  int infer_at = -1;
  bool has_zero = false;
  int64_t known = 1; /* product of the dims other than -1, bounded */
  for (int i = 0; i < n; i++) {
    int64_t v = shape[i];
    if (v == -1) {
      if (infer_at >= 0)
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': more than one -1 in the target shape",
                          node->op_type, node->name);
      infer_at = i;
      continue;
    }
    if (v < -1)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': invalid target dim %d = %lld", node->op_type,
                        node->name, i, (long long)v);
    if (v == 0) {
      has_zero = true;
      if (!allowzero) {
        if (i >= x->rank)
          return octet_fail(OCTET_ERR_SHAPE,
                            "%s '%s': target dim %d is 0 (copy) but the input "
                            "has rank %d", node->op_type, node->name, i,
                            x->rank);
        v = x->dims[i];
      }
    }
    out[0].dims[i] = v;
    if (known != 0 && v > (int64_t)OCTET_MAX_TENSOR_BYTES / known)
      return octet_fail(OCTET_ERR_OVERFLOW,
                        "%s '%s': target shape is too large", node->op_type,
                        node->name);
    known *= v;
  }
  if (allowzero && has_zero && infer_at >= 0)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': allowzero=1 with both 0 and -1 in the shape",
                      node->op_type, node->name);
  int64_t numel = tv_numel(x);
  if (infer_at >= 0) {
    if (known == 0 || numel % known != 0)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': cannot infer the -1 dim: %lld elements, "
                        "other dims multiply to %lld", node->op_type,
                        node->name, (long long)numel, (long long)known);
    out[0].dims[infer_at] = numel / known;
  } else if (known != numel) {
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': input has %lld elements, target shape %lld",
                      node->op_type, node->name, (long long)numel,
                      (long long)known);
  }
  out[0].dtype = x->dtype;
  out[0].rank = n;
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Flatten ------------------------------------------------------------- */

octet_status octet_infer_Flatten(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  int64_t axis = attr_int(node, "axis", 1);
  if (axis < -(int64_t)x->rank || axis > x->rank)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range [-%d, %d]",
                      node->op_type, node->name, (long long)axis, x->rank,
                      x->rank);
  if (axis < 0) axis += x->rank;
  int64_t a = 1, b = 1;
  for (int d = 0; d < x->rank; d++) {
    if (d < axis)
      a *= x->dims[d];
    else
      b *= x->dims[d];
  }
  out[0].dtype = x->dtype;
  out[0].rank = 2;
  out[0].dims[0] = a;
  out[0].dims[1] = b;
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Squeeze / Unsqueeze ------------------------------------------------- */

/* Axes from the second input (opset >= 13) or the `axes` attribute.
 * *count is -1 when neither is given. */
static octet_status get_axes(const octet_node *node, const octet_tview *in,
                             int n_in, int64_t *axes, int *count) {
  if (n_in > 1 && tv_present(&in[1]))
    return octet_mv_read_list(node, &in[1], "axes", false, axes,
                              OCTET_MAX_RANK, count);
  const int64_t *a;
  size_t na;
  if (!attr_ints(node, "axes", &a, &na)) {
    *count = -1;
    return OCTET_OK;
  }
  if (na > OCTET_MAX_RANK)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': %zu axes given",
                      node->op_type, node->name, na);
  for (size_t i = 0; i < na; i++) axes[i] = a[i];
  *count = (int)na;
  return OCTET_OK;
}

/* Normalizes axes against `rank` into a mask; rejects repeats. */
static octet_status axes_mask(const octet_node *node, const int64_t *axes,
                              int n, int rank, bool *mask) {
  for (int i = 0; i < rank; i++) mask[i] = false;
  for (int i = 0; i < n; i++) {
    int a;
    if (!norm_axis(axes[i], rank, &a))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': axis %lld out of range for rank %d",
                        node->op_type, node->name, (long long)axes[i], rank);
    if (mask[a])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': axis %lld is repeated", node->op_type,
                        node->name, (long long)axes[i]);
    mask[a] = true;
  }
  return OCTET_OK;
}

octet_status octet_infer_Squeeze(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  const octet_tview *x = &in[0];
  int64_t axes[OCTET_MAX_RANK];
  int n;
  bool mask[OCTET_MAX_RANK];
  octet_status s = get_axes(node, in, n_in, axes, &n);
  if (s) return s;
  if (n <= 0) { /* no axes (or an empty list): drop every size-1 dim */
    for (int d = 0; d < x->rank; d++) mask[d] = x->dims[d] == 1;
  } else {
    if ((s = axes_mask(node, axes, n, x->rank, mask))) return s;
    for (int d = 0; d < x->rank; d++)
      if (mask[d] && x->dims[d] != 1)
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': cannot squeeze dim %d of size %lld",
                          node->op_type, node->name, d,
                          (long long)x->dims[d]);
  }
  out[0].dtype = x->dtype;
  out[0].rank = 0;
  for (int d = 0; d < x->rank; d++)
    if (!mask[d]) out[0].dims[out[0].rank++] = x->dims[d];
  return octet_mv_check_size(node, &out[0]);
}

octet_status octet_infer_Unsqueeze(const octet_node *node,
                                   const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out) {
  (void)n_out;
  const octet_tview *x = &in[0];
  int64_t axes[OCTET_MAX_RANK];
  int n;
  bool mask[OCTET_MAX_RANK];
  octet_status s = get_axes(node, in, n_in, axes, &n);
  if (s) return s;
  if (n < 0)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axes are required", node->op_type, node->name);
  int r = x->rank + n;
  if (r > OCTET_MAX_RANK)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "%s '%s': output rank %d exceeds the maximum %d",
                      node->op_type, node->name, r, OCTET_MAX_RANK);
  if ((s = axes_mask(node, axes, n, r, mask))) return s;
  out[0].dtype = x->dtype;
  out[0].rank = r;
  for (int d = 0, k = 0; d < r; d++)
    out[0].dims[d] = mask[d] ? 1 : x->dims[k++];
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Shape --------------------------------------------------------------- */

octet_status octet_infer_Shape(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  int r = in[0].rank;
  int64_t start = attr_int(node, "start", 0), end = attr_int(node, "end", r);
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : (start > r ? r : start);
  end = end < 0 ? 0 : (end > r ? r : end);
  out[0].dtype = OCTET_DTYPE_INT64;
  out[0].rank = 1;
  out[0].dims[0] = end > start ? end - start : 0;
  return OCTET_OK;
}

/* ---- ConstantOfShape ----------------------------------------------------- */

octet_status octet_infer_ConstantOfShape(const octet_node *node,
                                         const octet_tview *in, int n_in,
                                         octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  int64_t shape[OCTET_MAX_RANK];
  int n;
  octet_status s = octet_mv_read_list(node, &in[0], "input", false, shape,
                                      OCTET_MAX_RANK, &n);
  if (s) return s;
  octet_dtype dt = OCTET_DTYPE_FLOAT32;
  const octet_attr *v = octet_node_attr(node, "value");
  if (v) {
    if (v->type != OCTET_ATTR_TENSOR || tv_numel(&v->t) != 1 || !v->t.data)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': 'value' must be a one-element tensor",
                        node->op_type, node->name);
    dt = v->t.dtype;
  }
  for (int i = 0; i < n; i++) {
    if (shape[i] < 0)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': shape entry %d is %lld",
                        node->op_type, node->name, i, (long long)shape[i]);
    out[0].dims[i] = shape[i];
  }
  out[0].dtype = dt;
  out[0].rank = n;
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Range --------------------------------------------------------------- */

static octet_status range_count_float(const octet_node *node, double s,
                                      double l, double d, bool f32,
                                      int64_t *count) {
  if (!isfinite(s) || !isfinite(l) || !isfinite(d))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': start, limit and delta must be finite",
                      node->op_type, node->name);
  /* float32 follows the reference: difference and quotient in float */
  double q = f32 ? (double)ceilf(((float)l - (float)s) / (float)d)
                 : ceil((l - s) / d);
  if (q > (double)OCTET_MAX_TENSOR_BYTES)
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': range of %g elements",
                      node->op_type, node->name, q);
  *count = q > 0 ? (int64_t)q : 0;
  return OCTET_OK;
}

static octet_status range_count_int(const octet_node *node, int64_t s,
                                    int64_t l, int64_t d, int64_t *count) {
  if ((s < 0 && l > INT64_MAX + s) || (s > 0 && l < INT64_MIN + s))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': limit - start overflows",
                      node->op_type, node->name);
  int64_t diff = l - s;
  if (diff == 0 || (diff > 0) != (d > 0)) {
    *count = 0;
    return OCTET_OK;
  }
  uint64_t ud = diff > 0 ? (uint64_t)diff : -(uint64_t)diff;
  uint64_t ad = d > 0 ? (uint64_t)d : -(uint64_t)d;
  uint64_t q = ud / ad + (ud % ad != 0);
  if (q > OCTET_MAX_TENSOR_BYTES)
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': range of %llu elements",
                      node->op_type, node->name, (unsigned long long)q);
  *count = (int64_t)q;
  return OCTET_OK;
}

octet_status octet_infer_Range(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  static const char *names[3] = {"start", "limit", "delta"};
  octet_dtype dt = in[0].dtype;
  if (dt != OCTET_DTYPE_FLOAT32 && dt != OCTET_DTYPE_FLOAT64 &&
      dt != OCTET_DTYPE_INT16 && dt != OCTET_DTYPE_INT32 &&
      dt != OCTET_DTYPE_INT64)
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': unsupported dtype %s (float32, float64, "
                      "int16, int32 or int64)", node->op_type, node->name,
                      octet_dtype_name(dt));
  for (int i = 0; i < 3; i++) {
    if (in[i].dtype != dt)
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': %s is %s, start is %s",
                        node->op_type, node->name, names[i],
                        octet_dtype_name(in[i].dtype), octet_dtype_name(dt));
    if (in[i].rank > 1 || tv_numel(&in[i]) != 1)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': %s must be a scalar",
                        node->op_type, node->name, names[i]);
  }
  for (int i = 0; i < 3; i++)
    if (!in[i].data)
      return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                        "%s '%s': data-dependent shape: %s is not known at "
                        "plan time", node->op_type, node->name, names[i]);
  int64_t count = 0;
  octet_status s;
  if (dt == OCTET_DTYPE_FLOAT32 || dt == OCTET_DTYPE_FLOAT64) {
    double v[3];
    for (int i = 0; i < 3; i++) v[i] = tv_get_f64(&in[i], 0);
    if (v[2] == 0)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': delta is 0",
                        node->op_type, node->name);
    s = range_count_float(node, v[0], v[1], v[2], dt == OCTET_DTYPE_FLOAT32,
                          &count);
  } else {
    int64_t v[3];
    for (int i = 0; i < 3; i++)
      if (!tv_read_i64(&in[i], 0, &v[i]))
        v[i] = (int64_t)tv_get_f64(&in[i], 0); /* int16 */
    if (v[2] == 0)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': delta is 0",
                        node->op_type, node->name);
    s = range_count_int(node, v[0], v[1], v[2], &count);
  }
  if (s) return s;
  out[0].dtype = dt;
  out[0].rank = 1;
  out[0].dims[0] = count;
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Constant ------------------------------------------------------------ */

octet_status octet_infer_Constant(const octet_node *node,
                                  const octet_tview *in, int n_in,
                                  octet_tview *out, int n_out) {
  (void)in; (void)n_in; (void)n_out;
  static const struct {
    const char *name;
    octet_attr_type type;
  } kinds[] = {
      {"value", OCTET_ATTR_TENSOR},     {"value_float", OCTET_ATTR_FLOAT},
      {"value_floats", OCTET_ATTR_FLOATS}, {"value_int", OCTET_ATTR_INT},
      {"value_ints", OCTET_ATTR_INTS},
  };
  static const char *unsupported[] = {"sparse_value", "value_string",
                                      "value_strings"};
  const octet_attr *found = NULL;
  for (int a = 0; a < node->n_attrs; a++) {
    const octet_attr *at = &node->attrs[a];
    for (size_t k = 0; k < sizeof unsupported / sizeof *unsupported; k++)
      if (strcmp(at->name, unsupported[k]) == 0)
        return octet_fail(OCTET_ERR_UNSUPPORTED,
                          "%s '%s': attribute '%s' is not supported",
                          node->op_type, node->name, at->name);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
      if (strcmp(at->name, kinds[k].name) != 0) continue;
      if (at->type != kinds[k].type)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': attribute '%s' has the wrong type",
                          node->op_type, node->name, at->name);
      if (found)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': both '%s' and '%s' are given",
                          node->op_type, node->name, found->name, at->name);
      found = at;
    }
  }
  if (!found)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': no value attribute", node->op_type,
                      node->name);
  switch (found->type) {
    case OCTET_ATTR_TENSOR:
      out[0] = found->t;
      out[0].data = NULL;
      if (tv_numel(&found->t) > 0 && !found->t.data)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': 'value' tensor has no data",
                          node->op_type, node->name);
      break;
    case OCTET_ATTR_FLOAT:
    case OCTET_ATTR_INT:
      out[0].dtype = found->type == OCTET_ATTR_FLOAT ? OCTET_DTYPE_FLOAT32
                                                     : OCTET_DTYPE_INT64;
      out[0].rank = 0;
      break;
    default: /* FLOATS / INTS */
      out[0].dtype = found->type == OCTET_ATTR_FLOATS ? OCTET_DTYPE_FLOAT32
                                                      : OCTET_DTYPE_INT64;
      out[0].rank = 1;
      out[0].dims[0] = (int64_t)found->count;
      break;
  }
  return octet_mv_check_size(node, &out[0]);
}
