// The call sequence itself: the library's structs filled from a Geometry, the wrapper's
// buffer-size query and the wrapper call. Compiled only where a CMSIS-NN library is given.
#include "arm_nnfunctions.h"
#include "cmsis_nn_call.h"

namespace cmsis_nn_call {

namespace {

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
void fill_common(Params& p, const Geometry& g) {
  p.input_offset = g.input_offset;
  p.output_offset = g.output_offset;
  p.stride = tile(g.stride_w, g.stride_h);
  p.padding = tile(g.pad_left, g.pad_top);
  p.dilation = tile(g.dilation_w, g.dilation_h);
  p.activation.min = g.activation_min;
  p.activation.max = g.activation_max;
}

// Everything one wrapper call takes besides the buffers.
struct Call {
  cmsis_nn_conv_params conv;
  cmsis_nn_dw_conv_params dw;
  cmsis_nn_dims input, filter, bias, output;
};

Call prepare(const Geometry& g) {
  Call c;
  fill_common(c.conv, g);
  fill_common(c.dw, g);
  c.dw.ch_mult = g.depth_multiplier;
  c.input = dims(g.batch, g.in_h, g.in_w, g.in_channels);
  c.output = dims(g.batch, g.out_h, g.out_w, g.out_channels);
  c.bias = dims(1, 1, 1, g.out_channels);
  c.filter = g.kind == Kind::conv ? dims(g.out_channels, g.kernel_h, g.kernel_w, g.filter_in_channels)
                                  : dims(1, g.kernel_h, g.kernel_w, g.out_channels);
  return c;
}

}  // namespace

int32_t scratch_bytes(const Geometry& g) {
  const Call c = prepare(g);
  return g.kind == Kind::conv ? arm_convolve_wrapper_s8_get_buffer_size(&c.conv, &c.input, &c.filter, &c.output)
                              : arm_depthwise_conv_wrapper_s8_get_buffer_size(&c.dw, &c.input, &c.filter, &c.output);
}

int32_t run(const Geometry& g, const Operands& o) {
  const Call c = prepare(g);
  const cmsis_nn_per_channel_quant_params requant{o.multiplier, o.shift};
  const cmsis_nn_context ctx{o.scratch, o.scratch_bytes};
  if (g.kind == Kind::conv) {
    return arm_convolve_wrapper_s8(&ctx, &c.conv, &requant, &c.input, o.input, &c.filter, o.filter, &c.bias, o.bias,
                                   &c.output, o.output);
  }
  return arm_depthwise_conv_wrapper_s8(&ctx, &c.dw, &requant, &c.input, o.input, &c.filter, o.filter, &c.bias,
                                       o.bias, &c.output, o.output);
}

const char* status_name(int32_t status) {
  switch (status) {
    case ARM_CMSIS_NN_SUCCESS: return "ok";
    case ARM_CMSIS_NN_ARG_ERROR: return "arm_cmsis_nn_arg_error";
    case ARM_CMSIS_NN_NO_IMPL_ERROR: return "arm_cmsis_nn_no_impl_error";
    case ARM_CMSIS_NN_FAILURE: return "arm_cmsis_nn_failure";
    default: return "arm_cmsis_nn_unknown_status";
  }
}

}  // namespace cmsis_nn_call
