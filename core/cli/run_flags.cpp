#include "run_flags.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "errors.h"
#include "json_text.h"

namespace berth::cli {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto pos = text.find(sep, start);
        parts.emplace_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) return parts;
        start = pos + 1;
    }
}

bool parse_uint(std::string_view text, std::uint64_t& value) {
    if (text.empty()) return false;
    value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
}

bool parse_bool(std::string_view text, bool& value) {
    const std::string v = lower(text);
    if (v == "1" || v == "t" || v == "true") return value = true, true;
    if (v == "0" || v == "f" || v == "false") return value = false, true;
    return false;
}

}  // namespace

std::int64_t ram_in_bytes(std::string_view text) {
    // ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    const std::string number(text.substr(0, i));
    std::string unit = lower(text.substr(i));
    if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (!unit.empty() && unit.back() == 'i') unit.pop_back();
    double multiplier = 1;
    if (unit.size() > 1 || number.empty() || number.front() == '.')
        throw CliError("invalid size: '" + std::string(text) + "'");
    if (!unit.empty()) {
        static const std::string kUnits = "kmgtp";
        const auto pos = kUnits.find(unit[0]);
        if (pos == std::string::npos) throw CliError("invalid size: '" + std::string(text) + "'");
        multiplier = std::pow(1024.0, static_cast<double>(pos + 1));
    }
    return static_cast<std::int64_t>(std::stod(number) * multiplier);
}

std::int64_t go_duration_ns(std::string_view text) {
    const std::string original(text);
    if (text == "0") return 0;
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) throw CliError("time: invalid duration \"" + original + "\"");
    double total = 0;
    while (!text.empty()) {
        std::size_t i = 0;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == 0) throw CliError("time: invalid duration \"" + original + "\"");
        const double value = std::stod(std::string(text.substr(0, i)));
        text.remove_prefix(i);
        std::size_t j = 0;
        while (j < text.size() && !std::isdigit(static_cast<unsigned char>(text[j])) && text[j] != '.') ++j;
        const std::string unit(text.substr(0, j));
        text.remove_prefix(j);
        double scale = 0;
        if (unit == "ns") scale = 1;
        else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
        else if (unit == "ms") scale = 1e6;
        else if (unit == "s") scale = 1e9;
        else if (unit == "m") scale = 60e9;
        else if (unit == "h") scale = 3600e9;
        else if (unit.empty()) throw CliError("time: missing unit in duration \"" + original + "\"");
        else throw CliError("time: unknown unit \"" + unit + "\" in duration \"" + original + "\"");
        total += value * scale;
    }
    const auto ns = static_cast<std::int64_t>(std::llround(total));
    return negative ? -ns : ns;
}

std::int64_t nano_cpus(std::string_view text) {
    char* end = nullptr;
    const std::string value(text);
    const double cpus = std::strtod(value.c_str(), &end);
    if (value.empty() || end == nullptr || *end != '\0' || cpus < 0)
        throw CliError("invalid argument \"" + value + "\" for \"--cpus\" flag: failed to parse " + value +
                       " as a rational number");
    const auto nanos = static_cast<std::int64_t>(std::llround(cpus * 1e9));
    return nanos;
}

nlohmann::json restart_policy(std::string_view text) {
    nlohmann::json policy = {{"Name", ""}, {"MaximumRetryCount", 0}};
    if (text.empty()) return policy;
    const auto colon = text.find(':');
    const std::string name(text.substr(0, colon));
    if (name.empty()) throw CliError("invalid restart policy format: no policy provided before colon");
    policy["Name"] = name;
    if (colon != std::string_view::npos) {
        if (name != "on-failure")
            throw CliError("invalid restart policy format: maximum retry count can only be used with 'on-failure'");
        std::uint64_t count = 0;
        if (!parse_uint(text.substr(colon + 1), count))
            throw CliError("invalid restart policy format: maximum retry count must be an integer");
        policy["MaximumRetryCount"] = count;
    }
    if (name != "no" && name != "always" && name != "unless-stopped" && name != "on-failure")
        throw CliError("invalid restart policy '" + name + "'");
    return policy;
}

std::string resolve_env(std::string_view entry, const EnvLookup& lookup) {
    if (entry.find('=') != std::string_view::npos) return std::string(entry);
    if (auto value = lookup(std::string(entry))) return std::string(entry) + "=" + *value;
    return std::string(entry);
}

