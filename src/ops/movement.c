/* Shape inference for the data movement ops: Transpose, Concat, Split,
 * Slice, Gather, Expand. (Reshape-like and shape-producing ops are in
 * shape-ops.c.) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/ir.h"

/* Helpers shared with shape-ops.c (declared there). */
octet_status octet_mv_check_size(const octet_node *node, const octet_tview *t);
octet_status octet_mv_read_list(const octet_node *node, const octet_tview *t,
                                const char *what, bool allow_i32,
                                int64_t *vals, int max, int *count);

/* Rejects output shapes whose byte size overflows or is absurd. */
octet_status octet_mv_check_size(const octet_node *node, const octet_tview *t) {
  size_t nb;
  if (octet_dtype_size(t->dtype) == 0)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                      node->op_type, node->name, octet_dtype_name(t->dtype));
  if (!shape_nbytes(t->dims, t->rank, t->dtype, &nb))
    return octet_fail(OCTET_ERR_OVERFLOW,
                      "%s '%s': output of rank %d is too large", node->op_type,
                      node->name, t->rank);
  return OCTET_OK;
}

static bool is_index_dtype(octet_dtype d) {
  return d == OCTET_DTYPE_INT32 || d == OCTET_DTYPE_INT64;
}

/* Reads a 1-D (or scalar) integer input whose value must be known at plan
 * time into vals[0..max). `allow_i32` also accepts int32. */
octet_status octet_mv_read_list(const octet_node *node, const octet_tview *t,
                                const char *what, bool allow_i32,
                                int64_t *vals, int max, int *count) {
  if (t->dtype != OCTET_DTYPE_INT64 &&
      !(allow_i32 && t->dtype == OCTET_DTYPE_INT32))
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': input '%s' must be %s, got %s",
                      node->op_type, node->name, what,
                      allow_i32 ? "int32 or int64" : "int64",
                      octet_dtype_name(t->dtype));
  if (t->rank > 1)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': input '%s' must be 1-D, got rank %d",
                      node->op_type, node->name, what, t->rank);
  if (!t->data)
    return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                      "%s '%s': data-dependent shape: input '%s' is not known "
                      "at plan time",
                      node->op_type, node->name, what);
  int64_t n = tv_numel(t);
  if (n > max)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': input '%s' has %lld values, at most %d allowed",
                      node->op_type, node->name, what, (long long)n, max);
  for (int64_t i = 0; i < n; i++) tv_read_i64(t, i, &vals[i]);
  *count = (int)n;
  return OCTET_OK;
}

/* ---- Transpose ----------------------------------------------------------- */

octet_status octet_infer_Transpose(const octet_node *node,
                                   const octet_tview *in, int n_in,
                                   octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  int r = x->rank;
  int64_t perm[OCTET_MAX_RANK];
  const int64_t *p;
  size_t np;
  if (attr_ints(node, "perm", &p, &np)) {
    if ((int64_t)np != r)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': perm has %zu entries, input rank is %d",
                        node->op_type, node->name, np, r);
    for (int i = 0; i < r; i++) perm[i] = p[i];
  } else {
    for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
  }
  bool seen[OCTET_MAX_RANK] = {false};
  for (int i = 0; i < r; i++) {
    if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': perm is not a permutation of 0..%d "
                        "(entry %d is %lld)",
                        node->op_type, node->name, r - 1, i,
                        (long long)perm[i]);
    seen[perm[i]] = true;
  }
  out[0].dtype = x->dtype;
  out[0].rank = r;
  for (int i = 0; i < r; i++) out[0].dims[i] = x->dims[perm[i]];
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Concat -------------------------------------------------------------- */

