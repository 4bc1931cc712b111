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
 *   "resnet18" torchvision ResNet-18 (builtin-resnet.c).
 *
 * Weights come from the seeded streams of builder.h. Scales mirror
 * make_test_models.py: linear weights N(0, 1/sqrt(fan_in)), biases
 * N(0, 0.02), LayerNorm gamma 1 + N(0, 0.1) and beta N(0, 0.1), embeddings
 * N(0, 0.05). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/builder.h"

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
#define RESNET_OPSET 17 /* torchvision's export */

void octet_builtin_options_init(octet_builtin_options *opts) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->seq = 32;
  opts->seed = 42;
}

/* A float32 weight [d0] or [d0, d1] filled with mean + std * N(0, 1). */
static int b_weight(mb_builder *b, const char *name, int rank, int64_t d0, int64_t d1,
                    double mean, double std) {
  int64_t dims[2] = {d0, d1};
  return mb_weight(b, name, rank, dims, mean, std);
}

/* ---- transformer layers ---------------------------------------------------- */

/* MatMul(x, W [fan_in, fan_out]) + bias, weights named "<base>.weight" and
 * "<base>.bias". */
static int b_linear(mb_builder *b, int x, int64_t fan_in, int64_t fan_out,
                    const char *base, const char *out) {
  char n[256], m[256];
  snprintf(n, sizeof n, "%s.weight", base);
  int w = b_weight(b, n, 2, fan_in, fan_out, 0.0, 1.0 / sqrt((double)fan_in));
  snprintf(n, sizeof n, "%s.bias", base);
  int bias = b_weight(b, n, 1, fan_out, 0, 0.0, 0.02);
  snprintf(m, sizeof m, "%s/MatMul", base);
  int y = mb_op2(b, "MatMul", m, x, w);
  snprintf(m, sizeof m, "%s/Add", base);
  int in[2] = {y, bias};
  return mb_node(b, "Add", m, in, 2, out);
}

static int b_gelu(mb_builder *b, int x, const char *name) {
  int y = mb_node(b, "Gelu", name, &x, 1, NULL);
  mb_attr_string(b, "approximate", "none");
  return y;
}

static int b_layer_norm(mb_builder *b, int x, int64_t width, const char *base,
                        const char *out) {
  char n[256];
  snprintf(n, sizeof n, "%s.weight", base);
  int gamma = b_weight(b, n, 1, width, 0, 1.0, 0.1);
  snprintf(n, sizeof n, "%s.bias", base);
  int beta = b_weight(b, n, 1, width, 0, 0.0, 0.1);
  snprintf(n, sizeof n, "%s/LayerNormalization", base);
  int in[3] = {x, gamma, beta};
  int y = mb_node(b, "LayerNormalization", n, in, 3, out);
  mb_attr_int(b, "axis", -1);
  mb_attr_float(b, "epsilon", 1e-12f);
  return y;
}

static int b_transpose(mb_builder *b, int x, const char *name, const int64_t perm[4]) {
  int y = mb_node(b, "Transpose", name, &x, 1, NULL);
  mb_attr_ints(b, "perm", perm, 4);
  return y;
}

/* ---- the models ------------------------------------------------------------ */

