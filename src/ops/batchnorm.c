/* Shape and dtype inference for BatchNormalization, inference form only:
 * Y = (X - mean) / sqrt(var + epsilon) * scale + B per channel (axis 1).
 * Training (training_mode = 1 from opset 14, is_test = 0 at opset 6, the
 * extra outputs of opsets 9-13) and spatial = 0 (opsets 7-8) are refused,
 * naming what. */
#include <string.h>

#include "core/ir.h"

static bool is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 || t == OCTET_DTYPE_FLOAT64;
}

octet_status octet_infer_BatchNormalization(const octet_node *n, const octet_tview *in,
                                            int n_in, octet_tview *out, int n_out) {
  (void)n_in;
  const octet_tview *x = &in[0];
  static const char *const names[] = {"X", "scale", "B", "input_mean", "input_var"};
  if (attr_int(n, "training_mode", 0) != 0)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "%s '%s': training_mode=1 is not supported "
                      "(octet runs inference; export the model in eval mode)",
                      n->op_type, n->name);
  if (n->opset > 0 && n->opset < 7 && attr_int(n, "is_test", 0) == 0)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "%s '%s': is_test=0 (training) is not supported "
                      "(training_mode=1 in later opsets)", n->op_type, n->name);
  if (attr_int(n, "spatial", 1) != 1)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "%s '%s': spatial=0 (statistics per element, "
                      "not per channel) is not supported", n->op_type, n->name);
  if (n_out > 1)
    return octet_fail(OCTET_ERR_UNSUPPORTED, "%s '%s': %d outputs: the running or saved "
                      "statistics exist only in training mode, which is not supported (one "
                      "output, Y)", n->op_type, n->name, n_out);
  for (int i = 0; i < 5; i++) {
    if (!tv_present(&in[i]))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': input %s is required",
                        n->op_type, n->name, names[i]);
    if (!is_float(in[i].dtype))
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': %s has unsupported dtype %s (float32, "
                        "float16, float64)", n->op_type, n->name, names[i],
                        octet_dtype_name(in[i].dtype));
  }
  if (x->rank < 2)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': X must be N x C x ... (rank >= 2), not rank "
                      "%d", n->op_type, n->name, x->rank);
  for (int i = 1; i < 5; i++)
    if (in[i].rank != 1 || in[i].dims[0] != x->dims[1])
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': %s must be 1-D with X's %lld channels "
                        "(rank %d, first dim %lld)", n->op_type, n->name, names[i],
                        (long long)x->dims[1], in[i].rank,
                        (long long)(in[i].rank ? in[i].dims[0] : 0));
  float eps = attr_float(n, "epsilon", 1e-5f);
  if (!(eps >= 0.0f))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "%s '%s': epsilon must be >= 0, got %g",
                      n->op_type, n->name, (double)eps);
  out[0].dtype = x->dtype;
  out[0].rank = x->rank;
  for (int i = 0; i < x->rank; i++) out[0].dims[i] = x->dims[i];
  return OCTET_OK;
}
