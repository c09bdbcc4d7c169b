// The system calls newlib's stdio, malloc and exit end in, implemented over semihosting.
// fds 0-2 are the host console; open() hands out fds 3.. for host files.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "semihosting.h"

namespace {

constexpr int kFirstFileFd = 3;
constexpr int kMaxFiles = 8;
int32_t file_handles[kMaxFiles] = {-1, -1, -1, -1, -1, -1, -1, -1};
int32_t file_positions[kMaxFiles] = {};

int32_t handle_of(int fd) {
  if (fd >= 0 && fd < kFirstFileFd) return semihosting::console_handle(fd);
  const int slot = fd - kFirstFileFd;
  if (slot < 0 || slot >= kMaxFiles) return -1;
  return file_handles[slot];
}

}  // namespace

extern "C" {

// Bounds of the heap, from the board's linker script.
extern char __heap_start;
extern char __heap_end;

void* _sbrk(ptrdiff_t increment) {
  static char* brk = &__heap_start;
  if (increment > &__heap_end - brk || increment < &__heap_start - brk) {
    errno = ENOMEM;
    return reinterpret_cast<void*>(-1);
  }
  char* previous = brk;
  brk += increment;
  return previous;
}

int _open(const char* path, int flags, ...) {
  int slot = 0;
  while (slot < kMaxFiles && file_handles[slot] >= 0) ++slot;
  if (slot == kMaxFiles) {
    errno = EMFILE;
    return -1;
  }
  semihosting::OpenMode mode = semihosting::OpenMode::read_binary;
  if ((flags & O_ACCMODE) != O_RDONLY) {
    mode = (flags & O_APPEND) ? semihosting::OpenMode::append_binary
                              : semihosting::OpenMode::write_binary;
  }
  const int32_t handle = semihosting::open(path, mode);
  if (handle < 0) {
    errno = ENOENT;
    return -1;
  }
  file_handles[slot] = handle;
  file_positions[slot] = 0;
  return kFirstFileFd + slot;
}

int _close(int fd) {
  const int slot = fd - kFirstFileFd;
  if (slot < 0 || slot >= kMaxFiles || file_handles[slot] < 0) return fd < kFirstFileFd ? 0 : -1;
  semihosting::close(file_handles[slot]);
  file_handles[slot] = -1;
  return 0;
}

int _read(int fd, char* buffer, int length) {
  const int32_t handle = handle_of(fd);
  if (handle < 0) {
    errno = EBADF;
    return -1;
  }
  const int32_t not_read = semihosting::read(handle, buffer, static_cast<size_t>(length));
  if (not_read < 0 || not_read > length) {
    errno = EIO;
    return -1;
  }
  if (fd >= kFirstFileFd) file_positions[fd - kFirstFileFd] += length - not_read;
  return length - not_read;
}

int _write(int fd, const char* buffer, int length) {
  const int32_t handle = handle_of(fd);
  if (handle < 0) {
    errno = EBADF;
    return -1;
  }
  const int32_t not_written = semihosting::write(handle, buffer, static_cast<size_t>(length));
  if (not_written < 0 || not_written > length) {
    errno = EIO;
    return -1;
  }
  if (fd >= kFirstFileFd) file_positions[fd - kFirstFileFd] += length - not_written;
  return length - not_written;
}

off_t _lseek(int fd, off_t offset, int whence) {
  const int32_t handle = handle_of(fd);
  if (handle < 0 || fd < kFirstFileFd) {
    errno = ESPIPE;
    return -1;
  }
  int32_t& position = file_positions[fd - kFirstFileFd];
  int32_t target = static_cast<int32_t>(offset);
  if (whence == SEEK_CUR) target += position;
  if (whence == SEEK_END) target += semihosting::file_length(handle);
  if (target < 0 || semihosting::seek(handle, target) != 0) {
    errno = EINVAL;
    return -1;
  }
  position = target;
  return target;
}

int _fstat(int fd, struct stat* status) {
  status->st_mode = fd < kFirstFileFd ? S_IFCHR : S_IFREG;
  return 0;
}

int _isatty(int fd) { return fd < kFirstFileFd ? 1 : 0; }

[[noreturn]] void _exit(int status) { semihosting::exit(status); }

int _kill(int, int) {
  errno = EINVAL;
  return -1;
}

int _getpid() { return 1; }

}  // extern "C"
