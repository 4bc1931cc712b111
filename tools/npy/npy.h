/* NumPy .npy files (format 1.0/2.0/3.0, C order, little-endian) for the
 * `octet` command line and the tests: a small library on the public API
 * (octet.h) alone, not part of liboctet. Each call clears this thread's
 * message; a failed one returns a status and leaves a message readable with
 * npy_last_error() (octet_last_error() is left alone). */
#ifndef OCTET_TOOLS_NPY_H
#define OCTET_TOOLS_NPY_H

#include <stddef.h>

#include "octet.h"

/* Reads `path` into *out: out->data is malloc'ed (the caller frees it),
 * dtype/rank/dims/nbytes are set, name is NULL. Supported dtypes: float32,
 * float16, float64, int64, int32, int16, int8, uint64, uint32, uint16,
 * uint8, bool. Any malformed header, truncated data, Fortran order,
 * big-endian data or absurd size is a clear error. */
octet_status npy_read(const char *path, octet_tensor *out);
octet_status npy_read_memory(const void *buf, size_t len, octet_tensor *out);
/* Writes a tensor as a version 1.0 .npy file. */
octet_status npy_write(const char *path, const octet_tensor *t);
/* The message of this thread's last npy call: "" when it succeeded. */
const char *npy_last_error(void);

#endif
