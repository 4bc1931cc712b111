/* The backend interface: a struct of function pointers plus a context.
 *
 * The executor asks backends in the user's order of preference whether they
 * take a node (`supports`, which may decline by capability or by cost); the
 * ref backend is always last and takes everything. A backend that takes a
 * node prepares it once per plan (`prepare`: pack weights, pick a kernel) and
 * runs it many times (`run`). Optional slots may be NULL; what NULL means is
 * said beside each. */
#ifndef OCTET_BACKEND_H
#define OCTET_BACKEND_H

#include "core/ir.h"

#define OCTET_BACKEND_API_VERSION 2

/* What a backend decided for one node of a plan. */
typedef struct octet_node_kernel {
  octet_kernel_fn run;      /* called for every run of the node */
  const char *kernel_name;  /* e.g. "ref" or "qs8 8x16c4 avx512vnni" */
  void *state;              /* backend-owned (packed weights); may be NULL */
  void (*free_state)(void *state); /* NULL: nothing to free */
  size_t state_bytes;       /* weights held in state (packed) */
  unsigned packed_inputs;   /* bit i: input i was packed into state and is
                               not read at run (its constant can be dropped) */
} octet_node_kernel;

/* What the plan tells a backend about the session, for supports/prepare. */
typedef struct octet_plan_ctx {
  octet_precision precision;
  int threads;           /* the session's thread count */
  unsigned flags;        /* octet_session_options.flags (OCTET_SESSION_*) */
  /* supports() may say why it declines a node here (one short line, e.g.
   * "no f16 matmul without AVX512-FP16"); the plan keeps the reason of the
   * first backend in the preference that declined with one, and `octet
   * inspect` shows it. NULL when nobody asks. */
  char *why;
  size_t why_cap;
} octet_plan_ctx;

typedef struct octet_backend {
  int api_version;
  const char *name;
  /* NULL: the backend is always available. Returns false (with a message
   * from octet_fail) when the library or CPU it needs is absent. */
  bool (*available)(void);
  /* May the backend run `node` with these inputs (shapes and constants known
   * at plan time) at this precision? Declining is not an error. */
  bool (*supports)(const octet_node *node, const octet_tview *in, int n_in,
                   const octet_tview *out, int n_out, const octet_plan_ctx *ctx);
  /* Fills `k` for the node; size per-thread scratch for ctx->threads. */
  octet_status (*prepare)(const octet_node *node, const octet_tview *in,
                          int n_in, const octet_tview *out, int n_out,
                          const octet_plan_ctx *ctx, octet_node_kernel *k);
} octet_backend;

extern const octet_backend octet_backend_ref;
extern const octet_backend octet_backend_x86;
extern const octet_backend octet_backend_arm;
extern const octet_backend octet_backend_openblas;
extern const octet_backend octet_backend_onednn;

/* printf into ctx->why when someone asks (ctx->why != NULL). */
void octet_backend_why(const octet_plan_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The oracle: the ref backend, which takes every node; always last in a
 * session's preference, and what planning folds constants with. */
const octet_backend *octet_backend_oracle(void);
/* The oracle's kernel for a node's op (NULL when there is none), for a
 * backend that hands a case its kernels do not cover back to the reference
 * at run time. Ops whose reference needs a prepared state (OctetLinear)
 * must go through octet_backend_oracle()->prepare instead. */
octet_kernel_fn octet_backend_oracle_kernel(const octet_node *node);

/* Looks a backend up by name among those compiled in; NULL if unknown. */
const octet_backend *octet_backend_find(const char *name);
/* Comma-separated list of the compiled-in backends. */
const char *octet_backend_names(void);
/* The default preference: every available backend, ref last. */
int octet_backend_default(const octet_backend **out, int cap);

#endif
