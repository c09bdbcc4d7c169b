#include "conf/isolated_kernel_set.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <utility>

namespace conf {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kDefaultTimeout{5000};

// The first bytes of every message, so a child that printed to the pipe by accident (or a
// truncated message) is never mistaken for an outcome.
constexpr char kResultTag[4] = {'R', 'O', 'K', '1'};
constexpr char kThrewTag[4] = {'R', 'O', 'E', '1'};

void put_size(std::string& out, uint64_t n) { out.append(reinterpret_cast<const char*>(&n), sizeof n); }
void put_string(std::string& out, const std::string& s) {
  put_size(out, s.size());
  out += s;
}

class Reader {
 public:
  explicit Reader(const std::string& bytes) : bytes_(bytes) {}
  bool size(uint64_t& n) {
    if (bytes_.size() - pos_ < sizeof n) return false;
    std::memcpy(&n, bytes_.data() + pos_, sizeof n);
    pos_ += sizeof n;
    return true;
  }
  bool string(std::string& s) {
    uint64_t n = 0;
    if (!size(n) || bytes_.size() - pos_ < n) return false;
    s.assign(bytes_, pos_, n);
    pos_ += n;
    return true;
  }
  bool tag(const char (&expected)[4]) {
    if (bytes_.size() - pos_ < 4 || std::memcmp(bytes_.data() + pos_, expected, 4) != 0) return false;
    pos_ += 4;
    return true;
  }
  bool at_end() const { return pos_ == bytes_.size(); }

 private:
  const std::string& bytes_;
  size_t pos_ = 0;
};

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    default: return "signal " + std::to_string(sig);
  }
}

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The child's whole life: run the case, send the outcome, leave without running anything
// the parent owns (atexit handlers, stdio buffers, sanitizer leak checks).
[[noreturn]] void child_main(const KernelSet& inner, const ConvCase& c, int write_fd) {
  // The default actions, so a crash is seen by the parent as the signal itself (a
  // sanitizer's handler would turn it into "exit 1" after its report).
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS}) ::signal(sig, SIG_DFL);
  std::string message;
  try {
    message = serialize_outcome(inner.run(c));
  } catch (const std::exception& e) {
    message.assign(kThrewTag, 4);
    put_string(message, e.what());
  } catch (...) {
    message.assign(kThrewTag, 4);
    put_string(message, "an exception that is not a std::exception");
  }
  const bool sent = write_all(write_fd, message);
  std::fflush(nullptr);  // the parent flushed before forking, so this prints only the child's own output
  ::_exit(sent ? 0 : 2);
}

// Reads everything the child sends until it closes the pipe or the deadline passes.
// Returns false on timeout.
bool read_until_eof(int fd, Clock::time_point deadline, std::string& received) {
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw std::runtime_error(std::string("isolated kernel set: poll failed: ") + std::strerror(errno));
    if (ready == 0) return false;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("isolated kernel set: read failed: ") + std::strerror(errno));
    if (n == 0) return true;
    received.append(buffer, static_cast<size_t>(n));
  }
}

// Waits for the child to end, killing it at the deadline. Returns false when it was killed.
// A child that closed its pipe is usually gone within microseconds, so the polling starts
// fine and backs off: a fixed millisecond sleep doubled the cost of a small case.
bool reap(pid_t pid, Clock::time_point deadline, int& wait_status) {
  useconds_t pause = 20;
  for (;;) {
    const pid_t r = ::waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("isolated kernel set: waitpid failed: ") + std::strerror(errno));
    if (Clock::now() >= deadline) break;
    ::usleep(pause);
    pause = std::min<useconds_t>(pause * 2, 2000);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  return false;
}

class IsolatedKernelSet : public KernelSet {
 public:
  IsolatedKernelSet(std::unique_ptr<KernelSet> inner, std::chrono::milliseconds timeout)
      : inner_(std::move(inner)), timeout_(timeout) {
    if (!inner_) throw std::invalid_argument("make_isolated_kernel_set: no kernel set to isolate");
    if (timeout_.count() <= 0) throw std::invalid_argument("make_isolated_kernel_set: the timeout must be positive");
  }

  std::string name() const override { return inner_->name(); }
  ref::Rounding rounding() const override { return inner_->rounding(); }
  bool reports_target_status_names() const override { return inner_->reports_target_status_names(); }

