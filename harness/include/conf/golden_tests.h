// One gtest test per golden file, discovered at run time, shared by the op-level and the
// model-graph replays (each takes the files of its own format).
#pragma once

#include <functional>
#include <string>

namespace conf::testing {

// Registers a test "<suite>.<path relative to the golden folder>" for every file under
// conf::golden_dir() (a folder, searched recursively, or one file) whose "format" field
// `accept` takes ("" for files that are not JSON with a format, so malformed files can be
// reported by a replay). Returns 0, or prints why nothing can run and returns 2.
int register_golden_tests(const std::string& suite, const std::function<bool(const std::string& format)>& accept,
                          const std::function<void(const std::string& file)>& replay);

}  // namespace conf::testing
