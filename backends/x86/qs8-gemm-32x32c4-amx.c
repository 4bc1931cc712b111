/* w8a8 GEMM microkernel: 32 rows x 32 columns, k in chunks of 64, AMX-INT8.
 *
 * The eight tile registers hold four 16x16 int32 accumulators (tmm0-3),
 * two 16-row x 64-byte activation tiles (tmm4-5: u8 = qa + 128) and two
 * 16-k-group x 16-column weight tiles (tmm6-7). The weight tile is read
 * straight from the packed panel of the VNNI kernels (4 consecutive k of a
 * column together, np columns per k group): row r of the tile is k group r
 * of the chunk, 64 bytes at column block j, stride np * 4, so AMX needs no
 * layout of its own; only K is padded to a multiple of 64 (zero weights) at
 * packing (octet_qs8_kernel.kalign). TDPBUSD multiplies u8 by s8 into exact
 * int32, like VPDPBUSD: the accumulators plus the packed compensation
 * -128 * colsum are the exact sums of qa * qw, and the fp32 epilogue is
 * the one every kernel runs (qs8-gemm.h), so outputs are bit-identical to
 * the VNNI, AVX2 and scalar kernels. GELU, when asked for, is computed
 * here on the registers (v512_gelu, the Gelu op's own vector code) instead
 * of by the driver's pass over the stored rows.
 *
 * A full 32 x 32 tile loads its activation tiles without the edge test
 * and runs an epilogue specialised for it (comp, scales and bias held in
 * registers, no masks, one branch-free row loop per option set): the
 * general epilogue cost a third of the kernel's time at K = 384.
 *
 * Edge tiles: a tile of fewer than 16 valid rows (or 16-31) loads its last
 * activation tile from a 1 KB copy on the stack padded with zero bytes, so
 * no byte past the caller's rows is read; a panel of 16 columns runs one
 * weight tile. The tile configuration is loaded once per thread and GEMM
 * call (octet_qs8_amx_begin) and released after (octet_qs8_amx_end). */
#include <immintrin.h>
#include <string.h>

#include "backends/x86/amx-tiles.h"
#include "backends/x86/qs8-gemm.h"
#include "backends/x86/vec-math-avx512.h"

void octet_qs8_amx_begin(void) { octet_amx_load_config_16x64(); }

void octet_qs8_amx_end(void) { _tile_release(); }

/* Rows [0, rows) of the 16-row activation tile at a (chunk of 64 k), the
 * rest zero, in buf. */
static void copy_rows(uint8_t *buf, const uint8_t *a, size_t lda, size_t rows) {
  for (size_t r = 0; r < rows; r++) memcpy(buf + 64 * r, a + r * lda, 64);
  memset(buf + 64 * rows, 0, 64 * (16 - rows));
}

/* The epilogue from the int32 tile sums acc[32][32] (qs8-gemm.h's order). */
static void epilogue(size_t mr, size_t nr, const int32_t (*acc)[32], const int32_t *comp,
                     const float *sw, float *c, size_t ldc, const octet_gemm_params *p) {
  const float *bias = p->bias, *res = p->residual;
  const int act = p->act;
  const __m512 zero = _mm512_setzero_ps();
  for (size_t i = 0; i < mr; i++, c += ldc) {
    const __m512 sa = _mm512_set1_ps(p->scale_a[i]);
    const float *r = res ? res + i * p->ldr : NULL;
    for (size_t j = 0; j < nr; j += 16) {
      const size_t left = nr - j;
      const __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      __m512i s = _mm512_add_epi32(_mm512_load_si512(acc[i] + j), _mm512_loadu_si512(comp + j));
      __m512 y = _mm512_mul_ps(_mm512_cvtepi32_ps(s), sa);
      y = _mm512_mul_ps(y, _mm512_loadu_ps(sw + j));
      if (bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, bias + j));
      if (r) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, r + j));
      if (act == OCTET_ACT_RELU) y = _mm512_max_ps(y, zero);
      if (act == OCTET_ACT_GELU) y = v512_gelu(y);
      if (act == OCTET_ACT_GELU_TANH) y = v512_gelu_tanh(y);
      _mm512_mask_storeu_ps(c + j, m, y);
    }
  }
}

