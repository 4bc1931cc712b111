/* NumPy .npy files (format 1.0/2.0/3.0, C order, little-endian). */
#ifndef OCTET_NPY_H
#define OCTET_NPY_H

#include "octet.h"

/* Reads `path` into *out: out->data is malloc'ed (the caller frees it),
 * dtype/rank/dims/nbytes are set, name is NULL. Supported dtypes: float32,
 * float16, float64, int64, int32, int16, int8, uint8, bool. Any malformed
 * header, truncated data, Fortran order, big-endian data or absurd size is a
 * clear error. */
octet_status octet_npy_read(const char *path, octet_tensor *out);
octet_status octet_npy_read_memory(const void *buf, size_t len,
                                   octet_tensor *out);
/* Writes a tensor as a version 1.0 .npy file. */
octet_status octet_npy_write(const char *path, const octet_tensor *t);

#endif
