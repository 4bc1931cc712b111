/* Helpers shared by the elementwise reference kernels: a tiled broadcast
 * iterator and row conversions to and from wide compute types. */
#ifndef OCTET_REF_ELEMENTWISE_H
#define OCTET_REF_ELEMENTWISE_H

#include <string.h>

#include "core/ir.h"

enum {
  EW_TILE = 1024,       /* elements per row call (sizes stack buffers) */
  EW_PAR_MIN = 65536,   /* output elements above which OpenMP is used */
};

/* Row-function status flags, OR-ed over all tiles. */
enum {
  EW_ERR_DIV_ZERO = 1,  /* integer division (or 0 to a negative power) */
  EW_ERR_DTYPE = 2,     /* a dtype infer should have rejected */
};

/* Broadcast walk over a dense output. The output shape is collapsed (size-1
 * dims dropped, neighbours merged where every input stays linear) and cut
 * into tiles of at most EW_TILE elements along the last collapsed dim. Along
 * that dim every input's step is 0 (broadcast) or 1 (contiguous). */
typedef struct ew_iter {
  int n_in, rank;
  int64_t dims[OCTET_MAX_RANK];
  int64_t str[3][OCTET_MAX_RANK]; /* element strides of each input */
  size_t esize[3], out_esize;
  int64_t inner, tiles_per_row, total_tiles, numel;
} ew_iter;

/* One tile: `n` outputs at `out`; input k starts at in[k] and advances by
 * step[k] elements (0 or 1). Returns 0 or EW_ERR_* flags. */
typedef int (*ew_row_fn)(const void *arg, void *out, const void *const *in,
                         const int64_t *step, int64_t n);

/* n_in is 1 to 3; inputs are broadcast against out's shape. */
void ew_iter_init(ew_iter *it, const octet_tview *out, const octet_tview *in,
                  int n_in);
/* Runs fn over every tile (in parallel when large); returns OR of flags. */
int ew_iter_run(const ew_iter *it, void *out, const void *const *in,
                ew_row_fn fn, const void *arg, int threads);

/* Loads n elements of any numeric or bool dtype, converted. */
void ew_load_f32(octet_dtype t, const void *src, int64_t n, float *dst);
void ew_load_f64(octet_dtype t, const void *src, int64_t n, double *dst);
/* Integers as 64-bit two's complement (signed types sign-extend, unsigned
 * zero-extend), bool as 0/1. Returns false for float dtypes. */
bool ew_load_u64(octet_dtype t, const void *src, int64_t n, uint64_t *dst);
/* Stores to float32/float16 (round to nearest even). */
void ew_store_f32(octet_dtype t, void *dst, int64_t n, const float *src);
/* Stores the low bits into any integer dtype (modular), bool as != 0. */
void ew_store_u64(octet_dtype t, void *dst, int64_t n, const uint64_t *src);

bool ew_is_signed(octet_dtype t);
bool ew_is_float(octet_dtype t);
/* Float to integer dtype t: truncates toward zero, saturates out-of-range
 * values (and infinities) to t's limits, NaN gives 0; to bool: d != 0 (NaN
 * is true). Returns two's complement bits. */
uint64_t ew_f64_to_int(double d, octet_dtype t);
/* Double to binary16 with one rounding (round to nearest even). */
uint16_t ew_f64_to_f16(double d);

/* Bit-reinterpretation of two's complement (no implementation-defined
 * conversion). */
static inline int64_t ew_u2i(uint64_t u) {
  int64_t i;
  memcpy(&i, &u, sizeof i);
  return i;
}

/* Maps row flags to a status with a message naming the node. */
octet_status ew_flags_status(const octet_node *node, int flags);

#endif /* OCTET_REF_ELEMENTWISE_H */
