#include "conf/target_kernels.h"

#include <stdexcept>

#include "conf/guarded_buffer.h"
#include "tk/conv.h"

namespace conf {

namespace {

// The fields conv and depthwise parameters share.
template <class Params>
Params common_params(const ConvCase& c) {
  Params p{};
  p.input_offset = c.input_offset;
  p.output_offset = c.output_offset;
  p.stride = {c.stride_h, c.stride_w};
  p.padding = {c.pad_top, c.pad_left};
  p.dilation = {c.dilation_h, c.dilation_w};
  p.activation = {c.activation_min, c.activation_max};
  return p;
}

tk::ConvParams conv_params(const ConvCase& c) {
  auto p = common_params<tk::ConvParams>(c);
  p.groups = c.groups;
  return p;
}

tk::DepthwiseParams depthwise_params(const ConvCase& c) {
  auto p = common_params<tk::DepthwiseParams>(c);
  p.depth_multiplier = c.depth_multiplier;
  return p;
}

tk::Dims input_dims(const ConvCase& c) { return {c.batch, c.in_h, c.in_w, c.in_channels}; }
tk::Dims output_dims(const ConvCase& c) { return {c.batch, c.out_h(), c.out_w(), c.out_channels}; }
tk::Dims filter_dims(const ConvCase& c) {
  if (c.kind == ConvKind::depthwise) return {1, c.kernel_h, c.kernel_w, c.out_channels};
  return {c.out_channels, c.kernel_h, c.kernel_w, c.weight_in_channels()};
}

template <class Path, int Count>
bool find_path(const std::string& name, Path& found) {
  for (int i = 0; i < Count; ++i) {
    const auto p = static_cast<Path>(i);
    if (name == tk::path_name(p)) {
      found = p;
      return true;
    }
  }
  return false;
}

// The forced path of a case kind, or nothing for the wrapper; throws for unknown names.
struct PathChoice {
  bool forced = false;
  tk::ConvPath conv{};
  tk::DepthwisePath depthwise{};
};

PathChoice choose(const ConvCase& c, const std::string& path) {
  PathChoice choice;
  if (path.empty()) return choice;
  choice.forced = true;
  const bool known = c.kind == ConvKind::conv
                         ? find_path<tk::ConvPath, tk::kConvPathCount>(path, choice.conv)
                         : find_path<tk::DepthwisePath, tk::kDepthwisePathCount>(path, choice.depthwise);
  if (!known) {
    throw std::invalid_argument("unknown " + std::string(kind_name(c.kind)) + " path '" + path + "'");
  }
  return choice;
}

// Element counts beyond this are treated as unallocatable: such calls must be refused.
constexpr int64_t kMaxBufferElements = int64_t{1} << 28;

size_t buffer_elements(const tk::Dims& d) {
  if (d.n < 1 || d.h < 1 || d.w < 1 || d.c < 1) return 0;
  const int64_t count = int64_t{d.n} * d.h * d.w * d.c;
  return count > kMaxBufferElements ? 0 : static_cast<size_t>(count);
}

class TargetKernelSet : public KernelSet {
 public:
  explicit TargetKernelSet(std::string path) : path_(std::move(path)) {}
  std::string name() const override { return path_.empty() ? "target" : "target/" + path_; }
  ref::Rounding rounding() const override { return target_rounding(); }
  RunOutcome run(const ConvCase& c) const override { return run_target(c, path_, Defect::none); }
  bool reports_target_status_names() const override { return true; }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<KernelSet> make_target_kernel_set(const std::string& path) {
  if (!path.empty()) {
    ConvCase probe;
    probe.kind = path.rfind("depthwise", 0) == 0 ? ConvKind::depthwise : ConvKind::conv;
    choose(probe, path);  // throws for an unknown name
  }
  return std::make_unique<TargetKernelSet>(path);
}

std::vector<std::string> target_paths(ConvKind kind) {
  std::vector<std::string> names;
  if (kind == ConvKind::conv) {
    for (int i = 0; i < tk::kConvPathCount; ++i) names.emplace_back(tk::path_name(static_cast<tk::ConvPath>(i)));
  } else {
    for (int i = 0; i < tk::kDepthwisePathCount; ++i) {
      names.emplace_back(tk::path_name(static_cast<tk::DepthwisePath>(i)));
    }
  }
  return names;
}

std::string target_selected_path(const ConvCase& c) {
  if (c.kind == ConvKind::conv) {
    return tk::path_name(tk::conv_s8_select_path(conv_params(c), input_dims(c), filter_dims(c), output_dims(c)));
  }
  return tk::path_name(
      tk::depthwise_s8_select_path(depthwise_params(c), input_dims(c), filter_dims(c), output_dims(c)));
}

int64_t target_scratch_size(const ConvCase& c, const std::string& path) {
  const PathChoice choice = choose(c, path);
  if (c.kind == ConvKind::conv) {
    return choice.forced ? tk::conv_s8_path_get_buffer_size(choice.conv, conv_params(c), input_dims(c),
                                                             filter_dims(c), output_dims(c))
                         : tk::conv_s8_get_buffer_size(conv_params(c), input_dims(c), filter_dims(c), output_dims(c));
  }
  return choice.forced ? tk::depthwise_s8_path_get_buffer_size(choice.depthwise, depthwise_params(c), input_dims(c),
                                                                filter_dims(c), output_dims(c))
                       : tk::depthwise_s8_get_buffer_size(depthwise_params(c), input_dims(c), filter_dims(c),
                                                          output_dims(c));
}

ref::Rounding target_rounding() {
  return tk::rounding_mode() == tk::Rounding::single_rounding ? ref::Rounding::single_rounding
                                                                : ref::Rounding::double_rounding;
}

int32_t target_requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  return tk::requantize(acc, multiplier, shift);
}

RunOutcome run_target(const ConvCase& c, const std::string& path, Defect defect) {
  const PathChoice choice = choose(c, path);
  RunOutcome outcome;

  // Read-only arguments are exact-size copies: the sanitizer build sees any over-read, and
  // comparing them afterwards catches writes. Output and scratch carry guard zones, which
  // catch stray writes in every build.
  std::vector<int8_t> input(c.input), filter(c.weight);
  std::vector<int32_t> bias(c.bias), multiplier(c.multiplier), shift(c.shift);
  GuardedBuffer output(buffer_elements(output_dims(c)), 6);
  const int64_t wanted = target_scratch_size(c, path);
  int64_t scratch_bytes = wanted > 0 ? wanted : 0;
  if (defect == Defect::short_scratch && scratch_bytes > 0) scratch_bytes -= 1;
  GuardedBuffer scratch(static_cast<size_t>(scratch_bytes), 7);

  // An empty vector may have no storage; a valid-looking pointer keeps NULL checks honest.
  static const int8_t kEmpty8[1] = {0};
  static const int32_t kEmpty32[1] = {0};
  const int8_t* in_ptr = defect == Defect::null_input ? nullptr : input.empty() ? kEmpty8 : input.data();
  const int8_t* filter_ptr = defect == Defect::null_filter ? nullptr : filter.empty() ? kEmpty8 : filter.data();
  const int32_t* bias_ptr = c.has_bias ? (bias.empty() ? kEmpty32 : bias.data()) : nullptr;
  int8_t* out_ptr = defect == Defect::null_output ? nullptr : reinterpret_cast<int8_t*>(output.data());
  const tk::PerChannelRequant requant{
      defect == Defect::null_multiplier ? nullptr : multiplier.empty() ? kEmpty32 : multiplier.data(),
      defect == Defect::null_shift ? nullptr : shift.empty() ? kEmpty32 : shift.data()};
  const tk::Scratch scratch_arg{defect == Defect::null_scratch ? nullptr : scratch.data(),
                                static_cast<int32_t>(scratch_bytes)};

  tk::Status status;
  if (c.kind == ConvKind::conv) {
    const tk::ConvParams p = conv_params(c);
    status = choice.forced ? tk::conv_s8_path(choice.conv, scratch_arg, p, requant, input_dims(c), in_ptr,
                                              filter_dims(c), filter_ptr, bias_ptr, output_dims(c), out_ptr)
                           : tk::conv_s8(scratch_arg, p, requant, input_dims(c), in_ptr, filter_dims(c), filter_ptr,
                                         bias_ptr, output_dims(c), out_ptr);
  } else {
    const tk::DepthwiseParams p = depthwise_params(c);
    status = choice.forced ? tk::depthwise_s8_path(choice.depthwise, scratch_arg, p, requant, input_dims(c), in_ptr,
                                                   filter_dims(c), filter_ptr, bias_ptr, output_dims(c), out_ptr)
                           : tk::depthwise_s8(scratch_arg, p, requant, input_dims(c), in_ptr, filter_dims(c),
                                              filter_ptr, bias_ptr, output_dims(c), out_ptr);
  }

  outcome.status = tk::status_name(status);
  if (status != tk::Status::ok) outcome.message = tk::status_message(status);
  outcome.path = path.empty() && status == tk::Status::ok ? target_selected_path(c) : path;
  outcome.output = output.body_as_int8();

  auto& errors = outcome.integrity_errors;
  for (const auto* b : {&output, &scratch}) {
    const auto found = b->guard_violations(b == &output ? "output" : "scratch");
    errors.insert(errors.end(), found.begin(), found.end());
  }
  if (input != c.input) errors.emplace_back("the input was modified");
  if (filter != c.weight) errors.emplace_back("the filter was modified");
  if (bias != c.bias) errors.emplace_back("the bias was modified");
  if (multiplier != c.multiplier) errors.emplace_back("the multiplier array was modified");
  if (shift != c.shift) errors.emplace_back("the shift array was modified");
  if (status != tk::Status::ok) {
    if (!output.body_untouched()) errors.emplace_back("a refused call wrote to the output");
    if (!scratch.body_untouched()) errors.emplace_back("a refused call wrote to the scratch buffer");
  }
  return outcome;
}

struct PreparedTargetCall::State {
  ConvCase c;
  PathChoice choice;
  std::vector<uint8_t> scratch;
  std::vector<int8_t> output;
};

PreparedTargetCall::PreparedTargetCall(const ConvCase& c, const std::string& path) : state_(new State{c, choose(c, path), {}, {}}) {
  const int64_t scratch = target_scratch_size(c, path);
  if (scratch < 0) {
    delete state_;
    throw std::invalid_argument("the kernels refuse " + describe(c));
  }
  state_->scratch.resize(static_cast<size_t>(scratch));
  state_->output.resize(static_cast<size_t>(c.output_elements()));
  const std::string status = run();
  if (status != "ok") {
    delete state_;
    throw std::invalid_argument("the kernels refuse " + describe(c) + ": " + status);
  }
}

PreparedTargetCall::~PreparedTargetCall() { delete state_; }

const std::vector<int8_t>& PreparedTargetCall::output() const { return state_->output; }

const char* PreparedTargetCall::run() {
  State& s = *state_;
  const ConvCase& c = s.c;
  const tk::Scratch scratch{s.scratch.data(), static_cast<int32_t>(s.scratch.size())};
  const tk::PerChannelRequant requant{c.multiplier.data(), c.shift.data()};
  const int32_t* bias = c.has_bias ? c.bias.data() : nullptr;
  tk::Status status;
  if (c.kind == ConvKind::conv) {
    status = s.choice.forced ? tk::conv_s8_path(s.choice.conv, scratch, conv_params(c), requant, input_dims(c),
                                                c.input.data(), filter_dims(c), c.weight.data(), bias, output_dims(c),
                                                s.output.data())
                             : tk::conv_s8(scratch, conv_params(c), requant, input_dims(c), c.input.data(),
                                           filter_dims(c), c.weight.data(), bias, output_dims(c), s.output.data());
  } else {
    status = s.choice.forced
                 ? tk::depthwise_s8_path(s.choice.depthwise, scratch, depthwise_params(c), requant, input_dims(c),
                                         c.input.data(), filter_dims(c), c.weight.data(), bias, output_dims(c),
                                         s.output.data())
                 : tk::depthwise_s8(scratch, depthwise_params(c), requant, input_dims(c), c.input.data(),
                                    filter_dims(c), c.weight.data(), bias, output_dims(c), s.output.data());
  }
  return tk::status_name(status);
}

}  // namespace conf
