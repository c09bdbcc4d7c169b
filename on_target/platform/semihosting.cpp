#include "semihosting.h"

#include <string.h>

namespace semihosting {
namespace {

enum Operation : int32_t {
  sys_open = 0x01,
  sys_close = 0x02,
  sys_write = 0x05,
  sys_read = 0x06,
  sys_seek = 0x0A,
  sys_flen = 0x0C,
  sys_get_cmdline = 0x15,
  sys_exit_extended = 0x20,  // the only exit call that carries a status on AArch32
};
constexpr int32_t kApplicationExit = 0x20026;  // ADP_Stopped_ApplicationExit

// r0 = operation, r1 = argument block; the result comes back in r0. On M-profile the trap
// is BKPT 0xAB. Memory clobber: the host reads and writes the argument blocks.
int32_t call(int32_t operation, const void* block) {
  register int32_t r0 __asm__("r0") = operation;
  register const void* r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

int32_t console[3] = {-1, -1, -1};

}  // namespace

int32_t open(const char* path, OpenMode mode) {
  const uint32_t block[3] = {reinterpret_cast<uint32_t>(path), static_cast<uint32_t>(mode),
                             static_cast<uint32_t>(strlen(path))};
  return call(sys_open, block);
}

int32_t read(int32_t handle, void* buffer, size_t length) {
  const uint32_t block[3] = {static_cast<uint32_t>(handle), reinterpret_cast<uint32_t>(buffer),
                             static_cast<uint32_t>(length)};
  return call(sys_read, block);
}

int32_t write(int32_t handle, const void* buffer, size_t length) {
  const uint32_t block[3] = {static_cast<uint32_t>(handle), reinterpret_cast<uint32_t>(buffer),
                             static_cast<uint32_t>(length)};
  return call(sys_write, block);
}

int32_t close(int32_t handle) {
  const uint32_t block[1] = {static_cast<uint32_t>(handle)};
  return call(sys_close, block);
}

int32_t seek(int32_t handle, int32_t position) {
  const uint32_t block[2] = {static_cast<uint32_t>(handle), static_cast<uint32_t>(position)};
  return call(sys_seek, block);
}

int32_t file_length(int32_t handle) {
  const uint32_t block[1] = {static_cast<uint32_t>(handle)};
  return call(sys_flen, block);
}

bool command_line(char* buffer, size_t size) {
  uint32_t block[2] = {reinterpret_cast<uint32_t>(buffer), static_cast<uint32_t>(size)};
  return call(sys_get_cmdline, block) == 0;
}

void exit(int32_t status) {
  const uint32_t block[2] = {static_cast<uint32_t>(kApplicationExit), static_cast<uint32_t>(status)};
  call(sys_exit_extended, block);
  for (;;) {
  }
}

int32_t console_handle(int fd) {
  if (fd < 0 || fd > 2) return -1;
  if (console[fd] < 0) {
    static const OpenMode modes[3] = {OpenMode::read, OpenMode::write_binary, OpenMode::append_binary};
    console[fd] = open(":tt", modes[fd]);
  }
  return console[fd];
}

}  // namespace semihosting