/* The epilogue of a full 32x32 tile: comp and sw held in registers, no
 * masks, the options fixed per instantiation so the row loop has no
 * branches (the general epilogue above measured ~1.6x slower per tile). */
static inline __attribute__((always_inline)) void epilogue_full_as(
    const int32_t (*acc)[32], const int32_t *comp, const float *sw, float *c, size_t ldc,
    const octet_gemm_params *p, const bool has_bias, const bool has_res,
    const int act) {
  const __m512i comp0 = _mm512_loadu_si512(comp), comp1 = _mm512_loadu_si512(comp + 16);
  const __m512 sw0 = _mm512_loadu_ps(sw), sw1 = _mm512_loadu_ps(sw + 16);
  const __m512 zero = _mm512_setzero_ps();
  const __m512 b0 = has_bias ? _mm512_loadu_ps(p->bias) : zero;
  const __m512 b1 = has_bias ? _mm512_loadu_ps(p->bias + 16) : zero;
  const float *res = p->residual;
  for (size_t i = 0; i < 32; i++, c += ldc) {
    const __m512 sa = _mm512_set1_ps(p->scale_a[i]);
    __m512 y0 = _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_load_si512(acc[i]), comp0));
    __m512 y1 = _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_load_si512(acc[i] + 16), comp1));
    y0 = _mm512_mul_ps(_mm512_mul_ps(y0, sa), sw0);
    y1 = _mm512_mul_ps(_mm512_mul_ps(y1, sa), sw1);
    if (has_bias) y0 = _mm512_add_ps(y0, b0), y1 = _mm512_add_ps(y1, b1);
    if (has_res) {
      y0 = _mm512_add_ps(y0, _mm512_loadu_ps(res + i * p->ldr));
      y1 = _mm512_add_ps(y1, _mm512_loadu_ps(res + i * p->ldr + 16));
    }
    if (act == OCTET_ACT_RELU) y0 = _mm512_max_ps(y0, zero), y1 = _mm512_max_ps(y1, zero);
    if (act == OCTET_ACT_GELU) y0 = v512_gelu(y0), y1 = v512_gelu(y1);
    if (act == OCTET_ACT_GELU_TANH) y0 = v512_gelu_tanh(y0), y1 = v512_gelu_tanh(y1);
    _mm512_storeu_ps(c, y0);
    _mm512_storeu_ps(c + 16, y1);
  }
}

#define EPI_FULL_ACT(name, act)                                            \
  static void epilogue_full_##name(const int32_t (*acc)[32], const int32_t *comp,   \
                                  const float *sw, float *c, size_t ldc,          \
                                  const octet_gemm_params *p) {            \
    const bool b = p->bias != NULL, r = p->residual != NULL;                     \
    if (b && r) epilogue_full_as(acc, comp, sw, c, ldc, p, true, true, act);     \
    else if (b) epilogue_full_as(acc, comp, sw, c, ldc, p, true, false, act);    \
    else if (r) epilogue_full_as(acc, comp, sw, c, ldc, p, false, true, act);    \
    else epilogue_full_as(acc, comp, sw, c, ldc, p, false, false, act);          \
  }
EPI_FULL_ACT(none, OCTET_ACT_NONE)
EPI_FULL_ACT(relu, OCTET_ACT_RELU)
EPI_FULL_ACT(gelu, OCTET_ACT_GELU)
EPI_FULL_ACT(gelu_tanh, OCTET_ACT_GELU_TANH)

/* One chunk of 64 k: the driver's prefetch hint, one line per 4 k. */
#define PREFETCH16()                                                     \
  do {                                                                   \
    for (int q = 0; q < 16; q++) _mm_prefetch(pf + q * pfs, _MM_HINT_T1); \
    pf += 16 * pfs;                                                      \
  } while (0)

/* Activation tile T from rows at `rowp` (16 of them, or `n` < 16 copied). */
#define LOAD_A(T, rowp, n)                  \
  do {                                      \
    if ((n) >= 16) {                        \
      _tile_loadd(T, (rowp), lda);          \
    } else {                                \
      copy_rows(edge, (rowp), lda, (n));    \
      _tile_loadd(T, edge, 64);             \
    }                                       \
  } while (0)

