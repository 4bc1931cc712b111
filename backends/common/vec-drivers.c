/* Drivers and table lookup of the vectorised non-GEMM ops (see
 * vec-drivers.h). Portable C, compiled without -m flags: the microkernels
 * they call run only when a backend's selector picked them for an ISA the
 * CPU has. */
#include "backends/common/vec-drivers.h"

#include <string.h>

/* Elements above which a kernel uses several threads; elementwise work is
 * split in blocks of VEC_BLOCK elements. */
#define VEC_PAR_MIN 32768
#define VEC_BLOCK 16384

static int vec_threads(int64_t work, const octet_kctx *ctx) {
  int t = ctx ? ctx->threads : 1;
  return work > VEC_PAR_MIN && t > 1 ? t : 1;
}

static bool is_f32_or_f16(octet_dtype t) {
  return t == OCTET_DTYPE_FLOAT32 || t == OCTET_DTYPE_FLOAT16;
}

static int64_t prod(const int64_t *d, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; i++) n *= d[i];
  return n;
}

/* Shapes changed since selection into something the kernels do not cover:
 * run the op's reference kernel instead. */
static octet_status delegate(const octet_node *node, const octet_tview *in,
                             int n_in, octet_tview *out, int n_out,
                             const octet_kctx *ctx) {
  octet_kernel_fn ref = octet_backend_oracle_kernel(node);
  if (!ref)
    return octet_fail(OCTET_ERR_INTERNAL, "%s '%s': no fallback kernel",
                      node->op_type, node->name);
  return ref(node, in, n_in, out, n_out, ctx);
}

/* ---- elementwise (unary ops and Cast) ---------------------------------- */

static bool unary_ok(const octet_tview *in, int n_in, const octet_tview *out,
                     int n_out) {
  return n_in >= 1 && n_out >= 1 && tv_numel(&in[0]) == tv_numel(&out[0]);
}

octet_status octet_vec_run_unary(OCTET_VEC_KARGS, octet_vunary_ukernel uk,
                                 size_t in_es, size_t out_es) {
  if (!unary_ok(in, n_in, out, n_out))
    return delegate(node, in, n_in, out, n_out, ctx);
  int64_t n = tv_numel(&out[0]);
  const char *x = in[0].data;
  char *y = out[0].data;
  int64_t blocks = (n + VEC_BLOCK - 1) / VEC_BLOCK;
  int nt = vec_threads(n, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t b = 0; b < blocks; b++) {
    int64_t i = b * VEC_BLOCK, k = n - i < VEC_BLOCK ? n - i : VEC_BLOCK;
    uk((size_t)k, x + i * in_es, y + i * out_es);
  }
  return OCTET_OK;
}

/* ---- binary ops ---------------------------------------------------------- */

typedef enum bin_kind {
  BIN_NONE,
  BIN_SAME,     /* a, b and y have the same number of elements */
  BIN_A_SCALAR, /* a has one element */
  BIN_B_SCALAR,
  BIN_A_ROWS, /* a is [G, 1, N] against y seen as [G, R, N] (is_rows) */
  BIN_B_ROWS,
} bin_kind;

typedef struct bin_pattern {
  bin_kind kind;
  int64_t g, r, n; /* BIN_*_ROWS: y = [G, R, N], the row operand [G, 1, N] */
} bin_pattern;

/* Dim i of v right-aligned against a rank-(v->rank + off) shape. */
static int64_t aligned_dim(const octet_tview *v, int off, int i) {
  return i >= off ? v->dims[i - off] : 1;
}

/* Whether v, right-aligned against y, is [G, 1, N]: from the end, dims
 * equal to y's (their product is N, the row), then dims of 1 (R of y's
 * rows per row of v), then dims equal to y's again (G). Covers a bias [N]
 * (G = 1), positions [1, S, H] against [B, S, H] (N = S H), and an
 * attention mask [B, 1, 1, S] against scores [B, H, S, S]. */
static bool is_rows(const octet_tview *v, const octet_tview *y,
                    bin_pattern *p) {
  int ry = y->rank, off = ry - v->rank, d = ry - 1;
  if (off < 0) return false;
  while (d >= 0 && aligned_dim(v, off, d) == y->dims[d]) d--;
  int row_start = d + 1;
  while (d >= 0 && aligned_dim(v, off, d) == 1) d--;
  int mid_start = d + 1;
  for (; d >= 0; d--)
    if (aligned_dim(v, off, d) != y->dims[d]) return false;
  p->g = prod(y->dims, 0, mid_start);
  p->r = prod(y->dims, mid_start, row_start);
  p->n = prod(y->dims, row_start, ry);
  return p->n >= 2;
}

