/* A small builder of graphs in the IR for the built-in models
 * (builtin.c: encoder, mlp; builtin-resnet.c: resnet18).
 *
 * Weights come from a fixed-seed PRNG (splitmix64 seeding, xorshift64*,
 * Box-Muller in double, rounded to float), one stream per tensor seeded from
 * the seed and the tensor's name, so each tensor is the same whatever the
 * other options. Every call after the first failure does nothing and
 * returns -1 (or NULL); the failure stays in b->st. */
#ifndef OCTET_MODELS_BUILDER_H
#define OCTET_MODELS_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "exec/session.h"

typedef struct mb_rng {
  uint64_t s;
  double spare;
  bool has_spare;
} mb_rng;

/* The stream of the tensor `name` under `seed`. */
void mb_rng_seed(mb_rng *r, uint64_t seed, const char *name);
double mb_rng_uniform(mb_rng *r); /* [0, 1) */
double mb_rng_normal(mb_rng *r);  /* N(0, 1) */

typedef struct mb_builder {
  octet_graph *g;
  uint64_t seed;
  octet_status st; /* the first failure; later calls do nothing */
  int last_node;
} mb_builder;

/* A new value named `name`; -1 on failure. */
int mb_value(mb_builder *b, const char *name);
/* A constant value; takes `data` (malloc'd, freed on failure). */
int mb_const(mb_builder *b, const char *name, octet_dtype dt, int rank, const int64_t *dims,
             void *data);
float *mb_alloc_f32(mb_builder *b, size_t n);
/* A float32 weight of shape dims[rank] filled with mean + std * N(0, 1)
 * from the stream of `name`. */
int mb_weight(mb_builder *b, const char *name, int rank, const int64_t *dims, double mean,
              double std);
/* The float32 data of constant `id` (NULL after a failure). */
float *mb_data_f32(mb_builder *b, int id);
int mb_scalar(mb_builder *b, const char *name, float x);
int mb_ints(mb_builder *b, const char *name, const int64_t *vals, int n);
/* The type of a graph input or output; dims < 0 are the symbolic "batch". */
void mb_declare(mb_builder *b, int id, octet_dtype dt, int rank, const int64_t *dims);
int mb_input(mb_builder *b, const char *name, octet_dtype dt, int rank, const int64_t *dims);
/* Marks `id` as the next graph output. */
void mb_output(mb_builder *b, int id, octet_dtype dt, int rank, const int64_t *dims);

/* Node `op` named `name` with one output (named `out`, or "<name>:0");
 * returns the output value. The mb_attr_* calls add attributes to it. */
int mb_node(mb_builder *b, const char *op, const char *name, const int *in, int n_in,
            const char *out);
int mb_op2(mb_builder *b, const char *op, const char *name, int x, int y);
void mb_attr_int(mb_builder *b, const char *name, int64_t v);
void mb_attr_float(mb_builder *b, const char *name, float v);
void mb_attr_string(mb_builder *b, const char *name, const char *s);
void mb_attr_ints(mb_builder *b, const char *name, const int64_t *v, int n);

/* builtin-resnet.c: torchvision ResNet-18 (input [batch, 3, 224, 224]). */
void mb_build_resnet18(mb_builder *b);

#endif