std::vector<std::string> read_kv_file(const std::string& path, const EnvLookup* lookup) {
    std::ifstream in(path);
    if (!in) throw CliError("open " + path + ": no such file or directory");
    std::vector<std::string> lines;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        line.erase(0, first);
        const auto eq = line.find('=');
        const std::string key = line.substr(0, eq);
        if (key.find_first_of(" \t") != std::string::npos)
            throw CliError("variable '" + key + "' contains whitespaces");
        if (key.empty()) throw CliError("no variable name on line '" + line + "'");
        if (eq != std::string::npos) {
            lines.push_back(line);
        } else if (lookup != nullptr) {
            if (auto value = (*lookup)(key)) lines.push_back(key + "=" + *value);
        } else {
            lines.push_back(line);
        }
    }
    return lines;
}

nlohmann::json kv_map(const std::vector<std::string>& entries) {
    nlohmann::json map = nlohmann::json::object();
    for (const auto& entry : entries) {
        const auto eq = entry.find('=');
        map[entry.substr(0, eq)] = eq == std::string::npos ? std::string() : entry.substr(eq + 1);
    }
    return map;
}

nlohmann::json mount_spec(std::string_view text) {
    nlohmann::json mount = nlohmann::json::object();
    std::string type = "volume";
    std::string source, target, propagation, consistency;
    bool read_only = false, has_nocopy = false, nocopy = false;
    nlohmann::json volume_labels = nlohmann::json::object(), driver_opts = nlohmann::json::object();
    std::string volume_driver;
    std::optional<std::int64_t> tmpfs_size;
    std::optional<std::uint64_t> tmpfs_mode;
    for (const auto& field : split(text, ',')) {
        const auto eq = field.find('=');
        const std::string key = lower(field.substr(0, eq));
        const bool has_value = eq != std::string::npos;
        const std::string value = has_value ? field.substr(eq + 1) : std::string();
        if (!has_value && key != "readonly" && key != "ro" && key != "volume-nocopy")
            throw CliError("invalid field '" + field + "' must be a key=value pair");
        if (key == "type") type = lower(value);
        else if (key == "source" || key == "src") source = value;
        else if (key == "target" || key == "dst" || key == "destination") target = value;
        else if (key == "readonly" || key == "ro") {
            read_only = true;
            if (has_value && !parse_bool(value, read_only))
                throw CliError("invalid value for " + key + ": " + value);
        } else if (key == "consistency") consistency = value;
        else if (key == "bind-propagation") propagation = value;
        else if (key == "volume-nocopy") {
            has_nocopy = true;
            nocopy = true;
            if (has_value && !parse_bool(value, nocopy)) throw CliError("invalid value for volume-nocopy: " + value);
        } else if (key == "volume-label") {
            const auto leq = value.find('=');
            volume_labels[value.substr(0, leq)] = leq == std::string::npos ? "" : value.substr(leq + 1);
        } else if (key == "volume-driver") volume_driver = value;
        else if (key == "volume-opt") {
            const auto oeq = value.find('=');
            driver_opts[value.substr(0, oeq)] = oeq == std::string::npos ? "" : value.substr(oeq + 1);
        } else if (key == "tmpfs-size") tmpfs_size = ram_in_bytes(value);
        else if (key == "tmpfs-mode") {
            tmpfs_mode = std::stoull(value, nullptr, 8);
        } else throw CliError("unexpected key '" + key + "' in '" + field + "'");
    }
    if (target.empty()) throw CliError("target is required");
    mount["Type"] = type;
    if (!source.empty()) mount["Source"] = source;
    mount["Target"] = target;
    if (read_only) mount["ReadOnly"] = true;
    if (!consistency.empty()) mount["Consistency"] = consistency;
    if (type == "bind" && !propagation.empty()) mount["BindOptions"] = {{"Propagation", propagation}};
    if (type == "volume" && (has_nocopy || !volume_labels.empty() || !volume_driver.empty() || !driver_opts.empty())) {
        nlohmann::json options = nlohmann::json::object();
        if (nocopy) options["NoCopy"] = true;
        if (!volume_labels.empty()) options["Labels"] = volume_labels;
        if (!volume_driver.empty() || !driver_opts.empty()) {
            nlohmann::json driver = {{"Name", volume_driver}};
            if (!driver_opts.empty()) driver["Options"] = driver_opts;
            options["DriverConfig"] = driver;
        }
        mount["VolumeOptions"] = options;
    }
    if (type == "tmpfs" && (tmpfs_size || tmpfs_mode)) {
        nlohmann::json options = nlohmann::json::object();
        if (tmpfs_size) options["SizeBytes"] = *tmpfs_size;
        if (tmpfs_mode) options["Mode"] = *tmpfs_mode;
        mount["TmpfsOptions"] = options;
    }
    if (type != "bind" && !propagation.empty())
        throw CliError("cannot mix 'bind-*' options with mount type '" + type + "'");
    if (type != "volume" && (has_nocopy || !volume_labels.empty() || !volume_driver.empty()))
        throw CliError("cannot mix 'volume-*' options with mount type '" + type + "'");
    if (type != "tmpfs" && (tmpfs_size || tmpfs_mode))
        throw CliError("cannot mix 'tmpfs-*' options with mount type '" + type + "'");
    return mount;
}

