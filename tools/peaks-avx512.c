/* Peak microbenchmarks, AVX-512 (F, BW, VNNI): compiled with
 * -mavx512f -mavx512bw -mavx512vnni -mfma; called only when the active ISA
 * level has them (see peaks.h).
 *
 * The compute loops are written in inline assembly: 24 independent
 * accumulators in zmm0-zmm23, the two operands in zmm30/zmm31, nothing in
 * memory. Written with intrinsics, GCC 12 merged chains that start from the
 * same value into one chain (and kept counting 12), which made the VPDPBUSD
 * "peak" 1.6x too high on Zen 5; it also adds register moves to unrolled
 * intrinsic loops. Each function returns the operations it performed
 * (a MAC counts as 2). */
#include <immintrin.h>

#include "peaks.h"

#define R24(X)                                                                \
  X("0") X("1") X("2") X("3") X("4") X("5") X("6") X("7") X("8") X("9")       \
  X("10") X("11") X("12") X("13") X("14") X("15") X("16") X("17") X("18")     \
  X("19") X("20") X("21") X("22") X("23")
#define R12(X) X("0") X("1") X("2") X("3") X("4") X("5") X("6") X("7") X("8") X("9") X("10") X("11")
#define CLOBBER_ZMM                                                           \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",     \
      "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16",  \
      "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", \
      "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "cc"

#define ACC_FROM_31(i) "vmovaps %%zmm31, %%zmm" i "\n\t"
/* acc = acc * 0.9999 + 1e-4: stays near 1, never denormal */
#define FMA_STEP(i) "vfmadd132ps %%zmm30, %%zmm31, %%zmm" i "\n\t"
#define VNNI_STEP(i) "vpdpbusd %%zmm30, %%zmm31, %%zmm" i "\n\t"
/* 12 chains: a product into zmm24 (renamed each time), added to zmm i */
#define MADD_STEP(i) "vpmaddwd %%zmm30, %%zmm31, %%zmm24\n\tvpaddd %%zmm24, %%zmm" i ", %%zmm" i "\n\t"

double peak_fma_avx512(int64_t iters) {
  const float m = 0.9999f, c = 1e-4f;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vbroadcastss %[m], %%zmm30\n\t"
      "vbroadcastss %[c], %%zmm31\n\t" R24(ACC_FROM_31)
      "1:\n\t" R24(FMA_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [m] "m"(m), [c] "m"(c)
      : CLOBBER_ZMM);
  return (double)iters * 24 * 16 * 2;
}

double peak_vnni_avx512(int64_t iters) {
  const int32_t x = 0x03030303, y = (int32_t)0xfefefefe;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpbroadcastd %[x], %%zmm31\n\t"
      "vpbroadcastd %[y], %%zmm30\n\t" R24(ACC_FROM_31)
      "1:\n\t" R24(VNNI_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "m"(x), [y] "m"(y)
      : CLOBBER_ZMM);
  return (double)iters * 24 * 64 * 2;
}

double peak_madd_avx512(int64_t iters) {
  const int32_t x = 0x00030003, y = (int32_t)0xfffefffe;
  int64_t n = iters;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpbroadcastd %[x], %%zmm31\n\t"
      "vpbroadcastd %[y], %%zmm30\n\t" R12(ACC_FROM_31)
      "1:\n\t" R12(MADD_STEP) R12(MADD_STEP)
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [x] "m"(x), [y] "m"(y)
      : CLOBBER_ZMM);
  return (double)iters * 24 * 32 * 2;
}

uint64_t peak_read_avx512(const void *p, size_t bytes) {
  const __m512i *q = (const __m512i *)p;
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = 0; i < bytes / 64; i += 4) {
    s0 = _mm512_xor_si512(s0, _mm512_load_si512(q + i));
    s1 = _mm512_xor_si512(s1, _mm512_load_si512(q + i + 1));
    s2 = _mm512_xor_si512(s2, _mm512_load_si512(q + i + 2));
    s3 = _mm512_xor_si512(s3, _mm512_load_si512(q + i + 3));
  }
  s0 = _mm512_xor_si512(_mm512_xor_si512(s0, s1), _mm512_xor_si512(s2, s3));
  uint64_t v[8], x = 0;
  _mm512_storeu_si512(v, s0);
  for (int i = 0; i < 8; i++) x ^= v[i];
  return x;
}
