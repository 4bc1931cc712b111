/* The built-in "resnet18": torchvision's ResNet-18 in the graph IR, opset 17.
 *
 *   input float32 [batch, 3, 224, 224] -> output float32 [batch, 1000]
 *   conv1 7x7/2 pad 3 (64) + BN + Relu, MaxPool 3x3/2 pad 1,
 *   layer1..layer4: two BasicBlocks each (64, 128, 256, 512 channels):
 *     conv 3x3 (stride 2 in the first block of layers 2-4) + BN + Relu,
 *     conv 3x3 + BN, + identity (or a 1x1/2 conv + BN downsample), Relu,
 *   GlobalAveragePool, Flatten, Gemm (transB) to 1000 classes.
 *
 * Tensor names follow torchvision's state dict (conv1.weight,
 * layer2.0.downsample.1.running_var, fc.bias, ...). Convs have no bias and
 * each BatchNormalization is a node of its own with constant scale, B, mean
 * and var (epsilon 1e-5), as torch.onnx.export writes it with
 * TrainingMode.PRESERVE; the fold pass (src/passes/fold-bn.c) folds them
 * into the convs when a session is compiled. 11,689,512 parameters as in
 * torchvision, plus 9,600 BN running statistics: 11,699,112 initializer
 * elements.
 *
 * Weights (streams of builder.h): convs followed by a Relu N(0, 2/fan_in)
 * (He), convs feeding the residual Add (a block's conv2, the downsample)
 * N(0, 1/fan_in), so that activations stay O(1) over the 8 blocks; BN gamma
 * 1 + N(0, 0.05), beta N(0, 0.05), mean N(0, 0.05), var exp(N(0, 0.1));
 * fc weight N(0, 1/512), bias N(0, 0.02). */
#include <math.h>
#include <stdio.h>

#include "models/builder.h"

/* Conv (no bias) of `cin` -> `cout` channels, k x k, then its
 * BatchNormalization; `wname` and `bname` are the torchvision prefixes of
 * the conv and BN tensors, `node` the prefix of the node names. */
static int conv_bn(mb_builder *b, int x, const char *node, const char *wname,
                   const char *bname, int64_t cin, int64_t cout, int64_t k, int64_t stride,
                   bool before_relu) {
  char n[192];
  int64_t wd[4] = {cout, cin, k, k};
  double fan_in = (double)(cin * k * k);
  snprintf(n, sizeof n, "%s.weight", wname);
  int w = mb_weight(b, n, 4, wd, 0.0, sqrt((before_relu ? 2.0 : 1.0) / fan_in));
  snprintf(n, sizeof n, "%s/Conv", node);
  int y = mb_op2(b, "Conv", n, x, w);
  int64_t pad = k / 2;
  mb_attr_int(b, "group", 1);
  mb_attr_ints(b, "dilations", (const int64_t[]){1, 1}, 2);
  mb_attr_ints(b, "kernel_shape", (const int64_t[]){k, k}, 2);
  mb_attr_ints(b, "pads", (const int64_t[]){pad, pad, pad, pad}, 4);
  mb_attr_ints(b, "strides", (const int64_t[]){stride, stride}, 2);

  int64_t cd[1] = {cout};
  snprintf(n, sizeof n, "%s.weight", bname);
  int gamma = mb_weight(b, n, 1, cd, 1.0, 0.05);
  snprintf(n, sizeof n, "%s.bias", bname);
  int beta = mb_weight(b, n, 1, cd, 0.0, 0.05);
  snprintf(n, sizeof n, "%s.running_mean", bname);
  int mean = mb_weight(b, n, 1, cd, 0.0, 0.05);
  snprintf(n, sizeof n, "%s.running_var", bname);
  int var = mb_weight(b, n, 1, cd, 0.0, 0.1);
  float *v = mb_data_f32(b, var);
  if (v)
    for (int64_t i = 0; i < cout; i++) v[i] = expf(v[i]);
  snprintf(n, sizeof n, "%s/BatchNormalization", node);
  y = mb_node(b, "BatchNormalization", n, (const int[]){y, gamma, beta, mean, var}, 5, NULL);
  mb_attr_float(b, "epsilon", 1e-5f);
  mb_attr_float(b, "momentum", 0.9f);
  return y;
}

