// Crash isolation: a kernel set decorator that runs every case in a child process with a
// time limit, so an implementation under test that segfaults, aborts or hangs produces a
// failed RunOutcome for that case (and the run, and rapidcheck's shrinking, go on).
//
// A crash becomes an outcome whose status names it, never a status any kernel returns:
//   "crashed: SIGSEGV"                 the child died of a signal
//   "timed out after 2000 ms"          the child was killed at the time limit
//   "exited 3 without a result"        the child left (exit, abort handler, sanitizer
//                                      report) before sending its outcome
// and whose message says what happened and that the child's stderr precedes it. Every
// comparison that expects "ok" then reports the case with its counterexample and replay
// command as usual.
//
// Guard bytes stay the inner set's job (an out-of-bounds write that does not crash is
// reported by the inner set through RunOutcome::integrity_errors, which cross the pipe).
//
// Environment
//   CONFORMANCE_CASE_TIMEOUT_MS   time limit per case (default 5000; wall clock)
//   CONFORMANCE_ISOLATION         "on" / "off": overrides the default of isolation_wanted()
//
// The child is a fork() of the test process: the inner set must not rely on threads the
// parent started before the fork (XNNPACK with a NULL thread pool is fine). It leaves with
// _exit, so no atexit handler, stdio flush or leak check runs twice.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "conf/kernel_set.h"

namespace conf {

// The time limit for one case: CONFORMANCE_CASE_TIMEOUT_MS when set to a positive number,
// else 5000 ms. Throws std::invalid_argument when the variable is set but not a number.
std::chrono::milliseconds case_timeout_from_env();

// Whether a kernel set should run isolated: CONFORMANCE_ISOLATION=on|off when set,
// else `default_on` (true for external implementations, false for the project's own).
// Throws std::invalid_argument for another value.
bool isolation_wanted(bool default_on);

// Wraps `inner`: name() and rounding() are the inner set's, run() forks. The timeout must
// be positive.
std::unique_ptr<KernelSet> make_isolated_kernel_set(std::unique_ptr<KernelSet> inner,
                                                    std::chrono::milliseconds timeout = case_timeout_from_env());

// Whether a status was produced by the isolation (a crash, a hang, an exit), not by a kernel.
bool is_isolation_failure(const std::string& status);

// The pipe format between child and parent, exposed for tests: length-prefixed fields.
std::string serialize_outcome(const RunOutcome& outcome);
// Returns false when `bytes` is not exactly one serialized outcome (truncated or trailing).
bool deserialize_outcome(const std::string& bytes, RunOutcome& outcome);

}  // namespace conf
