#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

// `berth build` and `berth image build`: the legacy builder's POST /build,
// with docker build's flags and output. The options struct is filled by
// CLI11; run_build is declared here so tests can run it against a fake
// daemon without going through argv.
namespace berth::cli {

struct BuildOptions {
    std::string context;     // PATH, or "-" for a tar (or a Dockerfile) on stdin
    std::string dockerfile;  // -f: "" for PATH/Dockerfile, "-" for stdin
    std::vector<std::string> tags;
    std::vector<std::string> build_args;  // K=V, or K taken from the environment
    std::vector<std::string> labels;
    std::vector<std::string> add_hosts;
    std::string target;
    std::string network = "default";
    std::string platform;
    std::string iidfile;
    std::string shm_size;
    bool no_cache = false;
    bool pull = false;
    bool quiet = false;
    bool rm = true;
    bool force_rm = false;
};

int run_build(const CliContext& ctx, const BuildOptions& options);

void add_build_command(CLI::App& parent, CliContext& ctx);

}  // namespace berth::cli
