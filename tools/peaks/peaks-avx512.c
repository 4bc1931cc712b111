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
#define ACC_FROM_0(i) "vmovaps %%zmm0, %%zmm" i "\n\t"
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

/* ---- the kernels' instruction mix, operands from L1 -------------------------
 * What the GEMM microkernels' inner loops can reach when every operand is
 * in L1 and nothing else runs: the same loads, broadcasts and arithmetic in
 * the same proportions, over a 4-step rotation of a 768-byte weight block
 * and 8 or 9 activation rows 64 bytes apart. Beside the register-only peak
 * it shows how much of the gap is the instruction mix itself (load and
 * broadcast uops sharing the core with the arithmetic) and how much is the
 * rest of a real GEMM (caches, packing, quantization, epilogue). */

/* One k step of the 8x48c4 VNNI tile: 3 zmm weight loads, then per row one
 * vpbroadcastd of 4 activation bytes and 3 vpdpbusd. */
#define MIX_W8(s)                                                             \
  "vmovdqa64 " s "*192(%[w]), %%zmm24\n\t"                                    \
  "vmovdqa64 " s "*192+64(%[w]), %%zmm25\n\t"                                 \
  "vmovdqa64 " s "*192+128(%[w]), %%zmm26\n\t"
#define MIX_ROW8(s, r, b, a0, a1, a2)                                         \
  "vpbroadcastd " s "*4+" r "*64(%[a]), %%zmm" b "\n\t"                        \
  "vpdpbusd %%zmm24, %%zmm" b ", %%zmm" a0 "\n\t"                              \
  "vpdpbusd %%zmm25, %%zmm" b ", %%zmm" a1 "\n\t"                              \
  "vpdpbusd %%zmm26, %%zmm" b ", %%zmm" a2 "\n\t"
#define MIX_STEP8(s)                                                          \
  MIX_W8(s)                                                                   \
  MIX_ROW8(s, "0", "27", "0", "1", "2") MIX_ROW8(s, "1", "28", "3", "4", "5")  \
  MIX_ROW8(s, "2", "27", "6", "7", "8") MIX_ROW8(s, "3", "28", "9", "10", "11") \
  MIX_ROW8(s, "4", "27", "12", "13", "14")                                    \
  MIX_ROW8(s, "5", "28", "15", "16", "17")                                    \
  MIX_ROW8(s, "6", "27", "18", "19", "20")                                    \
  MIX_ROW8(s, "7", "28", "21", "22", "23")

double peak_vnni_mix_avx512(int64_t iters) {
  _Alignas(64) uint8_t w[4 * 192], a[9 * 64];
  for (size_t i = 0; i < sizeof w; i++) w[i] = (uint8_t)(i * 37u + 11u);
  for (size_t i = 0; i < sizeof a; i++) a[i] = (uint8_t)(i * 13u + 5u);
  int64_t n = iters / 4;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t" R24(ACC_FROM_0)
      "1:\n\t" MIX_STEP8("0") MIX_STEP8("1") MIX_STEP8("2") MIX_STEP8("3")
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [w] "r"(w), [a] "r"(a), "m"(*(const uint8_t(*)[sizeof w])w),
        "m"(*(const uint8_t(*)[sizeof a])a)
      : CLOBBER_ZMM);
  return (double)(iters / 4 * 4) * 24 * 64 * 2;
}

/* One k step of the 9x48 fp32 tile: 3 zmm weight loads, then per row one
 * vbroadcastss and 3 vfmadd231ps (weights 0: the accumulators stay put). */
#define MIX_WF(s)                                                             \
  "vmovaps " s "*192(%[w]), %%zmm27\n\t"                                      \
  "vmovaps " s "*192+64(%[w]), %%zmm28\n\t"                                   \
  "vmovaps " s "*192+128(%[w]), %%zmm29\n\t"
#define MIX_ROWF(s, r, b, a0, a1, a2)                                         \
  "vbroadcastss " s "*4+" r "*64(%[a]), %%zmm" b "\n\t"                        \
  "vfmadd231ps %%zmm27, %%zmm" b ", %%zmm" a0 "\n\t"                           \
  "vfmadd231ps %%zmm28, %%zmm" b ", %%zmm" a1 "\n\t"                           \
  "vfmadd231ps %%zmm29, %%zmm" b ", %%zmm" a2 "\n\t"
#define MIX_STEPF(s)                                                          \
  MIX_WF(s)                                                                   \
  MIX_ROWF(s, "0", "30", "0", "1", "2") MIX_ROWF(s, "1", "31", "3", "4", "5")  \
  MIX_ROWF(s, "2", "30", "6", "7", "8") MIX_ROWF(s, "3", "31", "9", "10", "11") \
  MIX_ROWF(s, "4", "30", "12", "13", "14")                                    \
  MIX_ROWF(s, "5", "31", "15", "16", "17")                                    \
  MIX_ROWF(s, "6", "30", "18", "19", "20")                                    \
  MIX_ROWF(s, "7", "31", "21", "22", "23")                                    \
  MIX_ROWF(s, "8", "30", "24", "25", "26")

double peak_fma_mix_avx512(int64_t iters) {
  _Alignas(64) float w[4 * 48], a[9 * 16];
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) w[i] = 0.0f;
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) a[i] = 1.0f + (float)i;
  int64_t n = iters / 4;
  if (n <= 0) return 0.0;
  __asm__ volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t" R24(ACC_FROM_0)
      "vmovaps %%zmm0, %%zmm24\n\t"
      "vmovaps %%zmm0, %%zmm25\n\t"
      "vmovaps %%zmm0, %%zmm26\n\t"
      "1:\n\t" MIX_STEPF("0") MIX_STEPF("1") MIX_STEPF("2") MIX_STEPF("3")
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "vzeroupper\n\t"
      : [n] "+r"(n)
      : [w] "r"(w), [a] "r"(a), "m"(*(const float(*)[sizeof w / sizeof w[0]])w),
        "m"(*(const float(*)[sizeof a / sizeof a[0]])a)
      : CLOBBER_ZMM);
  return (double)(iters / 4 * 4) * 27 * 16 * 2;
}
