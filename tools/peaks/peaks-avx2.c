/* Peak microbenchmarks, AVX2 + FMA (and AVX-VNNI): compiled with
 * -mavx2 -mfma (-mavxvnni); called only when the active ISA level has them
 * (see peaks.h). As in peaks-avx512.c the compute loops are inline
 * assembly (12 independent accumulators in ymm0-ymm11, operands in
 * ymm14/ymm15) so that no compiler can merge chains or add moves; each
 * returns the operations it performed (a MAC counts as 2). */
#include <immintrin.h>

#include "peaks.h"

#define R12(X) X("0") X("1") X("2") X("3") X("4") X("5") X("6") X("7") X("8") X("9") X("10") X("11")
#define CLOBBER_YMM                                                       \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
      "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc"

#define ACC_FROM_15(i) "vmovaps %%ymm15, %%ymm" i "\n\t"
#define FMA_STEP(i) "vfmadd132ps %%ymm14, %%ymm15, %%ymm" i "\n\t"
#define MADD_STEP(i) "vpmaddwd %%ymm14, %%ymm15, %%ymm12\n\tvpaddd %%ymm12, %%ymm" i ", %%ymm" i "\n\t"

double peak_fma_avx2(int64_t iters) {
  const float m = 0.9999f, c = 1e-4f;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vbroadcastss %[m], %%ymm14\n\t"
      "vbroadcastss %[c], %%ymm15\n\t" R12(ACC_FROM_15)
      "1:\n\t" R12(FMA_STEP) R12(FMA_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [m] "m"(m), [c] "m"(c)
      : CLOBBER_YMM);
  return (double)iters * 24 * 8 * 2;
}

double peak_madd_avx2(int64_t iters) {
  const int32_t x = 0x00030003, y = (int32_t)0xfffefffe;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpbroadcastd %[x], %%ymm15\n\t"
      "vpbroadcastd %[y], %%ymm14\n\t" R12(ACC_FROM_15)
      "1:\n\t" R12(MADD_STEP) R12(MADD_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "m"(x), [y] "m"(y)
      : CLOBBER_YMM);
  return (double)iters * 24 * 16 * 2;
}

#if defined(__AVXVNNI__)
#define VNNI_STEP(i) "%{vex%} vpdpbusd %%ymm14, %%ymm15, %%ymm" i "\n\t"
double peak_vnni_avxvnni(int64_t iters) {
  const int32_t x = 0x03030303, y = (int32_t)0xfefefefe;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpbroadcastd %[x], %%ymm15\n\t"
      "vpbroadcastd %[y], %%ymm14\n\t" R12(ACC_FROM_15)
      "1:\n\t" R12(VNNI_STEP) R12(VNNI_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "m"(x), [y] "m"(y)
      : CLOBBER_YMM);
  return (double)iters * 24 * 32 * 2;
}
#else
/* The compiler cannot emit AVX-VNNI: measure the exact fallback instead. */
double peak_vnni_avxvnni(int64_t iters) { return peak_madd_avx2(iters); }
#endif

uint64_t peak_read_avx2(const void *p, size_t bytes) {
  const __m256i *q = (const __m256i *)p;
  __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < bytes / 32; i += 8) {
    s0 = _mm256_xor_si256(s0, _mm256_load_si256(q + i));
    s1 = _mm256_xor_si256(s1, _mm256_load_si256(q + i + 1));
    s2 = _mm256_xor_si256(s2, _mm256_load_si256(q + i + 2));
    s3 = _mm256_xor_si256(s3, _mm256_load_si256(q + i + 3));
    s0 = _mm256_xor_si256(s0, _mm256_load_si256(q + i + 4));
    s1 = _mm256_xor_si256(s1, _mm256_load_si256(q + i + 5));
    s2 = _mm256_xor_si256(s2, _mm256_load_si256(q + i + 6));
    s3 = _mm256_xor_si256(s3, _mm256_load_si256(q + i + 7));
  }
  s0 = _mm256_xor_si256(_mm256_xor_si256(s0, s1), _mm256_xor_si256(s2, s3));
  int64_t v[4];
  _mm256_storeu_si256((__m256i *)v, s0);
  return (uint64_t)(v[0] ^ v[1] ^ v[2] ^ v[3]);
}
