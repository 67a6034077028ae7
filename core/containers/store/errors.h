// errors.h — the container store reuses the image subsystem's error classes so
// API routes map every daemon error to a status with the same single catch.
#pragma once

#include "images/errors.h"

namespace berth::containers {

using images::Conflict;
using images::Error;
using images::ErrorKind;
using images::InternalError;
using images::InvalidArgument;
using images::NotFound;

// A transition to the state the container is already in (start of a running
// container). moby answers these with 304 Not Modified, so the API needs to
// tell them from real conflicts; the kind stays Conflict for everyone else.
class AlreadyInState : public Conflict {
public:
    using Conflict::Conflict;
};

} // namespace berth::containers
