/* The body of octet_f32_matmul__<isa> (f32-matmul.h): included by the
 * per-ISA files, which the compiler vectorises over j with their -m flags.
 * Define MATMUL_FN before including. */
#include <string.h>

#include "x86/f32-matmul.h"

#define KBLOCK 256 /* ref's KB: the groups of 4 restart at each block */

void MATMUL_FN(size_t M, size_t N, size_t K, const float *a, size_t lda, const float *b,
               size_t ldb, float *c, size_t ldc) {
  for (size_t i = 0; i < M; i++) {
    float *restrict cr = c + i * ldc;
    const float *ar = a + i * lda;
    memset(cr, 0, sizeof(float) * N);
    for (size_t k0 = 0; k0 < K; k0 += KBLOCK) {
      const size_t kn = K - k0 < KBLOCK ? K - k0 : KBLOCK;
      size_t q = 0;
      for (; q + 4 <= kn; q += 4) {
        const size_t k = k0 + q;
        const float a0 = ar[k], a1 = ar[k + 1], a2 = ar[k + 2], a3 = ar[k + 3];
        const float *restrict b0 = b + k * ldb, *restrict b1 = b0 + ldb,
                              *restrict b2 = b1 + ldb, *restrict b3 = b2 + ldb;
        for (size_t j = 0; j < N; j++)
          cr[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
      }
      for (; q < kn; q++) {
        const float av = ar[k0 + q];
        const float *restrict br = b + (k0 + q) * ldb;
        for (size_t j = 0; j < N; j++) cr[j] += av * br[j];
      }
    }
  }
}