octet_status octet_infer_Concat(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  const octet_attr *a = octet_node_attr(node, "axis");
  if (!a || a->type != OCTET_ATTR_INT)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': missing required int attribute 'axis'",
                      node->op_type, node->name);
  for (int i = 0; i < n_in; i++)
    if (!tv_present(&in[i]))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': input %d is absent", node->op_type,
                        node->name, i);
  const octet_tview *x0 = &in[0];
  int axis;
  if (!norm_axis(a->i, x0->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for rank %d",
                      node->op_type, node->name, (long long)a->i, x0->rank);
  out[0] = *x0;
  out[0].data = NULL;
  out[0].dims[axis] = 0;
  for (int i = 0; i < n_in; i++) {
    const octet_tview *x = &in[i];
    if (x->dtype != x0->dtype)
      return octet_fail(OCTET_ERR_DTYPE,
                        "%s '%s': input %d is %s, input 0 is %s",
                        node->op_type, node->name, i,
                        octet_dtype_name(x->dtype),
                        octet_dtype_name(x0->dtype));
    if (x->rank != x0->rank)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': input %d has rank %d, input 0 has rank %d",
                        node->op_type, node->name, i, x->rank, x0->rank);
    for (int d = 0; d < x->rank; d++)
      if (d != axis && x->dims[d] != x0->dims[d])
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': input %d has dim %d = %lld, input 0 has "
                          "%lld",
                          node->op_type, node->name, i, d,
                          (long long)x->dims[d], (long long)x0->dims[d]);
    if (x->dims[axis] > INT64_MAX / 2 - out[0].dims[axis])
      return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': concatenated size "
                        "overflows", node->op_type, node->name);
    out[0].dims[axis] += x->dims[axis];
  }
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Split --------------------------------------------------------------- */

octet_status octet_infer_Split(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  const octet_tview *x = &in[0];
  int axis;
  int64_t axis_attr = attr_int(node, "axis", 0);
  if (!norm_axis(axis_attr, x->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for rank %d",
                      node->op_type, node->name, (long long)axis_attr,
                      x->rank);
  int64_t dim = x->dims[axis];
  const octet_tview *sp = n_in > 1 && tv_present(&in[1]) ? &in[1] : NULL;
  const int64_t *sattr = NULL;
  size_t nsattr = 0;
  bool has_sattr = attr_ints(node, "split", &sattr, &nsattr);
  const octet_attr *num = octet_node_attr(node, "num_outputs");
  if (sp && has_sattr)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': split given both as input and attribute",
                      node->op_type, node->name);
  if ((sp || has_sattr) && num)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': both split and num_outputs are given",
                      node->op_type, node->name);

  int64_t sum = 0;
  for (int i = 0; i < n_out; i++) {
    out[i] = *x;
    out[i].data = NULL;
  }
  octet_status st = octet_mv_check_size(node, x);
  if (st) return st;
  if (sp || has_sattr) {
    int64_t n;
    if (sp) {
      if (sp->dtype != OCTET_DTYPE_INT64)
        return octet_fail(OCTET_ERR_DTYPE, "%s '%s': split must be int64, got "
                          "%s", node->op_type, node->name,
                          octet_dtype_name(sp->dtype));
      if (sp->rank > 1)
        return octet_fail(OCTET_ERR_SHAPE, "%s '%s': split must be 1-D",
                          node->op_type, node->name);
      if (!sp->data)
        return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                          "%s '%s': data-dependent shape: split sizes are not "
                          "known at plan time", node->op_type, node->name);
      n = tv_numel(sp);
    } else {
      n = (int64_t)nsattr;
    }
    if (n != n_out)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': split has %lld entries but the node has %d "
                        "outputs", node->op_type, node->name, (long long)n,
                        n_out);
    for (int i = 0; i < n_out; i++) {
      int64_t s = sp ? ((const int64_t *)sp->data)[i] : sattr[i];
      if (s < 0 || s > dim - sum)
        return octet_fail(OCTET_ERR_SHAPE,
                          "%s '%s': split entry %d = %lld is negative or "
                          "exceeds the axis size %lld", node->op_type,
                          node->name, i, (long long)s, (long long)dim);
      out[i].dims[axis] = s;
      sum += s;
    }
    if (sum != dim)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': split sizes sum to %lld, axis %d has size "
                        "%lld", node->op_type, node->name, (long long)sum,
                        axis, (long long)dim);
    return OCTET_OK;
  }
  if (num) {
    if (num->type != OCTET_ATTR_INT || num->i != n_out)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': num_outputs is %lld but the node has %d "
                        "outputs", node->op_type, node->name,
                        (long long)num->i, n_out);
    /* ceil-sized chunks, the last one smaller */
    int64_t chunk = (dim + n_out - 1) / n_out;
    int64_t last = dim - chunk * (n_out - 1);
    if (last < 0)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': cannot split size %lld into %d chunks of "
                        "%lld", node->op_type, node->name, (long long)dim,
                        n_out, (long long)chunk);
    for (int i = 0; i < n_out; i++)
      out[i].dims[axis] = i == n_out - 1 ? last : chunk;
    return OCTET_OK;
  }
  if (dim % n_out != 0)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': axis size %lld is not divisible into %d equal "
                      "outputs", node->op_type, node->name, (long long)dim,
                      n_out);
  for (int i = 0; i < n_out; i++) out[i].dims[axis] = dim / n_out;
  return OCTET_OK;
}

