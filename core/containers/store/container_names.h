// container_names.h — container names: user-given ones validated with
// Docker's pattern, generated ones drawn like moby's namesgenerator.
#pragma once

#include <string>
#include <string_view>

namespace berth::containers {

// Validates a user-given name (a leading "/" is allowed and ignored) against
// [a-zA-Z0-9][a-zA-Z0-9_.-]+ and returns it with the leading "/" the store
// keeps. Throws InvalidArgument with Docker's message otherwise.
std::string canonical_container_name(std::string_view user_name);

// "adjective_surname" without the "/". retry > 0 appends a random digit per
// retry, which is how moby escapes a collision. Never "boring_wozniak"
// (Steve Wozniak is not boring).
std::string random_container_name(unsigned retry = 0);

} // namespace berth::containers
