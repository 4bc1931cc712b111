/* The OctetAttention driver (attention.h): per (batch, head) task, with
 * rows of Q, K and V read straight from the [B, S, H, D] tensors:
 *
 *   q  [Sq, D]  <- Q[b, :, h, :]        kt [D, Sk] <- K[b, :, h, :]^T
 *   v  [Sk, D]  <- V[b, :, h, :]
 *   s  = matmul(q, kt)          (float16: rounded, as MatMul's output)
 *   s  = s * c | s / c          (the scale op's kernel, in s's dtype)
 *   s  = s + mask row           (the Add's kernel, in s's dtype)
 *   p  = softmax(s) per row
 *   o  = matmul(p, v)           -> Y[b, :, h, :]
 *
 * Everything of one task stays in the thread's scratch (a few tens of KB
 * for BERT-sized heads), so the scores never go to memory. float32 Q, V
 * and Y are read and written in place (row stride H * D); float16 rows go
 * through fp32 copies. */
#include <omp.h>
#include <string.h>

#include "backends/common/attention.h"

void octet_attention_dims_of(const octet_node *n, const octet_tview *in, int n_in,
                             octet_attention_dims *d) {
  memset(d, 0, sizeof *d);
  const octet_tview *q = &in[0], *k = &in[1];
  d->B = q->dims[0], d->Sq = q->dims[1], d->H = q->dims[2], d->D = q->dims[3];
  d->Sk = k->dims[1];
  d->f16 = q->dtype == OCTET_DTYPE_FLOAT16;
  d->scale_op = (int)attr_int(n, "scale_op", 0);
  d->mask = n_in > 3 && tv_present(&in[3]);
  if (d->mask) {
    const int64_t full[4] = {d->B, d->H, d->Sq, d->Sk};
    broadcast_strides(in[3].dims, in[3].rank, full, 4, d->mstride);
  }
}

static size_t up64(size_t x) { return (x + 63) / 64 * 64; }

/* Scratch layout of one thread, in bytes from its start: dense fp32 tiles
 * (q, v and o only for float16, whose rows are converted; float32 reads Q
 * and V and writes Y in place through the row stride H * D). */
typedef struct att_layout {
  size_t q, kt, v, s, p, o, h16, kb, total;
} att_layout;

static att_layout layout(const octet_attention_dims *d) {
  const size_t f = sizeof(float), sq = (size_t)d->Sq, sk = (size_t)d->Sk, dd = (size_t)d->D;
  att_layout l;
  l.q = 0;
  l.kt = l.q + up64(sq * dd * f);
  l.v = l.kt + up64(dd * sk * f);
  l.s = l.v + up64(sk * dd * f);
  l.p = l.s + up64(sq * sk * f);
  l.o = l.p + up64(sq * sk * f);
  l.h16 = l.o + up64(sq * dd * f);        /* float16 scores, then probabilities */
  l.kb = l.h16 + up64(2 * sq * sk * 2);   /* K's rows in fp32 (float16 input) */
  l.total = l.kb + up64(sk * dd * f);
  return l;
}

size_t octet_attention_scratch_bytes(const octet_attention_dims *d) {
  return layout(d).total;
}

void octet_attention_transpose_f32(size_t rows, size_t cols, const float *src, size_t lds,
                                   float *dst, size_t ldd) {
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) dst[c * ldd + r] = src[r * lds + c];
}

/* Rows [.., h, :] of a float16 [B, S, H, D] tensor into dense fp32 [S, D]. */
static void gather_f16(const octet_attention_dims *d, const octet_attention_kernels *k,
                       const char *x, int64_t S, int64_t b, int64_t h, float *dst) {
  const size_t D = (size_t)d->D;
  for (int64_t i = 0; i < S; i++)
    k->to_f32(D, x + (size_t)(((b * S + i) * d->H + h) * d->D) * 2, dst + (size_t)i * D);
}

