/* Reference kernels for MatMul and Gemm: a cache-blocked float32 engine
 * (float16 runs through it via fp32 copies) and plain loops for float64
 * and the integer types. */
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"
#include "backends/ref/kernels.h"

/* Tile sizes of the float32 engine: rows x columns per task, and the depth
 * of one pass over K (a KB x NB block of B stays in L2). */
enum { MB = 64, NB = 256, KB = 256 };

/* Work (multiply-adds) above which kernels use several threads. */
#define PAR_WORK 262144.0

static int pick_threads(double work, int threads) {
  return work >= PAR_WORK && threads > 1 ? threads : 1;
}

/* One batched product: C[b] (+)= alpha * A[b] * B[b]. Element (i,k) of a
 * matrix of A is at a[i*rsa + k*csa]; (k,j) of B at b[k*rsb + j*csb]; C is
 * dense row-major m x n per batch. */
typedef struct mm_job {
  int64_t m, n, k;
  int64_t rsa, csa, rsb, csb;
  float alpha;
  bool zero; /* overwrite C instead of accumulating */
  int64_t nbatch;
  int brank; /* batch dims of the output, with A's and B's strides */
  int64_t bdims[OCTET_MAX_RANK];
  int64_t bsa[OCTET_MAX_RANK], bsb[OCTET_MAX_RANK];
} mm_job;

static void batch_offsets(const mm_job *j, int64_t bi, int64_t *oa,
                          int64_t *ob) {
  int64_t a = 0, b = 0;
  for (int d = j->brank - 1; d >= 0; d--) {
    int64_t idx = bi % j->bdims[d];
    bi /= j->bdims[d];
    a += idx * j->bsa[d];
    b += idx * j->bsb[d];
  }
  *oa = a;
  *ob = b;
}

/* Fills the batch part of a job from the output's batch shape and the
 * operands' batch shapes (right-aligned, broadcast). */
static void job_batch(mm_job *j, const int64_t *od, int orank,
                      const int64_t *ad, int arank, int64_t amat,
                      const int64_t *bd, int brank, int64_t bmat) {
  j->brank = orank;
  j->nbatch = 1;
  for (int d = 0; d < orank; d++) {
    j->bdims[d] = od[d];
    j->nbatch *= od[d];
  }
  broadcast_strides(ad, arank, od, orank, j->bsa);
  broadcast_strides(bd, brank, od, orank, j->bsb);
  for (int d = 0; d < orank; d++) {
    j->bsa[d] *= amat;
    j->bsb[d] *= bmat;
  }
}

/* ---- float32 engine ------------------------------------------------------ */

