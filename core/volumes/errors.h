// errors.h — the volume subsystem reuses the image subsystem's error classes
// (as the container store does) so API routes map every error to Docker's
// status (400/404/409/500) with the same single catch.
#pragma once

#include "images/errors.h"

namespace berth::volumes {

using images::Conflict;
using images::Error;
using images::ErrorKind;
using images::InternalError;
using images::InvalidArgument;
using images::NotFound;

} // namespace berth::volumes
