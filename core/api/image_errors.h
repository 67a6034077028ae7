// image_errors.h — one mapping from the image and registry exceptions to
// Docker's HTTP statuses, for every image route (call inside a catch).
#pragma once

#include "api/http_types.h"

#include <exception>

namespace berth::api {

// The ApiError for the exception being handled (status from its kind;
// message unchanged). Anything unknown becomes a 500 with its message.
ApiError image_api_error(std::exception_ptr error);

// Run fn, turning image and registry exceptions into ApiError.
template <class Fn>
auto with_image_errors(Fn &&fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const ApiError &) {
        throw;
    } catch (...) {
        throw image_api_error(std::current_exception());
    }
}

} // namespace berth::api
