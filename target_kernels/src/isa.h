// Which instruction-set variant of the inner loops this translation unit is built for, from
// the compiler's feature macros. Exactly one of TK_ISA_MVE, TK_ISA_DSP, TK_ISA_PORTABLE is 1.
// Helium (MVE) wins over DSP on cores that have both (Cortex-M55); the portable C++ loops are
// what every other target, the host included, runs.
#pragma once

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define TK_ISA_MVE 1
#define TK_ISA_DSP 0
#define TK_ISA_PORTABLE 0
#elif defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TK_ISA_MVE 0
#define TK_ISA_DSP 1
#define TK_ISA_PORTABLE 0
#else
#define TK_ISA_MVE 0
#define TK_ISA_DSP 0
#define TK_ISA_PORTABLE 1
#endif
