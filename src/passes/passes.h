/* Graph passes run when a session is created, on the session's own copy of
 * the model's graph. */
#ifndef OCTET_PASSES_H
#define OCTET_PASSES_H

#include "core/ir.h"
#include "core/linear.h"

/* Precision-independent fusion: decomposed LayerNorm -> LayerNormalization,
 * decomposed erf-GELU -> Gelu, MatMul/Gemm with constant weights (+ bias Add,
 * + Relu) -> OctetLinear, the head-transposed attention chain ->
 * OctetAttention (unless flags has OCTET_SESSION_NO_FUSE_ATTENTION), and
 * at fp32 and w8a8 a residual Add after a linear node into the linear
 * (unless OCTET_SESSION_NO_FUSE_RESIDUAL). */
octet_status octet_pass_fuse(octet_graph *g, unsigned flags, octet_precision precision);
/* issue 16 part B: an inference BatchNormalization after a Conv,
 * ConvTranspose or Gemm with constant weights, whose output it alone reads,
 * folded into that producer's weights and bias (src/passes/fold-bn.c). Run
 * first by octet_pass_fuse. */
octet_status octet_pass_fold_bn(octet_graph *g);
/* Precision lowering: fp16 converts float constants and activations to
 * float16 (Casts at the graph's float inputs and outputs); w8a8 marks every
 * OctetLinear as quantized. fp32 changes nothing. */
octet_status octet_pass_lower(octet_graph *g, octet_precision precision);

/* Helpers shared by the passes. */
const octet_value *pass_const(const octet_graph *g, int v);
/* The single float value of a one-element float constant. */
bool pass_const_scalar(const octet_graph *g, int v, float *out);
/* The only node reading `v` (-1 if none, several, or a graph output). */
int pass_sole_consumer(const octet_graph *g, const int *uses, int v);
/* Adds a value with a name derived from `base` and `suffix`; -1 on failure. */
int pass_new_value(octet_graph *g, const char *base, const char *suffix);

#endif