static bin_pattern binary_pattern(const octet_tview *in, int n_in,
                                  const octet_tview *out, int n_out) {
  bin_pattern p = {BIN_NONE, 0, 0, 0};
  if (n_in != 2 || n_out < 1) return p;
  const octet_tview *a = &in[0], *b = &in[1], *y = &out[0];
  int64_t na = tv_numel(a), nb = tv_numel(b), ny = tv_numel(y);
  if (na == ny && nb == ny)
    p.kind = BIN_SAME;
  else if (na == ny && nb == 1)
    p.kind = BIN_B_SCALAR;
  else if (nb == ny && na == 1)
    p.kind = BIN_A_SCALAR;
  else if (na == ny && is_rows(b, y, &p))
    p.kind = BIN_B_ROWS;
  else if (nb == ny && is_rows(a, y, &p))
    p.kind = BIN_A_ROWS;
  return p;
}

/* The microkernels of one op and dtype: y = a op b (v), y = a op b[0] (c),
 * y = b[0] op a (rc; for Add and Mul c serves, operands swapped). */
octet_status octet_vec_run_binary(OCTET_VEC_KARGS, octet_vbinary_ukernel v,
                                  octet_vbinary_ukernel c,
                                  octet_vbinary_ukernel rc, size_t es) {
  bin_pattern p = binary_pattern(in, n_in, out, n_out);
  if (p.kind == BIN_NONE) return delegate(node, in, n_in, out, n_out, ctx);
  int64_t n = tv_numel(&out[0]);
  if (n == 0) return OCTET_OK;
  const char *a = in[0].data, *b = in[1].data;
  char *y = out[0].data;
  int nt = vec_threads(n, ctx);
  if (p.kind == BIN_A_ROWS || p.kind == BIN_B_ROWS) {
    /* (row, block of the row) pairs, so one long row is split too */
    int64_t bpr = (p.n + VEC_BLOCK - 1) / VEC_BLOCK, work = p.g * p.r * bpr;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
    for (int64_t q = 0; q < work; q++) {
      int64_t row = q / bpr, j = q % bpr * VEC_BLOCK;
      int64_t m = p.n - j < VEC_BLOCK ? p.n - j : VEC_BLOCK;
      size_t off = (size_t)(row * p.n + j) * es;
      size_t roff = (size_t)(row / p.r * p.n + j) * es; /* in [G, 1, N] */
      if (p.kind == BIN_B_ROWS)
        v((size_t)m, a + off, b + roff, y + off);
      else
        v((size_t)m, a + roff, b + off, y + off);
    }
    return OCTET_OK;
  }
  int64_t blocks = (n + VEC_BLOCK - 1) / VEC_BLOCK;
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t k = 0; k < blocks; k++) {
    int64_t i = k * VEC_BLOCK, m = n - i < VEC_BLOCK ? n - i : VEC_BLOCK;
    size_t off = (size_t)i * es;
    if (p.kind == BIN_SAME)
      v((size_t)m, a + off, b + off, y + off);
    else if (p.kind == BIN_B_SCALAR)
      c((size_t)m, a + off, b, y + off);
    else
      rc((size_t)m, b + off, a, y + off);
  }
  return OCTET_OK;
}

/* ---- Softmax ------------------------------------------------------------- */

/* Rows of `len` contiguous elements: the last axis (opset >= 13, or any
 * axis followed only by size-1 dims), or any axis before opset 13 (which
 * flattens the input to 2-D there). */
static bool softmax_rows(const octet_node *node, const octet_tview *x,
                         int64_t *rows, int64_t *len) {
  bool legacy = node->opset > 0 && node->opset < 13;
  int64_t axis = attr_int(node, "axis", legacy ? 1 : -1);
  int r = x->rank, a;
  if (legacy) {
    if (axis < -(int64_t)r || axis > (int64_t)r) return false;
    a = (int)(axis < 0 ? axis + r : axis);
    *len = prod(x->dims, a, r);
  } else {
    if (!norm_axis(axis, r, &a) || prod(x->dims, a + 1, r) != 1) return false;
    *len = x->dims[a];
  }
  *rows = prod(x->dims, 0, a);
  return true;
}

octet_status octet_vec_run_softmax(OCTET_VEC_KARGS, octet_softmax_ukernel uk,
                                   size_t es) {
  int64_t rows, len;
  if (n_in < 1 || n_out < 1 || !softmax_rows(node, &in[0], &rows, &len))
    return delegate(node, in, n_in, out, n_out, ctx);
  if (rows == 0 || len == 0) return OCTET_OK;
  const char *x = in[0].data;
  char *y = out[0].data;
  int nt = vec_threads(rows * len, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    size_t off = (size_t)(r * len) * es;
    uk((size_t)len, x + off, y + off);
  }
  return OCTET_OK;
}

/* ---- LayerNormalization -------------------------------------------------- */

