/* Element access and the 3-D promotion shared by the ref convolution and
 * pooling kernels (conv.c, pool.c). Tensors are NCHW; a 1-D or 2-D window
 * is run as 3-D with leading spatial axes of size 1. */
#ifndef OCTET_REF_WINDOW_IO_H
#define OCTET_REF_WINDOW_IO_H

#include "core/window.h"

/* Elements above which kernels use several threads. */
#define REF_WINDOW_PAR_WORK 32768.0

static inline int ref_window_threads(double work, const octet_kctx *ctx) {
  int t = ctx ? ctx->threads : 1;
  return work >= REF_WINDOW_PAR_WORK && t > 1 ? t : 1;
}

static inline double ref_ld(const void *p, octet_dtype t, int64_t i) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OCTET_DTYPE_FLOAT16: return octet_fp16_to_fp32(((const uint16_t *)p)[i]);
    case OCTET_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OCTET_DTYPE_INT8: return ((const int8_t *)p)[i];
    case OCTET_DTYPE_UINT8: return ((const uint8_t *)p)[i];
    default: return 0.0;
  }
}

static inline void ref_st(void *p, octet_dtype t, int64_t i, double v) {
  switch (t) {
    case OCTET_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OCTET_DTYPE_FLOAT16: ((uint16_t *)p)[i] = octet_fp32_to_fp16((float)v); break;
    case OCTET_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OCTET_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OCTET_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    default: break;
  }
}

/* The window as 3-D: axis 0 is depth, 1 height, 2 width. */
typedef struct ref_win3 {
  int64_t in[3], out[3], k[3], s[3], d[3], p[3], p1[3];
  int64_t in_numel, out_numel, k_numel;
} ref_win3;

static inline void ref_win3_from(const octet_window *w, ref_win3 *r) {
  int off = 3 - w->nsp;
  r->in_numel = r->out_numel = r->k_numel = 1;
  for (int i = 0; i < 3; i++) {
    bool real = i >= off;
    int j = i - off;
    r->in[i] = real ? w->in[j] : 1;
    r->out[i] = real ? w->out[j] : 1;
    r->k[i] = real ? w->kernel[j] : 1;
    r->s[i] = real ? w->stride[j] : 1;
    r->d[i] = real ? w->dilation[j] : 1;
    r->p[i] = real ? w->pad0[j] : 0;
    r->p1[i] = real ? w->pad1[j] : 0;
    r->in_numel *= r->in[i];
    r->out_numel *= r->out[i];
    r->k_numel *= r->k[i];
  }
}

#endif
