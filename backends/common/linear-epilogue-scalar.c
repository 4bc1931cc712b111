/* Portable row epilogues (linear-epilogue.h): the definition the vector
 * versions reproduce bit for bit. Built with -ffp-contract=off. */
#include "backends/common/linear-epilogue.h"

#include "core/ir.h"
#include "core/quant.h"
#include "core/vmath.h"

void octet_linear_gelu_f32_scalar(size_t n, const void *x, void *y) {
  for (size_t j = 0; j < n; j++) ((float *)y)[j] = vm_gelu(((const float *)x)[j]);
}

void octet_linear_gelutanh_f32_scalar(size_t n, const void *x, void *y) {
  for (size_t j = 0; j < n; j++) ((float *)y)[j] = vm_gelu_tanh(((const float *)x)[j]);
}

void octet_linear_gelu_f16_scalar(size_t n, const void *x, void *y) {
  for (size_t j = 0; j < n; j++)
    ((uint16_t *)y)[j] = octet_fp32_to_fp16(vm_gelu(octet_fp16_to_fp32(((const uint16_t *)x)[j])));
}

void octet_linear_gelutanh_f16_scalar(size_t n, const void *x, void *y) {
  for (size_t j = 0; j < n; j++)
    ((uint16_t *)y)[j] =
        octet_fp32_to_fp16(vm_gelu_tanh(octet_fp16_to_fp32(((const uint16_t *)x)[j])));
}

octet_linear_post_fn octet_linear_post_scalar(octet_act act, bool f16) {
  if (act == OCTET_ACT_GELU) return f16 ? octet_linear_gelu_f16_scalar : octet_linear_gelu_f32_scalar;
  if (act == OCTET_ACT_GELU_TANH)
    return f16 ? octet_linear_gelutanh_f16_scalar : octet_linear_gelutanh_f32_scalar;
  return NULL;
}

static void f16_to_f32(size_t n, const uint16_t *x, float *y) {
  for (size_t j = 0; j < n; j++) y[j] = octet_fp16_to_fp32(x[j]);
}

static inline float bias_relu(float y, const float *bias, size_t j, int relu) {
  if (bias) y = y + bias[j];
  if (relu) y = y > 0.0f ? y : 0.0f;
  return y;
}

static void f32(size_t n, const float *acc, const float *bias, int relu, float *y) {
  for (size_t j = 0; j < n; j++) y[j] = bias_relu(acc[j], bias, j, relu);
}

static void f32_to_f16(size_t n, const float *acc, const float *bias, int relu,
                       uint16_t *y) {
  for (size_t j = 0; j < n; j++) y[j] = octet_fp32_to_fp16(bias_relu(acc[j], bias, j, relu));
}

static void qs8(size_t n, const int32_t *acc, const int32_t *comp, float sa,
                const float *sw, const float *bias, int relu, float *y) {
  for (size_t j = 0; j < n; j++) {
    y[j] = bias_relu(octet_q8_dequant(acc[j] - comp[j], sa, sw[j]), bias, j, relu);
  }
}

const octet_linear_epilogue_kernels octet_linear_epilogue_scalar = {
    "scalar", f16_to_f32, f32, f32_to_f16, qs8};
