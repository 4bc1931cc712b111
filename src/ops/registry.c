/* The op table, generated from core/ops.def: what each op is called, how
 * many inputs and outputs it takes and how its output shapes and dtypes
 * follow from its inputs. Kernels are the backends' (the reference ones:
 * backends/ref/ref-backend.c). */
#include <string.h>

#include "core/ir.h"

#define OP(name, a, b, c, d, s)                                               \
  octet_status octet_infer_##name(const octet_node *, const octet_tview *,    \
                                  int, octet_tview *, int);
#include "core/ops.def"
#include "core/ops-internal.def"
#undef OP

static const octet_op_def op_table[] = {
#define OP(name, a, b, c, d, s) {#name, a, b, c, d, octet_infer_##name, s, false},
#include "core/ops.def"
#undef OP
#define OP(name, a, b, c, d, s) {"Octet" #name, a, b, c, d, octet_infer_##name, s, true},
#include "core/ops-internal.def"
#undef OP
};

enum { OP_COUNT = sizeof op_table / sizeof op_table[0] };

const octet_op_def *octet_op_find(const char *op_type) {
  if (!op_type) return NULL;
  for (int i = 0; i < OP_COUNT; i++)
    if (strcmp(op_table[i].op_type, op_type) == 0) return &op_table[i];
  return NULL;
}

int octet_op_count(void) { return OP_COUNT; }

const octet_op_def *octet_op_at(int i) {
  return (i >= 0 && i < OP_COUNT) ? &op_table[i] : NULL;
}
