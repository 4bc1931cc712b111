/* Runs one op directly through its infer function and ref kernel, for the
 * per-op unit tests. */
#ifndef OCTET_OP_HARNESS_H
#define OCTET_OP_HARNESS_H

#include "backends/backend.h"
#include "core/ir.h"

/* A one-node graph under construction. Attributes are copied. */
typedef struct op_case {
  octet_node node;
  octet_tview in[16];
  int n_in;
  octet_tview out[8];
  int n_out;
} op_case;

void oc_init(op_case *c, const char *op_type, int64_t opset);
void oc_attr_int(op_case *c, const char *name, int64_t v);
void oc_attr_float(op_case *c, const char *name, float v);
void oc_attr_string(op_case *c, const char *name, const char *v);
void oc_attr_ints(op_case *c, const char *name, const int64_t *v, size_t n);
void oc_attr_floats(op_case *c, const char *name, const float *v, size_t n);
/* Adds an input; data is copied. rank/dims as in a tview. dtype UNDEFINED
 * adds an absent optional input. */
void oc_input(op_case *c, octet_dtype dtype, int rank, const int64_t *dims,
              const void *data);
/* Input whose value is not known at plan time (data hidden from infer). */
void oc_input_dynamic(op_case *c, octet_dtype dtype, int rank,
                      const int64_t *dims, const void *data);
/* Runs infer then the ref kernel with `n_out` outputs. Returns the status;
 * outputs are allocated in c->out. */
octet_status oc_run(op_case *c, int n_out);
void oc_free(op_case *c);

#endif
