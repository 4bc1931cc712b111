/* w8a8 GEMM driver, portable C (built without -m flags): weight quantization
 * and packing, the kernel choice from the active ISA, the thread split, the
 * blocking loops, and the calls into the per-ISA quantizer and microkernel.
 *
 * A run: each thread owns a rectangle of the output (rows [m0, m1) x panels
 * [p0, p1)) and its part of the scratch (the quantized rows), and runs
 *   for each block of panels that fits in L2 (the weights stay in L2),
 *     for each tile of MR rows (its activations stay in L1/L2; quantized
 *     on the first block, while the kernels prefetch the next tile's rows),
 *       for each panel of NR columns: microkernel over the whole K
 * and the kernels also prefetch the next block of panels into L2, a slice
 * per row tile, so only the first block comes from memory unprefetched.
 * Nothing is allocated; no thread waits on another. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/ir.h"
#include "backends/x86/qs8-gemm.h"

/* Packed weights kept in L2 while the row tiles sweep over them: with the
 * next block being prefetched, two blocks and the activations share the
 * L2 (2 MB per core on the target; 1 MB blocks measured ~4% slower). */
#define QS8_L2_BLOCK_BYTES ((size_t)512 << 10)

struct octet_qs8_weights {
  const octet_qs8_kernel *kern;
  int64_t K, N;
  size_t kp;           /* round_up(K, 4) */
  size_t npanels;      /* ceil(N / NR) */
  size_t panel_bytes;  /* stride between panels (a full NR panel) */
  size_t bytes;        /* held in `data` */
  int8_t *data;        /* 64-byte aligned */
};

static const octet_qs8_kernel kernel_scalar = {
    "qs8 4x16c4 scalar", OCTET_ISA_REF, 4, 16, 4,
    octet_qs8_gemm_ukernel_4x16c4__scalar, octet_qs8_quantize_rows_scalar, 4, NULL, NULL, false};
static const octet_qs8_kernel kernel_avx2 = {
    "qs8 4x8c4 avx2", OCTET_ISA_AVX2, 4, 8, 8,
    octet_qs8_gemm_ukernel_4x8c4__avx2, octet_qs8_quantize_rows__avx2, 4, NULL, NULL, false};
static const octet_qs8_kernel kernel_avxvnni = {
    "qs8 6x16c4 avxvnni", OCTET_ISA_AVXVNNI, 6, 16, 8,
    octet_qs8_gemm_ukernel_6x16c4__avxvnni, octet_qs8_quantize_rows__avx2, 4, NULL, NULL, false};
static const octet_qs8_kernel kernel_avx512vnni = {
    "qs8 8x48c4 avx512vnni", OCTET_ISA_AVX512VNNI, 8, 48, 16,
    octet_qs8_gemm_ukernel_8x48c4__avx512vnni, octet_qs8_quantize_rows__avx512, 4, NULL, NULL, false};
static const octet_qs8_kernel kernel_amx = {
    "qs8 32x32c4 amx", OCTET_ISA_AMX, 32, 32, 16,
    octet_qs8_gemm_ukernel_32x32c4__amx, octet_qs8_quantize_rows__avx512, 64,
    octet_qs8_amx_begin, octet_qs8_amx_end, true};

const octet_qs8_kernel *octet_qs8_kernel_for(octet_isa isa) {
  switch (isa) {
    case OCTET_ISA_AMX: return &kernel_amx;
    case OCTET_ISA_AVX512VNNI: return &kernel_avx512vnni;
    case OCTET_ISA_AVXVNNI: return &kernel_avxvnni;
    case OCTET_ISA_AVX512: /* no VNNI: the exact int16 path */
    case OCTET_ISA_AVX2: return &kernel_avx2;
    default: return &kernel_scalar;
  }
}

static size_t round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }

/* Columns stored in the panel that starts at column n0. */
static size_t panel_cols(const octet_qs8_kernel *k, size_t N, size_t n0) {
  size_t nr = N - n0 < (size_t)k->nr ? N - n0 : (size_t)k->nr;
  size_t np = round_up(nr, (size_t)k->ng);
  return np < (size_t)k->nr ? np : (size_t)k->nr;
}

