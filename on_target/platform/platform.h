// What an on-target image may use from the platform beyond newlib's stdio/stdlib (which
// work over semihosting: printf to the host's stdout, fopen/fread on absolute host paths,
// exit(n) as QEMU's exit status, malloc from the heap in the board's LARGE region).
#pragma once

#include "instruction_counter.h"
#include "semihosting.h"

// Places a (large) object in the board's big memory region, loaded there by QEMU.
#define PLATFORM_LARGE __attribute__((section(".large_data")))

namespace platform {

// "mps3-an547" or "mps2-an386".
const char* board_name();
// "cortex-m55" or "cortex-m4".
const char* core_name();

}  // namespace platform
