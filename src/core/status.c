/* Status messages, the thread-local last error, dtype and precision names. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/ir.h"
#include "octet-commit.h"
#include "octet-config.h"

static _Thread_local char last_error[1024];

const char *octet_status_str(octet_status status) {
  switch (status) {
#define OCTET_X_CASE(name, value, msg) \
  case name:                           \
    return msg;
    OCTET_STATUS_LIST(OCTET_X_CASE)
#undef OCTET_X_CASE
  }
  return "unknown status";
}

const char *octet_last_error(void) { return last_error; }

void octet_clear_error(void) { last_error[0] = '\0'; }

octet_status octet_fail(octet_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof last_error, fmt, ap);
  va_end(ap);
  return status;
}

const char *octet_version(void) {
  return OCTET_VERSION_STRING " (" OCTET_GIT_COMMIT ")";
}

const char *octet_dtype_name(octet_dtype dtype) {
  switch (dtype) {
    case OCTET_DTYPE_FLOAT32: return "float32";
    case OCTET_DTYPE_UINT8: return "uint8";
    case OCTET_DTYPE_INT8: return "int8";
    case OCTET_DTYPE_UINT16: return "uint16";
    case OCTET_DTYPE_INT16: return "int16";
    case OCTET_DTYPE_INT32: return "int32";
    case OCTET_DTYPE_INT64: return "int64";
    case OCTET_DTYPE_BOOL: return "bool";
    case OCTET_DTYPE_FLOAT16: return "float16";
    case OCTET_DTYPE_FLOAT64: return "float64";
    case OCTET_DTYPE_UINT32: return "uint32";
    case OCTET_DTYPE_UINT64: return "uint64";
    case OCTET_DTYPE_UNDEFINED: break;
  }
  return "undefined";
}

size_t octet_dtype_size(octet_dtype dtype) {
  switch (dtype) {
    case OCTET_DTYPE_UINT8:
    case OCTET_DTYPE_INT8:
    case OCTET_DTYPE_BOOL: return 1;
    case OCTET_DTYPE_UINT16:
    case OCTET_DTYPE_INT16:
    case OCTET_DTYPE_FLOAT16: return 2;
    case OCTET_DTYPE_FLOAT32:
    case OCTET_DTYPE_INT32:
    case OCTET_DTYPE_UINT32: return 4;
    case OCTET_DTYPE_INT64:
    case OCTET_DTYPE_FLOAT64:
    case OCTET_DTYPE_UINT64: return 8;
    case OCTET_DTYPE_UNDEFINED: break;
  }
  return 0;
}

const char *octet_precision_name(octet_precision precision) {
  switch (precision) {
    case OCTET_PRECISION_FP32: return "fp32";
    case OCTET_PRECISION_FP16: return "fp16";
    case OCTET_PRECISION_W8A8: return "w8a8";
  }
  return "unknown";
}

octet_status octet_precision_parse(const char *name, octet_precision *out) {
  if (!name || !out)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "precision: NULL argument");
  static const struct { const char *n; octet_precision p; } names[] = {
      {"fp32", OCTET_PRECISION_FP32}, {"float32", OCTET_PRECISION_FP32},
      {"fp16", OCTET_PRECISION_FP16}, {"float16", OCTET_PRECISION_FP16},
      {"w8a8", OCTET_PRECISION_W8A8}, {"int8", OCTET_PRECISION_W8A8},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i].n, name) == 0) {
      *out = names[i].p;
      return OCTET_OK;
    }
  return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                    "unknown precision '%s' (expected fp32, fp16 or w8a8)",
                    name);
}
