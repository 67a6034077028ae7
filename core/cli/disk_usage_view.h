#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// `docker system df` output from a /system/df reply, as docker's
// formatter/disk_usage.go prints it: the summary rows (TYPE TOTAL ACTIVE
// SIZE RECLAIMABLE) and the -v sections. Pure functions of the reply and
// the current time, so tests can pin every column.
namespace berth::cli {

// One row per type: Images, Containers, Local Volumes, Build Cache. Every
// field is a string (Type, TotalCount, Active, Size, Reclaimable), as
// docker's `{{json .}}` shows them.
std::vector<nlohmann::json> disk_usage_rows(const nlohmann::json& usage);

// The summary through `format` ("" is docker's default table).
void print_disk_usage(std::ostream& out, const nlohmann::json& usage, const std::string& format);

// `system df -v`: the four "space usage" sections, ages against now_unix.
void print_disk_usage_verbose(std::ostream& out, const nlohmann::json& usage, std::int64_t now_unix);

}  // namespace berth::cli