/* c_r[j] += sum_q a[r][q] * b_q[j] for 4 rows and 4 steps of k. */
static void k4x4(int64_t n, float *restrict c0, float *restrict c1,
                 float *restrict c2, float *restrict c3,
                 const float *restrict b0, const float *restrict b1,
                 const float *restrict b2, const float *restrict b3,
                 const float *av) {
  const float a00 = av[0], a01 = av[1], a02 = av[2], a03 = av[3];
  const float a10 = av[4], a11 = av[5], a12 = av[6], a13 = av[7];
  const float a20 = av[8], a21 = av[9], a22 = av[10], a23 = av[11];
  const float a30 = av[12], a31 = av[13], a32 = av[14], a33 = av[15];
  for (int64_t j = 0; j < n; j++) {
    float x0 = b0[j], x1 = b1[j], x2 = b2[j], x3 = b3[j];
    c0[j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
    c1[j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
    c2[j] += a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
    c3[j] += a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
  }
}

static void k1x4(int64_t n, float *restrict c0, const float *restrict b0,
                 const float *restrict b1, const float *restrict b2,
                 const float *restrict b3, const float *av) {
  const float a0 = av[0], a1 = av[1], a2 = av[2], a3 = av[3];
  for (int64_t j = 0; j < n; j++)
    c0[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
}

static void k1x1(int64_t n, float *restrict c0, const float *restrict b0,
                 float a) {
  for (int64_t j = 0; j < n; j++) c0[j] += a * b0[j];
}

/* One tile: rows [i0,i1) and columns [j0,j1) of one batch's C, over all K.
 * `pack` (KB*NB floats) is used when B's columns are not contiguous. */
static void mm_tile(const mm_job *g, const float *a, const float *b,
                    float *c, int64_t ldc, int64_t i0, int64_t i1, int64_t j0,
                    int64_t j1, float *pack) {
  int64_t nw = j1 - j0;
  if (g->zero)
    for (int64_t i = i0; i < i1; i++)
      memset(c + i * ldc + j0, 0, sizeof(float) * (size_t)nw);
  const float *brow[KB];
  for (int64_t k0 = 0; k0 < g->k; k0 += KB) {
    int64_t kn = g->k - k0 < KB ? g->k - k0 : KB;
    if (g->csb == 1) {
      for (int64_t q = 0; q < kn; q++) brow[q] = b + (k0 + q) * g->rsb + j0;
    } else {
      for (int64_t j = 0; j < nw; j++) {
        const float *src = b + (j0 + j) * g->csb + k0 * g->rsb;
        for (int64_t q = 0; q < kn; q++) pack[q * nw + j] = src[q * g->rsb];
      }
      for (int64_t q = 0; q < kn; q++) brow[q] = pack + q * nw;
    }
    for (int64_t i = i0; i < i1; i += 4) {
      int64_t ir = i1 - i < 4 ? i1 - i : 4;
      float *cr[4];
      for (int64_t r = 0; r < ir; r++) cr[r] = c + (i + r) * ldc + j0;
      int64_t q = 0;
      for (; q + 4 <= kn; q += 4) {
        float av[16];
        for (int64_t r = 0; r < ir; r++)
          for (int64_t s = 0; s < 4; s++)
            av[r * 4 + s] =
                g->alpha * a[(i + r) * g->rsa + (k0 + q + s) * g->csa];
        const float **bq = brow + q;
        if (ir == 4)
          k4x4(nw, cr[0], cr[1], cr[2], cr[3], bq[0], bq[1], bq[2], bq[3],
               av);
        else
          for (int64_t r = 0; r < ir; r++)
            k1x4(nw, cr[r], bq[0], bq[1], bq[2], bq[3], av + r * 4);
      }
      for (; q < kn; q++)
        for (int64_t r = 0; r < ir; r++)
          k1x1(nw, cr[r], brow[q],
               g->alpha * a[(i + r) * g->rsa + (k0 + q) * g->csa]);
    }
  }
}

static octet_status mm_run_f32(const mm_job *g, const float *a,
                               const float *b, float *c, int threads) {
  if (g->m == 0 || g->n == 0 || g->nbatch == 0) return OCTET_OK;
  int64_t tm = (g->m + MB - 1) / MB, tn = (g->n + NB - 1) / NB;
  int64_t tasks = g->nbatch * tm * tn;
  int nt = pick_threads((double)g->nbatch * (double)g->m * (double)g->n *
                            (double)(g->k ? g->k : 1),
                        threads);
  bool need_pack = g->csb != 1 && g->k > 0;
  int failed = 0;
#pragma omp parallel num_threads(nt)
  {
    float *pack = NULL;
    if (need_pack) {
      pack = malloc(sizeof(float) * KB * NB);
      if (!pack) {
#pragma omp atomic write
        failed = 1;
      }
    }
#pragma omp for schedule(dynamic)
    for (int64_t t = 0; t < tasks; t++) {
      if (need_pack && !pack) continue;
      int64_t bi = t / (tm * tn), r = t % (tm * tn);
      int64_t i0 = (r / tn) * MB, j0 = (r % tn) * NB;
      int64_t i1 = i0 + MB < g->m ? i0 + MB : g->m;
      int64_t j1 = j0 + NB < g->n ? j0 + NB : g->n;
      int64_t oa, ob;
      batch_offsets(g, bi, &oa, &ob);
      mm_tile(g, a + oa, b + ob, c + bi * g->m * g->n, g->n, i0, i1, j0, j1, pack);
    }
    free(pack);
  }
  if (failed)
    return octet_fail(OCTET_ERR_NO_MEMORY, "MatMul: out of memory (packing)");
  return OCTET_OK;
}

void octet_ref_matmul_f32(size_t M, size_t N, size_t K, const float *a, size_t lda,
                          const float *b, size_t ldb, float *c, size_t ldc) {
  mm_job g = {0};
  g.m = (int64_t)M, g.n = (int64_t)N, g.k = (int64_t)K;
  g.rsa = (int64_t)lda, g.csa = 1, g.rsb = (int64_t)ldb, g.csb = 1;
  g.alpha = 1.0f;
  g.zero = true;
  g.nbatch = 1;
  for (int64_t j0 = 0; j0 < g.n; j0 += NB)
    mm_tile(&g, a, b, c, (int64_t)ldc, 0, g.m, j0, j0 + NB < g.n ? j0 + NB : g.n, NULL);
}

/* ---- float64 and integer loops ------------------------------------------- */

/* C[b] (+)= alpha * A[b] * B[b], row by row in i-k-j order. */
static void mm_run_f64(const mm_job *g, const double *a, const double *b,
                       double *c, double alpha, int threads) {
  int64_t rows = g->nbatch * g->m;
  int nt = pick_threads((double)rows * (double)g->n * (double)g->k, threads);
#pragma omp parallel for num_threads(nt)
  for (int64_t t = 0; t < rows; t++) {
    int64_t bi = t / g->m, i = t % g->m, oa, ob;
    batch_offsets(g, bi, &oa, &ob);
    double *restrict cr = c + t * g->n;
    if (g->zero)
      for (int64_t j = 0; j < g->n; j++) cr[j] = 0.0;
    for (int64_t k = 0; k < g->k; k++) {
      double av = alpha * a[oa + i * g->rsa + k * g->csa];
      const double *br = b + ob + k * g->rsb;
      for (int64_t j = 0; j < g->n; j++) cr[j] += av * br[j * g->csb];
    }
  }
}

/* Integer products wrap (two's complement) instead of overflowing. */
static void mm_run_i64(const mm_job *g, const int64_t *a, const int64_t *b,
                       int64_t *c, int threads) {
  int64_t rows = g->nbatch * g->m;
  int nt = pick_threads((double)rows * (double)g->n * (double)g->k, threads);
#pragma omp parallel for num_threads(nt)
  for (int64_t t = 0; t < rows; t++) {
    int64_t bi = t / g->m, i = t % g->m, oa, ob;
    batch_offsets(g, bi, &oa, &ob);
    int64_t *cr = c + t * g->n;
    for (int64_t j = 0; j < g->n; j++) {
      uint64_t s = 0;
      for (int64_t k = 0; k < g->k; k++)
        s += (uint64_t)a[oa + i * g->rsa + k * g->csa] *
             (uint64_t)b[ob + k * g->rsb + j * g->csb];
      cr[j] = (int64_t)s;
    }
  }
}

static void mm_run_i32(const mm_job *g, const int32_t *a, const int32_t *b,
                       int32_t *c, int threads) {
  int64_t rows = g->nbatch * g->m;
  int nt = pick_threads((double)rows * (double)g->n * (double)g->k, threads);
#pragma omp parallel for num_threads(nt)
  for (int64_t t = 0; t < rows; t++) {
    int64_t bi = t / g->m, i = t % g->m, oa, ob;
    batch_offsets(g, bi, &oa, &ob);
    int32_t *cr = c + t * g->n;
    for (int64_t j = 0; j < g->n; j++) {
      uint32_t s = 0;
      for (int64_t k = 0; k < g->k; k++)
        s += (uint32_t)a[oa + i * g->rsa + k * g->csa] *
             (uint32_t)b[ob + k * g->rsb + j * g->csb];
      cr[j] = (int32_t)s;
    }
  }
}

/* ---- float16 through float32 copies -------------------------------------- */

static float *f16_to_f32_copy(const void *src, int64_t n) {
  float *d = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1));
  if (!d) return NULL;
  const uint16_t *s = src;
  for (int64_t i = 0; i < n; i++) d[i] = octet_fp16_to_fp32(s[i]);
  return d;
}

static void f32_to_f16(const float *src, void *dst, int64_t n) {
  uint16_t *d = dst;
  for (int64_t i = 0; i < n; i++) d[i] = octet_fp32_to_fp16(src[i]);
}

/* Runs a float32 job on float16 operands. `cinit` (m*n*nbatch floats, or
 * NULL when g->zero) is the initial C. */
static octet_status mm_run_f16(const mm_job *g, const octet_tview *at,
                               const octet_tview *bt, octet_tview *ct,
                               float *cinit, int threads) {
  int64_t nc = tv_numel(ct);
  float *a = f16_to_f32_copy(at->data, tv_numel(at));
  float *b = f16_to_f32_copy(bt->data, tv_numel(bt));
  float *c = cinit ? cinit : malloc(sizeof(float) * (size_t)(nc ? nc : 1));
  octet_status st = OCTET_OK;
  if (!a || !b || !c)
    st = octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (float16 product)");
  else
    st = mm_run_f32(g, a, b, c, threads);
  if (st == OCTET_OK) f32_to_f16(c, ct->data, nc);
  free(a);
  free(b);
  free(c);
  return st;
}

/* ---- MatMul -------------------------------------------------------------- */

octet_status octet_ref_MatMul(const octet_node *node, const octet_tview *in,
                              int n_in, octet_tview *out, int n_out,
                              const octet_kctx *ctx) {
  (void)n_in;
  (void)n_out;
  const octet_tview *a = &in[0], *b = &in[1];
  octet_tview *o = &out[0];
  mm_job g = {0};
  g.m = a->rank >= 2 ? a->dims[a->rank - 2] : 1;
  g.k = a->dims[a->rank - 1];
  g.n = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
  g.rsa = g.k;
  g.csa = 1;
  g.rsb = g.n;
  g.csb = 1;
  g.alpha = 1.0f;
  g.zero = true;
  int abr = a->rank > 2 ? a->rank - 2 : 0;
  int bbr = b->rank > 2 ? b->rank - 2 : 0;
  int64_t od[OCTET_MAX_RANK];
  int orank;
  if (!broadcast_shapes(a->dims, abr, b->dims, bbr, od, &orank))
    return octet_fail(OCTET_ERR_SHAPE, "%s '%s': batch dims do not broadcast",
                      node->op_type, node->name);
  int64_t bcount = 1;
  for (int d = 0; d < bbr; d++) bcount *= b->dims[d];
  if (bcount == 1) {
    /* B is one matrix: fold A's batch into its rows. */
    for (int d = 0; d < orank; d++) g.m *= od[d];
    orank = 0;
  }
  job_batch(&g, od, orank, a->dims, abr, g.m * g.k, b->dims, bbr, g.k * g.n);
  int threads = ctx ? ctx->threads : 1;
  switch (a->dtype) {
    case OCTET_DTYPE_FLOAT32:
      return mm_run_f32(&g, a->data, b->data, o->data, threads);
    case OCTET_DTYPE_FLOAT16:
      return mm_run_f16(&g, a, b, o, NULL, threads);
    case OCTET_DTYPE_FLOAT64:
      mm_run_f64(&g, a->data, b->data, o->data, 1.0, threads);
      return OCTET_OK;
    case OCTET_DTYPE_INT64:
      mm_run_i64(&g, a->data, b->data, o->data, threads);
      return OCTET_OK;
    case OCTET_DTYPE_INT32:
      mm_run_i32(&g, a->data, b->data, o->data, threads);
      return OCTET_OK;
    default:
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                        node->op_type, node->name,
                        octet_dtype_name(a->dtype));
  }
}