octet_status octet_qs8_weights_pack(const float *w, int64_t K, int64_t N,
                                    octet_isa isa, octet_qs8_weights **out) {
  *out = NULL;
  if (!w || K < 0 || N < 0 || K > OCTET_QS8_MAX_K || N > (INT64_C(1) << 31))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "qs8 pack: bad weight shape [%lld, %lld]", (long long)K,
                      (long long)N);
  if (!octet_isa_supported(isa))
    return octet_fail(OCTET_ERR_UNSUPPORTED, "qs8 pack: CPU lacks %s",
                      octet_isa_name(isa));
  const octet_qs8_kernel *kern = octet_qs8_kernel_for(isa);
  size_t k = (size_t)K, n = (size_t)N, nr = (size_t)kern->nr;
  size_t kp = round_up(k, (size_t)kern->kalign);
  size_t npanels = (n + nr - 1) / nr;
  size_t panel_bytes = nr * 8 + kp * nr;
  size_t total = 64;
  if (npanels) {
    size_t last = panel_cols(kern, n, (npanels - 1) * nr);
    total = (npanels - 1) * panel_bytes + last * 8 + kp * last;
    total = round_up(total, 64);
  }
  if (k && n > SIZE_MAX / k) return octet_fail(OCTET_ERR_OVERFLOW, "qs8 pack: size");
  octet_qs8_weights *pw = calloc(1, sizeof *pw);
  int8_t *data = aligned_alloc(64, total);
  int8_t *q = malloc(k * n + 1);
  float *scale = malloc(n * sizeof *scale + 1);
  if (!pw || !data || !q || !scale) {
    free(pw), free(data), free(q), free(scale);
    return octet_fail(OCTET_ERR_NO_MEMORY, "qs8 pack: out of memory");
  }
  memset(data, 0, total);
  octet_qs8_quantize_weights_scalar(w, k, n, q, scale);
  for (size_t p = 0; p < npanels; p++) {
    size_t n0 = p * nr, np = panel_cols(kern, n, n0);
    size_t cols = n - n0 < nr ? n - n0 : nr;
    int8_t *dst = data + p * panel_bytes;
    for (size_t j = 0; j < cols; j++) {
      int32_t sum = 0;
      for (size_t kk = 0; kk < k; kk++) sum += q[kk * n + n0 + j];
      int32_t comp = -128 * sum;
      memcpy(dst + 4 * j, &comp, 4);
      memcpy(dst + 4 * np + 4 * j, &scale[n0 + j], 4);
    }
    int8_t *qd = dst + 8 * np;
    for (size_t kk = 0; kk < k; kk++)
      for (size_t j = 0; j < cols; j++)
        qd[(kk / 4 * np + j) * 4 + kk % 4] = q[kk * n + n0 + j];
  }
  free(q), free(scale);
  pw->kern = kern;
  pw->K = K, pw->N = N;
  pw->kp = kp, pw->npanels = npanels, pw->panel_bytes = panel_bytes;
  pw->bytes = total;
  pw->data = data;
  *out = pw;
  return OCTET_OK;
}

void octet_qs8_weights_free(octet_qs8_weights *w) {
  if (!w) return;
  free(w->data);
  free(w);
}

size_t octet_qs8_weights_bytes(const octet_qs8_weights *w) {
  return w ? w->bytes + sizeof *w : 0;
}

const char *octet_qs8_kernel_name(const octet_qs8_weights *w) {
  return w ? w->kern->name : "";
}

int64_t octet_qs8_weights_k(const octet_qs8_weights *w) { return w->K; }
int64_t octet_qs8_weights_n(const octet_qs8_weights *w) { return w->N; }

/* ---- the run ----------------------------------------------------------------- */

/* How `threads` threads split mt row tiles x nt panels: tm row groups times
 * tn panel groups, tm * tn <= threads, minimising the largest share; ties go
 * to more row groups (each row group quantizes its rows once per thread). */
static void split(size_t mt, size_t nt, int threads, int *tm, int *tn) {
  size_t best = SIZE_MAX;
  *tm = 1, *tn = 1;
  for (int r = 1; r <= threads; r++) {
    if (threads % r) continue;
    size_t c = (size_t)(threads / r);
    if ((size_t)r > mt || c > nt) continue;
    size_t share = (mt + (size_t)r - 1) / (size_t)r * ((nt + c - 1) / c);
    if (share <= best) best = share, *tm = r, *tn = (int)c;
  }
}

