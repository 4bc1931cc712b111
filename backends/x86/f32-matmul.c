/* The x86 backend's MatMul of two activations (f32-matmul.h): parallel over
 * (batch, block of rows) tasks; fp16 operands go through per-thread fp32
 * buffers sized at planning, so `run` allocates nothing. */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "backends/x86/f32-matmul.h"
#include "backends/x86/vec-ukernels.h"

enum { ROWS = 64 }; /* rows of A per task */

typedef void (*cvt_fn)(size_t n, const void *x, void *y);

typedef struct matmul_state {
  int64_t nbatch, M, N, K;   /* per batch; nbatch 1 when B is one matrix */
  bool f16;
  octet_f32_matmul_fn mm;
  cvt_fn to_f32, to_f16;
  int threads;
  size_t per_thread;         /* floats of scratch per thread */
  float *scratch;            /* threads * per_thread, then K*N shared */
} matmul_state;

static bool same_dims(const int64_t *a, const int64_t *b, int n) {
  for (int d = 0; d < n; d++)
    if (a[d] != b[d]) return false;
  return true;
}

bool octet_x86_matmul_supports(const octet_node *n, const octet_tview *in, int n_in,
                               const octet_tview *out, int n_out) {
  if (strcmp(n->op_type, "MatMul") != 0 || n_in != 2 || n_out != 1) return false;
  const octet_tview *a = &in[0], *b = &in[1];
  octet_dtype t = a->dtype;
  if ((t != OCTET_DTYPE_FLOAT32 && t != OCTET_DTYPE_FLOAT16) || b->dtype != t ||
      out[0].dtype != t)
    return false;
  if (a->rank < 2 || b->rank < 2) return false;
  if (a->dims[a->rank - 1] != b->dims[b->rank - 2]) return false;
  if (b->rank == 2) return true; /* A's batch folds into its rows */
  return a->rank == b->rank && same_dims(a->dims, b->dims, a->rank - 2);
}

static void matmul_free(void *p) {
  matmul_state *s = p;
  if (!s) return;
  free(s->scratch);
  free(s);
}

static octet_status matmul_run(const octet_node *n, const octet_tview *in, int n_in,
                               octet_tview *out, int n_out, const octet_kctx *ctx) {
  (void)n; (void)n_in; (void)n_out;
  const matmul_state *s = ctx->state;
  const int64_t M = s->M, N = s->N, K = s->K, tm = (M + ROWS - 1) / ROWS;
  const int64_t tasks = s->nbatch * tm;
  const size_t es = s->f16 ? 2 : 4;
  const char *A = in[0].data, *B = in[1].data;
  char *C = out[0].data;
  float *shared_b = s->f16 ? s->scratch + (size_t)s->threads * s->per_thread : NULL;
  if (s->f16 && s->nbatch == 1) s->to_f32((size_t)(K * N), B, shared_b);
  int nt = (double)tasks * ROWS * N * K < 65536.0 ? 1 : s->threads;
#pragma omp parallel num_threads(nt)
  {
    float *a32 = s->f16 ? s->scratch + (size_t)omp_get_thread_num() * s->per_thread : NULL;
    float *b32 = s->f16 ? a32 + ROWS * K : NULL, *c32 = s->f16 ? b32 + K * N : NULL;
    int64_t last_batch = -1;
#pragma omp for schedule(static)
    for (int64_t t = 0; t < tasks; t++) {
      int64_t bi = t / tm, r0 = (t % tm) * ROWS, rows = M - r0 < ROWS ? M - r0 : ROWS;
      const char *a = A + (size_t)((bi * M + r0) * K) * es;
      const char *b = B + (size_t)(bi * K * N) * es;
      char *c = C + (size_t)((bi * M + r0) * N) * es;
      if (!s->f16) {
        s->mm((size_t)rows, (size_t)N, (size_t)K, (const float *)a, (size_t)K, (const float *)b,
              (size_t)N, (float *)c, (size_t)N);
        continue;
      }
      const float *bf = shared_b;
      if (s->nbatch > 1) {
        if (bi != last_batch) s->to_f32((size_t)(K * N), b, b32);
        last_batch = bi;
        bf = b32;
      }
      s->to_f32((size_t)(rows * K), a, a32);
      s->mm((size_t)rows, (size_t)N, (size_t)K, a32, (size_t)K, bf, (size_t)N, c32, (size_t)N);
      s->to_f16((size_t)(rows * N), c32, c);
    }
  }
  return OCTET_OK;
}

octet_status octet_x86_matmul_prepare(const octet_node *n, const octet_tview *in,
                                      const octet_tview *out, int threads, octet_isa isa,
                                      octet_node_kernel *k) {
  (void)out;
  const octet_tview *a = &in[0], *b = &in[1];
  matmul_state *s = calloc(1, sizeof *s);
  if (!s) return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory");
  s->K = a->dims[a->rank - 1];
  s->N = b->dims[b->rank - 1];
  s->M = a->dims[a->rank - 2];
  s->nbatch = 1;
  for (int d = 0; d < a->rank - 2; d++) {
    if (b->rank == 2)
      s->M *= a->dims[d];
    else
      s->nbatch *= a->dims[d];
  }
  s->f16 = a->dtype == OCTET_DTYPE_FLOAT16;
  const bool wide = octet_isa_is_avx512(isa);
  s->mm = wide ? octet_f32_matmul__avx512 : octet_f32_matmul__avx2;
  s->to_f32 = wide ? octet_f16_f32_vcvt_ukernel__avx512 : octet_f16_f32_vcvt_ukernel__avx2;
  s->to_f16 = wide ? octet_f32_f16_vcvt_ukernel__avx512 : octet_f32_f16_vcvt_ukernel__avx2;
  s->threads = threads > 0 ? threads : 1;
  if (s->f16) {
    s->per_thread = (size_t)(ROWS * s->K + s->K * s->N + ROWS * s->N);
    size_t total = (size_t)s->threads * s->per_thread + (size_t)(s->K * s->N) + 16;
    if (!(s->scratch = malloc(sizeof(float) * total))) {
      matmul_free(s);
      return octet_fail(OCTET_ERR_NO_MEMORY, "out of memory (MatMul '%s' buffers)", n->name);
    }
  }
  k->run = matmul_run;
  k->kernel_name = s->f16 ? (wide ? "matmul f16 avx512" : "matmul f16 avx2")
                          : (wide ? "matmul f32 avx512" : "matmul f32 avx2");
  k->state = s;
  k->free_state = matmul_free;
  return OCTET_OK;
}
