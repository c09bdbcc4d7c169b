// The dense-conv inner loops for Helium (MVE), see gemm_rows.h for the job. Compiled only when
// TK_ISA_MVE; gemm_rows.cpp selects it.
#pragma once

#include "isa.h"

#if TK_ISA_MVE

#include <stdint.h>

#include "gemm_rows.h"
#include "requant_block.h"

namespace tk {
namespace detail {

// gemm_rows (see gemm_rows.h) with the Helium inner loops: the same results, bit for bit.
void gemm_rows_mve(const GemmJob& job, const int8_t* const* rows, int8_t* const* outs,
                   int32_t count);

}  // namespace detail
}  // namespace tk

#endif  // TK_ISA_MVE
