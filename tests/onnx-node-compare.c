/* Output comparison for the ONNX node tests (onnx-node-compare.h). */
#include "onnx-node-compare.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers ---------------------------------------------------------- */

static bool is_float_type(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT64 ||
         t == OCTET_DTYPE_FLOAT16;
}

static double get_f(const void *data, octet_dtype t, int64_t i) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)data)[i];
    case OCTET_DTYPE_FLOAT64: return ((const double *)data)[i];
    case OCTET_DTYPE_FLOAT16: return octet_fp16_to_fp32(((const uint16_t *)data)[i]);
    default: return 0;
  }
}

/* Integer element as text (for messages). */
static void int_str(const void *data, octet_dtype t, int64_t i, char *out,
                    size_t n) {
  switch (t) {
    case OCTET_DTYPE_UINT8: snprintf(out, n, "%u", ((const uint8_t *)data)[i]); break;
    case OCTET_DTYPE_INT8: snprintf(out, n, "%d", ((const int8_t *)data)[i]); break;
    case OCTET_DTYPE_UINT16: snprintf(out, n, "%u", ((const uint16_t *)data)[i]); break;
    case OCTET_DTYPE_INT16: snprintf(out, n, "%d", ((const int16_t *)data)[i]); break;
    case OCTET_DTYPE_INT32: snprintf(out, n, "%d", ((const int32_t *)data)[i]); break;
    case OCTET_DTYPE_UINT32: snprintf(out, n, "%u", ((const uint32_t *)data)[i]); break;
    case OCTET_DTYPE_INT64:
      snprintf(out, n, "%lld", (long long)((const int64_t *)data)[i]);
      break;
    case OCTET_DTYPE_UINT64:
      snprintf(out, n, "%llu", (unsigned long long)((const uint64_t *)data)[i]);
      break;
    case OCTET_DTYPE_BOOL: snprintf(out, n, "%s", ((const uint8_t *)data)[i] ? "true" : "false"); break;
    default: snprintf(out, n, "?"); break;
  }
}

static void shape_str(int rank, const int64_t *dims, char *out, size_t n) {
  size_t k = 0;
  k += (size_t)snprintf(out + k, n - k, "[");
  for (int i = 0; i < rank && k < n; i++)
    k += (size_t)snprintf(out + k, n - k, "%s%lld", i ? "," : "",
                          (long long)dims[i]);
  if (k < n) snprintf(out + k, n - k, "]");
}

bool onnx_node_compare(const octet_tensor *got, const octet_tview *want, int idx, char *msg,
                       size_t cap) {
  char gs[160], ws[160];
  if (got->dtype != want->dtype) {
    snprintf(msg, cap, "output %d ('%s'): dtype %s, expected %s", idx,
            got->name ? got->name : "", octet_dtype_name(got->dtype),
            octet_dtype_name(want->dtype));
    return false;
  }
  bool same_shape = got->rank == want->rank;
  for (int i = 0; same_shape && i < got->rank; i++)
    same_shape = got->dims[i] == want->dims[i];
  if (!same_shape) {
    shape_str(got->rank, got->dims, gs, sizeof gs);
    shape_str(want->rank, want->dims, ws, sizeof ws);
    snprintf(msg, cap, "output %d ('%s'): shape %s, expected %s", idx,
            got->name ? got->name : "", gs, ws);
    return false;
  }
  int64_t n = tv_numel(want);
  size_t esz = octet_dtype_size(want->dtype);
  if (got->nbytes < (size_t)n * esz || (n > 0 && !got->data)) {
    snprintf(msg, cap, "output %d ('%s'): %zu bytes of data for %lld elements", idx,
            got->name ? got->name : "", got->nbytes, (long long)n);
    return false;
  }
  int64_t bad = 0, first = -1;
  double worst = 0;
  if (is_float_type(want->dtype)) {
    double rtol = 1e-3,
           atol = want->dtype == OCTET_DTYPE_FLOAT16 ? 1e-3 : 1e-7;
    for (int64_t i = 0; i < n; i++) {
      double a = get_f(got->data, got->dtype, i);
      double b = get_f(want->data, want->dtype, i);
      bool ok;
      if (isnan(a) || isnan(b))
        ok = isnan(a) && isnan(b);
      else if (isinf(a) || isinf(b))
        ok = a == b;
      else
        ok = fabs(a - b) <= atol + rtol * fabs(b);
      if (!ok) {
        if (first < 0) first = i;
        bad++;
        double d = fabs(a - b);
        if (!(d <= worst)) worst = d;
      }
    }
    if (bad) {
      snprintf(msg, cap,
              "output %d ('%s'): %lld of %lld values differ (first at %lld: "
              "got %.9g, expected %.9g; max abs diff %.3g)",
              idx, got->name ? got->name : "", (long long)bad, (long long)n,
              (long long)first, get_f(got->data, got->dtype, first),
              get_f(want->data, want->dtype, first), worst);
      return false;
    }
    return true;
  }
  for (int64_t i = 0; i < n; i++) {
    const uint8_t *a = (const uint8_t *)got->data + (size_t)i * esz;
    const uint8_t *b = (const uint8_t *)want->data + (size_t)i * esz;
    bool ok = want->dtype == OCTET_DTYPE_BOOL ? (*a != 0) == (*b != 0)
                                              : memcmp(a, b, esz) == 0;
    if (!ok) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (bad) {
    int_str(got->data, got->dtype, first, gs, sizeof gs);
    int_str(want->data, want->dtype, first, ws, sizeof ws);
    snprintf(msg, cap, "output %d ('%s'): %lld of %lld values differ (first at %lld: "
            "got %s, expected %s)",
            idx, got->name ? got->name : "", (long long)bad, (long long)n,
            (long long)first, gs, ws);
    return false;
  }
  return true;
}

