/* Shape and dtype inference of Tile, DepthToSpace (modes DCR and CRD) and
 * SpaceToDepth (issue 16). Every size is checked for overflow before it is
 * multiplied: repeats and block sizes come from the file. */
#include <string.h>

#include "ops/op-util.h"

static bool any_type(octet_dtype t) {
  return ou_is_numeric(t) || t == OCTET_DTYPE_BOOL;
}

/* a * b into *out unless it passes OCTET_MAX_TENSOR_BYTES (a, b >= 0). */
static bool mul_dim(int64_t a, int64_t b, int64_t *out) {
  if (a != 0 && b > (int64_t)OCTET_MAX_TENSOR_BYTES / a) return false;
  *out = a * b;
  return true;
}

/* Tile(input, repeats): repeats int64 [rank], each >= 0, known at planning. */
octet_status octet_infer_Tile(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out) {
  octet_status st = ou_need(node, in, n_in, 2, n_out, 1);
  if (st) return st;
  const octet_tview *x = &in[0], *r = &in[1];
  if (!any_type(x->dtype)) return ou_bad_dtype(node, x->dtype, "numeric or bool types");
  if (r->dtype != OCTET_DTYPE_INT64)
    return octet_fail(OCTET_ERR_DTYPE, "%s '%s': repeats must be int64, not %s",
                      node->op_type, node->name, ou_dt(r->dtype));
  if (r->rank != 1 || r->dims[0] != x->rank)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': repeats must be 1-D with one value per input dim "
                      "(%d), got rank %d with %lld values",
                      node->op_type, node->name, x->rank, r->rank,
                      (long long)(r->rank == 1 ? r->dims[0] : tv_numel(r)));
  if (!r->data && x->rank > 0)
    return octet_fail(OCTET_ERR_DATA_DEPENDENT,
                      "%s '%s': repeats is not known at planning (data-dependent "
                      "shape)",
                      node->op_type, node->name);
  int64_t dims[OCTET_MAX_RANK];
  for (int d = 0; d < x->rank; d++) {
    int64_t k = 0;
    tv_read_i64(r, d, &k);
    if (k < 0)
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': repeats[%d] is %lld (must be >= 0)",
                        node->op_type, node->name, d, (long long)k);
    if (!mul_dim(x->dims[d], k, &dims[d]))
      return octet_fail(OCTET_ERR_OVERFLOW,
                        "%s '%s': dim %d (%lld) repeated %lld times is too large",
                        node->op_type, node->name, d, (long long)x->dims[d],
                        (long long)k);
  }
  return ou_set_out(node, out, x->dtype, x->rank, dims);
}

/* The blocksize attribute: required, 1 to 2^20 (its square must not
 * overflow). */
static octet_status block_size(const octet_node *node, int64_t *b) {
  const octet_attr *a = octet_node_attr(node, "blocksize");
  if (!a || a->type != OCTET_ATTR_INT)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': required int attribute blocksize is missing",
                      node->op_type, node->name);
  if (a->i < 1 || a->i > ((int64_t)1 << 20))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': blocksize %lld is out of range (1 to 2^20)",
                      node->op_type, node->name, (long long)a->i);
  *b = a->i;
  return OCTET_OK;
}

static octet_status need_4d(const octet_node *node, const octet_tview *in, int n_in,
                            int n_out) {
  octet_status st = ou_need(node, in, n_in, 1, n_out, 1);
  if (st) return st;
  if (in[0].rank != 4)
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': input must be 4-D [N,C,H,W], got rank %d",
                      node->op_type, node->name, in[0].rank);
  if (!any_type(in[0].dtype))
    return ou_bad_dtype(node, in[0].dtype, "numeric or bool types");
  return OCTET_OK;
}

/* DepthToSpace: [N, C, H, W] -> [N, C / b^2, H b, W b]; mode DCR (default)
 * or CRD (opset 11+). */
octet_status octet_infer_DepthToSpace(const octet_node *node, const octet_tview *in,
                                      int n_in, octet_tview *out, int n_out) {
  octet_status st = need_4d(node, in, n_in, n_out);
  if (st) return st;
  int64_t b = 1;
  if ((st = block_size(node, &b))) return st;
  const char *mode = attr_string(node, "mode", "DCR");
  if (strcmp(mode, "DCR") != 0 && !(strcmp(mode, "CRD") == 0 && node->opset >= 11))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': mode \"%s\" is not DCR or CRD (CRD needs opset 11)",
                      node->op_type, node->name, mode);
  const int64_t *x = in[0].dims;
  if (x[1] % (b * b) != 0)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': channels (%lld) are not a multiple of blocksize^2 "
                      "(%lld)",
                      node->op_type, node->name, (long long)x[1], (long long)(b * b));
  int64_t dims[4] = {x[0], x[1] / (b * b), 0, 0};
  if (!mul_dim(x[2], b, &dims[2]) || !mul_dim(x[3], b, &dims[3]))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output is too large",
                      node->op_type, node->name);
  return ou_set_out(node, out, in[0].dtype, 4, dims);
}

/* SpaceToDepth: [N, C, H, W] -> [N, C b^2, H / b, W / b]; mode DCR
 * (default) or CRD from opset 28. */
octet_status octet_infer_SpaceToDepth(const octet_node *node, const octet_tview *in,
                                      int n_in, octet_tview *out, int n_out) {
  octet_status st = need_4d(node, in, n_in, n_out);
  if (st) return st;
  int64_t b = 1;
  if ((st = block_size(node, &b))) return st;
  const octet_attr *ma = octet_node_attr(node, "mode");
  const char *mode = attr_string(node, "mode", "DCR");
  if ((ma && node->opset < 28) ||
      (strcmp(mode, "DCR") != 0 && strcmp(mode, "CRD") != 0))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': mode \"%s\" is not DCR or CRD (the attribute needs "
                      "opset 28)",
                      node->op_type, node->name, mode);
  const int64_t *x = in[0].dims;
  if (x[2] % b != 0 || x[3] % b != 0)
    return octet_fail(OCTET_ERR_SHAPE,
                      "%s '%s': height %lld and width %lld must be multiples of "
                      "blocksize %lld",
                      node->op_type, node->name, (long long)x[2], (long long)x[3],
                      (long long)b);
  int64_t dims[4] = {x[0], 0, x[2] / b, x[3] / b};
  if (!mul_dim(x[1], b * b, &dims[1]))
    return octet_fail(OCTET_ERR_OVERFLOW, "%s '%s': output is too large",
                      node->op_type, node->name);
  return ou_set_out(node, out, in[0].dtype, 4, dims);
}