/* ---- Slice --------------------------------------------------------------- */

/* Resolves the effective per-axis start, step and output size of a Slice
 * node (shared with the reference kernel, which calls it again with all
 * inputs known). */
octet_status octet_slice_resolve(const octet_node *node, const octet_tview *in,
                                 int n_in, int64_t *starts, int64_t *steps,
                                 int64_t *sizes) {
  const octet_tview *x = &in[0];
  int r = x->rank;
  int64_t st[OCTET_MAX_RANK], en[OCTET_MAX_RANK], ax[OCTET_MAX_RANK],
      sp[OCTET_MAX_RANK];
  int n, ne, na, ns;
  octet_status s;
  const octet_tview *axes = n_in > 3 && tv_present(&in[3]) ? &in[3] : NULL;
  const octet_tview *stp = n_in > 4 && tv_present(&in[4]) ? &in[4] : NULL;
  const int mr = OCTET_MAX_RANK;
  if ((s = octet_mv_read_list(node, &in[1], "starts", true, st, mr, &n)) ||
      (s = octet_mv_read_list(node, &in[2], "ends", true, en, mr, &ne)))
    return s;
  if (in[1].dtype != in[2].dtype)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': starts is %s, ends is %s",
                      node->op_type, node->name,
                      octet_dtype_name(in[1].dtype),
                      octet_dtype_name(in[2].dtype));
  if (ne != n)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': starts has %d values, ends has %d",
                      node->op_type, node->name, n, ne);
  if (axes) {
    if ((s = octet_mv_read_list(node, axes, "axes", true, ax, mr, &na)))
      return s;
    if (na != n)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': axes has %d values, starts has %d",
                        node->op_type, node->name, na, n);
  } else {
    if (n > r)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': %d starts for input rank %d", node->op_type,
                        node->name, n, r);
    for (int i = 0; i < n; i++) ax[i] = i;
  }
  if (stp) {
    if ((s = octet_mv_read_list(node, stp, "steps", true, sp, mr, &ns)))
      return s;
    if (ns != n)
      return octet_fail(OCTET_ERR_SHAPE,
                        "%s '%s': steps has %d values, starts has %d",
                        node->op_type, node->name, ns, n);
  } else {
    for (int i = 0; i < n; i++) sp[i] = 1;
  }
  bool seen[OCTET_MAX_RANK] = {false};
  for (int d = 0; d < r; d++) {
    starts[d] = 0;
    steps[d] = 1;
    sizes[d] = x->dims[d];
  }
  for (int i = 0; i < n; i++) {
    int a;
    if (!norm_axis(ax[i], r, &a) || seen[a])
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': axis %lld is out of range for rank %d or "
                        "repeated", node->op_type, node->name,
                        (long long)ax[i], r);
    seen[a] = true;
    int64_t dim = x->dims[a], b = st[i], e = en[i], step = sp[i];
    if (step == 0)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': step for axis %d is 0", node->op_type,
                        node->name, a);
    /* ONNX's clamping, in arithmetic that cannot overflow for any int64
     * start, end or step (INT64_MIN, INT64_MAX included): negative starts
     * and ends count from the end (b + dim with b < 0 and 0 <= dim stays in
     * range), then clamp to [0, dim] (step > 0) or [-1, dim - 1] (step <
     * 0); the step's magnitude is taken as unsigned (-INT64_MIN is not an
     * int64). */
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    int64_t len;
    if (step > 0) {
      b = b < 0 ? 0 : (b > dim ? dim : b);
      e = e < 0 ? 0 : (e > dim ? dim : e);
      len = e > b ? (int64_t)((uint64_t)(e - b - 1) / (uint64_t)step) + 1 : 0;
    } else {
      b = b < 0 ? 0 : (b > dim - 1 ? dim - 1 : b);
      e = e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e);
      uint64_t mag = (uint64_t)0 - (uint64_t)step;
      len = b > e ? (int64_t)((uint64_t)(b - e - 1) / mag) + 1 : 0;
    }
    starts[a] = len > 0 ? b : 0;
    /* One element (or none) does not need the step: 1 then, so that the
     * kernel's step * stride stays within the tensor. With two or more,
     * |step| <= dim - 1 already. */
    steps[a] = len > 1 ? step : 1;
    sizes[a] = len;
  }
  return OCTET_OK;
}

