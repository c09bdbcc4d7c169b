// From reset to main and back: initialized data, zeroed bss, static constructors, argv from
// the semihosting command line, exit status through semihosting.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "semihosting.h"

extern "C" {

// From the board's linker script.
extern uint32_t __data_load;
extern uint32_t __data_start;
extern uint32_t __data_end;
extern uint32_t __bss_start;
extern uint32_t __bss_end;

void __libc_init_array();
// C++ may not call main itself; the image's main is reached through an assembler name.
int image_main(int argc, char** argv) __asm__("main");

// With -nostartfiles there is no crti/crtn: __libc_init_array calls _init, exit calls _fini,
// and C++ static destructors register against __dso_handle.
void* __dso_handle = nullptr;
void _init() {}
void _fini() {}

[[noreturn]] void platform_start() {
  const uint32_t* from = &__data_load;
  for (uint32_t* to = &__data_start; to < &__data_end;) *to++ = *from++;
  for (uint32_t* to = &__bss_start; to < &__bss_end;) *to++ = 0;
  __libc_init_array();

  // argv[0] is the image path, then the words of QEMU's -append (split on spaces).
  static char command_line[4096];
  static char* argv[65];
  int argc = 0;
  if (!semihosting::command_line(command_line, sizeof command_line)) {
    static const char message[] = "platform: command line longer than 4095 bytes\n";
    semihosting::write(semihosting::console_handle(2), message, sizeof message - 1);
    semihosting::exit(2);
  }
  for (char* cursor = strtok(command_line, " "); cursor != nullptr && argc < 64;
       cursor = strtok(nullptr, " ")) {
    argv[argc++] = cursor;
  }
  argv[argc] = nullptr;
  exit(image_main(argc, argv));
}

// A fault ends the run with status 70 and says where, so that a crash never reads as a pass.
[[noreturn]] void platform_report_fault(const uint32_t* frame, uint32_t exception) {
  const volatile uint32_t* cfsr = reinterpret_cast<const volatile uint32_t*>(0xE000ED28);
  const volatile uint32_t* hfsr = reinterpret_cast<const volatile uint32_t*>(0xE000ED2C);
  char message[160];
  const int length = snprintf(message, sizeof message,
                              "platform: fault (exception %lu) at pc=0x%08lx lr=0x%08lx "
                              "CFSR=0x%08lx HFSR=0x%08lx\n",
                              static_cast<unsigned long>(exception),
                              static_cast<unsigned long>(frame[6]),
                              static_cast<unsigned long>(frame[5]),
                              static_cast<unsigned long>(*cfsr),
                              static_cast<unsigned long>(*hfsr));
  semihosting::write(semihosting::console_handle(2), message, static_cast<size_t>(length));
  semihosting::exit(70);
}

}  // extern "C"
