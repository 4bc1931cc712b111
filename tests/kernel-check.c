/* Scaffolding shared by the backend kernel tests (kernel-check.h). */
#include "kernel-check.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static unsigned rng = 1;

void rand_seed(unsigned seed) { rng = seed; }

float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) & 0xffffff) / 8388608.0f - 1.0f;
}

void *rand_data(octet_dtype t, int64_t n, float scale) {
  size_t es = t == OCTET_DTYPE_FLOAT16 ? 2 : 4;
  char *p = malloc((size_t)n * es + 1);
  for (int64_t i = 0; i < n; i++) {
    float v = frand() * scale;
    if (t == OCTET_DTYPE_FLOAT16)
      ((uint16_t *)p)[i] = octet_fp32_to_fp16(v);
    else
      ((float *)p)[i] = v;
  }
  return p;
}

guarded guarded_alloc(size_t n) {
  const size_t pg = (size_t)sysconf(_SC_PAGESIZE), bytes = sizeof(float) * n;
  guarded g;
  g.len = (bytes + pg - 1) / pg * pg + pg;
  g.map = mmap(NULL, g.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert(g.map != MAP_FAILED);
  ck_assert_int_eq(mprotect((char *)g.map + g.len - pg, pg, PROT_NONE), 0);
  g.p = (float *)((char *)g.map + g.len - pg - bytes);
  return g;
}

guarded rand_f32(size_t n) {
  guarded g = guarded_alloc(n);
  for (size_t i = 0; i < n; i++) g.p[i] = frand();
  return g;
}

static int mask_dims(int kind, const att_shape *s, int64_t *md) {
  switch (kind) {
    case 1: md[0] = s->B, md[1] = 1, md[2] = 1, md[3] = s->Sk; return 4;
    case 2: md[0] = s->B, md[1] = s->H, md[2] = s->Sq, md[3] = s->Sk; return 4;
    case 3: md[0] = s->Sk; return 1;
    case 4: md[0] = s->Sq, md[1] = 1; return 2;
    default: return 0;
  }
}

void att_build(op_case *c, octet_dtype t, const att_shape *s, int mask, int op) {
  const int64_t qd[4] = {s->B, s->Sq, s->H, s->D}, kd[4] = {s->B, s->Sk, s->H, s->D};
  oc_init(c, "OctetAttention", 1);
  oc_attr_int(c, "scale_op", op);
  void *q = rand_data(t, s->B * s->Sq * s->H * s->D, 2.0f);
  void *k = rand_data(t, s->B * s->Sk * s->H * s->D, 2.0f);
  void *v = rand_data(t, s->B * s->Sk * s->H * s->D, 1.0f);
  oc_input_dynamic(c, t, 4, qd, q);
  oc_input_dynamic(c, t, 4, kd, k);
  oc_input_dynamic(c, t, 4, kd, v);
  int64_t md[4];
  int mr = mask_dims(mask, s, md);
  void *m = NULL;
  if (mr) {
    int64_t n = 1;
    for (int d = 0; d < mr; d++) n *= md[d];
    m = rand_data(t, n, 0.5f);
    if (t == OCTET_DTYPE_FLOAT16)
      ((uint16_t *)m)[0] = octet_fp32_to_fp16(-10000.0f);
    else
      ((float *)m)[0] = -10000.0f;
    oc_input_dynamic(c, t, mr, md, m);
  } else {
    oc_input(c, OCTET_DTYPE_UNDEFINED, 0, NULL, NULL);
  }
  void *sc = rand_data(t, 1, 1.0f);
  if (op) oc_input(c, t, 0, NULL, sc);
  free(q), free(k), free(v), free(m), free(sc);
}

bool backend_matches_ref(const octet_backend *b, const op_case *c, int threads,
                         const char **kernel) {
  octet_plan_ctx pc = {.precision = OCTET_PRECISION_FP32, .threads = threads};
  ck_assert_msg(b->supports(&c->node, c->in, c->n_in, c->out, 1, &pc), "%s declines %s", b->name,
                c->node.op_type);
  octet_node_kernel k = {0};
  ck_assert_int_eq(b->prepare(&c->node, c->in, c->n_in, c->out, 1, &pc, &k), OCTET_OK);
  *kernel = k.kernel_name;
  octet_tview got = c->out[0];
  size_t bytes = tv_nbytes(&got);
  got.data = malloc(bytes + 1);
  memset(got.data, 0xAB, bytes);
  octet_kctx kc = {.threads = threads, .state = k.state};
  ck_assert_int_eq(k.run(&c->node, c->in, c->n_in, &got, 1, &kc), OCTET_OK);
  const bool same = memcmp(got.data, c->out[0].data, bytes) == 0;
  if (k.free_state) k.free_state(k.state);
  free(got.data);
  return same;
}