octet_status octet_infer_Slice(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out) {
  (void)n_out;
  int64_t starts[OCTET_MAX_RANK], steps[OCTET_MAX_RANK];
  octet_status s =
      octet_slice_resolve(node, in, n_in, starts, steps, out[0].dims);
  if (s) return s;
  out[0].dtype = in[0].dtype;
  out[0].rank = in[0].rank;
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Gather -------------------------------------------------------------- */

octet_status octet_infer_Gather(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0], *idx = &in[1];
  if (!is_index_dtype(idx->dtype))
    return octet_fail(OCTET_ERR_DTYPE,
                      "%s '%s': indices must be int32 or int64, got %s",
                      node->op_type, node->name, octet_dtype_name(idx->dtype));
  int64_t axis_attr = attr_int(node, "axis", 0);
  int axis;
  if (!norm_axis(axis_attr, x->rank, &axis))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': axis %lld out of range for data rank %d",
                      node->op_type, node->name, (long long)axis_attr,
                      x->rank);
  int r = x->rank - 1 + idx->rank;
  if (r > OCTET_MAX_RANK)
    return octet_fail(OCTET_ERR_UNSUPPORTED,
                      "%s '%s': output rank %d exceeds the maximum %d",
                      node->op_type, node->name, r, OCTET_MAX_RANK);
  if (idx->data) {
    int64_t n = tv_numel(idx), dim = x->dims[axis];
    for (int64_t i = 0; i < n; i++) {
      int64_t v;
      tv_read_i64(idx, i, &v);
      if (v < -dim || v >= dim)
        return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                          "%s '%s': index %lld out of range [%lld, %lld) (axis %d of "
                          "the data has %lld entries: a table shorter than the indices "
                          "need, e.g. a sequence longer than a position table)",
                          node->op_type, node->name, (long long)v,
                          (long long)-dim, (long long)dim, axis, (long long)dim);
    }
  }
  out[0].dtype = x->dtype;
  out[0].rank = r;
  int k = 0;
  for (int d = 0; d < axis; d++) out[0].dims[k++] = x->dims[d];
  for (int d = 0; d < idx->rank; d++) out[0].dims[k++] = idx->dims[d];
  for (int d = axis + 1; d < x->rank; d++) out[0].dims[k++] = x->dims[d];
  return octet_mv_check_size(node, &out[0]);
}

/* ---- Expand -------------------------------------------------------------- */

octet_status octet_infer_Expand(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out) {
  (void)n_in; (void)n_out;
  const octet_tview *x = &in[0];
  int64_t shape[OCTET_MAX_RANK];
  int n;
  octet_status s = octet_mv_read_list(node, &in[1], "shape", false, shape,
                                      OCTET_MAX_RANK, &n);
  if (s) return s;
  for (int i = 0; i < n; i++)
    if (shape[i] < 0)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': shape entry %d is %lld",
                        node->op_type, node->name, i, (long long)shape[i]);
  out[0].dtype = x->dtype;
  if (!broadcast_shapes(x->dims, x->rank, shape, n, out[0].dims,
                        &out[0].rank)) {
    /* name the shapes and the first dim that disagrees (right-aligned) */
    char sx[160], ss[160], hint[200] = "";
    int r = x->rank > n ? x->rank : n, d = 0;
    int64_t dx = 1, ds = 1;
    for (d = r - 1; d >= 0; d--) {
      dx = d < r - x->rank ? 1 : x->dims[d - (r - x->rank)];
      ds = d < r - n ? 1 : shape[d - (r - n)];
      if (dx != ds && dx != 1 && ds != 1) break;
    }
    if (dx < ds)
      snprintf(hint, sizeof hint,
               "; the input is shorter there: a Slice that clamps an end past its "
               "input's size (a sequence longer than a position table, say) gives this");
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': input %s cannot be broadcast to the requested shape %s "
                      "(dim %d: %lld against %lld; each must be equal or 1)%s",
                      node->op_type, node->name, octet_dims_str(x->dims, x->rank, sx, sizeof sx),
                      octet_dims_str(shape, n, ss, sizeof ss), d, (long long)dx,
                      (long long)ds, hint);
  }
  return octet_mv_check_size(node, &out[0]);
}