static void run_task(const octet_attention_dims *d, const octet_attention_kernels *k,
                     const octet_tview *in, octet_tview *out, char *scratch, int64_t task) {
  const att_layout l = layout(d);
  const int64_t b = task / d->H, h = task % d->H;
  const size_t Sq = (size_t)d->Sq, Sk = (size_t)d->Sk, D = (size_t)d->D;
  const size_t ld = (size_t)(d->H * d->D); /* row stride of Q, K, V, Y */
  const size_t es = d->f16 ? 2 : 4;
  float *kt = (float *)(scratch + l.kt), *s = (float *)(scratch + l.s);
  float *p = (float *)(scratch + l.p);
  uint16_t *sh = (uint16_t *)(scratch + l.h16), *ph = sh + Sq * Sk;
  /* the head's first row in Q and Y ([b, 0, h, :]) and in K and V */
  const size_t qoff = (size_t)((b * d->Sq * d->H + h) * d->D);
  const size_t koff = (size_t)((b * d->Sk * d->H + h) * d->D);

  const float *q, *v, *kr;
  size_t ldq = ld, ldv = ld, ldk = ld;
  if (d->f16) {
    float *qb = (float *)(scratch + l.q), *vb = (float *)(scratch + l.v);
    float *kb = (float *)(scratch + l.kb);
    gather_f16(d, k, in[0].data, d->Sq, b, h, qb);
    gather_f16(d, k, in[2].data, d->Sk, b, h, vb);
    gather_f16(d, k, in[1].data, d->Sk, b, h, kb);
    q = qb, v = vb, kr = kb, ldq = ldv = ldk = D;
  } else {
    q = (const float *)in[0].data + qoff;
    kr = (const float *)in[1].data + koff;
    v = (const float *)in[2].data + koff;
  }
  k->transpose(Sk, D, kr, ldk, kt, Sk);

  k->matmul(Sq, Sk, D, q, ldq, kt, Sk, s, Sk);
  if (!d->f16 && k->softmax_rows) { /* scale, mask and softmax in one pass */
    const float *mask = NULL;
    if (d->mask)
      mask = (const float *)in[3].data + (size_t)(b * d->mstride[0] + h * d->mstride[1]);
    const float c = d->scale_op ? *(const float *)in[4].data : 0.0f;
    k->softmax_rows(Sq, Sk, s, Sk, d->scale_op, c, mask, (size_t)d->mstride[2],
                    d->mstride[3] != 0, p, Sk);
    k->matmul(Sq, D, Sk, p, Sk, v, ldv, (float *)out[0].data + qoff, ld);
    return;
  }
  /* the score rows in the activation dtype */
  void *sr = s, *pr = p;
  size_t rs = Sk * sizeof(float);
  if (d->f16) {
    k->from_f32(Sq * Sk, s, sh);
    sr = sh, pr = ph, rs = Sk * 2;
  }
  const void *c = d->scale_op ? in[4].data : NULL;
  if (d->scale_op == 1) k->mulc(Sq * Sk, sr, c, sr);
  if (d->scale_op == 2) k->divc(Sq * Sk, sr, c, sr);
  const char *M = d->mask ? in[3].data : NULL;
  for (size_t i = 0; i < Sq; i++) {
    char *row = (char *)sr + i * rs;
    if (M) {
      const char *mrow = M + (size_t)(b * d->mstride[0] + h * d->mstride[1] +
                                      (int64_t)i * d->mstride[2]) * es;
      if (d->mstride[3])
        k->add(Sk, row, mrow, row);
      else
        k->addc(Sk, row, mrow, row);
    }
    k->softmax(Sk, row, (char *)pr + i * rs);
  }
  if (d->f16) {
    float *o = (float *)(scratch + l.o);
    k->to_f32(Sq * Sk, ph, p);
    k->matmul(Sq, D, Sk, p, Sk, v, ldv, o, D);
    char *Y = (char *)out[0].data + qoff * 2;
    for (size_t i = 0; i < Sq; i++) k->from_f32(D, o + i * D, Y + i * ld * 2);
  } else {
    k->matmul(Sq, D, Sk, p, Sk, v, ldv, (float *)out[0].data + qoff, ld);
  }
}

void octet_attention_run(const octet_attention_dims *d, const octet_attention_kernels *k,
                         const octet_tview *in, int n_in, octet_tview *out, void *scratch,
                         int threads) {
  (void)n_in;
  const int64_t tasks = d->B * d->H;
  if (tasks == 0 || d->Sq == 0 || d->D == 0) return;
  if (d->Sk == 0) { /* an empty sum: the products are zero */
    memset(out[0].data, 0, tv_nbytes(&out[0]));
    return;
  }
  const size_t per = octet_attention_scratch_bytes(d);
  const double work = (double)tasks * (double)d->Sq * (double)d->Sk * (double)d->D;
  const int nt = threads > 1 && work >= 65536.0 ? threads : 1;
#pragma omp parallel num_threads(nt)
  {
    char *mine = (char *)scratch + (size_t)omp_get_thread_num() * per;
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tasks; t++) run_task(d, k, in, out, mine, t);
  }
}
