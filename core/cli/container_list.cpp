#include "container_list.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "byte_units.h"
#include "format_output.h"
#include "human_time.h"
#include "json_text.h"

namespace berth::cli {
namespace {

struct Port {
    std::string ip;
    unsigned private_port = 0;
    unsigned public_port = 0;
    std::string type;
};

std::string form_group(const std::string& key, unsigned first, unsigned last) {
    // key is "type" or "ip/type"; an IPv6 ip has no '/'.
    const auto slash = key.rfind('/');
    std::string ip, type = key;
    if (slash != std::string::npos) {
        ip = key.substr(0, slash);
        type = key.substr(slash + 1);
    }
    std::string group = std::to_string(first);
    if (first != last) group += "-" + std::to_string(last);
    if (!ip.empty()) group = ip + ":" + group + "->" + group;
    return group + "/" + type;
}

std::string join_host_port(const std::string& ip, unsigned port) {
    if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
    return ip + ":" + std::to_string(port);
}

// Go's time.Time.String() without the monotonic part, in local time:
// "2024-01-02 03:04:05 +0000 UTC".
std::string go_time_text(std::int64_t unix_seconds) {
    const std::time_t t = unix_seconds;
    std::tm local{};
    ::localtime_r(&t, &local);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S %z %Z", &local);
    return buffer;
}

std::string image_column(const nlohmann::json& c, bool trunc) {
    const std::string image = field_or(c, "Image", "");
    if (image.empty()) return "<no image>";
    if (!trunc) return image;
    const std::string image_id = field_or(c, "ImageID", "");
    if (!image_id.empty() && truncate_id(image_id) == truncate_id(image)) return truncate_id(image);
    // reference.FamiliarString of the name: Docker Hub's prefix goes, and a
    // digest is trimmed (the tag, if any, stays).
    std::string shown = image.substr(0, image.find('@'));
    for (const std::string prefix : {"docker.io/library/", "docker.io/"})
        if (shown.rfind(prefix, 0) == 0) return shown.substr(prefix.size());
    return shown;
}

std::string names_column(const nlohmann::json& c, bool trunc) {
    std::string names;
    for (const auto& n : array_field(c, "Names")) {
        if (!n.is_string()) continue;
        std::string name = n.get<std::string>();
        if (!name.empty() && name.front() == '/') name.erase(0, 1);
        // Names with another '/' are legacy links, hidden unless --no-trunc.
        if (trunc && name.find('/') != std::string::npos) continue;
        names += (names.empty() ? "" : ",") + name;
    }
    return names;
}

}  // namespace

std::string go_quote(const std::string& text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char hex[8];
                    std::snprintf(hex, sizeof hex, "\\x%02x", c);
                    out += hex;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

std::string displayable_ports(const nlohmann::json& ports_json) {
    std::vector<Port> ports;
    for (const auto& p : ports_json.is_array() ? ports_json : nlohmann::json::array()) {
        Port port;
        port.ip = field_or(p, "IP", "");
        port.private_port = p.value("PrivatePort", 0u);
        port.public_port = p.value("PublicPort", 0u);
        port.type = field_or(p, "Type", "");
        ports.push_back(port);
    }
    std::sort(ports.begin(), ports.end(), [](const Port& a, const Port& b) {
        if (a.private_port != b.private_port) return a.private_port < b.private_port;
        if (a.ip != b.ip) return a.ip < b.ip;
        if (a.public_port != b.public_port) return a.public_port < b.public_port;
        return a.type < b.type;
    });
    struct Group {
        unsigned first, last;
    };
    std::map<std::string, Group> groups;
    std::vector<std::string> order, result, host_mappings;
    for (const auto& port : ports) {
        const unsigned current = port.private_port;
        std::string key = port.type;
        if (!port.ip.empty()) {
            if (port.public_port != current) {
                host_mappings.push_back(join_host_port(port.ip, port.public_port) + "->" +
                                        std::to_string(port.private_port) + "/" + port.type);
                continue;
            }
            key = port.ip + "/" + port.type;
        }
        const auto it = groups.find(key);
        if (it == groups.end()) {
            groups[key] = {current, current};
            order.push_back(key);
            continue;
        }
        if (current == it->second.last + 1) {
            it->second.last = current;
            continue;
        }
        result.push_back(form_group(key, it->second.first, it->second.last));
        it->second = {current, current};
    }
    for (const auto& key : order) result.push_back(form_group(key, groups[key].first, groups[key].last));
    result.insert(result.end(), host_mappings.begin(), host_mappings.end());
    std::string text;
    for (const auto& r : result) text += (text.empty() ? "" : ", ") + r;
    return text;
}

std::vector<nlohmann::json> container_rows(const nlohmann::json& containers, const ContainerListFormat& format,
                                           std::int64_t now_unix) {
    std::vector<nlohmann::json> rows;
    if (!containers.is_array()) return rows;
    const bool trunc = !format.no_trunc;
    for (const auto& c : containers) {
        nlohmann::json row = nlohmann::json::object();
        const std::string id = field_or(c, "Id", "");
        row["ID"] = trunc ? truncate_id(id) : id;
        row["Image"] = image_column(c, trunc);
        const std::string command = field_or(c, "Command", "");
        row["Command"] = go_quote(trunc ? ellipsis(command, 20) : command);
        const std::int64_t created = c.value("Created", std::int64_t{0});
        row["CreatedAt"] = go_time_text(created);
        row["RunningFor"] = created_since(created, now_unix);
        row["Ports"] = displayable_ports(c.contains("Ports") ? c["Ports"] : nlohmann::json());
        row["State"] = field_or(c, "State", "");
        row["Status"] = field_or(c, "Status", "");
        const auto size_rw = c.value("SizeRw", std::int64_t{0});
        const auto size_root = c.value("SizeRootFs", std::int64_t{0});
        std::string size = decimal_size(static_cast<double>(size_rw), 3);
        if (size_root > 0) size += " (virtual " + decimal_size(static_cast<double>(size_root), 3) + ")";
        row["Size"] = size;
        row["Names"] = names_column(c, trunc);
        std::vector<std::string> labels;
        for (const auto& [k, v] : object_field(c, "Labels").items())
            labels.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
        std::string label_text;
        for (const auto& l : labels) label_text += (label_text.empty() ? "" : ",") + l;
        row["Labels"] = label_text;
        std::string mounts;
        int local_volumes = 0;
        for (const auto& m : array_field(c, "Mounts")) {
            std::string name = field_or(m, "Name", "");
            if (name.empty()) name = field_or(m, "Source", "");
            if (trunc) name = ellipsis(name, 15);
            mounts += (mounts.empty() ? "" : ",") + name;
            if (field_or(m, "Driver", "") == "local") ++local_volumes;
        }
        row["Mounts"] = mounts;
        row["LocalVolumes"] = std::to_string(local_volumes);
        std::string networks;
        for (const auto& [name, value] : object_field(object_field(c, "NetworkSettings"), "Networks").items())
            networks += (networks.empty() ? "" : ",") + name;
        row["Networks"] = networks;
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string default_ps_format(bool size) {
    std::string format = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
    if (size) format += "\t{{.Size}}";
    return format;
}

const std::map<std::string, std::string>& container_titles() {
    static const std::map<std::string, std::string> titles = {
        {"ID", "CONTAINER ID"}, {"Image", "IMAGE"},       {"Command", "COMMAND"},  {"CreatedAt", "CREATED AT"},
        {"RunningFor", "CREATED"}, {"Ports", "PORTS"},    {"State", "STATE"},      {"Status", "STATUS"},
        {"Size", "SIZE"},       {"Names", "NAMES"},       {"Labels", "LABELS"},    {"Mounts", "MOUNTS"},
        {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}};
    return titles;
}

}  // namespace berth::cli
