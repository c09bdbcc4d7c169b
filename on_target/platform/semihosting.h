// Arm semihosting (the debugger interface QEMU implements with -semihosting): the images'
// only channel to the host. Console output, the command line, host files, the exit status.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace semihosting {

// Open modes of SYS_OPEN (ISO C fopen modes "r", "rb", "wb", "ab"). On the special path
// ":tt" read / write / append open the host's stdin / stdout / stderr.
enum class OpenMode : int32_t { read = 0, read_binary = 1, write_binary = 5, append_binary = 9 };

// A host file handle, or -1. Paths are relative to QEMU's working directory: pass absolute ones.
int32_t open(const char* path, OpenMode mode);
// Bytes NOT transferred (0 on success), as the semihosting calls define it; -1 on error.
int32_t read(int32_t handle, void* buffer, size_t length);
int32_t write(int32_t handle, const void* buffer, size_t length);
int32_t close(int32_t handle);
int32_t seek(int32_t handle, int32_t position);  // absolute position; 0 on success
int32_t file_length(int32_t handle);             // -1 on error

// The text after the image name as QEMU got it in -append, including the image name first.
// Returns false when it does not fit (size includes the terminating zero).
bool command_line(char* buffer, size_t size);

// Ends the emulation; the status becomes QEMU's exit status (modulo 256 on the host).
[[noreturn]] void exit(int32_t status);

// The console, through handles opened on ":tt" (stdin / stdout / stderr).
int32_t console_handle(int fd);

}  // namespace semihosting
