// The verifier: run after every pass, and on every graph that is loaded.
//
// It checks that every op is known, every argument has the kind its schema asks for, every
// tensor argument names an earlier node, every node's recorded metadata equals what its op
// infers from its inputs (shape, dtype, dim order), constants hold data of their shape,
// graph outputs exist, and no call or constant is orphaned (computed but never used).
#pragma once

#include <string>
#include <vector>

#include "lower/ir.h"

namespace lower {

struct VerifyReport {
  std::vector<std::string> problems;  // one line each, naming the node
  bool ok() const { return problems.empty(); }
  std::string describe() const;
};

VerifyReport verify(const Graph& graph);
// Throws IrError with every problem when the graph does not verify; `context` prefixes it
// ("after pass fold_inverse_clones").
void verify_or_throw(const Graph& graph, const std::string& context = "");

// Whether two dim orders lay out a tensor of this shape in the same bytes: they agree once
// the dims of size 1 are left out (so NCHW and NHWC coincide when C == 1 or H == W == 1).
bool same_bytes(const ref::Shape& shape, const ref::DimOrder& a, const ref::DimOrder& b);

}  // namespace lower
