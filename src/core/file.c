/* Input files opened without blocking (core/file.h). */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

const char *octet_file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

octet_status octet_file_open(const char *path, const char *what, unsigned flags, int *fd,
                             struct stat *st) {
  *fd = -1;
  int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  if (flags & OCTET_FILE_NOFOLLOW) oflags |= O_NOFOLLOW;
  int f = open(path, oflags);
  if (f < 0) {
    int e = errno;
    if (e == ELOOP && (flags & OCTET_FILE_NOFOLLOW))
      return octet_fail(OCTET_ERR_IO, "%s '%s': is a symbolic link (not followed here)", what,
                        path);
    return octet_fail(OCTET_ERR_IO, "%s '%s': cannot open: %s", what, path, strerror(e));
  }
  if (fstat(f, st) != 0) {
    int e = errno;
    close(f);
    return octet_fail(OCTET_ERR_IO, "%s '%s': cannot stat: %s", what, path, strerror(e));
  }
  bool pipe_ok = (flags & OCTET_FILE_ALLOW_PIPE) && S_ISFIFO(st->st_mode);
  if (!S_ISREG(st->st_mode) && !pipe_ok) {
    close(f);
    return octet_fail(OCTET_ERR_IO, "%s '%s': is %s, not a regular file%s", what, path,
                      octet_file_kind(st->st_mode),
                      (flags & OCTET_FILE_ALLOW_PIPE) ? " or a pipe" : "");
  }
  if (pipe_ok) { /* reads of a pipe with a writer wait for its data */
    int fl = fcntl(f, F_GETFL);
    if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) < 0) {
      int e = errno;
      close(f);
      return octet_fail(OCTET_ERR_IO, "%s '%s': %s", what, path, strerror(e));
    }
  }
  *fd = f;
  return OCTET_OK;
}

bool octet_file_pread(int fd, void *dst, size_t n, uint64_t offset) {
  char *p = dst;
  while (n > 0) {
    if (offset > (uint64_t)INT64_MAX) {
      errno = EOVERFLOW;
      return false;
    }
    size_t chunk = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
    ssize_t r = pread(fd, p, chunk, (off_t)offset);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = 0;
      return false;
    }
    p += r;
    n -= (size_t)r;
    offset += (uint64_t)r;
  }
  return true;
}
