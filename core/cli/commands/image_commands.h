#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

// The image commands (`berth image ...` and docker's top-level shortcuts
// pull, push, images, rmi, tag, save, load, import, history) and login/logout.
//
// Each command has an options struct filled by CLI11 and a run function that
// does the work; the run functions are declared here so tests can call them
// against a fake daemon without going through argv.
namespace berth::cli {

struct PullOptions {
    std::string name;
    bool all_tags = false;
    bool quiet = false;
    std::string platform;
};
int run_pull(const CliContext& ctx, const PullOptions& options);

struct PushOptions {
    std::string name;
    bool all_tags = false;
    bool quiet = false;
};
int run_push(const CliContext& ctx, const PushOptions& options);

struct ImagesOptions {
    std::string reference;  // REPO[:TAG] positional
    bool all = false;
    bool quiet = false;
    bool digests = false;
    bool no_trunc = false;
    std::vector<std::string> filters;
    std::string format;
};
int run_images(const CliContext& ctx, const ImagesOptions& options);

struct InspectOptions {
    std::vector<std::string> names;
    std::string format;
};
int run_image_inspect(const CliContext& ctx, const InspectOptions& options);

struct HistoryOptions {
    std::string name;
    bool quiet = false;
    bool no_trunc = false;
    bool human = true;
    std::string format;
};
int run_history(const CliContext& ctx, const HistoryOptions& options);

struct TagOptions {
    std::string source;
    std::string target;
};
int run_tag(const CliContext& ctx, const TagOptions& options);

struct RmiOptions {
    std::vector<std::string> names;
    bool force = false;
    bool no_prune = false;
};
int run_rmi(const CliContext& ctx, const RmiOptions& options);

struct SaveOptions {
    std::vector<std::string> names;
    std::string output;
};
int run_save(const CliContext& ctx, const SaveOptions& options);

struct LoadOptions {
    std::string input;
    bool quiet = false;
};
int run_load(const CliContext& ctx, const LoadOptions& options);

struct ImportOptions {
    std::string source;     // file, URL or "-"
    std::string reference;  // REPOSITORY[:TAG], optional
    std::vector<std::string> changes;
    std::string message;
    std::string platform;
};
int run_import(const CliContext& ctx, const ImportOptions& options);

struct PruneOptions {
    bool all = false;
    bool force = false;
    std::vector<std::string> filters;
};
int run_image_prune(const CliContext& ctx, const PruneOptions& options);

struct LoginOptions {
    std::string server;
    std::string username;
    std::string password;
    bool password_stdin = false;
};
int run_login(const CliContext& ctx, const LoginOptions& options);

struct LogoutOptions {
    std::string server;
};
int run_logout(const CliContext& ctx, const LogoutOptions& options);

// Registration. `name` lets one command appear both under `image` and at the
// top level (`image ls` and `images`); each call makes its own subcommand.
void add_pull_command(CLI::App& parent, CliContext& ctx);
void add_push_command(CLI::App& parent, CliContext& ctx);
void add_images_command(CLI::App& parent, CliContext& ctx, const std::string& name);
void add_image_inspect_command(CLI::App& parent, CliContext& ctx);
void add_history_command(CLI::App& parent, CliContext& ctx);
void add_tag_command(CLI::App& parent, CliContext& ctx);
void add_rmi_command(CLI::App& parent, CliContext& ctx, const std::string& name);
void add_save_command(CLI::App& parent, CliContext& ctx);
void add_load_command(CLI::App& parent, CliContext& ctx);
void add_import_command(CLI::App& parent, CliContext& ctx);
void add_image_prune_command(CLI::App& parent, CliContext& ctx);

}  // namespace berth::cli