static int relu(mb_builder *b, int x, const char *node) {
  char n[192];
  snprintf(n, sizeof n, "%s/Relu", node);
  return mb_node(b, "Relu", n, &x, 1, NULL);
}

/* BasicBlock `name` (e.g. "layer2.0"). */
static int basic_block(mb_builder *b, int x, const char *name, int64_t cin, int64_t cout,
                       int64_t stride) {
  char node[96], wn[96], bn[96];
  snprintf(node, sizeof node, "%s/conv1", name);
  snprintf(wn, sizeof wn, "%s.conv1", name);
  snprintf(bn, sizeof bn, "%s.bn1", name);
  int h = relu(b, conv_bn(b, x, node, wn, bn, cin, cout, 3, stride, true), node);
  snprintf(node, sizeof node, "%s/conv2", name);
  snprintf(wn, sizeof wn, "%s.conv2", name);
  snprintf(bn, sizeof bn, "%s.bn2", name);
  h = conv_bn(b, h, node, wn, bn, cout, cout, 3, 1, false);
  int id = x;
  if (stride != 1 || cin != cout) {
    snprintf(node, sizeof node, "%s/downsample", name);
    snprintf(wn, sizeof wn, "%s.downsample.0", name);
    snprintf(bn, sizeof bn, "%s.downsample.1", name);
    id = conv_bn(b, x, node, wn, bn, cin, cout, 1, stride, false);
  }
  snprintf(node, sizeof node, "%s/Add", name);
  h = mb_op2(b, "Add", node, h, id);
  return relu(b, h, name);
}

void mb_build_resnet18(mb_builder *b) {
  int64_t in_dims[4] = {-1, 3, 224, 224};
  int x = mb_input(b, "input", OCTET_DTYPE_FLOAT32, 4, in_dims);
  x = relu(b, conv_bn(b, x, "conv1", "conv1", "bn1", 3, 64, 7, 2, true), "conv1");
  x = mb_node(b, "MaxPool", "maxpool/MaxPool", &x, 1, NULL);
  mb_attr_int(b, "ceil_mode", 0);
  mb_attr_ints(b, "dilations", (const int64_t[]){1, 1}, 2);
  mb_attr_ints(b, "kernel_shape", (const int64_t[]){3, 3}, 2);
  mb_attr_ints(b, "pads", (const int64_t[]){1, 1, 1, 1}, 4);
  mb_attr_ints(b, "strides", (const int64_t[]){2, 2}, 2);

  static const int64_t width[4] = {64, 128, 256, 512};
  int64_t cin = 64;
  for (int l = 0; l < 4; l++)
    for (int k = 0; k < 2; k++) {
      char name[32];
      snprintf(name, sizeof name, "layer%d.%d", l + 1, k);
      int64_t stride = (l > 0 && k == 0) ? 2 : 1;
      x = basic_block(b, x, name, cin, width[l], stride);
      cin = width[l];
    }

  x = mb_node(b, "GlobalAveragePool", "avgpool/GlobalAveragePool", &x, 1, NULL);
  x = mb_node(b, "Flatten", "Flatten", &x, 1, NULL);
  mb_attr_int(b, "axis", 1);
  int w = mb_weight(b, "fc.weight", 2, (const int64_t[]){1000, 512}, 0.0, sqrt(1.0 / 512.0));
  int bias = mb_weight(b, "fc.bias", 1, (const int64_t[]){1000}, 0.0, 0.02);
  x = mb_node(b, "Gemm", "fc/Gemm", (const int[]){x, w, bias}, 3, "output");
  mb_attr_float(b, "alpha", 1.0f);
  mb_attr_float(b, "beta", 1.0f);
  mb_attr_int(b, "transB", 1);
  int64_t out_dims[2] = {-1, 1000};
  mb_output(b, x, OCTET_DTYPE_FLOAT32, 2, out_dims);
}