  RunOutcome run(const ConvCase& c) const override {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("isolated kernel set: pipe failed: ") + std::strerror(errno));
    }
    // Whatever the parent buffered must not be printed a second time by the child.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    const auto deadline = Clock::now() + timeout_;
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int error = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      throw std::runtime_error(std::string("isolated kernel set: fork failed: ") + std::strerror(error));
    }
    if (pid == 0) {
      ::close(fds[0]);
      child_main(*inner_, c, fds[1]);
    }
    ::close(fds[1]);
    std::string received;
    bool finished = false;
    try {
      finished = read_until_eof(fds[0], deadline, received);
    } catch (...) {
      ::close(fds[0]);
      ::kill(pid, SIGKILL);
      int ignored = 0;
      ::waitpid(pid, &ignored, 0);
      throw;
    }
    ::close(fds[0]);
    int wait_status = 0;
    // A child that closed its pipe is leaving; give it the rest of the limit to do so.
    const bool ended = reap(pid, finished ? std::max(deadline, Clock::now() + std::chrono::milliseconds(100)) : deadline,
                            wait_status);
    return interpret(pid, ended && finished, wait_status, received);
  }

 private:
  RunOutcome interpret(pid_t pid, bool ended, int wait_status, const std::string& received) const {
    RunOutcome outcome;
    const std::string who = "the " + inner_->name() + " kernel set, run in child process " + std::to_string(pid) + ", ";
    const std::string where =
        " (anything it printed to stderr comes before this report; CONFORMANCE_ISOLATION=off runs it in the test "
        "process, for a debugger or a sanitizer report)";
    if (!ended) {
      outcome.status = "timed out after " + std::to_string(timeout_.count()) + " ms";
      outcome.message = who + "did not finish within " + std::to_string(timeout_.count()) +
                        " ms and was killed (CONFORMANCE_CASE_TIMEOUT_MS sets the limit)" + where;
      return outcome;
    }
    if (WIFSIGNALED(wait_status)) {
      const std::string sig = signal_name(WTERMSIG(wait_status));
      outcome.status = "crashed: " + sig;
      outcome.message = who + "was killed by " + sig + where;
      return outcome;
    }
    const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
    if (code == 0) {
      Reader reader(received);
      std::string what;
      if (reader.tag(kThrewTag) && reader.string(what) && reader.at_end()) {
        throw std::runtime_error(inner_->name() + " threw: " + what);
      }
      if (deserialize_outcome(received, outcome)) return outcome;
    }
    outcome = RunOutcome{};
    outcome.status = "exited " + std::to_string(code) + " without a result";
    outcome.message = who + "exited with status " + std::to_string(code) + " after sending " +
                      std::to_string(received.size()) + " bytes that are not a complete outcome" + where;
    return outcome;
  }

  std::unique_ptr<KernelSet> inner_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::chrono::milliseconds case_timeout_from_env() {
  const char* text = std::getenv("CONFORMANCE_CASE_TIMEOUT_MS");
  if (text == nullptr || *text == '\0') return kDefaultTimeout;
  char* end = nullptr;
  errno = 0;
  const long long ms = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || ms <= 0) {
    throw std::invalid_argument(std::string("CONFORMANCE_CASE_TIMEOUT_MS must be a positive number of milliseconds, not '") +
                                text + "'");
  }
  return std::chrono::milliseconds(ms);
}

bool isolation_wanted(bool default_on) {
  const char* text = std::getenv("CONFORMANCE_ISOLATION");
  if (text == nullptr || *text == '\0') return default_on;
  const std::string value = text;
  if (value == "on" || value == "1") return true;
  if (value == "off" || value == "0") return false;
  throw std::invalid_argument("CONFORMANCE_ISOLATION must be 'on' or 'off', not '" + value + "'");
}

std::unique_ptr<KernelSet> make_isolated_kernel_set(std::unique_ptr<KernelSet> inner, std::chrono::milliseconds timeout) {
  return std::make_unique<IsolatedKernelSet>(std::move(inner), timeout);
}

bool is_isolation_failure(const std::string& status) {
  return status.rfind("crashed: ", 0) == 0 || status.rfind("timed out after ", 0) == 0 ||
         (status.rfind("exited ", 0) == 0 && status.find(" without a result") != std::string::npos);
}

std::string serialize_outcome(const RunOutcome& outcome) {
  std::string out(kResultTag, 4);
  put_string(out, outcome.status);
  put_string(out, outcome.message);
  put_string(out, outcome.path);
  put_string(out, std::string(reinterpret_cast<const char*>(outcome.output.data()), outcome.output.size()));
  put_size(out, outcome.integrity_errors.size());
  for (const auto& e : outcome.integrity_errors) put_string(out, e);
  return out;
}

bool deserialize_outcome(const std::string& bytes, RunOutcome& outcome) {
  Reader reader(bytes);
  RunOutcome parsed;
  std::string output;
  uint64_t errors = 0;
  if (!reader.tag(kResultTag) || !reader.string(parsed.status) || !reader.string(parsed.message) ||
      !reader.string(parsed.path) || !reader.string(output) || !reader.size(errors)) {
    return false;
  }
  parsed.output.assign(output.begin(), output.end());
  for (uint64_t i = 0; i < errors; ++i) {
    std::string e;
    if (!reader.string(e)) return false;
    parsed.integrity_errors.push_back(std::move(e));
  }
  if (!reader.at_end()) return false;
  outcome = std::move(parsed);
  return true;
}

}  // namespace conf
