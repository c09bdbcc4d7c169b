#include "bench_layer.h"

#include <stdlib.h>
#include <string.h>

#include "platform.h"
#if BENCH_WITH_CMSIS_NN
#include "cmsis_nn_call.h"
#endif

namespace bench {
namespace {

// The bench's own seeded bytes (any data will do: instruction counts of these kernels do not
// depend on the values, only on the shapes).
class Xorshift {
 public:
  explicit Xorshift(uint32_t seed) : state_(seed != 0 ? seed : 1) {}
  uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

 private:
  uint32_t state_;
};

size_t elements(const tk::Dims& d) { return static_cast<size_t>(d.n) * d.h * d.w * d.c; }

tk::ConvParams conv_params(const LayerShape& s) {
  tk::ConvParams p{};
  p.input_offset = kInputOffset;
  p.output_offset = kOutputOffset;
  p.stride = s.stride;
  p.padding = s.padding;
  p.dilation = {1, 1};
  p.activation = {kActivationMin, kActivationMax};
  p.groups = 1;
  return p;
}

tk::DepthwiseParams depthwise_params(const LayerShape& s) {
  tk::DepthwiseParams p{};
  p.input_offset = kInputOffset;
  p.output_offset = kOutputOffset;
  p.stride = s.stride;
  p.padding = s.padding;
  p.dilation = {1, 1};
  p.activation = {kActivationMin, kActivationMax};
  p.depth_multiplier = s.depth_multiplier;
  return p;
}

// Scratch bytes of a choice, negative when the forced path does not apply.
int32_t scratch_bytes(const LayerShape& s, const PathChoice& choice) {
  if (s.kind == LayerKind::conv) {
    const tk::ConvParams p = conv_params(s);
    return choice.forced ? tk::conv_s8_path_get_buffer_size(static_cast<tk::ConvPath>(choice.path),
                                                            p, s.input, s.filter, s.output)
                         : tk::conv_s8_get_buffer_size(p, s.input, s.filter, s.output);
  }
  const tk::DepthwiseParams p = depthwise_params(s);
  return choice.forced
             ? tk::depthwise_s8_path_get_buffer_size(static_cast<tk::DepthwisePath>(choice.path), p,
                                                     s.input, s.filter, s.output)
             : tk::depthwise_s8_get_buffer_size(p, s.input, s.filter, s.output);
}

struct CallArgs {
  const LayerShape* shape;
  PathChoice choice;
  tk::Scratch scratch;
  tk::PerChannelRequant requant;
  const int8_t* input;
  const int8_t* filter;
  const int32_t* bias;
  int8_t* output;
};

// The measured call; noipa keeps it a real call, so the count covers exactly the kernel
// (argument checks and dispatch included, as a user of the wrapper pays them).
__attribute__((noipa)) tk::Status call_kernel(const CallArgs& a) {
  const LayerShape& s = *a.shape;
  if (s.kind == LayerKind::conv) {
    const tk::ConvParams p = conv_params(s);
    return a.choice.forced
               ? tk::conv_s8_path(static_cast<tk::ConvPath>(a.choice.path), a.scratch, p, a.requant,
                                  s.input, a.input, s.filter, a.filter, a.bias, s.output, a.output)
               : tk::conv_s8(a.scratch, p, a.requant, s.input, a.input, s.filter, a.filter, a.bias,
                             s.output, a.output);
  }
  const tk::DepthwiseParams p = depthwise_params(s);
  return a.choice.forced ? tk::depthwise_s8_path(static_cast<tk::DepthwisePath>(a.choice.path),
                                                 a.scratch, p, a.requant, s.input, a.input,
                                                 s.filter, a.filter, a.bias, s.output, a.output)
                         : tk::depthwise_s8(a.scratch, p, a.requant, s.input, a.input, s.filter,
                                            a.filter, a.bias, s.output, a.output);
}

uint32_t fnv1a(const int8_t* bytes, size_t count) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < count; ++i) {
    h ^= static_cast<uint8_t>(bytes[i]);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

int32_t applicable_paths(const LayerShape& shape, PathChoice* choices, int32_t capacity) {
  int32_t count = 0;
  if (count < capacity) choices[count++] = {false, 0};
  const int32_t paths =
      shape.kind == LayerKind::conv ? tk::kConvPathCount : tk::kDepthwisePathCount;
  for (int32_t p = 0; p < paths && count < capacity; ++p) {
    const PathChoice forced{true, p};
    if (scratch_bytes(shape, forced) >= 0) choices[count++] = forced;
  }
  return count;
}

const char* path_name(const LayerShape& s, const PathChoice& choice) {
  if (s.kind == LayerKind::conv) {
    const tk::ConvPath path =
        choice.forced ? static_cast<tk::ConvPath>(choice.path)
                      : tk::conv_s8_select_path(conv_params(s), s.input, s.filter, s.output);
    return tk::path_name(path);
  }
  const tk::DepthwisePath path =
      choice.forced
          ? static_cast<tk::DepthwisePath>(choice.path)
          : tk::depthwise_s8_select_path(depthwise_params(s), s.input, s.filter, s.output);
  return tk::path_name(path);
}

BenchLayer::BenchLayer(const LayerShape& shape, uint32_t seed) : shape_(shape) {
  const size_t in = elements(shape.input), w = elements(shape.filter);
  const size_t out = elements(shape.output), channels = static_cast<size_t>(shape.output.c);
  input_ = static_cast<int8_t*>(malloc(in));
  filter_ = static_cast<int8_t*>(malloc(w));
  output_ = static_cast<int8_t*>(malloc(out));
  bias_ = static_cast<int32_t*>(malloc(channels * sizeof(int32_t)));
  multiplier_ = static_cast<int32_t*>(malloc(channels * sizeof(int32_t)));
  shift_ = static_cast<int32_t*>(malloc(channels * sizeof(int32_t)));
  allocated_ = input_ && filter_ && output_ && bias_ && multiplier_ && shift_;
  if (!allocated_) return;
  Xorshift random(seed);
  for (size_t i = 0; i < in; ++i) input_[i] = static_cast<int8_t>(random.next() >> 24);
  for (size_t i = 0; i < w; ++i) filter_[i] = static_cast<int8_t>(random.next() >> 24);
  for (size_t c = 0; c < channels; ++c) {
    const int32_t oc = static_cast<int32_t>(c);
    bias_[c] = static_cast<int32_t>(random.next() % (2 * kBiasLimit + 1)) - kBiasLimit;
    multiplier_[c] = layer_multiplier(oc);
    shift_[c] = layer_shift(oc);
  }
}

BenchLayer::~BenchLayer() {
  free(input_);
  free(filter_);
  free(output_);
  free(bias_);
  free(multiplier_);
  free(shift_);
  free(scratch_);
}

Measurement BenchLayer::run(const PathChoice& choice) {
  Measurement m{false, "not_run", 0, 0};
  const int32_t bytes = scratch_bytes(shape_, choice);
  if (bytes < 0) {
    m.status = "path_not_applicable";
    return m;
  }
  free(scratch_);
  scratch_ = bytes > 0 ? malloc(static_cast<size_t>(bytes)) : nullptr;
  if (bytes > 0 && scratch_ == nullptr) {
    m.status = "scratch_not_allocated";
    return m;
  }
  memset(output_, 0, elements(shape_.output));
  const CallArgs args{&shape_, choice, {scratch_, bytes}, {multiplier_, shift_}, input_, filter_,
                      bias_,   output_};
  platform::InstructionCounter counter;
  counter.start();
  const tk::Status status = call_kernel(args);
  m.instructions = counter.stop();
  m.ok = status == tk::Status::ok;
  m.status = tk::status_name(status);
  m.checksum = fnv1a(output_, elements(shape_.output));
  return m;
}

#if BENCH_WITH_CMSIS_NN
namespace {

cmsis_nn_call::Geometry cmsis_nn_geometry(const LayerShape& s) {
  cmsis_nn_call::Geometry g;
  g.kind = s.kind == LayerKind::conv ? cmsis_nn_call::Kind::conv : cmsis_nn_call::Kind::depthwise;
  g.batch = s.input.n;
  g.in_h = s.input.h;
  g.in_w = s.input.w;
  g.in_channels = s.input.c;
  g.out_h = s.output.h;
  g.out_w = s.output.w;
  g.out_channels = s.output.c;
  g.kernel_h = s.filter.h;
  g.kernel_w = s.filter.w;
  g.filter_in_channels = s.kind == LayerKind::conv ? s.filter.c : 1;
  g.stride_h = s.stride.h;
  g.stride_w = s.stride.w;
  g.pad_top = s.padding.h;
  g.pad_left = s.padding.w;
  g.dilation_h = 1;
  g.dilation_w = 1;
  g.depth_multiplier = s.depth_multiplier;
  g.input_offset = kInputOffset;
  g.output_offset = kOutputOffset;
  g.activation_min = kActivationMin;
  g.activation_max = kActivationMax;
  return g;
}

// noipa, like call_kernel: the count covers the wrapper call alone.
__attribute__((noipa)) int32_t call_cmsis_nn(const cmsis_nn_call::Geometry& g, const cmsis_nn_call::Operands& o) {
  return cmsis_nn_call::run(g, o);
}

}  // namespace

Measurement BenchLayer::run_cmsis_nn(const char** path) {
  Measurement m{false, "not_run", 0, 0};
  const cmsis_nn_call::Geometry g = cmsis_nn_geometry(shape_);
  *path = cmsis_nn_call::documented_path(g);
  if (cmsis_nn_call::unsupported(g) != cmsis_nn_call::Unsupported::none) {
    m.status = "unsupported_by_the_api";
    return m;
  }
  const int32_t bytes = cmsis_nn_call::scratch_bytes(g);
  if (bytes < 0) {
    m.status = "bad_buffer_size";
    return m;
  }
  free(scratch_);
  // Never NULL: some kernels refuse a NULL buffer they would not use.
  scratch_ = malloc(bytes > 0 ? static_cast<size_t>(bytes) : 1);
  if (scratch_ == nullptr) {
    m.status = "scratch_not_allocated";
    return m;
  }
  memset(output_, 0, elements(shape_.output));
  cmsis_nn_call::Operands o;
  o.input = input_;
  o.filter = filter_;
  o.bias = bias_;
  o.multiplier = multiplier_;
  o.shift = shift_;
  o.output = output_;
  o.scratch = scratch_;
  o.scratch_bytes = bytes;
  platform::InstructionCounter counter;
  counter.start();
  const int32_t status = call_cmsis_nn(g, o);
  m.instructions = counter.stop();
  m.ok = status == 0;
  m.status = cmsis_nn_call::status_name(status);
  m.checksum = fnv1a(output_, elements(shape_.output));
  return m;
}
#endif  // BENCH_WITH_CMSIS_NN

}  // namespace bench
