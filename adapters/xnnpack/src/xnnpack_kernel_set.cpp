#include "conf/xnnpack_kernel_set.h"

#include <xnnpack.h>

#include <cstring>
#include <stdexcept>

#include "conf/guarded_buffer.h"

namespace conf {

namespace {

const char* status_name(xnn_status status) {
  switch (status) {
    case xnn_status_success: return "ok";
    case xnn_status_uninitialized: return "xnn_status_uninitialized";
    case xnn_status_invalid_parameter: return "xnn_status_invalid_parameter";
    case xnn_status_invalid_state: return "xnn_status_invalid_state";
    case xnn_status_unsupported_parameter: return "xnn_status_unsupported_parameter";
    case xnn_status_unsupported_hardware: return "xnn_status_unsupported_hardware";
    case xnn_status_out_of_memory: return "xnn_status_out_of_memory";
  }
  return "xnn_status_unknown";
}

// xnn_initialize is reference counted and cheap after the first call; once per process is
// enough (and keeps a forked, isolated child from initializing again).
xnn_status initialize_once() {
  static const xnn_status status = xnn_initialize(nullptr);
  return status;
}

bool fits_int8(int32_t v) { return v >= -128 && v <= 127; }

// Owns an operator for the scope of one call.
struct Operator {
  xnn_operator_t op = nullptr;
  Operator() = default;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;
  ~Operator() {
    if (op != nullptr) xnn_delete_operator(op);
  }
};

xnn_status create(const ConvCase& c, const int8_t* weight, const int32_t* bias, xnn_operator_t* op) {
  const bool depthwise = c.kind == ConvKind::depthwise;
  const uint32_t groups = static_cast<uint32_t>(depthwise ? c.in_channels : c.groups);
  const size_t group_in = depthwise ? 1 : static_cast<size_t>(c.weight_in_channels());
  const size_t group_out = static_cast<size_t>(depthwise ? c.depth_multiplier : c.out_channels / c.groups);
  const std::vector<float> scales = xnnpack_kernel_scales(c);
  return xnn_create_convolution2d_nhwc_qc8(
      static_cast<uint32_t>(c.pad_top), static_cast<uint32_t>(c.pad_right), static_cast<uint32_t>(c.pad_bottom),
      static_cast<uint32_t>(c.pad_left), static_cast<uint32_t>(c.kernel_h), static_cast<uint32_t>(c.kernel_w),
      static_cast<uint32_t>(c.stride_h), static_cast<uint32_t>(c.stride_w), static_cast<uint32_t>(c.dilation_h),
      static_cast<uint32_t>(c.dilation_w), groups, group_in, group_out, /*input_channel_stride=*/groups * group_in,
      /*output_channel_stride=*/groups * group_out, static_cast<int8_t>(-c.input_offset), /*input_scale=*/1.0f,
      scales.data(), weight, bias, static_cast<int8_t>(c.output_offset), /*output_scale=*/1.0f,
      static_cast<int8_t>(c.activation_min), static_cast<int8_t>(c.activation_max),
      depthwise ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0u, op);
}

xnn_status setup(const ConvCase& c, xnn_operator_t op, const int8_t* input, int8_t* output) {
  return xnn_setup_convolution2d_nhwc_qc8(op, static_cast<size_t>(c.batch), static_cast<size_t>(c.in_h),
                                          static_cast<size_t>(c.in_w), input, output, /*threadpool=*/nullptr);
}

// Checks that a guarded input still holds what was copied in.
void check_unchanged(const GuardedBuffer& buffer, const void* original, const std::string& what,
                     std::vector<std::string>& errors) {
  const auto guard = buffer.guard_violations(what);
  errors.insert(errors.end(), guard.begin(), guard.end());
  if (buffer.size() > 0 && std::memcmp(buffer.data(), original, buffer.size()) != 0) {
    errors.push_back(what + " was modified by the call");
  }
}

class XnnpackKernelSet : public KernelSet {
 public:
  std::string name() const override { return "xnnpack"; }
  ref::Rounding rounding() const override { return ref::Rounding::float_half_even; }