/* The k loop of 2 x 2 tiles (32 rows x 32 columns), activation tiles
 * loaded by LOAD4 and LOAD5. */
#define LOOP_2X2(LOAD4, LOAD5)                                \
  for (size_t k = 0; k < kp; k += 64, b += 16 * bs) {        \
    PREFETCH16();                                            \
    LOAD4;                                                   \
    _tile_loadd(6, b, bs);                                   \
    _tile_dpbusd(0, 4, 6);                                   \
    _tile_loadd(7, b + 64, bs);                              \
    _tile_dpbusd(1, 4, 7);                                   \
    LOAD5;                                                   \
    _tile_dpbusd(2, 5, 6);                                   \
    _tile_dpbusd(3, 5, 7);                                   \
  }

void octet_qs8_gemm_ukernel_32x32c4__amx(size_t mr, size_t nr, size_t kp, const void *a_,
                                         size_t lda, const void *w_, const float *acc_, size_t ld_acc_,
                                         void *c_, size_t ldc, const octet_gemm_params *p) {
  (void)acc_, (void)ld_acc_;
  const uint8_t *a = a_;
  const int8_t *w = w_;
  float *c = c_;
  const size_t np = nr > 16 ? 32 : 16, bs = 4 * np;
  const int32_t *comp = (const int32_t *)w;
  const float *sw = (const float *)(w + 4 * np);
  const int8_t *b = w + 8 * np;
  const char *pf = p->prefetch;
  const size_t pfs = p->prefetch_step;
  const size_t r0 = mr < 16 ? mr : 16, r1 = mr > 16 ? mr - 16 : 0;
  uint8_t edge[16 * 64] __attribute__((aligned(64)));
  int32_t acc[32][32] __attribute__((aligned(64)));
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  if (r1 == 16 && np == 32) { /* a full tile: no edge test in the loop */
    LOOP_2X2(_tile_loadd(4, a + k, lda), _tile_loadd(5, a + 16 * lda + k, lda));
  } else if (r1 && np == 32) {
    LOOP_2X2(LOAD_A(4, a + k, r0), LOAD_A(5, a + 16 * lda + k, r1));
  } else if (r1) {
    for (size_t k = 0; k < kp; k += 64, b += 16 * bs) {
      PREFETCH16();
      LOAD_A(4, a + k, r0);
      _tile_loadd(6, b, bs);
      _tile_dpbusd(0, 4, 6);
      LOAD_A(5, a + 16 * lda + k, r1);
      _tile_dpbusd(2, 5, 6);
    }
  } else if (np == 32) {
    for (size_t k = 0; k < kp; k += 64, b += 16 * bs) {
      PREFETCH16();
      LOAD_A(4, a + k, r0);
      _tile_loadd(6, b, bs);
      _tile_loadd(7, b + 64, bs);
      _tile_dpbusd(0, 4, 6);
      _tile_dpbusd(1, 4, 7);
    }
  } else {
    for (size_t k = 0; k < kp; k += 64, b += 16 * bs) {
      PREFETCH16();
      LOAD_A(4, a + k, r0);
      _tile_loadd(6, b, bs);
      _tile_dpbusd(0, 4, 6);
    }
  }
  _tile_stored(0, &acc[0][0], 128);
  if (np == 32) _tile_stored(1, &acc[0][16], 128);
  if (r1) {
    _tile_stored(2, &acc[16][0], 128);
    if (np == 32) _tile_stored(3, &acc[16][16], 128);
  }
  const int32_t(*sums)[32] = (const int32_t(*)[32])acc;
  if (mr < 32 || nr < 32)
    epilogue(mr, nr, sums, comp, sw, c, ldc, p);
  else if (p->act == OCTET_ACT_RELU)
    epilogue_full_relu(sums, comp, sw, c, ldc, p);
  else if (p->act == OCTET_ACT_GELU)
    epilogue_full_gelu(sums, comp, sw, c, ldc, p);
  else if (p->act == OCTET_ACT_GELU_TANH)
    epilogue_full_gelu_tanh(sums, comp, sw, c, ldc, p);
  else
    epilogue_full_none(sums, comp, sw, c, ldc, p);
}
