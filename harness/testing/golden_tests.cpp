#include "conf/golden_tests.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <iostream>

#include "conf/golden.h"

namespace conf::testing {

namespace {

std::string test_name(const std::string& root, const std::string& file) {
  std::string name = std::filesystem::relative(file, root).replace_extension().string();
  if (name.empty() || name == ".") name = std::filesystem::path(file).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
  }
  return name;
}

class FileTest : public ::testing::Test {
 public:
  FileTest(std::string file, std::function<void(const std::string&)> replay)
      : file_(std::move(file)), replay_(std::move(replay)) {}
  void TestBody() override { replay_(file_); }

 private:
  std::string file_;
  std::function<void(const std::string&)> replay_;
};

}  // namespace

int register_golden_tests(const std::string& suite, const std::function<bool(const std::string& format)>& accept,
                          const std::function<void(const std::string& file)>& replay) {
  const std::string root = golden_dir();
  std::vector<std::string> files;
  if (std::filesystem::is_regular_file(root)) {
    files.push_back(root);
  } else {
    try {
      for (const std::string& f : list_golden_files(root)) {
        if (accept(golden_format_of(f))) files.push_back(f);
      }
    } catch (const std::exception& e) {
      std::cerr << e.what() << " (set CONFORMANCE_GOLDEN_DIR to a folder or a file)\n";
      return 2;
    }
  }
  if (files.empty()) {
    std::cerr << "no golden files for " << suite << " under " << root << "\n";
    return 2;
  }
  const std::string base =
      std::filesystem::is_regular_file(root) ? std::filesystem::path(root).parent_path().string() : root;
  for (const std::string& file : files) {
    ::testing::RegisterTest(suite.c_str(), test_name(base, file).c_str(), nullptr, file.c_str(), __FILE__, __LINE__,
                            [file, replay]() -> ::testing::Test* { return new FileTest(file, replay); });
  }
  return 0;
}

}  // namespace conf::testing
