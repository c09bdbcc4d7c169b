// The CMSIS-NN comparison figures (cmsis_nn_figures.txt), read from the host over semihosting.
// Values are kept in thousandths so that the comparison is integer arithmetic.
#pragma once

#include <stdint.h>

namespace bench {

struct Figure {
  char core[16];
  char shape[8];
  int32_t low_milli, high_milli, required_milli;  // MACs per instruction x 1000
  // Where our kernels are still short of `required`: the figure they reach today. Falling
  // below it fails (a regression); between it and `required` is reported as an open gap.
  // 0 when no gap is accepted.
  int32_t floor_milli;
};

constexpr int32_t kMaxFigures = 64;

struct FigureTable {
  Figure rows[kMaxFigures];
  int32_t count;
};

// Reads the table; on a malformed line or an unreadable file writes why into error and
// returns false.
bool read_figures(const char* path, FigureTable& table, char* error, int32_t error_size);

// The row of (core, shape), or NULL.
const Figure* find_figure(const FigureTable& table, const char* core, const char* shape);

// Writes "5.500"-style text of a thousandths value.
void format_milli(int64_t milli, char* text, int32_t size);

}  // namespace bench
