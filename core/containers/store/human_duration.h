// human_duration.h — go-units' HumanDuration, the wording of `docker ps`'s
// STATUS column ("Up 5 minutes", "Exited (0) About an hour ago").
#pragma once

#include <chrono>
#include <string>

namespace berth::containers {

std::string human_duration(std::chrono::nanoseconds d);

} // namespace berth::containers
