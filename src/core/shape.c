/* Shape arithmetic shared by ops: sizes, axes, broadcasting, element access. */
#include <stdio.h>
#include <string.h>

#include "core/ir.h"

const char *octet_dims_str(const int64_t *dims, int rank, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "[");
  for (int i = 0; i < rank && n > 0 && (size_t)n < cap; i++)
    n += snprintf(buf + n, cap - (size_t)n, "%s%lld", i ? "," : "", (long long)dims[i]);
  if (n > 0 && (size_t)n < cap) snprintf(buf + n, cap - (size_t)n, "]");
  return buf;
}

int64_t tv_numel(const octet_tview *t) {
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= t->dims[i];
  return n;
}

size_t tv_nbytes(const octet_tview *t) {
  return (size_t)tv_numel(t) * octet_dtype_size(t->dtype);
}

bool shape_nbytes(const int64_t *dims, int rank, octet_dtype dtype,
                  size_t *out) {
  size_t esize = octet_dtype_size(dtype);
  if (esize == 0 || rank < 0 || rank > OCTET_MAX_RANK) return false;
  size_t n = esize;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0) return false;
    if (dims[i] == 0) {
      n = 0;
      continue;
    }
    if (n != 0 && (size_t)dims[i] > OCTET_MAX_TENSOR_BYTES / n) return false;
    n *= (size_t)dims[i];
  }
  if (n > OCTET_MAX_TENSOR_BYTES) return false;
  *out = n;
  return true;
}

bool norm_axis(int64_t axis, int rank, int *out) {
  if (axis < -(int64_t)rank || axis >= (int64_t)rank) return false;
  *out = (int)(axis < 0 ? axis + rank : axis);
  return true;
}

bool broadcast_shapes(const int64_t *a, int ra, const int64_t *b, int rb,
                      int64_t *out, int *rout) {
  int r = ra > rb ? ra : rb;
  if (r > OCTET_MAX_RANK) return false;
  for (int i = 0; i < r; i++) {
    int64_t da = i < r - ra ? 1 : a[i - (r - ra)];
    int64_t db = i < r - rb ? 1 : b[i - (r - rb)];
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      return false;
  }
  *rout = r;
  return true;
}

void broadcast_strides(const int64_t *in, int rin, const int64_t *out,
                       int rout, int64_t *strides) {
  int64_t s = 1;
  for (int i = rout - 1; i >= 0; i--) {
    int j = i - (rout - rin);
    if (j < 0 || in[j] == 1 || out[i] == 1) {
      strides[i] = 0;
    } else {
      strides[i] = s;
    }
    if (j >= 0) s *= in[j];
  }
}

bool tv_read_i64(const octet_tview *t, int64_t idx, int64_t *out) {
  if (!t->data) return false;
  switch (t->dtype) {
    case OCTET_DTYPE_INT64: *out = ((const int64_t *)t->data)[idx]; return true;
    case OCTET_DTYPE_INT32: *out = ((const int32_t *)t->data)[idx]; return true;
    default: return false;
  }
}

double tv_get_f64(const octet_tview *t, int64_t idx) {
  const void *p = t->data;
  switch (t->dtype) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)p)[idx];
    case OCTET_DTYPE_FLOAT64: return ((const double *)p)[idx];
    case OCTET_DTYPE_FLOAT16:
      return octet_fp16_to_fp32(((const uint16_t *)p)[idx]);
    case OCTET_DTYPE_INT64: return (double)((const int64_t *)p)[idx];
    case OCTET_DTYPE_INT32: return ((const int32_t *)p)[idx];
    case OCTET_DTYPE_INT16: return ((const int16_t *)p)[idx];
    case OCTET_DTYPE_INT8: return ((const int8_t *)p)[idx];
    case OCTET_DTYPE_UINT8: return ((const uint8_t *)p)[idx];
    case OCTET_DTYPE_UINT16: return ((const uint16_t *)p)[idx];
    case OCTET_DTYPE_UINT32: return ((const uint32_t *)p)[idx];
    case OCTET_DTYPE_UINT64: return (double)((const uint64_t *)p)[idx];
    case OCTET_DTYPE_BOOL: return ((const uint8_t *)p)[idx] ? 1.0 : 0.0;
    case OCTET_DTYPE_UNDEFINED: break;
  }
  return 0.0;
}
