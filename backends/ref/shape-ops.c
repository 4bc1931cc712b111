/* Reference kernels for the reshaping and shape-producing ops: Reshape,
 * Flatten, Squeeze, Unsqueeze (plain copies), Shape, ConstantOfShape, Range,
 * Constant. */
#include <stdint.h>
#include <string.h>

#include "core/ir.h"

/* Same bytes, new shape: a copy unless the planner aliased the buffers. */
static octet_status copy_data(const octet_tview *in, octet_tview *out) {
  size_t n = tv_nbytes(out);
  if (n != tv_nbytes(in))
    return octet_fail(OCTET_ERR_INTERNAL, "reshape copy: %zu bytes vs %zu", n,
                      tv_nbytes(in));
  if (n && out->data != in->data) memcpy(out->data, in->data, n);
  return OCTET_OK;
}

octet_status octet_ref_Reshape(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx) {
  (void)node; (void)n_in; (void)n_out; (void)ctx;
  return copy_data(&in[0], &out[0]);
}

octet_status octet_ref_Flatten(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx) {
  (void)node; (void)n_in; (void)n_out; (void)ctx;
  return copy_data(&in[0], &out[0]);
}

octet_status octet_ref_Squeeze(const octet_node *node, const octet_tview *in,
                               int n_in, octet_tview *out, int n_out,
                               const octet_kctx *ctx) {
  (void)node; (void)n_in; (void)n_out; (void)ctx;
  return copy_data(&in[0], &out[0]);
}

octet_status octet_ref_Unsqueeze(const octet_node *node, const octet_tview *in,
                                 int n_in, octet_tview *out, int n_out,
                                 const octet_kctx *ctx) {
  (void)node; (void)n_in; (void)n_out; (void)ctx;
  return copy_data(&in[0], &out[0]);
}

/* Reads only the input's dims, never its data. */
octet_status octet_ref_Shape(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in; (void)n_out; (void)ctx;
  int r = in[0].rank;
  int64_t start = attr_int(node, "start", 0);
  if (start < 0) start += r;
  start = start < 0 ? 0 : (start > r ? r : start);
  int64_t n = out[0].dims[0];
  if (start + n > r)
    return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': output size mismatch",
                      node->op_type, node->name);
  int64_t *y = out[0].data;
  for (int64_t i = 0; i < n; i++) y[i] = in[0].dims[start + i];
  return OCTET_OK;
}

/* Fills `count` elements of size es with the element at `val`, doubling the
 * filled prefix with memcpy. */
static void fill_bytes(char *dst, const void *val, size_t es, int64_t count) {
  size_t total = (size_t)count * es;
  if (total == 0) return;
  memcpy(dst, val, es);
  size_t done = es;
  while (done < total) {
    size_t n = done < total - done ? done : total - done;
    memcpy(dst + done, dst, n);
    done += n;
  }
}

octet_status octet_ref_ConstantOfShape(const octet_node *node,
                                       const octet_tview *in, int n_in,
                                       octet_tview *out, int n_out,
                                       const octet_kctx *ctx) {
  (void)in; (void)n_in; (void)n_out; (void)ctx;
  const octet_attr *v = octet_node_attr(node, "value");
  int64_t n = tv_numel(&out[0]);
  size_t es = octet_dtype_size(out[0].dtype);
  if (!v) {
    memset(out[0].data, 0, (size_t)n * es); /* float32 0 */
    return OCTET_OK;
  }
  if (v->type != OCTET_ATTR_TENSOR || !v->t.data || v->t.dtype != out[0].dtype)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': bad 'value' attribute", node->op_type,
                      node->name);
  fill_bytes(out[0].data, v->t.data, es, n);
  return OCTET_OK;
}

octet_status octet_ref_Range(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  (void)n_in; (void)n_out; (void)ctx;
  int64_t n = out[0].dims[0];
  void *y = out[0].data;
  switch (out[0].dtype) {
    case OCTET_DTYPE_FLOAT32: {
      float s = *(const float *)in[0].data, d = *(const float *)in[2].data;
      for (int64_t i = 0; i < n; i++) ((float *)y)[i] = s + (float)i * d;
      return OCTET_OK;
    }
    case OCTET_DTYPE_FLOAT64: {
      double s = *(const double *)in[0].data, d = *(const double *)in[2].data;
      for (int64_t i = 0; i < n; i++) ((double *)y)[i] = s + (double)i * d;
      return OCTET_OK;
    }
    case OCTET_DTYPE_INT16: {
      int64_t s = *(const int16_t *)in[0].data;
      int64_t d = *(const int16_t *)in[2].data;
      for (int64_t i = 0; i < n; i++) ((int16_t *)y)[i] = (int16_t)(s + i * d);
      return OCTET_OK;
    }
    case OCTET_DTYPE_INT32: {
      int64_t s = *(const int32_t *)in[0].data;
      int64_t d = *(const int32_t *)in[2].data;
      for (int64_t i = 0; i < n; i++) ((int32_t *)y)[i] = (int32_t)(s + i * d);
      return OCTET_OK;
    }
    case OCTET_DTYPE_INT64: {
      int64_t s = *(const int64_t *)in[0].data;
      int64_t d = *(const int64_t *)in[2].data;
      for (int64_t i = 0; i < n; i++) ((int64_t *)y)[i] = s + i * d;
      return OCTET_OK;
    }
    default:
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                        node->op_type, node->name,
                        octet_dtype_name(out[0].dtype));
  }
}

octet_status octet_ref_Constant(const octet_node *node, const octet_tview *in,
                                int n_in, octet_tview *out, int n_out,
                                const octet_kctx *ctx) {
  (void)in; (void)n_in; (void)n_out; (void)ctx;
  static const char *names[] = {"value", "value_float", "value_floats",
                                "value_int", "value_ints"};
  const octet_attr *a = NULL;
  for (size_t k = 0; k < sizeof names / sizeof *names && !a; k++)
    a = octet_node_attr(node, names[k]);
  size_t nb = tv_nbytes(&out[0]);
  if (!a)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': no value",
                      node->op_type, node->name);
  const void *src = NULL;
  switch (a->type) {
    case OCTET_ATTR_TENSOR: src = a->t.data; break;
    case OCTET_ATTR_FLOAT: src = &a->f; break;
    case OCTET_ATTR_INT: src = &a->i; break;
    case OCTET_ATTR_FLOATS: src = a->floats; break;
    case OCTET_ATTR_INTS: src = a->ints; break;
    default: break;
  }
  if (nb && !src)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': bad value",
                      node->op_type, node->name);
  if (nb) memcpy(out[0].data, src, nb);
  return OCTET_OK;
}