namespace {

struct PortRange {
    std::uint64_t first = 0, last = 0;
};

PortRange port_range(const std::string& text, const std::string& spec, bool allow_empty) {
    PortRange range;
    if (text.empty()) {
        if (allow_empty) return range;
        throw CliError("no port specified: " + spec + "<empty>");
    }
    const auto dash = text.find('-');
    if (!parse_uint(text.substr(0, dash), range.first) ||
        (dash != std::string::npos && !parse_uint(text.substr(dash + 1), range.last)) || range.first > 65535)
        throw CliError("invalid containerPort: " + text);
    if (dash == std::string::npos) range.last = range.first;
    if (range.last < range.first || range.last > 65535) throw CliError("invalid port range: " + text);
    return range;
}

}  // namespace

void add_port_spec(std::string_view text, nlohmann::json& exposed, nlohmann::json& bindings) {
    std::string spec(text);
    std::string proto = "tcp";
    if (const auto slash = spec.rfind('/'); slash != std::string::npos) {
        proto = lower(spec.substr(slash + 1));
        spec.erase(slash);
        if (proto != "tcp" && proto != "udp" && proto != "sctp") throw CliError("invalid proto: " + proto);
    }
    // [ip:][hostPort:]containerPort, the ip possibly in [brackets].
    std::string ip, host_port, container_port;
    std::string rest = spec;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) throw CliError("invalid IP address: " + rest);
        ip = rest.substr(1, close - 1);
        rest.erase(0, close + 1);
        if (!rest.empty() && rest.front() == ':') rest.erase(0, 1);
        const auto colon = rest.find(':');
        host_port = rest.substr(0, colon);
        container_port = colon == std::string::npos ? "" : rest.substr(colon + 1);
    } else {
        const auto parts = split(rest, ':');
        if (parts.size() == 1) container_port = parts[0];
        else if (parts.size() == 2) host_port = parts[0], container_port = parts[1];
        else if (parts.size() == 3) ip = parts[0], host_port = parts[1], container_port = parts[2];
        else {
            // An unbracketed IPv6 address: the last two fields are the ports.
            const auto last = rest.rfind(':');
            const auto middle = rest.rfind(':', last - 1);
            ip = rest.substr(0, middle);
            host_port = rest.substr(middle + 1, last - middle - 1);
            container_port = rest.substr(last + 1);
        }
    }
    const PortRange inner = port_range(container_port, spec, false);
    const PortRange outer = port_range(host_port, spec, true);
    // As nat.ParsePortSpec: a host range may only differ in size from the
    // container's when the container side is one port; it is then the range
    // the daemon picks a free host port from.
    if (!host_port.empty() && inner.last - inner.first != outer.last - outer.first && inner.last != inner.first)
        throw CliError("invalid ranges specified for container and host Ports: " + container_port + " and " +
                       host_port);
    for (std::uint64_t i = 0; i <= inner.last - inner.first; ++i) {
        const std::string key = std::to_string(inner.first + i) + "/" + proto;
        exposed[key] = nlohmann::json::object();
        std::string host;
        if (!host_port.empty()) host = std::to_string(outer.first + i);
        if (!host_port.empty() && inner.first == inner.last && outer.first != outer.last)
            host += "-" + std::to_string(outer.last);
        if (!bindings.contains(key)) bindings[key] = nlohmann::json::array();
        bindings[key].push_back({{"HostIp", ip}, {"HostPort", host}});
    }
}

