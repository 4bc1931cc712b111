/* Small helpers of the shape and dtype inference of the issue-16 ops
 * (activation.c, variadic.c, pad.c, compare.c, reduce-minmax.c, ...):
 * dtype classes, input checks, output set-up with the size guard. */
#ifndef OCTET_OPS_UTIL_H
#define OCTET_OPS_UTIL_H

#include <stdio.h>

#include "core/ir.h"

static inline bool ou_is_float(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16 ||
         t == OCTET_DTYPE_FLOAT64;
}

static inline bool ou_is_sint(octet_dtype t) {
  return t == OCTET_DTYPE_INT8 || t == OCTET_DTYPE_INT16 ||
         t == OCTET_DTYPE_INT32 || t == OCTET_DTYPE_INT64;
}

static inline bool ou_is_uint(octet_dtype t) {
  return t == OCTET_DTYPE_UINT8 || t == OCTET_DTYPE_UINT16 ||
         t == OCTET_DTYPE_UINT32 || t == OCTET_DTYPE_UINT64;
}

static inline bool ou_is_numeric(octet_dtype t) {
  return ou_is_float(t) || ou_is_sint(t) || ou_is_uint(t);
}

static inline const char *ou_dt(octet_dtype t) {
  const char *s = octet_dtype_name(t);
  return s ? s : "?";
}

/* The first `want` inputs are present with a sane rank, and there are at
 * least `want_out` outputs. */
static inline octet_status ou_need(const octet_node *node,
                                   const octet_tview *in, int n_in, int want,
                                   int n_out, int want_out) {
  if (n_in < want || n_out < want_out)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "%s '%s': expects %d input(s) and %d output(s), got %d "
                      "and %d",
                      node->op_type, node->name, want, want_out, n_in, n_out);
  for (int i = 0; i < want; i++) {
    if (!tv_present(&in[i]))
      return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                        "%s '%s': input %d is required", node->op_type,
                        node->name, i);
    if (in[i].rank < 0 || in[i].rank > OCTET_MAX_RANK)
      return octet_fail(OCTET_ERR_SHAPE, "%s '%s': input %d has rank %d",
                        node->op_type, node->name, i, in[i].rank);
  }
  return OCTET_OK;
}

/* Fills *out, refusing a shape whose byte size overflows or passes
 * OCTET_MAX_TENSOR_BYTES (negative dims included). */
static inline octet_status ou_set_out(const octet_node *node, octet_tview *out,
                                      octet_dtype dtype, int rank,
                                      const int64_t *dims) {
  size_t nb;
  if (rank < 0 || rank > OCTET_MAX_RANK ||
      !shape_nbytes(dims, rank, dtype, &nb)) {
    char buf[200];
    return octet_fail(OCTET_ERR_OVERFLOW,
                      "%s '%s': output %s of %s is too large or invalid",
                      node->op_type, node->name,
                      octet_dims_str(dims, rank < 0 ? 0 : rank, buf, sizeof buf),
                      ou_dt(dtype));
  }
  out->dtype = dtype;
  out->rank = rank;
  for (int i = 0; i < rank; i++) out->dims[i] = dims[i];
  out->data = NULL;
  return OCTET_OK;
}

static inline octet_status ou_bad_dtype(const octet_node *node, octet_dtype t,
                                        const char *allowed) {
  return octet_fail(OCTET_ERR_DTYPE,
                    "%s '%s': unsupported dtype %s (takes %s)", node->op_type,
                    node->name, ou_dt(t), allowed);
}

static inline octet_status ou_same_dtype(const octet_node *node,
                                         const octet_tview *a, int ia,
                                         const octet_tview *b, int ib) {
  if (a->dtype == b->dtype) return OCTET_OK;
  return octet_fail(OCTET_ERR_DTYPE,
                    "%s '%s': input %d is %s but input %d is %s (they must "
                    "match)",
                    node->op_type, node->name, ia, ou_dt(a->dtype), ib,
                    ou_dt(b->dtype));
}

#endif
