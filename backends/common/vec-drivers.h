/* Portable drivers and table lookup of the vectorised non-GEMM ops, shared
 * by the x86 (backends/x86/vec-ops.c) and arm (backends/arm/vec-ops-arm.c)
 * backends. A backend writes its microkernels (one row or block of
 * elements, per ISA) and a table of octet_vec_entry; these drivers work out
 * rows and broadcast patterns from the tensor views, split the work over
 * OpenMP threads and call the microkernels. Nothing here depends on an ISA:
 * compiled once, without -m flags.
 *
 * Microkernel contract (docs/kernels-vec.md): f32 kernels read and write
 * float, f16 kernels read and write IEEE binary16 (uint16_t) and compute in
 * fp32, both bit-identical to the ref kernels (core/vmath.h). Pointers are
 * untyped so a driver can hold any of them; n counts elements; any n >= 0
 * and any alignment are accepted. The elementwise kernels allow y == x. */
#ifndef OCTET_COMMON_VEC_DRIVERS_H
#define OCTET_COMMON_VEC_DRIVERS_H

#include <stddef.h>

#include "backends/backend.h"
#include "core/ir.h"

/* y[i] = f(x[i]). */
typedef void (*octet_vunary_ukernel)(size_t n, const void *x, void *y);
/* y[i] = a[i] op b[i] (vop), a[i] op b[0] (vopc), b[0] op a[i] (vropc). */
typedef void (*octet_vbinary_ukernel)(size_t n, const void *a, const void *b,
                                      void *y);
/* Softmax of one contiguous row of n > 0 elements. */
typedef void (*octet_softmax_ukernel)(size_t n, const void *x, void *y);
/* LayerNormalization of one row of n > 0 elements; bias may be NULL. */
typedef void (*octet_layernorm_ukernel)(size_t n, const void *x,
                                        const void *scale, const void *bias,
                                        float eps, void *y);

/* ---- drivers ---------------------------------------------------------------
 * Each takes the octet_kernel_fn arguments plus the microkernels of one
 * (op, dtype, ISA) and the element sizes. Should the shapes seen at run time
 * fall outside what the selector accepted, they run the op's ref kernel. */

#define OCTET_VEC_KARGS                                                      \
  const octet_node *node, const octet_tview *in, int n_in, octet_tview *out, \
      int n_out, const octet_kctx *ctx
#define OCTET_VEC_KPASS node, in, n_in, out, n_out, ctx

octet_status octet_vec_run_unary(OCTET_VEC_KARGS, octet_vunary_ukernel uk,
                                 size_t in_es, size_t out_es);
/* v: same shape and [G, 1, N] rows; c: a op b[0]; rc: b[0] op a. */
octet_status octet_vec_run_binary(OCTET_VEC_KARGS, octet_vbinary_ukernel v,
                                  octet_vbinary_ukernel c,
                                  octet_vbinary_ukernel rc, size_t es);
octet_status octet_vec_run_softmax(OCTET_VEC_KARGS, octet_softmax_ukernel uk,
                                   size_t es);
octet_status octet_vec_run_layernorm(OCTET_VEC_KARGS,
                                     octet_layernorm_ukernel uk, size_t es);

/* octet_kernel_fn has no user pointer, so each (op, dtype, ISA) gets a
 * named entry that passes its microkernels to the driver. */
#define OCTET_VEC_UNARY_ENTRY(fn, uk, in_es, out_es)                \
  static octet_status fn(OCTET_VEC_KARGS) {                         \
    return octet_vec_run_unary(OCTET_VEC_KPASS, uk, in_es, out_es); \
  }
#define OCTET_VEC_BINARY_ENTRY(fn, v, c, rc, es)                \
  static octet_status fn(OCTET_VEC_KARGS) {                     \
    return octet_vec_run_binary(OCTET_VEC_KPASS, v, c, rc, es); \
  }
#define OCTET_VEC_SOFTMAX_ENTRY(fn, uk, es)                \
  static octet_status fn(OCTET_VEC_KARGS) {                \
    return octet_vec_run_softmax(OCTET_VEC_KPASS, uk, es); \
  }
#define OCTET_VEC_LAYERNORM_ENTRY(fn, uk, es)                \
  static octet_status fn(OCTET_VEC_KARGS) {                  \
    return octet_vec_run_layernorm(OCTET_VEC_KPASS, uk, es); \
  }

/* ---- selection ----------------------------------------------------------- */

typedef enum octet_vec_family {
  OCTET_VEC_UNARY,
  OCTET_VEC_BINARY,
  OCTET_VEC_SOFTMAX,
  OCTET_VEC_LAYERNORM,
  OCTET_VEC_CAST
} octet_vec_family;

typedef struct octet_vec_entry {
  const char *op; /* op_type; "Gelu" for approximate="none", "GeluTanh" */
  octet_dtype in; /* input dtype (Cast: the source) */
  int level;      /* the backend's kernel level (e.g. AVX2 or AVX-512) */
  octet_vec_family family;
  octet_kernel_fn fn;
  const char *name; /* e.g. "softmax f32 neon" */
} octet_vec_entry;

/* The entry of `table` for this node at `level`, or NULL to decline
 * (unsupported op, dtype, Gelu approximation, axis, Scale/B layout, extra
 * outputs or broadcast pattern; see docs/kernels-vec.md, "Selector").
 * *name (may be NULL) receives the entry's name or NULL. */
octet_kernel_fn octet_vec_select(const octet_vec_entry *table, size_t n_table,
                                 int level, const octet_node *node,
                                 const octet_tview *in, int n_in,
                                 const octet_tview *out, int n_out,
                                 const char **name);

#endif /* OCTET_COMMON_VEC_DRIVERS_H */
