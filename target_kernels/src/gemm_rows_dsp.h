// gemm_rows (see gemm_rows.h) for the Cortex-M DSP extension. Compiled only when TK_ISA_DSP;
// gemm_rows.cpp hands it the whole job.
#pragma once

#include "isa.h"

#if TK_ISA_DSP

#include <stdint.h>

#include "gemm_rows.h"

namespace tk {
namespace detail {

void gemm_rows_dsp(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs,
                   int32_t count);

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_DSP
