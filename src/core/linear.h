/* The attributes of the OctetLinear node that the fusion and lowering
 * passes make (Y = act(X @ W + B) + R): its activation and whether it runs
 * in w8a8. Read them through these, never as bare integers. */
#ifndef OCTET_CORE_LINEAR_H
#define OCTET_CORE_LINEAR_H

#include "core/ir.h"

/* The activation fused into a linear node (attribute "act"). */
typedef enum octet_act {
  OCTET_ACT_NONE = 0,
  OCTET_ACT_RELU = 1,
  OCTET_ACT_GELU = 2,      /* erf form (vm_gelu of core/vmath.h) */
  OCTET_ACT_GELU_TANH = 3, /* tanh approximation (vm_gelu_tanh) */
} octet_act;

static inline bool octet_act_valid(int64_t act) {
  return act >= OCTET_ACT_NONE && act <= OCTET_ACT_GELU_TANH;
}
static inline bool octet_act_is_gelu(octet_act act) {
  return act == OCTET_ACT_GELU || act == OCTET_ACT_GELU_TANH;
}

/* The node's activation (validated by its shape inference: an out-of-range
 * value never reaches a backend; this returns NONE for one). */
static inline octet_act octet_linear_act(const octet_node *n) {
  int64_t a = attr_int(n, "act", 0);
  return octet_act_valid(a) ? (octet_act)a : OCTET_ACT_NONE;
}
/* Whether the node runs in w8a8 (the lowering pass sets "quant"). */
static inline bool octet_linear_quant(const octet_node *n) {
  return attr_int(n, "quant", 0) != 0;
}
static inline void octet_linear_set_act(octet_attr *a, octet_act act) { a->i = act; }

#endif
