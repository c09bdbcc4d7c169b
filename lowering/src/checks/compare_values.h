// Comparing two run-time values element by element, for the lowering checks.
#pragma once

#include <string>

#include "lower/value.h"

namespace lower::checks {

// "" when equal in shape, dtype and every logical element (and dim order when asked);
// otherwise a sentence naming the first difference and how many elements differ.
std::string first_difference(const Value& actual, const Value& expected, bool compare_dim_order);

// The value's logical elements reshaped to `shape` (same element count), contiguous.
Value reshaped(const Value& value, const ref::Shape& shape);

// "[n, c, h, w]" of a logical row-major position.
std::string index_text(const ref::Shape& shape, int64_t flat);

}  // namespace lower::checks
