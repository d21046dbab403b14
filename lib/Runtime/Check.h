//===- Check.h - checking CUDA driver calls ---------------------*- C++ -*-===//
//
// Private to the runtime: turns a failed driver call into an early return
// of its error message, so that every call is checked in one line and the
// message carries the call's own text.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_CHECK_H
#define GGEMM_LIB_RUNTIME_CHECK_H

#include "ggemm/Runtime/Driver.h"
#include "ggemm/Runtime/Runtime.h"

/// Returns cuError's message from the enclosing function if `call` fails.
/// `call` is written as a plain driver call and made through the chosen
/// device's table (rt::driver()); the message quotes it as written.
#define GGEMM_CU_CHECK(call)                                                   \
  do {                                                                         \
    if (std::string ggemmCuError = ::ggemm::rt::cuError(GGEMM_CU(call), #call);        \
        !ggemmCuError.empty())                                                 \
      return ggemmCuError;                                                     \
  } while (false)

/// The same, with `context` (a std::string) put in front of the message.
#define GGEMM_CU_CHECK_IN(context, call)                                       \
  do {                                                                         \
    if (std::string ggemmCuError = ::ggemm::rt::cuError(GGEMM_CU(call), #call);        \
        !ggemmCuError.empty())                                                 \
      return std::string(context) + ": " + ggemmCuError;                       \
  } while (false)

#endif // GGEMM_LIB_RUNTIME_CHECK_H