// docker's --expose (opts.go): a port or range, optional /proto, no host
// part.
void add_exposed_ports(std::string_view text, nlohmann::json& exposed) {
    std::string spec(text);
    if (spec.find(':') != std::string::npos) throw CliError("invalid port format for --expose: " + spec);
    std::string proto = "tcp";
    if (const auto slash = spec.rfind('/'); slash != std::string::npos) {
        proto = lower(spec.substr(slash + 1));
        spec.erase(slash);
        if (proto != "tcp" && proto != "udp" && proto != "sctp") throw CliError("invalid proto: " + proto);
    }
    const PortRange range = port_range(spec, std::string(text), false);
    for (std::uint64_t port = range.first; port <= range.last; ++port)
        exposed[std::to_string(port) + "/" + proto] = nlohmann::json::object();
}

nlohmann::json device_mapping(std::string_view text) {
    const auto parts = split(text, ':');
    std::string host, container, permissions = "rwm";
    if (parts.size() > 3 || parts[0].empty()) throw CliError("invalid device specification: " + std::string(text));
    host = parts[0];
    container = host;
    const auto is_mode = [](const std::string& s) {
        return !s.empty() && s.find_first_not_of("rwm") == std::string::npos;
    };
    if (parts.size() == 2) {
        if (is_mode(parts[1])) permissions = parts[1];
        else container = parts[1];
    } else if (parts.size() == 3) {
        if (!is_mode(parts[2])) throw CliError("invalid device mode: " + parts[2]);
        container = parts[1];
        permissions = parts[2];
    }
    return {{"PathOnHost", host}, {"PathInContainer", container}, {"CgroupPermissions", permissions}};
}

nlohmann::json ulimit_spec(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) throw CliError("invalid ulimit argument: " + std::string(text));
    const std::string name(text.substr(0, eq));
    const std::string limits(text.substr(eq + 1));
    const auto colon = limits.find(':');
    const auto parse = [&](const std::string& s) {
        try {
            std::size_t used = 0;
            const long long v = std::stoll(s, &used);
            if (used != s.size()) throw std::invalid_argument(s);
            return v;
        } catch (const std::exception&) {
            throw CliError("invalid ulimit argument: " + std::string(text));
        }
    };
    const long long soft = parse(limits.substr(0, colon));
    const long long hard = colon == std::string::npos ? soft : parse(limits.substr(colon + 1));
    if (soft > hard)
        throw CliError("ulimit soft limit must be less than or equal to hard limit: " + std::to_string(soft) +
                       " > " + std::to_string(hard));
    return {{"Name", name}, {"Hard", hard}, {"Soft", soft}};
}

std::string normalize_capability(std::string_view text) {
    std::string cap(text);
    cap.erase(0, cap.find_first_not_of(" \t"));
    cap.erase(cap.find_last_not_of(" \t") + 1);
    for (auto& c : cap) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (cap == "ALL" || cap.rfind("CAP_", 0) == 0) return cap;
    return "CAP_" + cap;
}

std::string security_opt(std::string_view text) {
    std::string opt(text);
    auto sep = opt.find('=');
    if (sep == std::string::npos && opt != "no-new-privileges") {
        sep = opt.find(':');
        if (sep == std::string::npos) throw CliError("Invalid --security-opt: \"" + opt + "\"");
    }
    if (sep != std::string::npos && opt.substr(0, sep) == "seccomp" && opt.substr(sep + 1) != "unconfined") {
        const std::string path = opt.substr(sep + 1);
        std::ifstream in(path);
        if (!in) throw CliError("opening seccomp profile (" + path + ") failed: open " + path + ": no such file or directory");
        std::stringstream content;
        content << in.rdbuf();
        const auto parsed = nlohmann::json::parse(content.str(), nullptr, false);
        if (parsed.is_discarded()) throw CliError("compacting json for seccomp profile (" + path + ") failed");
        return "seccomp=" + dump_json(parsed);
    }
    return opt;
}

std::pair<std::string, std::string> tmpfs_spec(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return {std::string(text), ""};
    return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

}  // namespace berth::cli