/* ---- Gemm ---------------------------------------------------------------- */

/* Writes beta * C, broadcast to (m, n), into yf (float) or yd (double). */
static void gemm_fill(const octet_tview *c, double beta, int64_t m, int64_t n,
                      float *yf, double *yd) {
  int64_t si = 0, sj = 0;
  if (c->rank >= 1 && c->dims[c->rank - 1] != 1) sj = 1;
  if (c->rank == 2 && c->dims[0] != 1) si = c->dims[1];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double v = beta * tv_get_f64(c, i * si + j * sj);
      if (yf)
        yf[i * n + j] = (float)v;
      else
        yd[i * n + j] = v;
    }
}

octet_status octet_ref_Gemm(const octet_node *node, const octet_tview *in,
                            int n_in, octet_tview *out, int n_out,
                            const octet_kctx *ctx) {
  (void)n_out;
  const octet_tview *a = &in[0], *b = &in[1];
  const octet_tview *c = n_in > 2 && tv_present(&in[2]) ? &in[2] : NULL;
  octet_tview *o = &out[0];
  bool ta = attr_int(node, "transA", 0) != 0;
  bool tb = attr_int(node, "transB", 0) != 0;
  float alpha = attr_float(node, "alpha", 1.0f);
  float beta = attr_float(node, "beta", 1.0f);
  if (beta == 0.0f) c = NULL; /* as BLAS: C is not read */
  mm_job g = {0};
  g.m = a->dims[ta ? 1 : 0];
  g.k = a->dims[ta ? 0 : 1];
  g.n = b->dims[tb ? 0 : 1];
  g.rsa = ta ? 1 : g.k;
  g.csa = ta ? g.m : 1;
  g.rsb = tb ? 1 : g.n;
  g.csb = tb ? g.k : 1;
  g.alpha = alpha;
  g.zero = c == NULL;
  g.nbatch = 1;
  int threads = ctx ? ctx->threads : 1;
  int64_t ny = g.m * g.n;
  switch (a->dtype) {
    case OCTET_DTYPE_FLOAT32:
      if (c) gemm_fill(c, beta, g.m, g.n, o->data, NULL);
      return mm_run_f32(&g, a->data, b->data, o->data, threads);
    case OCTET_DTYPE_FLOAT64:
      if (c) gemm_fill(c, beta, g.m, g.n, NULL, o->data);
      mm_run_f64(&g, a->data, b->data, o->data, alpha, threads);
      return OCTET_OK;
    case OCTET_DTYPE_FLOAT16: {
      float *y = NULL;
      if (c) {
        y = malloc(sizeof(float) * (size_t)(ny ? ny : 1));
        if (!y)
          return octet_fail(OCTET_ERR_NO_MEMORY, "%s '%s': out of memory",
                            node->op_type, node->name);
        gemm_fill(c, beta, g.m, g.n, y, NULL);
      }
      return mm_run_f16(&g, a, b, o, y, threads);
    }
    default:
      return octet_fail(OCTET_ERR_DTYPE, "%s '%s': unsupported dtype %s",
                        node->op_type, node->name,
                        octet_dtype_name(a->dtype));
  }
}
