/* Opening input files without blocking (model files, external data, .npy
 * inputs): a FIFO, a terminal, a device or a directory given where a file
 * is expected is refused at once instead of blocking open() or read(). */
#ifndef OCTET_FILE_H
#define OCTET_FILE_H

#include <stdint.h>
#include <sys/stat.h>

#include "core/ir.h"

/* Also accept a pipe or FIFO (read as a stream; one without a writer reads
 * as empty, at once). */
#define OCTET_FILE_ALLOW_PIPE (1u << 0)
/* Refuse a symbolic link as the last component (O_NOFOLLOW). */
#define OCTET_FILE_NOFOLLOW (1u << 1)

/* Opens `path` read-only (O_NONBLOCK, so that opening a FIFO never waits
 * for a writer; cleared again for pipes, whose reads then wait for data
 * from a writer that exists) and checks with fstat on the open descriptor
 * that it is a regular file (or a pipe, with OCTET_FILE_ALLOW_PIPE). On
 * success *fd is the descriptor and *st its fstat. On failure the message
 * is "<what> '<path>': <why>", e.g. "model file 'm.onnx': is a FIFO (named
 * pipe), not a regular file". */
octet_status octet_file_open(const char *path, const char *what, unsigned flags, int *fd,
                             struct stat *st);
/* What kind of file `mode` is, for messages: "a directory", "a FIFO (named
 * pipe)", "a character device", ... */
const char *octet_file_kind(mode_t mode);
/* Reads exactly n bytes at `offset` (pread, retried on EINTR and short
 * reads); false on an error or end of file (errno set, 0 at end of file). */
bool octet_file_pread(int fd, void *dst, size_t n, uint64_t offset);

#endif
