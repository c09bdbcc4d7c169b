// The CMSIS-NN API adapter proper: compiled only when configure was given the library.
#include <stdexcept>
#include <string>
#include <vector>

#include "arm_nnfunctions.h"
#include "conf/cmsis_nn_kernel_set.h"
#include "conf/guarded_buffer.h"

namespace conf {

namespace {

const char* status_name(arm_cmsis_nn_status status) {
  switch (status) {
    case ARM_CMSIS_NN_SUCCESS: return "ok";
    case ARM_CMSIS_NN_ARG_ERROR: return "arm_cmsis_nn_arg_error";
    case ARM_CMSIS_NN_NO_IMPL_ERROR: return "arm_cmsis_nn_no_impl_error";
    case ARM_CMSIS_NN_FAILURE: return "arm_cmsis_nn_failure";
  }
  return "arm_cmsis_nn_unknown_status";
}

cmsis_nn_tile tile(int32_t w, int32_t h) {
  cmsis_nn_tile t;
  t.w = w;
  t.h = h;
  return t;
}

cmsis_nn_dims dims(int32_t n, int32_t h, int32_t w, int32_t c) {
  cmsis_nn_dims d;
  d.n = n;
  d.h = h;
  d.w = w;
  d.c = c;
  return d;
}

template <typename Params>
void fill_common(Params& p, const ConvCase& c) {
  p.input_offset = c.input_offset;
  p.output_offset = c.output_offset;
  p.stride = tile(c.stride_w, c.stride_h);
  p.padding = tile(c.pad_left, c.pad_top);
  p.dilation = tile(c.dilation_w, c.dilation_h);
  p.activation.min = c.activation_min;
  p.activation.max = c.activation_max;
}

class CmsisNnKernelSet : public KernelSet {
 public:
  std::string name() const override { return "cmsis-nn"; }
  ref::Rounding rounding() const override { return cmsis_nn_configured_rounding(); }

  RunOutcome run(const ConvCase& c) const override {
    RunOutcome outcome;
    if (const std::string reason = cmsis_nn_unsupported_reason(c); !reason.empty()) {
      outcome.status = kUnsupportedStatus;
      outcome.message = reason;
      return outcome;
    }
    outcome.path = cmsis_nn_documented_path(c);

    // Read-only arguments are exact-size copies compared afterwards; output and scratch
    // carry guard zones that catch stray writes in every build.
    std::vector<int8_t> input(c.input), filter(c.weight);
    std::vector<int32_t> bias(c.bias), multiplier(c.multiplier), shift(c.shift);
    const cmsis_nn_dims input_dims = dims(c.batch, c.in_h, c.in_w, c.in_channels);
    const cmsis_nn_dims output_dims = dims(c.batch, c.out_h(), c.out_w(), c.out_channels);
    const cmsis_nn_dims bias_dims = dims(1, 1, 1, c.out_channels);
    const cmsis_nn_per_channel_quant_params requant{multiplier.data(), shift.data()};
    const int32_t* bias_ptr = c.has_bias ? bias.data() : nullptr;
    GuardedBuffer output(static_cast<size_t>(c.output_elements()), 11);
    int8_t* out_ptr = reinterpret_cast<int8_t*>(output.data());

    arm_cmsis_nn_status status;
    int32_t scratch_bytes = 0;
    std::vector<GuardedBuffer> scratch;  // at most one; a vector so it is built after its size is known
    if (c.kind == ConvKind::conv) {
      cmsis_nn_conv_params p;
      fill_common(p, c);
      const cmsis_nn_dims filter_dims = dims(c.out_channels, c.kernel_h, c.kernel_w, c.weight_in_channels());
      scratch_bytes = arm_convolve_wrapper_s8_get_buffer_size(&p, &input_dims, &filter_dims, &output_dims);
      if (scratch_bytes < 0) return refused_size(outcome, scratch_bytes);
      scratch.emplace_back(static_cast<size_t>(scratch_bytes), 12);
      const cmsis_nn_context ctx{scratch[0].data(), scratch_bytes};
      status = arm_convolve_wrapper_s8(&ctx, &p, &requant, &input_dims, input.data(), &filter_dims, filter.data(),
                                       &bias_dims, bias_ptr, &output_dims, out_ptr);
    } else {
      cmsis_nn_dw_conv_params p;
      fill_common(p, c);
      p.ch_mult = c.depth_multiplier;
      const cmsis_nn_dims filter_dims = dims(1, c.kernel_h, c.kernel_w, c.out_channels);
      scratch_bytes = arm_depthwise_conv_wrapper_s8_get_buffer_size(&p, &input_dims, &filter_dims, &output_dims);
      if (scratch_bytes < 0) return refused_size(outcome, scratch_bytes);
      scratch.emplace_back(static_cast<size_t>(scratch_bytes), 12);
      const cmsis_nn_context ctx{scratch[0].data(), scratch_bytes};
      status = arm_depthwise_conv_wrapper_s8(&ctx, &p, &requant, &input_dims, input.data(), &filter_dims,
                                             filter.data(), &bias_dims, bias_ptr, &output_dims, out_ptr);
    }

    outcome.status = status_name(status);
    if (status != ARM_CMSIS_NN_SUCCESS) {
      outcome.message = "the wrapper refused a case the API can carry (" + outcome.path + ", " +
                        std::to_string(scratch_bytes) + " scratch bytes)";
    }
    outcome.output = output.body_as_int8();
    auto& errors = outcome.integrity_errors;
    for (const auto& found : {output.guard_violations("output"), scratch[0].guard_violations("scratch")}) {
      errors.insert(errors.end(), found.begin(), found.end());
    }
    if (input != c.input) errors.emplace_back("the input was modified");
    if (filter != c.weight) errors.emplace_back("the filter was modified");
    if (bias != c.bias) errors.emplace_back("the bias was modified");
    if (multiplier != c.multiplier) errors.emplace_back("the multiplier array was modified");
    if (shift != c.shift) errors.emplace_back("the shift array was modified");
    if (status != ARM_CMSIS_NN_SUCCESS && !output.body_untouched()) {
      errors.emplace_back("a refused call wrote to the output");
    }
    return outcome;
  }

 private:
  static RunOutcome refused_size(RunOutcome& outcome, int32_t bytes) {
    outcome.status = "arm_cmsis_nn_bad_buffer_size";
    outcome.message = "the *_get_buffer_size function returned " + std::to_string(bytes);
    return outcome;
  }
};

}  // namespace

bool cmsis_nn_available() { return true; }

std::unique_ptr<KernelSet> make_cmsis_nn_kernel_set() { return std::make_unique<CmsisNnKernelSet>(); }

}  // namespace conf
