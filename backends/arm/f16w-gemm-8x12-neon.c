/* f16w 8x12 microkernel for any arm64 CPU (armv8-a NEON), the contract of
 * f32-gemm-arm.h: W is stored fp16 (half the memory) and each k step's 12
 * values are widened exactly with vcvt_f32_f16 (FCVTL, baseline armv8-a);
 * A is packed fp32 and the sums are fp32 FMAs, as in f32 8x12, so the
 * result equals f32 8x12 on the same (fp16-representable) weights bit for
 * bit. The fp16 path of CPUs without fp16 arithmetic. */
#include <arm_neon.h>

#include "arm/f32-gemm-arm.h"
#include "arm/gemm-tile-arm.h"

#define OCTET_FMA_ROW(r, a, lane)                    \
  do {                                               \
    c[r][0] = vfmaq_laneq_f32(c[r][0], b0, a, lane); \
    c[r][1] = vfmaq_laneq_f32(c[r][1], b1, a, lane); \
    c[r][2] = vfmaq_laneq_f32(c[r][2], b2, a, lane); \
  } while (0)

static inline float32x4_t widen4(const uint16_t *p) {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)));
}

void octet_f16w_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const void *pa_,
                                        const void *pb_, const float *acc, size_t ld_acc,
                                        void *out, size_t ld_out,
                                        const octet_arm_gemm_store *st) {
  const float *pa = pa_;
  const uint16_t *pb = pb_;
  float32x4_t c[8][3];
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 3; j++)
      c[r][j] = acc ? vld1q_f32(acc + (size_t)r * ld_acc + 4 * j) : vdupq_n_f32(0.0f);
  for (size_t k = 0; k < kc; k++) {
    const float32x4_t a0 = vld1q_f32(pa), a1 = vld1q_f32(pa + 4);
    const float32x4_t b0 = widen4(pb), b1 = widen4(pb + 4), b2 = widen4(pb + 8);
    pa += 8;
    pb += 12;
    OCTET_FMA_ROW(0, a0, 0);
    OCTET_FMA_ROW(1, a0, 1);
    OCTET_FMA_ROW(2, a0, 2);
    OCTET_FMA_ROW(3, a0, 3);
    OCTET_FMA_ROW(4, a1, 0);
    OCTET_FMA_ROW(5, a1, 1);
    OCTET_FMA_ROW(6, a1, 2);
    OCTET_FMA_ROW(7, a1, 3);
  }
  float tile[8 * 12];
  float *t = st ? tile : out;
  const size_t ldt = st ? 12 : ld_out;
  for (int r = 0; r < 8; r++)
    for (int j = 0; j < 3; j++) vst1q_f32(t + (size_t)r * ldt + 4 * j, c[r][j]);
  if (st) octet_arm_gemm_store_tile(mr, nr, tile, 12, out, ld_out, st);
}
