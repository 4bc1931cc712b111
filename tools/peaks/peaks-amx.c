/* Peak microbenchmark, AMX-INT8: compiled with -mamx-tile -mamx-int8;
 * called only when the active ISA level is amx (see peaks.h).
 *
 * Four independent 16x16 int32 accumulator tiles (tmm0-3) take TDPBUSD of
 * two 16x64-byte u8 tiles by two 16x64-byte s8 tiles (tmm4-7), nothing
 * reloaded in the loop: the register-only rate of the instruction the
 * qs8 32x32c4 amx kernel issues. The tile builtins are not merged or
 * folded by the compiler. The calling thread's tile configuration is
 * loaded here and released after. */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "peaks.h"
#include "backends/x86/amx-tiles.h"

double peak_amx_int8(int64_t iters) {
  if (iters <= 0) return 0.0;
  static const uint8_t ones[16 * 64] __attribute__((aligned(64))) = {1};
  octet_amx_load_config_16x64();
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  _tile_loadd(4, ones, 64);
  _tile_loadd(5, ones, 64);
  _tile_loadd(6, ones, 64);
  _tile_loadd(7, ones, 64);
  for (int64_t i = 0; i < iters; i++) {
    _tile_dpbusd(0, 4, 6);
    _tile_dpbusd(1, 4, 7);
    _tile_dpbusd(2, 5, 6);
    _tile_dpbusd(3, 5, 7);
  }
  _tile_release();
  return (double)iters * 4 * 16 * 16 * 64 * 2;
}
