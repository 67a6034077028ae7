#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// Parsers for the values of `run`/`create`/`update` flags, each following the
// docker CLI function of the same purpose (named in the comments) so the
// Engine API sees what docker would send. All throw CliError with docker's
// message for values docker refuses.
namespace berth::cli {

// units.RAMInBytes: "256m", "1g", "512k", "1.5GiB"; binary units.
std::int64_t ram_in_bytes(std::string_view text);

// time.ParseDuration in nanoseconds: "30s", "1m30s", "500ms", "1h".
std::int64_t go_duration_ns(std::string_view text);

// opts.NanoCPUs: "1.5" -> 1500000000.
std::int64_t nano_cpus(std::string_view text);

// opts.ParseRestartPolicy: {"Name":..,"MaximumRetryCount":N}.
nlohmann::json restart_policy(std::string_view text);

// opts.ValidateEnv: a bare NAME takes the client's value when it has one.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::string resolve_env(std::string_view entry, const EnvLookup& lookup);
// kvfile.Parse for --env-file / --label-file: KEY=VALUE lines, # comments,
// a bare KEY taken from the environment (dropped when unset), when env is set.
std::vector<std::string> read_kv_file(const std::string& path, const EnvLookup* lookup);

// opts.ConvertKVStringsToMap for labels: "a=b" -> {"a":"b"}, "a" -> {"a":""}.
nlohmann::json kv_map(const std::vector<std::string>& entries);

// opts.MountOpt: --mount type=bind,source=/a,target=/b,readonly -> a Mount.
nlohmann::json mount_spec(std::string_view text);

// nat.ParsePortSpecs for -p: adds to ExposedPorts and PortBindings.
void add_port_spec(std::string_view text, nlohmann::json& exposed, nlohmann::json& bindings);
// --expose PORT[-PORT][/PROTO]: adds to ExposedPorts only.
void add_exposed_ports(std::string_view text, nlohmann::json& exposed);

// opts.ParseDevice: /dev/a[:/dev/b][:rwm] -> {PathOnHost, PathInContainer, CgroupPermissions}.
nlohmann::json device_mapping(std::string_view text);

// opts.UlimitOpt: nofile=1024[:2048] -> {Name, Hard, Soft}.
nlohmann::json ulimit_spec(std::string_view text);

// opts.NormalizeCapability: "net_admin" -> "CAP_NET_ADMIN", "all" -> "ALL".
std::string normalize_capability(std::string_view text);

// parseSecurityOpts: seccomp=PATH becomes the file's compacted JSON.
std::string security_opt(std::string_view text);

// --tmpfs /run:rw,size=64m -> ("/run", "rw,size=64m").
std::pair<std::string, std::string> tmpfs_spec(std::string_view text);

}  // namespace berth::cli
