// errors.h — the network subsystem reuses the image subsystem's error classes
// (as volumes and containers do) so routes map them to 400/404/409/500 with
// one catch. Docker answers 403 for a few network refusals (removing a
// predefined network or one with active endpoints): Forbidden carries that.
#pragma once

#include "images/errors.h"

namespace berth::network {

using images::Conflict;
using images::Error;
using images::ErrorKind;
using images::InternalError;
using images::InvalidArgument;
using images::NotFound;

// 403: the request is understood and refused (predefined network, in use).
class Forbidden : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace berth::network