static void build_encoder(mb_builder *b, int64_t seq) {
  static const int64_t to_heads[4] = {0, 2, 1, 3};  /* [B,S,H,D] -> [B,H,S,D] */
  static const int64_t to_keys_t[4] = {0, 2, 3, 1}; /* [B,S,H,D] -> [B,H,D,S] */
  int64_t in_dims[2] = {-1, seq};
  int ids = mb_input(b, "input_ids", OCTET_DTYPE_INT64, 2, in_dims);
  int mask = mb_input(b, "attention_mask", OCTET_DTYPE_INT64, 2, in_dims);

  /* Embeddings: word + (position + token type 0) for the first seq
   * positions, then LayerNorm. */
  int word = b_weight(b, "embeddings.word_embeddings.weight", 2, ENC_VOCAB,
                      ENC_HIDDEN, 0.0, 0.05);
  int x = -1;
  {
    mb_rng rp, rt;
    mb_rng_seed(&rp, b->seed, "embeddings.position_embeddings.weight");
    mb_rng_seed(&rt, b->seed, "embeddings.token_type_embeddings.weight");
    float *pos = mb_alloc_f32(b, (size_t)seq * ENC_HIDDEN);
    float ttype[ENC_HIDDEN];
    for (int i = 0; i < ENC_HIDDEN; i++) ttype[i] = (float)(0.05 * mb_rng_normal(&rt));
    int p = -1;
    if (pos) {
      /* Rows of the full 512-row table: a shorter seq gives the same rows. */
      for (int64_t s = 0; s < seq; s++)
        for (int i = 0; i < ENC_HIDDEN; i++)
          pos[s * ENC_HIDDEN + i] = (float)(0.05 * mb_rng_normal(&rp)) + ttype[i];
      int64_t dims[2] = {seq, ENC_HIDDEN};
      p = mb_const(b, "embeddings.position_plus_token_type", OCTET_DTYPE_FLOAT32, 2,
                  dims, pos);
    }
    int e = mb_node(b, "Gather", "embeddings/Gather", (int[]){word, ids}, 2, NULL);
    mb_attr_int(b, "axis", 0);
    e = mb_op2(b, "Add", "embeddings/Add", e, p);
    x = b_layer_norm(b, e, ENC_HIDDEN, "embeddings.LayerNorm", NULL);
  }

  /* Additive mask: (1 - mask[:, None, None, :]) * -10000. */
  int m = mb_op2(b, "Unsqueeze", "mask/Unsqueeze", mask,
                mb_ints(b, "mask.axes", (const int64_t[]){1, 2}, 2));
  m = mb_node(b, "Cast", "mask/Cast", &m, 1, NULL);
  mb_attr_int(b, "to", OCTET_DTYPE_FLOAT32);
  m = mb_op2(b, "Sub", "mask/Sub", mb_scalar(b, "mask.one", 1.0f), m);
  int mask_add = mb_op2(b, "Mul", "mask/Mul", m, mb_scalar(b, "mask.neg", -10000.0f));

  int heads_shape = mb_ints(b, "shape.heads",
                           (const int64_t[]){0, -1, ENC_HEADS, ENC_HEAD_DIM}, 4);
  int merged_shape = mb_ints(b, "shape.merged", (const int64_t[]){0, -1, ENC_HIDDEN}, 3);
  int scale = mb_scalar(b, "attention.scale", (float)(1.0 / sqrt((double)ENC_HEAD_DIM)));

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
    q = b_transpose(b, mb_op2(b, "Reshape", NAME("q/Reshape"), q, heads_shape),
                    NAME("q/Transpose"), to_heads);
    k = b_transpose(b, mb_op2(b, "Reshape", NAME("k/Reshape"), k, heads_shape),
                    NAME("k/Transpose"), to_keys_t);
    v = b_transpose(b, mb_op2(b, "Reshape", NAME("v/Reshape"), v, heads_shape),
                    NAME("v/Transpose"), to_heads);
    int s = mb_op2(b, "MatMul", NAME("scores/MatMul"), q, k);
    s = mb_op2(b, "Mul", NAME("scores/Mul"), s, scale);
    s = mb_op2(b, "Add", NAME("scores/Add"), s, mask_add);
    s = mb_node(b, "Softmax", NAME("Softmax"), &s, 1, NULL);
    mb_attr_int(b, "axis", -1);
    int ctx = mb_op2(b, "MatMul", NAME("context/MatMul"), s, v);
    ctx = b_transpose(b, ctx, NAME("context/Transpose"), to_heads);
    ctx = mb_op2(b, "Reshape", NAME("context/Reshape"), ctx, merged_shape);
    char ob[160];
    snprintf(ob, sizeof ob, "%s.output", base);
    int a = b_linear(b, ctx, ENC_HIDDEN, ENC_HIDDEN, ob, NULL);
    a = mb_op2(b, "Add", NAME("residual/Add"), a, x);
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
    h = mb_op2(b, "Add", n, h, x);
    snprintf(lb, sizeof lb, "layer%d.output.LayerNorm", l);
    x = b_layer_norm(b, h, ENC_HIDDEN, lb,
                     l == ENC_LAYERS - 1 ? "last_hidden_state" : NULL);
  }
  int64_t out_dims[3] = {-1, seq, ENC_HIDDEN};
  mb_output(b, x, OCTET_DTYPE_FLOAT32, 3, out_dims);
}

static void build_mlp(mb_builder *b) {
  static const int64_t dims[5] = {1024, 4096, 3072, 3072, 1024};
  int64_t in_dims[2] = {-1, dims[0]};
  int h = mb_input(b, "x", OCTET_DTYPE_FLOAT32, 2, in_dims);
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
  mb_output(b, h, OCTET_DTYPE_FLOAT32, 2, out_dims);
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
  bool resnet = strcmp(name, "resnet18") == 0;
  if (!enc && !mlp && !resnet)
    return octet_fail(OCTET_ERR_NOT_FOUND,
                      "no built-in model '%s' (built-ins: encoder, mlp, resnet18)", name);
  if (enc && (opts->seq < 1 || opts->seq > ENC_MAX_POS))
    return octet_fail(OCTET_ERR_INVALID_ARGUMENT,
                      "encoder: seq %lld out of range (1..%d, the position table "
                      "of all-MiniLM-L6-v2)",
                      (long long)opts->seq, ENC_MAX_POS);

  octet_graph g;
  memset(&g, 0, sizeof g);
  g.opset = resnet ? RESNET_OPSET : ENC_OPSET;
  g.inputs = malloc(sizeof(int) * 2);
  g.outputs = malloc(sizeof(int));
  mb_builder b = {.g = &g, .seed = opts->seed, .st = OCTET_OK, .last_node = -1};
  if (!g.inputs || !g.outputs) b.st = OCTET_ERR_NO_MEMORY;
  if (enc)
    build_encoder(&b, opts->seq);
  else if (mlp)
    build_mlp(&b);
  else
    mb_build_resnet18(&b);
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
