// Choosing per-channel requantization for a case from its accumulators, so outputs use the
// int8 range instead of saturating, while staying inside the kernels' int32 domain.
#pragma once

#include <cstdint>
#include <vector>

#include "conf/conv_case.h"

namespace conf {

// Per output channel, the largest |accumulator| (bias included), from the reference.
std::vector<int64_t> channel_peaks(const ConvCase& c);

// The largest shift in [-31, 30] for which every |acc| <= peak is inside the kernel domain
// for both double and single rounding.
int32_t max_shift_in_domain(int64_t peak);

// Sets multiplier[oc] and shift[oc] so that channel oc's peak maps to about
// target_peak[oc] output steps (clamped to the domain).
void assign_requant_for_peaks(ConvCase& c, const std::vector<int64_t>& peaks, const std::vector<double>& target_peak);

}  // namespace conf
