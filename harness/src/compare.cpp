#include "conf/compare.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "ref/quant.h"

namespace conf {

std::string to_string(const Compliance& compliance) {
  switch (compliance.mode) {
    case Compliance::Mode::exact: return "exact";
    case Compliance::Mode::near_tie: return "near_tie";
    case Compliance::Mode::qtol: return "qtol:" + std::to_string(compliance.tolerance);
  }
  return "?";
}

Compliance parse_compliance(const std::string& text) {
  if (text == "exact") return {Compliance::Mode::exact, 0};
  if (text == "near_tie") return {Compliance::Mode::near_tie, 1};
  if (text.rfind("qtol:", 0) == 0) {
    const std::string number = text.substr(5);
    char* end = nullptr;
    const long value = std::strtol(number.c_str(), &end, 10);
    if (!number.empty() && *end == '\0' && value >= 0 && value <= 255) {
      return {Compliance::Mode::qtol, static_cast<int32_t>(value)};
    }
  }
  throw std::invalid_argument("unknown compliance mode '" + text + "' (expected exact, near_tie or qtol:N)");
}

std::string CompareReport::describe() const {
  std::ostringstream o;
  if (!size_error.empty()) return size_error;
  o << differing << " of " << elements << " elements differ (max |diff| " << max_abs_difference << ", "
    << differing_at_near_ties << " at near-ties); " << failing << " not allowed by the compliance mode";
  for (const Mismatch& m : first) {
    o << "\n  at n=" << m.n << " h=" << m.h << " w=" << m.w << " c=" << m.c << ": actual " << m.actual
      << ", expected " << m.expected << " (accumulator " << m.accumulator << (m.near_tie ? ", near-tie" : "") << ")";
  }
  if (failing > static_cast<int64_t>(first.size())) o << "\n  ... " << failing - first.size() << " more";
  return o.str();
}

CompareReport compare_outputs(const ConvCase& c, const std::vector<int8_t>& actual,
                              const ref::QuantizedConvResult& expected, const Compliance& compliance,
                              size_t max_listed) {
  CompareReport report;
  const std::vector<int8_t>& want = expected.output.data();
  report.elements = static_cast<int64_t>(want.size());
  if (actual.size() != want.size()) {
    report.size_error = "output has " + std::to_string(actual.size()) + " elements, expected " +
                        std::to_string(want.size());
    return report;
  }
  const int64_t channels = c.out_channels, width = c.out_w(), height = c.out_h();
  for (size_t i = 0; i < want.size(); ++i) {
    const int32_t a = actual[i], e = want[i];
    if (a == e) continue;
    const auto index = static_cast<int64_t>(i);
    const int64_t ch = index % channels;
    const int64_t acc = expected.accumulator.data()[i];
    const bool tie = ref::is_near_tie(acc, c.multiplier[static_cast<size_t>(ch)], c.shift[static_cast<size_t>(ch)]);
    const int32_t diff = std::abs(a - e);
    ++report.differing;
    if (tie) ++report.differing_at_near_ties;
    if (diff > report.max_abs_difference) report.max_abs_difference = diff;
    bool allowed = false;
    switch (compliance.mode) {
      case Compliance::Mode::exact: allowed = false; break;
      case Compliance::Mode::near_tie: allowed = diff <= 1 && tie; break;
      case Compliance::Mode::qtol: allowed = diff <= compliance.tolerance; break;
    }
    if (allowed) continue;
    ++report.failing;
    if (report.first.size() < max_listed) {
      const int64_t pixel = index / channels;
      report.first.push_back(
          {pixel / (width * height), (pixel / width) % height, pixel % width, ch, a, e, acc, tie});
    }
  }
  return report;
}

double saturated_fraction(const ConvCase& c, const ref::QuantizedConvResult& result, ref::Rounding rounding) {
  const auto& acc = result.accumulator.data();
  if (acc.empty()) return 0.0;
  size_t saturated = 0;
  for (size_t i = 0; i < acc.size(); ++i) {
    const size_t ch = i % static_cast<size_t>(c.out_channels);
    const int64_t y = ref::requantize(acc[i], c.multiplier[ch], c.shift[ch], rounding) + c.output_offset;
    saturated += (y < -128 || y > 127) ? 1 : 0;
  }
  return static_cast<double>(saturated) / static_cast<double>(acc.size());
}

}  // namespace conf
