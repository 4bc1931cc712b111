/* Architecture-specific pieces of the oneDNN backend (onednn-quantize.h). */
#include "backends/onednn/onednn-quantize.h"

#include "core/cpu.h"
#include "octet-config.h"
#include "core/quant.h"

void octet_onednn_quantize_weights(const float *w, int64_t K, int64_t N, int8_t *qw,
                                   float *sw, int32_t *comp) {
  octet_q8_quantize_weights(w, K, N, qw, sw);
  octet_q8_u8_compensation(qw, K, N, comp);
}

#if OCTET_HAVE_X86
#include "backends/x86/gemm-kernels-x86.h"

/* The x86 w8a8 kernels' own quantizer for the active level (u8 form). */
static void quantize(const float *a, size_t M, size_t K, size_t lda, uint8_t *q, size_t ldq,
                     float *scale, int threads) {
  const octet_gemm_kernel *k = octet_x86_gemm_kernel(OCTET_GEMM_W_Q8, octet_isa_active());
  const octet_gemm_quantize_fn fn = k ? k->quantize : octet_q8_quantize_rows_u8;
  const size_t chunk = 8;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t m0 = 0; m0 < M; m0 += chunk) {
    size_t mc = M - m0 < chunk ? M - m0 : chunk;
    fn(a + m0 * lda, mc, K, lda, q + m0 * ldq, ldq, scale + m0);
  }
}

octet_onednn_quantize_fn octet_onednn_quantizer(void) { return quantize; }

dnnl_cpu_isa_t octet_onednn_isa_cap(void) {
  switch (octet_isa_active()) {
  case OCTET_ISA_AMX: return dnnl_cpu_isa_avx512_core_amx;
  case OCTET_ISA_AVX512VNNI: return dnnl_cpu_isa_avx512_core_vnni;
  case OCTET_ISA_AVX512: return dnnl_cpu_isa_avx512_core;
  case OCTET_ISA_AVXVNNI: return dnnl_cpu_isa_avx2_vnni;
  case OCTET_ISA_AVX2: return dnnl_cpu_isa_avx2;
  default: return dnnl_cpu_isa_sse41;
  }
}

const char *octet_onednn_int8_unsupported(void) {
  octet_isa isa = octet_isa_active();
  if (isa == OCTET_ISA_AMX || isa == OCTET_ISA_AVX512VNNI || isa == OCTET_ISA_AVXVNNI)
    return NULL;
  return "oneDNN int8 without VNNI saturates (vpmaddubsw): not exact";
}
#else
static void quantize(const float *a, size_t M, size_t K, size_t lda, uint8_t *q, size_t ldq,
                     float *scale, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (size_t m = 0; m < M; m++)
    octet_q8_quantize_rows_u8(a + m * lda, 1, K, lda, q + m * ldq, ldq, scale + m);
}

octet_onednn_quantize_fn octet_onednn_quantizer(void) { return quantize; }

dnnl_cpu_isa_t octet_onednn_isa_cap(void) { return dnnl_cpu_isa_all; }

const char *octet_onednn_int8_unsupported(void) { return NULL; }
#endif
