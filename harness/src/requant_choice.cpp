#include "conf/requant_choice.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "ref/quant.h"

namespace conf {

std::vector<int64_t> channel_peaks(const ConvCase& c) {
  const ref::Tensor<int64_t> acc = reference_accumulators(c);  // NHWC: channel innermost
  std::vector<int64_t> peaks(static_cast<size_t>(c.out_channels), 0);
  const auto& data = acc.data();
  for (size_t i = 0; i < data.size(); ++i) {
    int64_t& peak = peaks[i % peaks.size()];
    peak = std::max<int64_t>(peak, data[i] < 0 ? -data[i] : data[i]);
  }
  return peaks;
}

int32_t max_shift_in_domain(int64_t peak) {
  constexpr int32_t kLargestMultiplier = 2147483647;
  for (int32_t shift = 30; shift > -31; --shift) {
    bool inside = true;
    for (ref::Rounding r : {ref::Rounding::double_rounding, ref::Rounding::single_rounding}) {
      inside = inside && ref::requantize_in_domain(peak, kLargestMultiplier, shift, r) &&
               ref::requantize_in_domain(-peak, kLargestMultiplier, shift, r);
    }
    if (inside) return shift;
  }
  return -31;
}

void assign_requant_for_peaks(ConvCase& c, const std::vector<int64_t>& peaks, const std::vector<double>& target_peak) {
  const auto channels = static_cast<size_t>(c.out_channels);
  if (peaks.size() != channels || target_peak.size() != channels) {
    throw std::invalid_argument("assign_requant_for_peaks: one peak and one target per output channel");
  }
  c.multiplier.assign(channels, 0);
  c.shift.assign(channels, 0);
  for (size_t oc = 0; oc < channels; ++oc) {
    const double scale = target_peak[oc] / static_cast<double>(std::max<int64_t>(1, peaks[oc]));
    const int32_t limit = max_shift_in_domain(peaks[oc]);
    ref::QuantizedMultiplier q{0, 0};
    if (scale >= std::ldexp(1.0, limit)) {
      q = {2147483647, limit};  // as large as the domain allows
    } else {
      q = ref::quantize_multiplier(scale);
      q.shift = std::min(q.shift, limit);
    }
    c.multiplier[oc] = q.multiplier;
    c.shift[oc] = q.shift;
  }
}

}  // namespace conf
