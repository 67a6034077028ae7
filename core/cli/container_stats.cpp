#include "container_stats.h"

#include <cctype>
#include <cstdio>

#include "byte_units.h"
#include "format_output.h"
#include "json_text.h"

namespace berth::cli {
namespace {

double number(const nlohmann::json& node, const char* key) {
    if (!node.is_object()) return 0;
    const auto it = node.find(key);
    return it != node.end() && it->is_number() ? it->get<double>() : 0;
}

std::string percent(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", value);
    return text;
}

}  // namespace

StatsEntry stats_entry(const nlohmann::json& s, const std::string& container) {
    StatsEntry e;
    e.container = container;
    e.id = field_or(s, "id", "");
    e.name = field_or(s, "name", "");
    if (!e.name.empty() && e.name.front() == '/') e.name.erase(0, 1);

    const auto& cpu = object_field(s, "cpu_stats");
    const auto& pre = object_field(s, "precpu_stats");
    const double cpu_delta = number(object_field(cpu, "cpu_usage"), "total_usage") -
                             number(object_field(pre, "cpu_usage"), "total_usage");
    const double system_delta = number(cpu, "system_cpu_usage") - number(pre, "system_cpu_usage");
    double online = number(cpu, "online_cpus");
    if (online == 0) online = static_cast<double>(array_field(object_field(cpu, "cpu_usage"), "percpu_usage").size());
    if (system_delta > 0 && cpu_delta > 0) e.cpu_percent = cpu_delta / system_delta * online * 100.0;

    const auto& memory = object_field(s, "memory_stats");
    const auto& memory_detail = object_field(memory, "stats");
    const double usage = number(memory, "usage");
    e.memory = usage;
    // cgroup v1 reports total_inactive_file, v2 inactive_file.
    if (memory_detail.contains("total_inactive_file") && number(memory_detail, "total_inactive_file") < usage)
        e.memory = usage - number(memory_detail, "total_inactive_file");
    else if (number(memory_detail, "inactive_file") < usage)
        e.memory = usage - number(memory_detail, "inactive_file");
    e.memory_limit = number(memory, "limit");
    if (e.memory_limit != 0) e.memory_percent = e.memory / e.memory_limit * 100.0;

    for (const auto& [name, net] : object_field(s, "networks").items()) {
        e.net_rx += number(net, "rx_bytes");
        e.net_tx += number(net, "tx_bytes");
    }
    for (const auto& entry : array_field(object_field(s, "blkio_stats"), "io_service_bytes_recursive")) {
        const std::string op = field_or(entry, "op", "");
        if (op.empty()) continue;
        const char first = static_cast<char>(std::tolower(static_cast<unsigned char>(op[0])));
        if (first == 'r') e.block_read += number(entry, "value");
        if (first == 'w') e.block_write += number(entry, "value");
    }
    e.pids = static_cast<std::uint64_t>(number(object_field(s, "pids_stats"), "current"));
    e.valid = true;
    return e;
}

nlohmann::json stats_row(const StatsEntry& e, bool no_trunc) {
    nlohmann::json row;
    row["Container"] = e.container;
    row["Name"] = e.name.empty() ? "--" : e.name;
    row["ID"] = no_trunc ? e.id : truncate_id(e.id);
    if (!e.valid) {
        for (const char* key : {"CPUPerc", "MemPerc"}) row[key] = "--";
        row["MemUsage"] = "-- / --";
        row["NetIO"] = "-- / --";
        row["BlockIO"] = "-- / --";
        row["PIDs"] = "--";
        return row;
    }
    row["CPUPerc"] = percent(e.cpu_percent);
    row["MemUsage"] = binary_size(static_cast<std::uint64_t>(e.memory)) + " / " +
                      binary_size(static_cast<std::uint64_t>(e.memory_limit));
    row["MemPerc"] = percent(e.memory_percent);
    row["NetIO"] = decimal_size(e.net_rx, 3) + " / " + decimal_size(e.net_tx, 3);
    row["BlockIO"] = decimal_size(e.block_read, 3) + " / " + decimal_size(e.block_write, 3);
    row["PIDs"] = std::to_string(e.pids);
    return row;
}

std::string default_stats_format() {
    return "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";
}

const std::map<std::string, std::string>& stats_titles() {
    static const std::map<std::string, std::string> titles = {
        {"Container", "CONTAINER"}, {"Name", "NAME"},       {"ID", "CONTAINER ID"},  {"CPUPerc", "CPU %"},
        {"MemUsage", "MEM USAGE / LIMIT"}, {"MemPerc", "MEM %"}, {"NetIO", "NET I/O"}, {"BlockIO", "BLOCK I/O"},
        {"PIDs", "PIDS"}};
    return titles;
}

}  // namespace berth::cli
