/* The types of the attributes octet reads, checked when a model is loaded:
 * an attribute of the wrong type (a Transpose `perm` given as a float, an
 * `axis` as a string) is refused, naming the node and the attribute, where
 * attr_int() and friends would fall back to the default silently.
 * Attributes octet does not read are not checked. */
#include <string.h>

#include "core/ir.h"

typedef struct attr_rule {
  const char *op, *name;
  octet_attr_type type;
} attr_rule;

static const attr_rule rules[] = {
    {"Gelu", "approximate", OCTET_ATTR_STRING},
    {"Cast", "to", OCTET_ATTR_INT},
    {"Cast", "saturate", OCTET_ATTR_INT},
    {"Gemm", "alpha", OCTET_ATTR_FLOAT},
    {"Gemm", "beta", OCTET_ATTR_FLOAT},
    {"Gemm", "transA", OCTET_ATTR_INT},
    {"Gemm", "transB", OCTET_ATTR_INT},
    {"Softmax", "axis", OCTET_ATTR_INT},
    {"LayerNormalization", "axis", OCTET_ATTR_INT},
    {"LayerNormalization", "epsilon", OCTET_ATTR_FLOAT},
    {"LayerNormalization", "stash_type", OCTET_ATTR_INT},
    {"ReduceMean", "axes", OCTET_ATTR_INTS},
    {"ReduceMean", "keepdims", OCTET_ATTR_INT},
    {"ReduceMean", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceSum", "axes", OCTET_ATTR_INTS},
    {"ReduceSum", "keepdims", OCTET_ATTR_INT},
    {"ReduceSum", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"Transpose", "perm", OCTET_ATTR_INTS},
    {"Reshape", "allowzero", OCTET_ATTR_INT},
    {"Flatten", "axis", OCTET_ATTR_INT},
    {"Squeeze", "axes", OCTET_ATTR_INTS},
    {"Unsqueeze", "axes", OCTET_ATTR_INTS},
    {"Concat", "axis", OCTET_ATTR_INT},
    {"Split", "axis", OCTET_ATTR_INT},
    {"Split", "split", OCTET_ATTR_INTS},
    {"Split", "num_outputs", OCTET_ATTR_INT},
    {"Gather", "axis", OCTET_ATTR_INT},
    {"Shape", "start", OCTET_ATTR_INT},
    {"Shape", "end", OCTET_ATTR_INT},
    {"ConstantOfShape", "value", OCTET_ATTR_TENSOR},
    /* issue 16 part B */
    {"Conv", "auto_pad", OCTET_ATTR_STRING},
    {"Conv", "dilations", OCTET_ATTR_INTS},
    {"Conv", "kernel_shape", OCTET_ATTR_INTS},
    {"Conv", "pads", OCTET_ATTR_INTS},
    {"Conv", "strides", OCTET_ATTR_INTS},
    {"Conv", "group", OCTET_ATTR_INT},
    {"ConvTranspose", "auto_pad", OCTET_ATTR_STRING},
    {"ConvTranspose", "dilations", OCTET_ATTR_INTS},
    {"ConvTranspose", "kernel_shape", OCTET_ATTR_INTS},
    {"ConvTranspose", "pads", OCTET_ATTR_INTS},
    {"ConvTranspose", "strides", OCTET_ATTR_INTS},
    {"ConvTranspose", "group", OCTET_ATTR_INT},
    {"ConvTranspose", "output_padding", OCTET_ATTR_INTS},
    {"ConvTranspose", "output_shape", OCTET_ATTR_INTS},
    {"MaxPool", "auto_pad", OCTET_ATTR_STRING},
    {"MaxPool", "dilations", OCTET_ATTR_INTS},
    {"MaxPool", "kernel_shape", OCTET_ATTR_INTS},
    {"MaxPool", "pads", OCTET_ATTR_INTS},
    {"MaxPool", "strides", OCTET_ATTR_INTS},
    {"MaxPool", "ceil_mode", OCTET_ATTR_INT},
    {"MaxPool", "storage_order", OCTET_ATTR_INT},
    {"AveragePool", "auto_pad", OCTET_ATTR_STRING},
    {"AveragePool", "dilations", OCTET_ATTR_INTS},
    {"AveragePool", "kernel_shape", OCTET_ATTR_INTS},
    {"AveragePool", "pads", OCTET_ATTR_INTS},
    {"AveragePool", "strides", OCTET_ATTR_INTS},
    {"AveragePool", "ceil_mode", OCTET_ATTR_INT},
    {"AveragePool", "count_include_pad", OCTET_ATTR_INT},
    {"BatchNormalization", "epsilon", OCTET_ATTR_FLOAT},
    {"BatchNormalization", "momentum", OCTET_ATTR_FLOAT},
    {"BatchNormalization", "training_mode", OCTET_ATTR_INT},
    {"BatchNormalization", "spatial", OCTET_ATTR_INT},
    {"BatchNormalization", "is_test", OCTET_ATTR_INT},
    /* issue 16 part A */
    {"Clip", "min", OCTET_ATTR_FLOAT},
    {"Clip", "max", OCTET_ATTR_FLOAT},
    {"LeakyRelu", "alpha", OCTET_ATTR_FLOAT},
    {"HardSigmoid", "alpha", OCTET_ATTR_FLOAT},
    {"HardSigmoid", "beta", OCTET_ATTR_FLOAT},
    {"Elu", "alpha", OCTET_ATTR_FLOAT},
    {"Selu", "alpha", OCTET_ATTR_FLOAT},
    {"Selu", "gamma", OCTET_ATTR_FLOAT},
    {"Pad", "mode", OCTET_ATTR_STRING},
    {"Pad", "pads", OCTET_ATTR_INTS},
    {"Pad", "value", OCTET_ATTR_FLOAT},
    {"ArgMax", "axis", OCTET_ATTR_INT},
    {"ArgMax", "keepdims", OCTET_ATTR_INT},
    {"ArgMax", "select_last_index", OCTET_ATTR_INT},
    {"ArgMin", "axis", OCTET_ATTR_INT},
    {"ArgMin", "keepdims", OCTET_ATTR_INT},
    {"ArgMin", "select_last_index", OCTET_ATTR_INT},
    {"ReduceMax", "axes", OCTET_ATTR_INTS},
    {"ReduceMax", "keepdims", OCTET_ATTR_INT},
    {"ReduceMax", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceMin", "axes", OCTET_ATTR_INTS},
    {"ReduceMin", "keepdims", OCTET_ATTR_INT},
    {"ReduceMin", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceProd", "axes", OCTET_ATTR_INTS},
    {"ReduceProd", "keepdims", OCTET_ATTR_INT},
    {"ReduceProd", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceL2", "axes", OCTET_ATTR_INTS},
    {"ReduceL2", "keepdims", OCTET_ATTR_INT},
    {"ReduceL2", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceL1", "axes", OCTET_ATTR_INTS},
    {"ReduceL1", "keepdims", OCTET_ATTR_INT},
    {"ReduceL1", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceSumSquare", "axes", OCTET_ATTR_INTS},
    {"ReduceSumSquare", "keepdims", OCTET_ATTR_INT},
    {"ReduceSumSquare", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceLogSum", "axes", OCTET_ATTR_INTS},
    {"ReduceLogSum", "keepdims", OCTET_ATTR_INT},
    {"ReduceLogSum", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"ReduceLogSumExp", "axes", OCTET_ATTR_INTS},
    {"ReduceLogSumExp", "keepdims", OCTET_ATTR_INT},
    {"ReduceLogSumExp", "noop_with_empty_axes", OCTET_ATTR_INT},
    {"DepthToSpace", "blocksize", OCTET_ATTR_INT},
    {"DepthToSpace", "mode", OCTET_ATTR_STRING},
    {"SpaceToDepth", "blocksize", OCTET_ATTR_INT},
    {"SpaceToDepth", "mode", OCTET_ATTR_STRING},
    {"CastLike", "saturate", OCTET_ATTR_INT},
    {"InstanceNormalization", "epsilon", OCTET_ATTR_FLOAT},
    {"TopK", "axis", OCTET_ATTR_INT},
    {"TopK", "k", OCTET_ATTR_INT},
    {"TopK", "largest", OCTET_ATTR_INT},
    {"TopK", "sorted", OCTET_ATTR_INT},
};

static const char *type_name(octet_attr_type t) {
  switch (t) {
    case OCTET_ATTR_FLOAT: return "a float";
    case OCTET_ATTR_INT: return "an int";
    case OCTET_ATTR_STRING: return "a string";
    case OCTET_ATTR_TENSOR: return "a tensor";
    case OCTET_ATTR_GRAPH: return "a graph";
    case OCTET_ATTR_FLOATS: return "floats (a list)";
    case OCTET_ATTR_INTS: return "ints (a list)";
    case OCTET_ATTR_STRINGS: return "strings (a list)";
    case OCTET_ATTR_UNDEFINED: break;
  }
  return "untyped";
}

octet_status octet_op_check_attrs(const octet_node *n) {
  for (int a = 0; a < n->n_attrs; a++) {
    const octet_attr *at = &n->attrs[a];
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
      if (strcmp(rules[r].op, n->op_type) != 0 || strcmp(rules[r].name, at->name) != 0) continue;
      /* a float attribute written as an int is read as that number */
      bool ok = at->type == rules[r].type ||
                (rules[r].type == OCTET_ATTR_FLOAT && at->type == OCTET_ATTR_INT);
      if (!ok)
        return octet_fail(OCTET_ERR_PARSE,
                          "node '%s' (%s): attribute '%s' must be %s, the model gives %s",
                          n->name, n->op_type, at->name, type_name(rules[r].type),
                          type_name(at->type));
      break;
    }
  }
  return OCTET_OK;
}
