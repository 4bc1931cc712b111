/* Built-in benchmark models, built directly in the graph IR (no file needed):
 *
 *   "encoder"  BERT-style encoder with all-MiniLM-L6-v2's shape: vocabulary
 *              30522, 6 post-LN layers, hidden 384, 12 heads of 32, FFN 1536,
 *              erf GELU; inputs input_ids and attention_mask int64
 *              [batch, seq], output last_hidden_state float32
 *              [batch, seq, 384]. The same graph as the encoder of
 *              tools/make_test_models.py, written with fused ops where that
 *              script spells out what exporters emit (LayerNormalization,
 *              Gelu, fixed-shape Reshapes with 0 for the batch dim).
 *   "mlp"      x float32 [batch, 1024] -> 4096 -> 3072 -> 3072 -> 1024 = y,
 *              MatMul + Add layers with Gelu between them.
 *
 * Weights come from a fixed-seed PRNG (splitmix64 seeding, xorshift64*,
 * Box-Muller in double, rounded to float), one stream per tensor seeded from
 * the seed and the tensor's name, so each tensor is the same whatever the
 * other options. Scales mirror make_test_models.py: linear weights
 * N(0, 1/sqrt(fan_in)), biases N(0, 0.02), LayerNorm gamma 1 + N(0, 0.1) and
 * beta N(0, 0.1), embeddings N(0, 0.05). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/session.h"

/* Implemented in src/exec/model.c: takes the contents of *g (also on
 * failure) and makes a model of it. Declared here as well in case
 * session.h does not declare it (yet). */
octet_status octet_model_from_graph(octet_graph *g, octet_model **out);

#define ENC_VOCAB 30522
#define ENC_MAX_POS 512
#define ENC_HIDDEN 384
#define ENC_HEADS 12
#define ENC_HEAD_DIM 32
#define ENC_FFN 1536
#define ENC_LAYERS 6
#define ENC_OPSET 20 /* Gelu is opset 20 */

void octet_builtin_options_init(octet_builtin_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->seq = 32;
  opts->seed = 42;
}

/* ---- random weights ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

typedef struct rng {
  uint64_t s;
  double spare;
  bool has_spare;
} rng;

static void rng_seed(rng *r, uint64_t seed, const char *name) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a of the tensor's name */
  for (const char *c = name; *c; c++) h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
  r->s = splitmix64(seed ^ splitmix64(h));
  if (!r->s) r->s = 0x2545f4914f6cdd1dull;
  r->has_spare = false;
}

static uint64_t rng_next(rng *r) { /* xorshift64* */
  uint64_t x = r->s;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->s = x;
  return x * 0x2545f4914f6cdd1dull;
}