/* Bytes between quantized rows: K rounded to a cache line, plus one line so
 * the MR rows of a tile do not share L1 sets. */
static size_t a_stride(const octet_qs8_weights *w) {
  return round_up(w->kp, 64) + 64;
}

/* Scratch of one thread when `threads` threads share M rows. */
static size_t thread_scratch(const octet_qs8_weights *w, size_t M, int threads,
                             int *tm_out, int *tn_out) {
  size_t mr = (size_t)w->kern->mr, mt = (M + mr - 1) / mr;
  int tm, tn;
  split(mt, w->npanels ? w->npanels : 1, threads, &tm, &tn);
  if (tm_out) *tm_out = tm, *tn_out = tn;
  size_t rows = (mt + (size_t)tm - 1) / (size_t)tm * mr;
  return round_up(rows * a_stride(w), 64) + round_up(rows * sizeof(float), 64);
}

size_t octet_qs8_scratch_bytes(const octet_qs8_weights *w, int64_t M,
                               int threads) {
  if (!w || M <= 0) return 0;
  size_t best = 0;
  for (int t = 1; t <= (threads > 1 ? threads : 1); t++) {
    int tm, tn;
    size_t per = thread_scratch(w, (size_t)M, t, &tm, &tn);
    size_t all = per * (size_t)(tm * tn);
    if (all > best) best = all;
  }
  return best;
}

typedef struct qs8_job {
  const octet_qs8_weights *w;
  size_t M;
  const float *A;
  size_t lda;
  float *C;
  size_t ldc;
  const float *bias, *residual;
  size_t ldr;
  int act;
  octet_gemm_post_fn post;
  uint8_t *scratch;
} qs8_job;

/* Thread `tid` of `nth`: its rectangle, quantization, then the tiles. */
static void run_part(const qs8_job *j, int tid, int nth) {
  const octet_qs8_weights *w = j->w;
  const octet_qs8_kernel *kern = w->kern;
  const size_t mr = (size_t)kern->mr, nr = (size_t)kern->nr;
  const size_t N = (size_t)w->N, mt = (j->M + mr - 1) / mr;
  int tm, tn;
  size_t per = thread_scratch(w, j->M, nth, &tm, &tn);
  if (tid >= tm * tn) return;
  int ti = tid / tn, tj = tid % tn;
  size_t r0 = mt * (size_t)ti / (size_t)tm * mr;
  size_t r1 = mt * (size_t)(ti + 1) / (size_t)tm * mr;
  if (r1 > j->M) r1 = j->M;
  size_t p0 = w->npanels * (size_t)tj / (size_t)tn;
  size_t p1 = w->npanels * (size_t)(tj + 1) / (size_t)tn;
  if (r0 >= r1 || p0 >= p1) return;

  const size_t as = a_stride(w), kp = w->kp, K = (size_t)w->K;
  uint8_t *qa = j->scratch + (size_t)tid * per;
  float *sa = (float *)(qa + round_up((r1 - r0 + mr - 1) / mr * mr * as, 64));

  size_t pb = QS8_L2_BLOCK_BYTES / w->panel_bytes;
  if (pb < 1) pb = 1;
  const size_t tiles = (r1 - r0 + mr - 1) / mr;
  const size_t cap = kp / 4 * 64; /* bytes one kernel call prefetches */
  octet_qs8_ukernel_params prm = {.ldr = j->ldr, .act = j->act};
  if (kern->begin) kern->begin();
  for (size_t pa = p0; pa < p1; pa += pb) {
    const size_t pe = pa + pb < p1 ? pa + pb : p1;
    /* the next block's panels, prefetched into L2 a slice per row tile */
    const size_t pn = pe + pb < p1 ? pe + pb : p1;
    const char *wnext = pn > pe ? (const char *)(w->data + pe * w->panel_bytes) : NULL;
    size_t wnext_bytes = (pn - pe) * w->panel_bytes;
    if (wnext && wnext_bytes > w->bytes - pe * w->panel_bytes)
      wnext_bytes = w->bytes - pe * w->panel_bytes;
    for (size_t m = r0, t = 0; m < r1; m += mr, t++) {
      const size_t rows = r1 - m < mr ? r1 - m : mr;
      const uint8_t *a = qa + (m - r0) * as;
      /* Quantize the tile's rows on the first pass; its kernels prefetch the
       * next tile's fp32 rows first, then their slice of the next block. */
      const char *next = NULL;
      size_t next_bytes = 0;
      if (pa == p0) {
        kern->quantize(j->A + m * j->lda, rows, K, j->lda, qa + (m - r0) * as,
                       as, sa + (m - r0));
        if (m + mr < r1) {
          size_t nrows = r1 - m - mr < mr ? r1 - m - mr : mr;
          next = (const char *)(j->A + (m + mr) * j->lda);
          next_bytes = ((nrows - 1) * j->lda + K) * sizeof(float);
        }
      }
      const size_t w0 = wnext_bytes * t / tiles, w1 = wnext_bytes * (t + 1) / tiles;
      prm.scale_a = sa + (m - r0);
      for (size_t p = pa; p < pe; p++) {
        const size_t n0 = p * nr, cols = N - n0 < nr ? N - n0 : nr;
        const size_t off = (p - pa) * cap;
        if (off < next_bytes) {
          prm.prefetch = next + off, prm.prefetch_step = 64;
        } else if (off - next_bytes < w1 - w0) {
          prm.prefetch = wnext + w0 + (off - next_bytes), prm.prefetch_step = 64;
        } else {
          prm.prefetch = (const char *)a, prm.prefetch_step = 0;
        }
        prm.bias = j->bias ? j->bias + n0 : NULL;
        prm.residual = j->residual ? j->residual + m * j->ldr + n0 : NULL;
        float *c = j->C + m * j->ldc + n0;
        kern->gemm(rows, cols, kp, a, as, w->data + p * w->panel_bytes, c, j->ldc, &prm);
        if (j->post)
          for (size_t r = 0; r < rows; r++) j->post(cols, c + r * j->ldc, c + r * j->ldc);
      }
    }
  }
  if (kern->end) kern->end();
}