/* Scale or B laid out exactly over X.shape[axis:] (no broadcast inside a
 * row), in X's dtype. */
static bool ln_param_dense(const octet_tview *p, const octet_tview *x, int ax) {
  if (p->dtype != x->dtype || p->rank > x->rank) return false;
  for (int d = 0; d < x->rank; d++) {
    int pi = d - (x->rank - p->rank);
    int64_t pd = pi >= 0 ? p->dims[pi] : 1;
    if (d < ax ? pd != 1 : pd != x->dims[d]) return false;
  }
  return true;
}

/* Y only (Mean and InvStdDev absent), dense Scale and optional dense B. */
static bool layernorm_ok(const octet_node *node, const octet_tview *in,
                         int n_in, const octet_tview *out, int n_out, int *ax) {
  if (n_in < 2 || n_out < 1) return false;
  for (int i = 1; i < n_out; i++)
    if (tv_present(&out[i])) return false;
  const octet_tview *x = &in[0];
  if (!norm_axis(attr_int(node, "axis", -1), x->rank, ax)) return false;
  if (!ln_param_dense(&in[1], x, *ax)) return false;
  return n_in < 3 || !tv_present(&in[2]) || ln_param_dense(&in[2], x, *ax);
}

octet_status octet_vec_run_layernorm(OCTET_VEC_KARGS,
                                     octet_layernorm_ukernel uk, size_t es) {
  int ax;
  if (!layernorm_ok(node, in, n_in, out, n_out, &ax))
    return delegate(node, in, n_in, out, n_out, ctx);
  const octet_tview *x = &in[0];
  int64_t rows = prod(x->dims, 0, ax), len = prod(x->dims, ax, x->rank);
  if (rows == 0 || len == 0) return OCTET_OK;
  float eps = attr_float(node, "epsilon", 1e-5f);
  const char *xp = x->data, *s = in[1].data;
  const char *b = n_in > 2 && tv_present(&in[2]) ? in[2].data : NULL;
  char *y = out[0].data;
  int nt = vec_threads(rows * len, ctx);
#pragma omp parallel for if (nt > 1) num_threads(nt) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    size_t off = (size_t)(r * len) * es;
    uk((size_t)len, xp + off, s, b, eps, y + off);
  }
  return OCTET_OK;
}

/* ---- selection ----------------------------------------------------------- */

/* The table key of a node: Gelu's approximate attribute picks the form;
 * unknown values decline. */
static const char *op_key(const octet_node *node) {
  if (strcmp(node->op_type, "Gelu") != 0) return node->op_type;
  const char *m = attr_string(node, "approximate", "none");
  if (strcmp(m, "none") == 0) return "Gelu";
  if (strcmp(m, "tanh") == 0) return "GeluTanh";
  return NULL;
}

static bool family_ok(octet_vec_family f, const octet_node *node,
                      const octet_tview *in, int n_in, const octet_tview *out,
                      int n_out) {
  octet_dtype t = in[0].dtype;
  switch (f) {
    case OCTET_VEC_UNARY:
      return unary_ok(in, n_in, out, n_out) && out[0].dtype == t;
    case OCTET_VEC_CAST:
      return unary_ok(in, n_in, out, n_out) && is_f32_or_f16(out[0].dtype) &&
             out[0].dtype != t;
    case OCTET_VEC_BINARY:
      return binary_pattern(in, n_in, out, n_out).kind != BIN_NONE &&
             in[1].dtype == t && out[0].dtype == t;
    case OCTET_VEC_SOFTMAX: {
      int64_t rows, len;
      return n_out >= 1 && out[0].dtype == t &&
             softmax_rows(node, &in[0], &rows, &len);
    }
    case OCTET_VEC_LAYERNORM: {
      int ax;
      return out[0].dtype == t && layernorm_ok(node, in, n_in, out, n_out, &ax);
    }
  }
  return false;
}

octet_kernel_fn octet_vec_select(const octet_vec_entry *table, size_t n_table,
                                 int level, const octet_node *node,
                                 const octet_tview *in, int n_in,
                                 const octet_tview *out, int n_out,
                                 const char **name) {
  if (name) *name = NULL;
  if (!node || !node->op_type || n_in < 1 || n_out < 1) return NULL;
  if (!is_f32_or_f16(in[0].dtype)) return NULL;
  const char *key = op_key(node);
  if (!key) return NULL;
  for (size_t i = 0; i < n_table; i++) {
    const octet_vec_entry *e = &table[i];
    if (e->level != level || e->in != in[0].dtype || strcmp(e->op, key))
      continue;
    if (!family_ok(e->family, node, in, n_in, out, n_out)) return NULL;
    if (name) *name = e->name;
    return e->fn;
  }
  return NULL;
}
