/* The parts of the oneDNN backend that depend on the CPU architecture:
 * how far oneDNN may go, whether its int8 is exact here, and octet's
 * activation quantizer (u8 = q + 128, bit-identical to ref's rules in
 * backends/ref/linear.c). */
#ifndef OCTET_ONEDNN_QUANTIZE_H
#define OCTET_ONEDNN_QUANTIZE_H

#include <oneapi/dnnl/dnnl.h>
#include <stddef.h>
#include <stdint.h>

/* 127 * 127 * K plus the u8 offset 128 * 127 * K must fit in int32. */
#define OCTET_ONEDNN_MAX_K 65536

/* Rows m < M of a (stride lda) -> q (stride ldq >= round_up(K, 4)) as
 * u8 = qa + 128, scale[m] = sa[m]; parallel over rows. */
typedef void (*octet_onednn_quantize_fn)(const float *a, size_t M, size_t K, size_t lda,
                                         uint8_t *q, size_t ldq, float *scale, int threads);

octet_onednn_quantize_fn octet_onednn_quantizer(void);
/* ref's weight quantization plus comp[n] = 128 * sum_k qw[k, n]. */
void octet_onednn_quantize_weights(const float *w, int64_t K, int64_t N, int8_t *qw,
                                   float *sw, int32_t *comp);
/* The highest ISA oneDNN may use: octet's active level (OCTET_ISA). */
dnnl_cpu_isa_t octet_onednn_isa_cap(void);
/* NULL when oneDNN's u8 x s8 is exact at the active level, else why not. */
const char *octet_onednn_int8_unsupported(void);

#endif