octet_status octet_qs8_gemm(const octet_qs8_weights *w, int64_t M,
                            const float *A, int64_t lda, float *C, int64_t ldc,
                            const octet_gemm_epilogue *ep, void *scratch,
                            int threads) {
  if (!w || M < 0 || lda < w->K || ldc < w->N || (M > 0 && (!A || !C)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "qs8 gemm: bad arguments (M %lld, lda %lld, ldc %lld)",
                      (long long)M, (long long)lda, (long long)ldc);
  const bool gelu = ep && (ep->act == OCTET_GEMM_ACT_GELU || ep->act == OCTET_GEMM_ACT_GELU_TANH);
  if (ep && ((ep->residual && ep->ldr < w->N) || (ep->residual && ep->post) ||
             (gelu && !ep->post) ||
             (ep->act != OCTET_GEMM_ACT_NONE && ep->act != OCTET_GEMM_ACT_RELU && !gelu)))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "qs8 gemm: bad epilogue (ldr %lld, act %d)",
                      (long long)ep->ldr, ep->act);
  if (M == 0 || w->N == 0) return OCTET_OK;
  if (!scratch)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "qs8 gemm: no scratch");
  qs8_job job = {
      .w = w, .M = (size_t)M, .A = A, .lda = (size_t)lda, .C = C,
      .ldc = (size_t)ldc, .bias = ep ? ep->bias : NULL,
      .residual = ep ? ep->residual : NULL, .ldr = ep ? (size_t)ep->ldr : 0,
      .act = ep ? ep->act : OCTET_GEMM_ACT_NONE, .post = ep ? ep->post : NULL,
      .scratch = scratch};
  /* GELU in the kernel's epilogue where it has it, else by `post` */
  if (gelu && w->kern->gelu) job.post = NULL;
  if (gelu && !w->kern->gelu) job.act = OCTET_GEMM_ACT_NONE;
  if (threads <= 1) {
    run_part(&job, 0, 1);
    return OCTET_OK;
  }
#pragma omp parallel num_threads(threads)
  run_part(&job, omp_get_thread_num(), omp_get_num_threads());
  return OCTET_OK;
}
