/* The AMX tile configuration octet uses (palette 1, 8 tiles of 16 rows x 64
 * bytes), shared by the AMX kernel and its peak microbenchmark. Include
 * only from files compiled with -mamx-tile. */
#ifndef OCTET_X86_AMX_TILES_H
#define OCTET_X86_AMX_TILES_H

#include <stdint.h>
#include <string.h>

typedef struct octet_amx_config {
  uint8_t palette, start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
} octet_amx_config;

/* Loads the configuration into the calling thread's tile state. Inline
 * assembly, not _tile_loadconfig: GCC 12's builtin does not tell the
 * optimiser that it reads the configuration, and the stores were dropped. */
static inline void octet_amx_load_config_16x64(void) {
  octet_amx_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.palette = 1;
  for (int t = 0; t < 8; t++) cfg.colsb[t] = 64, cfg.rows[t] = 16;
  __asm__ volatile("ldtilecfg %0" : : "m"(cfg));
}

#endif
