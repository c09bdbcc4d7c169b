#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

#include <cxxabi.h>

#include "fuzz_target.h"

namespace fuzz {

[[noreturn]] void abort_on_unexpected(const std::string& name) {
  std::string type = "unknown exception", what;
  try {
    throw;
  } catch (const std::exception& e) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
    type = status == 0 && demangled ? demangled : typeid(e).name();
    std::free(demangled);
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "%s: unexpected %s (only conf::GoldenError may escape a loader): %s\n", name.c_str(),
               type.c_str(), what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  fuzz::run_one(text, "fuzz-input.json");
  return 0;
}