  RunOutcome run(const ConvCase& c) const override {
    RunOutcome outcome;
    outcome.path = c.kind == ConvKind::depthwise ? "xnn_depthwise" : (c.groups > 1 ? "xnn_grouped" : "xnn_dense");
    // XNNPACK sees channel counts and strides, not tensor sizes: a case whose tensors do not
    // match its channel arithmetic would be read out of bounds, not refused.
    try {
      check_consistent(c);
    } catch (const std::invalid_argument& e) {
      outcome.status = "inconsistent_case";
      outcome.message = std::string("not passed to XNNPACK: ") + e.what();
      return outcome;
    }
    const std::string why_not = xnnpack_unsupported_reason(c);
    if (!why_not.empty()) {
      outcome.status = kUnsupportedStatus;
      outcome.message = why_not;
      return outcome;
    }
    const xnn_status init = initialize_once();
    if (init != xnn_status_success) {
      outcome.status = status_name(init);
      outcome.message = "xnn_initialize failed";
      return outcome;
    }
    // Guard zones of 64 bytes cover XNNPACK's documented over-read of XNN_EXTRA_BYTES.
    GuardedBuffer input(c.input.size(), 0x11), weight(c.weight.size(), 0x22),
        bias(c.has_bias ? c.bias.size() * sizeof(int32_t) : 0, 0x33),
        output(static_cast<size_t>(c.output_elements()), 0x44);
    input.fill(c.input.data(), c.input.size());
    weight.fill(c.weight.data(), c.weight.size());
    if (c.has_bias) bias.fill(c.bias.data(), bias.size());

    Operator op;
    xnn_status status = create(c, reinterpret_cast<const int8_t*>(weight.data()),
                               c.has_bias ? reinterpret_cast<const int32_t*>(bias.data()) : nullptr, &op.op);
    if (status == xnn_status_success) {
      status = setup(c, op.op, reinterpret_cast<const int8_t*>(input.data()), reinterpret_cast<int8_t*>(output.data()));
    }
    if (status == xnn_status_success) status = xnn_run_operator(op.op, /*threadpool=*/nullptr);
    outcome.status = status_name(status);
    if (status != xnn_status_success) {
      outcome.message = "XNNPACK refused the case (its log says why when built with logging)";
    }
    check_unchanged(input, c.input.data(), "input", outcome.integrity_errors);
    check_unchanged(weight, c.weight.data(), "weight", outcome.integrity_errors);
    if (c.has_bias) check_unchanged(bias, c.bias.data(), "bias", outcome.integrity_errors);
    const auto guard = output.guard_violations("output");
    outcome.integrity_errors.insert(outcome.integrity_errors.end(), guard.begin(), guard.end());
    if (status == xnn_status_success) {
      outcome.output = output.body_as_int8();
    } else if (!output.body_untouched()) {
      outcome.integrity_errors.push_back("a refused call wrote to the output");
    }
    return outcome;
  }
};

}  // namespace

std::vector<float> xnnpack_kernel_scales(const ConvCase& c) {
  std::vector<float> scales(c.multiplier.size());
  for (size_t i = 0; i < scales.size(); ++i) scales[i] = ref::float_scale(c.multiplier[i], c.shift[i]);
  return scales;
}

std::string xnnpack_unsupported_reason(const ConvCase& c) {
  if (c.pad_top < 0 || c.pad_bottom < 0 || c.pad_left < 0 || c.pad_right < 0) {
    return "negative padding (XNNPACK's padding is unsigned)";
  }
  // Geometry XNNPACK must refuse itself (stride 0, ...) goes through; a forced output size
  // it cannot be told about does not.
  const bool positive = c.stride_h > 0 && c.stride_w > 0 && c.dilation_h > 0 && c.dilation_w > 0 &&
                        c.kernel_h > 0 && c.kernel_w > 0;
  ConvCase derived = c;
  derived.out_h_override = derived.out_w_override = 0;
  if (positive && (c.out_h() != derived.out_h() || c.out_w() != derived.out_w())) {
    return "a forced output size (XNNPACK derives it from the geometry)";
  }
  if (!fits_int8(-c.input_offset)) {
    return "input zero point " + std::to_string(-c.input_offset) + " outside int8";
  }
  if (!fits_int8(c.output_offset)) return "output zero point " + std::to_string(c.output_offset) + " outside int8";
  if (!fits_int8(c.activation_min) || !fits_int8(c.activation_max) || c.activation_min >= c.activation_max) {
    return "activation range [" + std::to_string(c.activation_min) + ", " + std::to_string(c.activation_max) +
           "] (XNNPACK wants int8 bounds with min < max)";
  }
  const std::vector<float> scales = xnnpack_kernel_scales(c);
  for (size_t i = 0; i < scales.size(); ++i) {
    if (!(scales[i] > 0.0f) || scales[i] >= 256.0f) {
      return "requantization scale " + std::to_string(scales[i]) + " of output channel " + std::to_string(i) +
             " (XNNPACK wants a normal scale below 256)";
    }
  }
  return "";
}

std::unique_ptr<KernelSet> make_xnnpack_kernel_set() { return std::make_unique<XnnpackKernelSet>(); }

struct PreparedXnnpackCall::State {
  std::vector<int8_t> input, weight, output;
  std::vector<int32_t> bias;
  Operator op;
};

PreparedXnnpackCall::PreparedXnnpackCall(const ConvCase& c) : state_(new State) {
  try {
    const std::string why_not = xnnpack_unsupported_reason(c);
    if (!why_not.empty()) throw std::invalid_argument("XNNPACK cannot run this case: " + why_not);
    const xnn_status init = initialize_once();
    if (init != xnn_status_success) throw std::invalid_argument(std::string("xnn_initialize: ") + status_name(init));
    state_->input = c.input;
    // XNNPACK may read XNN_EXTRA_BYTES past the input.
    state_->input.resize(c.input.size() + XNN_EXTRA_BYTES);
    state_->weight = c.weight;
    state_->bias = c.bias;
    state_->output.assign(static_cast<size_t>(c.output_elements()), 0);
    xnn_status status = create(c, state_->weight.data(), c.has_bias ? state_->bias.data() : nullptr, &state_->op.op);
    if (status == xnn_status_success) status = setup(c, state_->op.op, state_->input.data(), state_->output.data());
    if (status != xnn_status_success) throw std::invalid_argument(std::string("XNNPACK: ") + status_name(status));
  } catch (...) {
    delete state_;
    throw;
  }
}

PreparedXnnpackCall::~PreparedXnnpackCall() { delete state_; }

const char* PreparedXnnpackCall::run() { return status_name(xnn_run_operator(state_->op.op, nullptr)); }

const std::vector<int8_t>& PreparedXnnpackCall::output() const { return state_->output; }

}  // namespace conf
