/* The w8a8 integer rules, written once: the ref backend, every ISA's
 * kernels, the library backends and the lowering pass reproduce them bit
 * for bit (all of octet is built with -ffp-contract=off).
 *
 *   weights, per output column n: sw[n] = max_k |W[k,n]| / 127, and when
 *     that is not > 0 (a zero column, or a scale that underflows) sw[n] = 1
 *     and every q = 0; qw[k,n] = clamp(nearbyintf(W[k,n] / sw[n]), +-127),
 *     a NaN weight giving 0;
 *   activations, per row (token) m: amax = max_k |X[m,k]| (NaNs ignored);
 *     (sa[m], inv) = octet_q8_row_scale(amax); qa = octet_q8_round(X * inv);
 *   acc[m,n] = sum_k qa[m,k] * qw[k,n], exact in int32 (|acc| <= 127 * 127 *
 *     K: K at most OCTET_Q8_MAX_K);
 *   y = octet_q8_dequant(acc, sa[m], sw[n]), then bias, activation and
 *     residual as separate fp32 operations.
 *
 * The u8 form: x86's VPDPBUSD multiplies unsigned by signed bytes, so
 * activations are stored as u = qa + 128 and the offset's contribution,
 * 128 * sum_k qw[k,n] (octet_q8_u8_compensation), is taken off each sum. */
#ifndef OCTET_QUANT_H
#define OCTET_QUANT_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#define OCTET_Q8_MAX 127
/* The u8 form's zero: u = q + OCTET_Q8_U8_ZERO. */
#define OCTET_Q8_U8_ZERO 128
/* Largest reduction length: 127 * 127 * K fits in int32. */
#define OCTET_Q8_MAX_K 131072

/* A row's scale and the reciprocal its values are multiplied by: the two
 * fp32 divisions every version makes. amax == 0 (or 127 / amax
 * overflowing) gives scale 1 and inv 0: the row quantizes to zeros. */
static inline void octet_q8_row_scale(float amax, float *scale, float *inv) {
  float s = amax / 127.0f, r = 127.0f / amax;
  if (amax == 0.0f || r > FLT_MAX) {
    s = 1.0f;
    r = 0.0f;
  }
  *scale = s;
  *inv = r;
}

/* An activation value times inv to int8: nearbyintf, then the conversion
 * CVTPS2DQ makes (NaN and out-of-range give INT32_MIN), then the clamp to
 * [-127, 127]. */
static inline int8_t octet_q8_round(float v) {
  float r = __builtin_nearbyintf(v);
  int32_t i = r >= -2147483648.0f && r < 2147483648.0f ? (int32_t)r : INT32_MIN;
  return (int8_t)(i < -OCTET_Q8_MAX ? -OCTET_Q8_MAX : i > OCTET_Q8_MAX ? OCTET_Q8_MAX : i);
}

/* The exact integer sum back to fp32: y = (float)acc; y = y * sa; y = y * sw. */
static inline float octet_q8_dequant(int32_t acc, float sa, float sw) {
  float y = (float)acc;
  y = y * sa;
  y = y * sw;
  return y;
}

/* W [K, N] row-major (ONNX MatMul's B) -> q [K, N] int8 and scale [N]. */
void octet_q8_quantize_weights(const float *w, int64_t K, int64_t N, int8_t *q, float *scale);
/* One row of K activations -> q [K] int8 and its scale. */
void octet_q8_quantize_row(const float *x, int64_t K, int8_t *q, float *scale);
/* Rows m < M of a (stride lda floats) in the u8 form -> q (stride ldq >=
 * round_up(K, 4) bytes), bytes [K, round_up(K, 4)) of each row set to the
 * zero 128; scale[m] per row. */
void octet_q8_quantize_rows_u8(const float *a, size_t M, size_t K, size_t lda, void *q,
                               size_t ldq, float *scale);
/* comp[n] = 128 * sum_k q[k, n]: what the u8 offset adds to column n's
 * integer sums (q [K, N] as octet_q8_quantize_weights makes it). */
void octet_q8_u8_compensation(const int8_t *q, int64_t K, int64_t N, int32_t *comp);

#endif
