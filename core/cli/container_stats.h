#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

// `stats`: docker's numbers from one GET /containers/{id}/stats sample
// (CPU % from the sample and its precpu_stats, memory without the page
// cache, summed network and block I/O) and the row its formatter prints.
namespace berth::cli {

struct StatsEntry {
    std::string container;  // as the user named it (or the ID)
    std::string name;
    std::string id;
    double cpu_percent = 0;
    double memory = 0;
    double memory_limit = 0;
    double memory_percent = 0;
    double net_rx = 0, net_tx = 0;
    double block_read = 0, block_write = 0;
    std::uint64_t pids = 0;
    bool valid = false;  // no sample yet, or the stream broke: "--"
};

// cli/command/container/stats_helpers.go: calculateCPUPercentUnix,
// calculateMemUsageUnixNoCache, calculateNetwork, calculateBlockIO.
StatsEntry stats_entry(const nlohmann::json& sample, const std::string& container);

// The template fields: Container, Name, ID, CPUPerc, MemUsage, MemPerc,
// NetIO, BlockIO, PIDs.
nlohmann::json stats_row(const StatsEntry& entry, bool no_trunc);

std::string default_stats_format();
const std::map<std::string, std::string>& stats_titles();

}  // namespace berth::cli