static double rng_uniform(rng *r) { /* [0, 1) */
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_normal(rng *r) { /* Box-Muller, both values used */
  if (r->has_spare) {
    r->has_spare = false;
    return r->spare;
  }
  double u1 = 1.0 - rng_uniform(r); /* (0, 1] */
  double u2 = rng_uniform(r);
  double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
  r->spare = rad * sin(th);
  r->has_spare = true;
  return rad * cos(th);
}

/* ---- a small builder over the IR ------------------------------------------ */

typedef struct builder {
  octet_graph *g;
  uint64_t seed;
  octet_status st; /* the first failure; later calls do nothing */
  int last_node;
} builder;

static int b_fail(builder *b, octet_status st) {
  if (b->st == OCTET_OK) b->st = st;
  return -1;
}

/* A new value named `name`; -1 on failure. */
static int b_value(builder *b, const char *name) {
  if (b->st != OCTET_OK) return -1;
  int id = octet_graph_add_value(b->g, name);
  return id < 0 ? b_fail(b, OCTET_ERR_NO_MEMORY) : id;
}

/* A constant value; takes `data` (malloc'd, freed on failure). */
static int b_const(builder *b, const char *name, octet_dtype dt, int rank,
                   const int64_t *dims, void *data) {
  int id = b_value(b, name);
  if (id < 0) {
    free(data);
    return -1;
  }
  octet_value *v = &b->g->values[id];
  v->kind = OCTET_VALUE_CONSTANT;
  v->dtype = dt;
  v->rank = rank;
  for (int d = 0; d < rank; d++) v->dims[d] = dims[d];
  v->data = data;
  if (!shape_nbytes(v->dims, rank, dt, &v->nbytes)) return b_fail(b, OCTET_ERR_OVERFLOW);
  return id;
}

static float *b_alloc_f32(builder *b, size_t n) {
  if (b->st != OCTET_OK) return NULL;
  float *p = malloc(sizeof(float) * (n ? n : 1));
  if (!p) {
    octet_fail(OCTET_ERR_NO_MEMORY, "built-in model: out of memory (%zu floats)", n);
    b_fail(b, OCTET_ERR_NO_MEMORY);
  }
  return p;
}

/* A float32 weight [d0] or [d0, d1] filled with mean + std * N(0, 1). */
static int b_weight(builder *b, const char *name, int rank, int64_t d0, int64_t d1,
                    double mean, double std) {
  size_t n = (size_t)d0 * (size_t)(rank > 1 ? d1 : 1);
  float *p = b_alloc_f32(b, n);
  if (!p) return -1;
  rng r;
  rng_seed(&r, b->seed, name);
  for (size_t i = 0; i < n; i++) p[i] = (float)(mean + std * rng_normal(&r));
  int64_t dims[2] = {d0, d1};
  return b_const(b, name, OCTET_DTYPE_FLOAT32, rank, dims, p);
}

static int b_scalar(builder *b, const char *name, float x) {
  float *p = b_alloc_f32(b, 1);
  if (!p) return -1;
  *p = x;
  return b_const(b, name, OCTET_DTYPE_FLOAT32, 0, NULL, p);
}

static int b_ints(builder *b, const char *name, const int64_t *vals, int n) {
  if (b->st != OCTET_OK) return -1;
  int64_t *p = malloc(sizeof(int64_t) * (size_t)n);
  if (!p) return b_fail(b, OCTET_ERR_NO_MEMORY);
  memcpy(p, vals, sizeof(int64_t) * (size_t)n);
  int64_t dims[1] = {n};
  return b_const(b, name, OCTET_DTYPE_INT64, 1, dims, p);
}

/* A graph input or the declared type of a graph output. */
static void b_declare(builder *b, int id, octet_dtype dt, int rank,
                      const int64_t *dims) {
  if (b->st != OCTET_OK || id < 0) return;
  octet_value *v = &b->g->values[id];
  v->dtype = dt;
  v->rank = rank;
  for (int d = 0; d < rank; d++) {
    v->dims[d] = dims[d];
    if (dims[d] < 0) {
      v->dim_names[d] = malloc(sizeof "batch");
      if (!v->dim_names[d]) {
        b_fail(b, OCTET_ERR_NO_MEMORY);
        return;
      }
      memcpy(v->dim_names[d], "batch", sizeof "batch");
    }
  }
}

static int b_input(builder *b, const char *name, octet_dtype dt, int rank,
                   const int64_t *dims) {
  int id = b_value(b, name);
  if (id < 0) return -1;
  b->g->values[id].kind = OCTET_VALUE_INPUT;
  b_declare(b, id, dt, rank, dims);
  b->g->inputs[b->g->n_inputs++] = id;
  return id;
}

/* Node `op` named `name` with one output (named `out`, or "<name>:0");
 * returns the output value. */
static int b_node(builder *b, const char *op, const char *name, const int *in,
                  int n_in, const char *out) {
  if (b->st != OCTET_OK) return -1;
  for (int i = 0; i < n_in; i++)
    if (in[i] < 0) return b_fail(b, OCTET_ERR_INTERNAL);
  if (!octet_op_find(op)) {
    octet_fail(OCTET_ERR_INTERNAL, "built-in model: op %s is not registered", op);
    return b_fail(b, OCTET_ERR_INTERNAL);
  }
  char oname[280];
  if (!out) {
    snprintf(oname, sizeof oname, "%.250s:0", name);
    out = oname;
  }
  int o = b_value(b, out);
  if (o < 0) return -1;
  int ni = octet_graph_add_node(b->g, name, op, in, n_in, &o, 1);
  if (ni < 0) return b_fail(b, OCTET_ERR_NO_MEMORY);
  b->g->values[o].producer = ni;
  b->last_node = ni;
  return o;
}

static octet_attr *b_attr(builder *b, const char *name, octet_attr_type type) {
  if (b->st != OCTET_OK) return NULL;
  octet_attr *a = octet_node_add_attr(&b->g->nodes[b->last_node], name, type);
  if (!a) b_fail(b, OCTET_ERR_NO_MEMORY);
  return a;
}

static void b_attr_int(builder *b, const char *name, int64_t v) {
  octet_attr *a = b_attr(b, name, OCTET_ATTR_INT);
  if (a) a->i = v;
}

static void b_attr_float(builder *b, const char *name, float v) {
  octet_attr *a = b_attr(b, name, OCTET_ATTR_FLOAT);
  if (a) a->f = v;
}

static void b_attr_string(builder *b, const char *name, const char *s) {
  octet_attr *a = b_attr(b, name, OCTET_ATTR_STRING);
  if (!a) return;
  size_t n = strlen(s);
  if (!(a->s = malloc(n + 1))) {
    b_fail(b, OCTET_ERR_NO_MEMORY);
    return;
  }
  memcpy(a->s, s, n + 1);
  a->s_len = n;
}

static void b_attr_ints(builder *b, const char *name, const int64_t *v, int n) {
  octet_attr *a = b_attr(b, name, OCTET_ATTR_INTS);
  if (!a) return;
  if (!(a->ints = malloc(sizeof(int64_t) * (size_t)n))) {
    b_fail(b, OCTET_ERR_NO_MEMORY);
    return;
  }
  memcpy(a->ints, v, sizeof(int64_t) * (size_t)n);
  a->count = (size_t)n;
}

static int b_op2(builder *b, const char *op, const char *name, int x, int y) {
  int in[2] = {x, y};
  return b_node(b, op, name, in, 2, NULL);
}

/* MatMul(x, W [fan_in, fan_out]) + bias, weights named "<base>.weight" and
 * "<base>.bias". */
static int b_linear(builder *b, int x, int64_t fan_in, int64_t fan_out,
                    const char *base, const char *out) {
  char n[256], m[256];
  snprintf(n, sizeof n, "%s.weight", base);
  int w = b_weight(b, n, 2, fan_in, fan_out, 0.0, 1.0 / sqrt((double)fan_in));
  snprintf(n, sizeof n, "%s.bias", base);
  int bias = b_weight(b, n, 1, fan_out, 0, 0.0, 0.02);
  snprintf(m, sizeof m, "%s/MatMul", base);
  int y = b_op2(b, "MatMul", m, x, w);
  snprintf(m, sizeof m, "%s/Add", base);
  int in[2] = {y, bias};
  return b_node(b, "Add", m, in, 2, out);
}

static int b_gelu(builder *b, int x, const char *name) {
  int y = b_node(b, "Gelu", name, &x, 1, NULL);
  b_attr_string(b, "approximate", "none");
  return y;
}

static int b_layer_norm(builder *b, int x, int64_t width, const char *base,
                        const char *out) {
  char n[256];
  snprintf(n, sizeof n, "%s.weight", base);
  int gamma = b_weight(b, n, 1, width, 0, 1.0, 0.1);
  snprintf(n, sizeof n, "%s.bias", base);
  int beta = b_weight(b, n, 1, width, 0, 0.0, 0.1);
  snprintf(n, sizeof n, "%s/LayerNormalization", base);
  int in[3] = {x, gamma, beta};
  int y = b_node(b, "LayerNormalization", n, in, 3, out);
  b_attr_int(b, "axis", -1);
  b_attr_float(b, "epsilon", 1e-12f);
  return y;
}

static int b_transpose(builder *b, int x, const char *name, const int64_t perm[4]) {
  int y = b_node(b, "Transpose", name, &x, 1, NULL);
  b_attr_ints(b, "perm", perm, 4);
  return y;
}

/* ---- the models ------------------------------------------------------------ */

static void build_encoder(builder *b, int64_t seq) {
  static const int64_t to_heads[4] = {0, 2, 1, 3};  /* [B,S,H,D] -> [B,H,S,D] */
  static const int64_t to_keys_t[4] = {0, 2, 3, 1}; /* [B,S,H,D] -> [B,H,D,S] */
  int64_t in_dims[2] = {-1, seq};
  int ids = b_input(b, "input_ids", OCTET_DTYPE_INT64, 2, in_dims);
  int mask = b_input(b, "attention_mask", OCTET_DTYPE_INT64, 2, in_dims);

  /* Embeddings: word + (position + token type 0) for the first seq
   * positions, then LayerNorm. */
  int word = b_weight(b, "embeddings.word_embeddings.weight", 2, ENC_VOCAB,
                      ENC_HIDDEN, 0.0, 0.05);
  int x = -1;
  {
    rng rp, rt;
    rng_seed(&rp, b->seed, "embeddings.position_embeddings.weight");
    rng_seed(&rt, b->seed, "embeddings.token_type_embeddings.weight");
    float *pos = b_alloc_f32(b, (size_t)seq * ENC_HIDDEN);
    float ttype[ENC_HIDDEN];
    for (int i = 0; i < ENC_HIDDEN; i++) ttype[i] = (float)(0.05 * rng_normal(&rt));
    int p = -1;
    if (pos) {
      /* Rows of the full 512-row table: a shorter seq gives the same rows. */
      for (int64_t s = 0; s < seq; s++)
        for (int i = 0; i < ENC_HIDDEN; i++)
          pos[s * ENC_HIDDEN + i] = (float)(0.05 * rng_normal(&rp)) + ttype[i];
      int64_t dims[2] = {seq, ENC_HIDDEN};
      p = b_const(b, "embeddings.position_plus_token_type", OCTET_DTYPE_FLOAT32, 2,
                  dims, pos);
    }
    int e = b_node(b, "Gather", "embeddings/Gather", (int[]){word, ids}, 2, NULL);
    b_attr_int(b, "axis", 0);
    e = b_op2(b, "Add", "embeddings/Add", e, p);
    x = b_layer_norm(b, e, ENC_HIDDEN, "embeddings.LayerNorm", NULL);
  }

  /* Additive mask: (1 - mask[:, None, None, :]) * -10000. */
  int m = b_op2(b, "Unsqueeze", "mask/Unsqueeze", mask,
                b_ints(b, "mask.axes", (const int64_t[]){1, 2}, 2));
  m = b_node(b, "Cast", "mask/Cast", &m, 1, NULL);
  b_attr_int(b, "to", OCTET_DTYPE_FLOAT32);
  m = b_op2(b, "Sub", "mask/Sub", b_scalar(b, "mask.one", 1.0f), m);
  int mask_add = b_op2(b, "Mul", "mask/Mul", m, b_scalar(b, "mask.neg", -10000.0f));

  int heads_shape = b_ints(b, "shape.heads",
                           (const int64_t[]){0, -1, ENC_HEADS, ENC_HEAD_DIM}, 4);
  int merged_shape = b_ints(b, "shape.merged", (const int64_t[]){0, -1, ENC_HIDDEN}, 3);
  int scale = b_scalar(b, "attention.scale", (float)(1.0 / sqrt((double)ENC_HEAD_DIM)));

  for (int l = 0; l < ENC_LAYERS && b->st == OCTET_OK; l++) {
    char base[128], n[192];
    snprintf(base, sizeof base, "layer%d.attention", l);
#define NAME(fmt) (snprintf(n, sizeof n, "%s/" fmt, base), n)
    char qb[160], kb[160], vb[160];
    snprintf(qb, sizeof qb, "%s.query", base);
    snprintf(kb, sizeof kb, "%s.key", base);
    snprintf(vb, sizeof vb, "%s.value", base);
    int q = b_linear(b, x, ENC_HIDDEN, ENC_HIDDEN, qb, NULL);
    int k = b_linear(b, x, ENC_HIDDEN, ENC_HIDDEN, kb, NULL);
    int v = b_linear(b, x, ENC_HIDDEN, ENC_HIDDEN, vb, NULL);
    q = b_transpose(b, b_op2(b, "Reshape", NAME("q/Reshape"), q, heads_shape),
                    NAME("q/Transpose"), to_heads);
    k = b_transpose(b, b_op2(b, "Reshape", NAME("k/Reshape"), k, heads_shape),
                    NAME("k/Transpose"), to_keys_t);
    v = b_transpose(b, b_op2(b, "Reshape", NAME("v/Reshape"), v, heads_shape),
                    NAME("v/Transpose"), to_heads);
    int s = b_op2(b, "MatMul", NAME("scores/MatMul"), q, k);
    s = b_op2(b, "Mul", NAME("scores/Mul"), s, scale);
    s = b_op2(b, "Add", NAME("scores/Add"), s, mask_add);
    s = b_node(b, "Softmax", NAME("Softmax"), &s, 1, NULL);
    b_attr_int(b, "axis", -1);
    int ctx = b_op2(b, "MatMul", NAME("context/MatMul"), s, v);
    ctx = b_transpose(b, ctx, NAME("context/Transpose"), to_heads);
    ctx = b_op2(b, "Reshape", NAME("context/Reshape"), ctx, merged_shape);
    char ob[160];
    snprintf(ob, sizeof ob, "%s.output", base);
    int a = b_linear(b, ctx, ENC_HIDDEN, ENC_HIDDEN, ob, NULL);
    a = b_op2(b, "Add", NAME("residual/Add"), a, x);
    snprintf(ob, sizeof ob, "%s.LayerNorm", base);
    x = b_layer_norm(b, a, ENC_HIDDEN, ob, NULL);
#undef NAME

    char ib[128], lb[128];
    snprintf(ib, sizeof ib, "layer%d.intermediate", l);
    int h = b_linear(b, x, ENC_HIDDEN, ENC_FFN, ib, NULL);
    snprintf(n, sizeof n, "%s/Gelu", ib);
    h = b_gelu(b, h, n);
    snprintf(lb, sizeof lb, "layer%d.output", l);
    h = b_linear(b, h, ENC_FFN, ENC_HIDDEN, lb, NULL);
    snprintf(n, sizeof n, "%s/residual/Add", lb);
    h = b_op2(b, "Add", n, h, x);
    snprintf(lb, sizeof lb, "layer%d.output.LayerNorm", l);
    x = b_layer_norm(b, h, ENC_HIDDEN, lb,
                     l == ENC_LAYERS - 1 ? "last_hidden_state" : NULL);
  }
  int64_t out_dims[3] = {-1, seq, ENC_HIDDEN};
  b_declare(b, x, OCTET_DTYPE_FLOAT32, 3, out_dims);
  if (b->st == OCTET_OK) b->g->outputs[b->g->n_outputs++] = x;
}

static void build_mlp(builder *b) {
  static const int64_t dims[5] = {1024, 4096, 3072, 3072, 1024};
  int64_t in_dims[2] = {-1, dims[0]};
  int h = b_input(b, "x", OCTET_DTYPE_FLOAT32, 2, in_dims);
  for (int i = 0; i < 4; i++) {
    char base[32], n[64];
    snprintf(base, sizeof base, "fc%d", i);
    h = b_linear(b, h, dims[i], dims[i + 1], base, i == 3 ? "y" : NULL);
    if (i < 3) {
      snprintf(n, sizeof n, "%s/Gelu", base);
      h = b_gelu(b, h, n);
    }
  }
  int64_t out_dims[2] = {-1, dims[4]};
  b_declare(b, h, OCTET_DTYPE_FLOAT32, 2, out_dims);
  if (b->st == OCTET_OK) b->g->outputs[b->g->n_outputs++] = h;
}

octet_status octet_model_builtin(const char *name, const octet_builtin_options *opts,
                                 octet_model **out) {
  if (!out) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_builtin: out is NULL");
  *out = NULL;
  if (!name) return octet_fail(OCTET_ERR_INVALID_ARGUMENT, "model_builtin: name is NULL");
  octet_builtin_options def;
  octet_builtin_options_init(&def);
  if (!opts) opts = &def;
  if (opts->struct_size != sizeof *opts)
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "built-in model options not initialised with "
                      "octet_builtin_options_init");
  bool enc = strcmp(name, "encoder") == 0, mlp = strcmp(name, "mlp") == 0;
  if (!enc && !mlp)
    return octet_fail(OCTET_ERR_NOT_FOUND,
                      "no built-in model '%s' (built-ins: encoder, mlp)", name);
  if (enc && (opts->seq < 1 || opts->seq > ENC_MAX_POS))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "encoder: seq %lld out of range (1..%d, the position table "
                      "of all-MiniLM-L6-v2)",
                      (long long)opts->seq, ENC_MAX_POS);

  octet_graph g;
  memset(&g, 0, sizeof g);
  g.opset = ENC_OPSET;
  g.inputs = malloc(sizeof(int) * 2);
  g.outputs = malloc(sizeof(int));
  builder b = {.g = &g, .seed = opts->seed, .st = OCTET_OK, .last_node = -1};
  if (!g.inputs || !g.outputs) b.st = OCTET_ERR_NO_MEMORY;
  if (enc)
    build_encoder(&b, opts->seq);
  else
    build_mlp(&b);
  octet_status st = b.st;
  if (st == OCTET_OK) st = octet_graph_toposort(&g);
  if (st != OCTET_OK) {
    if (st == OCTET_ERR_NO_MEMORY)
      octet_fail(st, "built-in model '%s': out of memory", name);
    else if (!*octet_last_error())
      octet_fail(st, "built-in model '%s': internal error building the graph", name);
    octet_graph_free(&g);
    return st;
  }
  return octet_model_from_graph(&g, out);
}
