// The ops the IR knows: for each, its argument schema, how its output metadata follows from
// its inputs (used by the verifier and by passes creating nodes), and how to run it.
//
// Op definitions live in src/ops_*.cpp, one file per family, each with a register_*_ops()
// function the registry calls once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "conf/kernel_set.h"
#include "lower/ir.h"
#include "lower/value.h"

namespace lower {

enum class ArgKind {
  tensor,           // NodeRef
  optional_tensor,  // NodeRef or None
  tensor_list,      // list of NodeRef
  integer,          // int64
  optional_integer, // int64 or None
  real,             // double (an int is accepted)
  optional_real,    // double, int or None
  boolean,
  int_list,
  optional_int_list,
  real_list,        // list of doubles (ints accepted)
  optional_real_list,
  string,           // dtype names, padding modes
};
const char* arg_kind_name(ArgKind kind);

struct ArgSpec {
  std::string name;
  ArgKind kind;
  std::optional<Arg> default_value;  // absent: the argument is required
};

// Typed read access to a call's arguments, defaults applied. Every accessor throws IrError
// naming the op, the argument and the problem.
class CallArgs {
 public:
  CallArgs(const Node& node, const struct OpDef& def);
  const Node& node() const { return node_; }
  const std::string& op() const;

  bool is_none(size_t i) const;
  const std::string& tensor(size_t i) const;             // the referenced node's name
  std::vector<std::string> tensors(size_t i) const;      // a tensor list
  int64_t integer(size_t i) const;
  double real(size_t i) const;
  bool boolean(size_t i) const;
  std::vector<int64_t> ints(size_t i) const;
  std::vector<double> reals(size_t i) const;
  const std::string& string(size_t i) const;

  [[noreturn]] void fail(size_t i, const std::string& problem) const;
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  const Arg& get(size_t i) const;
  const Node& node_;
  const struct OpDef& def_;
};

// Metadata of the tensors a call reads, by node name (the node's first output, or the one a
// getitem selects is handled by the getitem op itself).
using MetaLookup = std::function<const std::vector<TensorMeta>&(const std::string& name)>;
// Values a call reads, by node name.
using ValueLookup = std::function<const std::vector<Value>&(const std::string& name)>;

struct RunContext {
  // Runs the cortex_m convolution ops: the target kernels, the reference, or any other
  // implementation behind the conf::KernelSet interface. Null: those ops refuse to run.
  const conf::KernelSet* kernels = nullptr;
};

struct OpDef {
  std::string name;
  std::vector<ArgSpec> args;
  // Output metadata from the inputs' metadata and the arguments; throws IrError when the
  // call is malformed (wrong ranks, shapes that do not fit, dim orders the op refuses).
  std::function<std::vector<TensorMeta>(const CallArgs&, const MetaLookup&)> infer;
  // Computes the outputs. Inputs are checked against infer() before run() is called, and
  // outputs must be laid out in the dim order infer() gives.
  std::function<std::vector<Value>(const CallArgs&, const ValueLookup&, const RunContext&)> run;
};

// Registers an op definition; throws on a duplicate name.
bool register_op(OpDef def);
// nullptr when unknown.
const OpDef* find_op(const std::string& name);
std::vector<std::string> known_ops();

// Every op file defines one of these and the registry calls them once, so linking the
// static library never drops an op family.
void register_elementwise_ops();
void register_shape_ops();
void register_conv_ops();
void register_quant_ops();
void register_reduction_ops();
void register_cortex_m_ops();

}  // namespace lower
