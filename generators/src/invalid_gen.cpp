#include <algorithm>

#include "gens/conv_gen.h"

namespace gens {

namespace gen = rc::gen;
using conf::ConvCase;
using conf::Defect;

std::ostream& operator<<(std::ostream& os, const InvalidCall& call) {
  return os << call.what << " (expect " << call.expected_status << ", defect " << conf::defect_name(call.defect)
            << ") on " << describe(call.c);
}

namespace {

// The largest output size on one axis that zero bottom/right padding allows, or 0.
int32_t largest_unpadded_output(int32_t in, int32_t pad_before, int32_t kernel, int32_t stride, int32_t dilation) {
  const int32_t span = in + pad_before - (dilation * (kernel - 1) + 1);
  return span < 0 ? 0 : span / stride + 1;
}

InvalidCall draw_invalid() {
  InvalidCall call;
  // Each defect breaks exactly one argument and names the status that argument maps to.
  enum Kind {
    stride, dilation, padding, groups, depth_multiplier, input_offset, output_offset, activation, shift,
    multiplier, dims, output_size, pointer, scratch, kinds
  };
  const int kind = *gen::resize(100, gen::inRange<int>(0, kinds));  // every kind from the first case
  // The generic conv path always needs scratch, so a scratch defect has something to break.
  const Family family = kind == scratch ? Family::conv_generic : *gen::element(Family::conv_any, Family::depthwise_any);
  Budget small;
  small.max_macs = 20000;
  small.max_input_elements = 4000;
  call.c = *conv_case(family, small);
  ConvCase& c = call.c;
  const bool conv = c.kind == conf::ConvKind::conv;
  // Geometry defects keep the valid case's output size, so the broken argument is the only
  // thing wrong (an output size computed from a stride of 0 would be a second defect).
  const int32_t valid_out_h = c.out_h(), valid_out_w = c.out_w();
  auto keep_output_size = [&] {
    c.out_h_override = valid_out_h;
    c.out_w_override = valid_out_w;
  };

  switch (kind) {
    case stride: {
      const int32_t bad = *gen::element<int32_t>(0, -1, -7, 256, 1000);
      (*gen::arbitrary<bool>() ? c.stride_h : c.stride_w) = bad;
      keep_output_size();
      call.expected_status = "bad_stride";
      call.what = "stride " + std::to_string(bad);
      break;
    }
    case dilation: {
      const int32_t bad = *gen::element<int32_t>(0, -1, 256);
      (*gen::arbitrary<bool>() ? c.dilation_h : c.dilation_w) = bad;
      keep_output_size();
      call.expected_status = "bad_dilation";
      call.what = "dilation " + std::to_string(bad);
      break;
    }
    case padding: {
      const int32_t bad = *gen::element<int32_t>(-1, -3);
      (*gen::arbitrary<bool>() ? c.pad_top : c.pad_left) = bad;
      keep_output_size();
      call.expected_status = "bad_padding";
      call.what = "padding " + std::to_string(bad);
      break;
    }
    case groups:
    case depth_multiplier: {
      keep_output_size();
      if (conv) {
        // The filter's channels-per-group follows from groups, so it is implicated too.
        c.groups = *gen::element<int32_t>(0, -2);
        call.expected_status = "bad_groups|bad_filter_dims";
        call.what = "groups " + std::to_string(c.groups);
      } else {
        c.depth_multiplier = *gen::element<int32_t>(0, -1);
        call.expected_status = "bad_depth_multiplier";
        call.what = "depth_multiplier " + std::to_string(c.depth_multiplier);
      }
      break;
    }
    case input_offset:
      c.input_offset = *gen::element<int32_t>(-128, 129, 1000, -100000);
      call.expected_status = "bad_input_offset";
      call.what = "input_offset " + std::to_string(c.input_offset);
      break;
    case output_offset:
      c.output_offset = *gen::element<int32_t>(-129, 128, 5000);
      call.expected_status = "bad_output_offset";
      call.what = "output_offset " + std::to_string(c.output_offset);
      break;
    case activation: {
      const int which = *gen::inRange(0, 3);
      if (which == 0) {
        c.activation_min = 10;
        c.activation_max = 9;
      } else if (which == 1) {
        c.activation_min = -129;
      } else {
        c.activation_max = 128;
      }
      call.expected_status = "bad_activation_range";
      call.what = "activation range [" + std::to_string(c.activation_min) + ", " + std::to_string(c.activation_max) + "]";
      break;
    }
    case shift: {
      const size_t channel = *gen::inRange<size_t>(0, c.shift.size());
      c.shift[channel] = *gen::element<int32_t>(31, -32, 100);
      call.expected_status = "bad_requant";
      call.what = "shift[" + std::to_string(channel) + "] " + std::to_string(c.shift[channel]);
      break;
    }
    case multiplier: {
      const size_t channel = *gen::inRange<size_t>(0, c.multiplier.size());
      c.multiplier[channel] = *gen::element<int32_t>(-1, -1073741824);
      call.expected_status = "bad_requant";
      call.what = "multiplier[" + std::to_string(channel) + "] " + std::to_string(c.multiplier[channel]);
      break;
    }
    case dims: {
      // A zero-sized input dim; tensors keep their valid sizes so nothing is read past them.
      const int which = *gen::inRange(0, 3);
      if (which == 0) c.in_h = 0;
      if (which == 1) c.in_w = 0;
      if (which == 2) c.in_h = 40000;  // beyond the kernels' largest dim
      keep_output_size();
      call.expected_status = "bad_input_dims";
      call.what = "input dims " + std::to_string(c.in_h) + "x" + std::to_string(c.in_w);
      break;
    }
    case output_size: {
      // One row fewer than zero bottom padding gives would need negative padding. When the
      // geometry leaves no room for that, ask for an empty output instead.
      const int32_t largest = largest_unpadded_output(c.in_h, c.pad_top, c.kernel_h, c.stride_h, c.dilation_h);
      keep_output_size();
      c.out_h_override = largest >= 2 ? largest - 1 : -1;
      call.expected_status = "bad_output_dims";
      call.what = "output height " + std::to_string(c.out_h_override);
      break;
    }
    case pointer: {
      call.defect = *gen::element(Defect::null_input, Defect::null_filter, Defect::null_output, Defect::null_multiplier,
                                  Defect::null_shift);
      call.expected_status = "null_pointer";
      call.what = conf::defect_name(call.defect);
      break;
    }
    default: {
      call.defect = *gen::element(Defect::null_scratch, Defect::short_scratch);
      call.expected_status = "bad_scratch";  // the suite accepts ok when the path needs no scratch
      call.what = conf::defect_name(call.defect);
      break;
    }
  }
  return call;
}

}  // namespace

rc::Gen<InvalidCall> invalid_call() { return gen::exec(draw_invalid); }

}  // namespace gens
