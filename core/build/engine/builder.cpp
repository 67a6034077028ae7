// builder.cpp — run_build: one Build object per request walks the needed
// stages of the Dockerfile and dispatches each instruction (see builder.h
// for the model). The instruction-specific parts live in config_edits.cpp
// (metadata), step_containers.cpp (containers and commits) and the
// context/copy planning in build/context/.
#include "build/engine/builder.h"

#include "build/context/build_context.h"
#include "build/context/copy_plan.h"
#include "build/context/dockerignore.h"
#include "build/dockerfile/dockerfile.h"
#include "build/dockerfile/word_expansion.h"
#include "build/engine/build_args.h"
#include "build/engine/build_cache.h"
#include "build/engine/config_edits.h"
#include "build/engine/stage_plan.h"
#include "build/engine/step_containers.h"
#include "containers/archive/container_user.h"
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tar_extract.h"
#include "distribution/progress.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/reference.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::build {

using nlohmann::json;

namespace {

constexpr const char *kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string short_id(const std::string &id) {
    const auto colon = id.find(':');
    return id.substr(colon == std::string::npos ? 0 : colon + 1, 12);
}

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string joined(const std::vector<std::string> &v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
    return out;
}

// The base of every FROM scratch stage: an image with no layers and a
// fixed config, so its ID (and the cache built on it) is the same in
// every build.
std::string scratch_image(images::ImageService &images) {
    const json config = {{"architecture", "amd64"},
                         {"config", json::object()},
                         {"created", "1970-01-01T00:00:00Z"},
                         {"os", "linux"},
                         {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
    return images.images().create_from_config(config.dump()).id;
}

// mkdir -p of an absolute path beneath the rootfs, every new directory
// 0755 and owned by the container's root.
void make_dirs_in_root(int root_fd, const std::string &path, uid_t uid, gid_t gid) {
    std::string partial;
    size_t pos = 1;
    while (pos <= path.size()) {
        const size_t next = path.find('/', pos);
        const std::string name = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        pos = next == std::string::npos ? path.size() + 1 : next + 1;
        if (name.empty() || name == ".") continue;
        auto parent = containers::archive::open_in_root(root_fd, partial.empty() ? "/" : partial,
                                                        O_PATH | O_DIRECTORY);
        // O_PATH fds cannot be used for mkdirat; reopen as a directory.
        images::UniqueFd dir(::openat(parent.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dir) throw std::system_error(errno, std::generic_category(), "open " + partial);
        if (::mkdirat(dir.get(), name.c_str(), 0755) == 0) {
            if (::fchownat(dir.get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
                throw std::system_error(errno, std::generic_category(), "chown " + partial + "/" + name);
        } else if (errno != EEXIST) {
            throw std::system_error(errno, std::generic_category(), "mkdir " + partial + "/" + name);
        }
        partial += "/" + name;
    }
}

// Hides everything but errors in quiet mode (q=1): the route then sends
// only the image ID.
class OutputFilter final : public distribution::ProgressSink {
public:
    OutputFilter(distribution::ProgressSink &out, bool quiet) : out_(out), quiet_(quiet) {}
    void send(const distribution::ProgressMessage &m) override {
        if (!quiet_) out_.send(m);
    }

private:
    distribution::ProgressSink &out_;
    bool quiet_;
};

struct StageRun {
    const Stage *stage = nullptr;
    std::string image_id;
    ConfigState state;
};

class Build {
public:
    Build(const BuildServices &services, const BuildOptions &options, distribution::ProgressSink &progress)
        : services_(services), options_(options), out_(progress, options.quiet), raw_out_(progress),
          args_(options.build_args), containers_(*services.containers, *services.images, options) {}

    std::string run(int context_fd);

private:
    void say(const std::string &text) { out_.send({.stream = text}); }
    void run_stage(const Stage &stage);
    void begin_stage(StageRun &run);
    void dispatch(StageRun &run, const Instruction &ins);
    void metadata_step(StageRun &run, const std::string &comment);
    void arg_step(StageRun &run, const Instruction &ins);
    void workdir_step(StageRun &run, const Instruction &ins);
    void run_step(StageRun &run, const Instruction &ins);
    void copy_step(StageRun &run, const Instruction &ins);
    void labels_step(StageRun &run);
    bool use_cache(StageRun &run, const json &probe);
    // After a step's commit: remove its container (--rm, the default) or
    // keep it. Returns whether it was removed.
    bool finish_container(const std::string &id) {
        if (options_.remove || options_.force_remove) {
            containers_.remove(id);
            return true;
        }
        containers_.keep(id);
        return false;
    }
    void committed(StageRun &run, const std::string &image_id);
    std::string ensure_image(const std::string &name, const std::string &platform);
    Expander expander(const StageRun &run) const;
    std::optional<std::pair<uid_t, gid_t>> resolve_chown(const std::string &spec, int root_fd, int line) const;

    const BuildServices &services_;
    const BuildOptions &options_;
    OutputFilter out_;
    distribution::ProgressSink &raw_out_;
    BuildArgs args_;
    StepContainers containers_;
    std::optional<BuildContext> context_;
    Dockerfile file_;
    StagePlan plan_;
    std::map<int, std::string> stage_images_;
    int step_ = 0;
};

std::string Build::run(int context_fd) {
    try {
        context_.emplace(BuildContext::extract(context_fd, services_.scratch_dir));
    } catch (const std::invalid_argument &e) {
        throw BuildFailed(std::string("the build context is not a tar archive: ") + e.what());
    }
    const auto text = context_->read_file(options_.dockerfile);
    if (!text) throw BuildFailed("Cannot locate specified Dockerfile: " + options_.dockerfile);
    if (const auto ignore = context_->read_file(".dockerignore")) {
        try {
            // After the Dockerfile is read: like moby, the Dockerfile and
            // .dockerignore leave the context too when .dockerignore names
            // them (the docker CLI names both when it injects a Dockerfile
            // from outside the context).
            context_->apply_ignore(IgnoreMatcher::parse(*ignore), {});
        } catch (const std::invalid_argument &e) {
            throw BuildFailed(std::string("error reading .dockerignore: ") + e.what());
        }
    }
    try {
        file_ = parse_dockerfile(*text);
        for (const Instruction *ins : meta_args_of(file_))
            for (const auto &kv : ins->pairs) {
                std::optional<std::string> def;
                if (kv.has_value) def = expand_word(kv.value, lookup_in(args_.meta_values()), file_.escape);
                args_.declare_meta(kv.key, def);
            }
        plan_ = plan_stages(file_, options_.target, [this](std::string_view word) {
            return expand_word(word, lookup_in(args_.meta_values()), file_.escape);
        });
        if (!options_.labels.empty()) ++plan_.step_count;
        for (int index : plan_.needed) run_stage(plan_.stages[index]);
    } catch (const DockerfileError &e) {
        throw BuildFailed(e.what());
    } catch (const ExpansionError &e) {
        throw BuildFailed(e.what());
    }

    const std::string id = stage_images_[plan_.target];
    if (id.empty()) throw BuildFailed("No image was generated. Is your Dockerfile empty?");
    if (const auto unused = args_.unconsumed(); !unused.empty())
        say("[Warning] One or more build-args [" + joined(unused) + "] were not consumed\n");
    out_.send({.aux_json = json{{"ID", id}}.dump()});
    say("Successfully built " + short_id(id) + "\n");
    for (const auto &tag : options_.tags) {
        auto ref = images::parse_normalized_named(tag);
        if (ref.name_only()) ref = ref.with_tag("latest"); // "Successfully tagged demo:latest", as docker says
        services_.images->tag_image(id, ref);
        say("Successfully tagged " + ref.familiar_string() + "\n");
    }
    return id;
}

void Build::run_stage(const Stage &stage) {
    StageRun run;
    run.stage = &stage;
    args_.begin_stage();
    say("Step " + std::to_string(++step_) + "/" + std::to_string(plan_.step_count) + " : " + stage.from->original +
        "\n");
    begin_stage(run);
    for (const Instruction *ins : stage.body) {
        say("Step " + std::to_string(++step_) + "/" + std::to_string(plan_.step_count) + " : " + ins->original +
            "\n");
        dispatch(run, *ins);
    }
    if (stage.index == plan_.target && !options_.labels.empty()) labels_step(run);
    stage_images_[stage.index] = run.image_id;
}

void Build::begin_stage(StageRun &run) {
    const Stage &stage = *run.stage;
    std::string platform = options_.platform;
    if (auto p = stage.from->flags.find("platform"); p != stage.from->flags.end())
        platform = expand_word(p->second, lookup_in(args_.meta_values()), file_.escape);
    if (stage.base_stage) {
        run.image_id = stage_images_.at(*stage.base_stage);
    } else if (lower(stage.base) == "scratch") {
        run.image_id = scratch_image(*services_.images);
        return; // nothing to show or inherit
    } else {
        run.image_id = ensure_image(stage.base, platform);
    }
    say(" ---> " + short_id(run.image_id) + "\n");
    const auto image = services_.images->images().get(run.image_id);
    run.state.config = json::parse(image.config.config_json.empty() ? "{}" : image.config.config_json);
    if (!run.state.config.is_object()) run.state.config = json::object();
    bool has_path = false;
    for (const auto &e : run.state.env()) has_path = has_path || e.rfind("PATH=", 0) == 0;
    if (!has_path) run.state.set_env("PATH", std::string(kDefaultPath).substr(5));

    // ONBUILD triggers of the base run now, before this stage's own steps.
    const auto triggers = run.state.config.value("OnBuild", json());
    run.state.config["OnBuild"] = nullptr;
    if (triggers.is_array() && !triggers.empty()) {
        say("# Executing " + std::to_string(triggers.size()) + " build trigger" + (triggers.size() > 1 ? "s" : "") +
            "\n");
        for (const auto &t : triggers) {
            const Instruction ins = parse_instruction(t.get<std::string>(), file_.escape, stage.from->line);
            dispatch(run, ins);
        }
    }
}

std::string Build::ensure_image(const std::string &name, const std::string &platform) {
    if (!options_.pull) {
        try {
            return services_.images->resolve(name).id;
        } catch (const images::NotFound &) {
        } catch (const images::Error &e) {
            throw BuildFailed(e.what());
        }
    }
    images::Reference ref;
    try {
        ref = images::parse_normalized_named(name);
    } catch (const std::exception &e) {
        throw BuildFailed(e.what());
    }
    if (ref.name_only()) ref = ref.with_tag("latest");
    if (!services_.pull) throw BuildFailed("No such image: " + name);
    try {
        services_.pull(ref, platform, out_);
        return services_.images->resolve(name).id;
    } catch (const BuildFailed &) {
        throw;
    } catch (const std::exception &e) {
        throw BuildFailed(e.what());
    }
}

Expander Build::expander(const StageRun &run) const {
    const char escape = file_.escape;
    // ENV wins over ARG, as in moby.
    auto env = run.state.env();
    VariableLookup vars = [env, this](const std::string &name) -> std::optional<std::string> {
        for (auto it = env.rbegin(); it != env.rend(); ++it)
            if (it->compare(0, name.size() + 1, name + "=") == 0) return it->substr(name.size() + 1);
        return args_.value(name);
    };
    return Expander{[vars, escape](std::string_view w) { return expand_word(w, vars, escape); },
                    [vars, escape](std::string_view w) { return expand_words(w, vars, escape); }};
}

void Build::dispatch(StageRun &run, const Instruction &ins) {
    const std::string &k = ins.keyword;
    if (k == "arg") return arg_step(run, ins);
    if (k == "workdir") return workdir_step(run, ins);
    if (k == "run") return run_step(run, ins);
    if (k == "copy" || k == "add") return copy_step(run, ins);
    if (is_metadata_instruction(k)) return metadata_step(run, apply_metadata(run.state, ins, expander(run)));
    throw DockerfileError(ins.line, "unknown instruction: " + k);
}

bool Build::use_cache(StageRun &run, const json &probe) {
    if (options_.no_cache) return false;
    const auto hit = find_cached_step(*services_.images, run.image_id, probe);
    if (!hit) return false;
    say(" ---> Using cache\n");
    committed(run, *hit);
    return true;
}

void Build::committed(StageRun &run, const std::string &image_id) {
    run.image_id = image_id;
    say(" ---> " + short_id(image_id) + "\n");
}

void Build::metadata_step(StageRun &run, const std::string &comment) {
    json probe = run.state.config;
    auto cmd = run.state.shell();
    cmd.push_back("#(nop) ");
    cmd.push_back(comment);
    probe["Cmd"] = cmd;
    if (use_cache(run, probe)) return;
    committed(run, commit_step(*services_.images, nullptr, run.image_id, run.state.config, probe, run.state.author));
}

void Build::arg_step(StageRun &run, const Instruction &ins) {
    const Expander expand = expander(run);
    std::string comment = "ARG";
    for (const auto &kv : ins.pairs) {
        std::optional<std::string> def;
        if (kv.has_value) def = expand.word(kv.value);
        args_.declare(kv.key, def);
        comment += " " + kv.key + (def ? "=" + *def : "");
    }
    metadata_step(run, comment);
}

void Build::labels_step(StageRun &run) {
    std::string original = "LABEL", comment = "LABEL";
    if (!run.state.config["Labels"].is_object()) run.state.config["Labels"] = json::object();
    for (const auto &[k, v] : options_.labels) {
        run.state.config["Labels"][k] = v;
        original += " \"" + k + "\"='" + v + "'";
        comment += " " + k + "=" + v;
    }
    say("Step " + std::to_string(++step_) + "/" + std::to_string(plan_.step_count) + " : " + original + "\n");
    metadata_step(run, comment);
}

void Build::workdir_step(StageRun &run, const Instruction &ins) {
    const std::string dir =
        resolve_workdir(run.state.config.value("WorkingDir", std::string()), expander(run).word(ins.args.at(0)));
    run.state.config["WorkingDir"] = dir;
    json probe = run.state.config;
    auto cmd = run.state.shell();
    cmd.push_back("#(nop) WORKDIR " + dir);
    probe["Cmd"] = cmd;
    if (use_cache(run, probe)) return;
    // moby makes the directory in a container and commits it: a layer when
    // it is new, an empty_layer entry when it was there.
    const std::string id = containers_.create(run.image_id, probe);
    std::string image;
    {
        auto fs = containers_.filesystem(id);
        auto root = containers::archive::open_root(fs->rootfs);
        make_dirs_in_root(root.get(), dir, fs->id_map.root_uid(), fs->id_map.root_gid());
        image = commit_step(*services_.images, fs, run.image_id, run.state.config, probe, run.state.author);
    }
    finish_container(id);
    committed(run, image);
}

void Build::run_step(StageRun &run, const Instruction &ins) {
    // The parser accepts BuildKit's RUN flags; the legacy builder refuses
    // them when the step runs, with these words.
    for (const char *flag : {"mount", "network", "security"})
        if (ins.flags.count(flag))
            throw BuildFailed(std::string("the --") + flag +
                              " option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how "
                              "to build images with BuildKit enabled");
    std::vector<std::string> cmd;
    if (ins.json_form) {
        cmd = ins.args;
    } else {
        cmd = run.state.shell();
        cmd.push_back(ins.args.empty() ? std::string() : ins.args[0]);
    }
    const auto image_env = run.state.env();
    const auto declared = args_.declared_env(image_env);
    // moby's cache key and history: "|<n> a=1 b=2 /bin/sh -c ..." when
    // build args are in effect.
    std::vector<std::string> save_cmd;
    if (!declared.empty()) {
        save_cmd.push_back("|" + std::to_string(declared.size()));
        save_cmd.insert(save_cmd.end(), declared.begin(), declared.end());
    }
    save_cmd.insert(save_cmd.end(), cmd.begin(), cmd.end());
    json probe = run.state.config;
    probe["Cmd"] = save_cmd;
    probe["Entrypoint"] = nullptr;
    if (use_cache(run, probe)) return;

    json config = run.state.config;
    config["Cmd"] = cmd;
    config["Entrypoint"] = json::array({""});
    auto env = image_env;
    env.insert(env.end(), declared.begin(), declared.end());
    for (const auto &p : args_.proxy_env()) env.push_back(p);
    config["Env"] = env;
    config.erase("OnBuild");
    const std::string id = containers_.create(run.image_id, config);
    say(" ---> Running in " + short_id(id) + "\n");
    int code = 0;
    try {
        code = containers_.run(id, [this](std::string_view text) { say(std::string(text)); });
    } catch (const images::Error &e) {
        containers_.remove(id);
        throw BuildFailed(e.what(), 1);
    }
    if (code != 0) {
        containers_.remove(id);
        throw BuildFailed("The command '" + joined(cmd) + "' returned a non-zero code: " + std::to_string(code), code);
    }
    std::string image;
    {
        auto fs = containers_.filesystem(id);
        image = commit_step(*services_.images, fs, run.image_id, run.state.config, probe, run.state.author);
    }
    if (finish_container(id)) say(" ---> Removed intermediate container " + short_id(id) + "\n");
    committed(run, image);
}

std::optional<std::pair<uid_t, gid_t>> Build::resolve_chown(const std::string &spec, int root_fd, int line) const {
    if (spec.empty()) return std::nullopt;
    try {
        auto ids = containers::archive::lookup_container_user(root_fd, spec);
        if (!ids) return std::nullopt;
        return ids;
    } catch (const std::exception &e) {
        throw DockerfileError(line, "unable to convert uid/gid chown string to host mapping: " + std::string(e.what()));
    }
}

void Build::copy_step(StageRun &run, const Instruction &ins) {
    const Expander expand = expander(run);
    const bool add = ins.keyword == "add";
    // The parser already split the words (at blanks, quotes or not, as
    // Docker does for COPY); each is expanded on its own.
    std::vector<std::string> words;
    for (const auto &a : ins.args) words.push_back(expand.word(a));
    const std::string name = add ? "ADD" : "COPY";
    if (words.size() < 2) throw DockerfileError(ins.line, name + " requires at least two arguments");

    CopyRequest request;
    request.sources.assign(words.begin(), words.end() - 1);
    request.dest = words.back();
    request.workdir = run.state.config.value("WorkingDir", std::string());
    if (request.workdir.empty()) request.workdir = "/";
    request.add = add;
    request.instruction = name;
    std::string flags_text;
    if (auto f = ins.flags.find("chmod"); f != ins.flags.end()) {
        const std::string mode = expand.word(f->second);
        try {
            size_t used = 0;
            const unsigned long m = std::stoul(mode, &used, 8);
            if (used != mode.size() || m > 07777) throw std::invalid_argument(mode);
            request.chmod = static_cast<mode_t>(m);
        } catch (const std::exception &) {
            throw DockerfileError(ins.line, "invalid chmod parameter: " + mode);
        }
        flags_text += "--chmod=" + mode + " ";
    }
    const std::string chown = ins.flags.count("chown") ? expand.word(ins.flags.at("chown")) : "";
    if (!chown.empty()) flags_text += "--chown=" + chown + " ";

    // Where the sources come from: the context, an earlier stage or an image.
    std::shared_ptr<containers::ContainerFs> source_fs;
    images::UniqueFd source_root;
    int source_fd = context_->root_fd();
    if (auto f = ins.flags.find("from"); f != ins.flags.end()) {
        const std::string from = expand.word(f->second);
        std::string image_id;
        if (auto stage = stage_reference(plan_, run.stage->index, from))
            image_id = stage_images_.at(*stage);
        else
            image_id = ensure_image(from, options_.platform);
        source_fs = containers_.source_filesystem(image_id);
        source_root = containers::archive::open_root(source_fs->rootfs);
        source_fd = source_root.get();
        request.from_context = false;
        flags_text += "--from=" + from + " ";
    }

    std::string checksum;
    try {
        checksum = copy_checksum(source_fd, request);
    } catch (const CopyError &e) {
        throw BuildFailed(e.what());
    }
    json probe = run.state.config;
    auto cmd = run.state.shell();
    cmd.push_back("#(nop) " + name + " " + flags_text + checksum + " in " + request.dest + " ");
    probe["Cmd"] = cmd;
    if (use_cache(run, probe)) return;

    const std::string id = containers_.create(run.image_id, probe);
    std::string image;
    {
        auto fs = containers_.filesystem(id);
        auto root = containers::archive::open_root(fs->rootfs);
        request.chown = resolve_chown(chown, root.get(), ins.line);
        try {
            CopyPlan copy = plan_copy(source_fd, root.get(), request, services_.scratch_dir);
            containers::archive::ExtractOptions extract;
            extract.id_map = fs->id_map;
            containers::archive::extract_tar(copy.tar.get(), root.get(), extract);
        } catch (const CopyError &e) {
            throw BuildFailed(e.what());
        } catch (const containers::archive::ExtractRefused &e) {
            throw BuildFailed(name + " failed: " + e.what());
        }
        image = commit_step(*services_.images, fs, run.image_id, run.state.config, probe, run.state.author);
    }
    finish_container(id);
    committed(run, image);
}

} // namespace

std::string run_build(const BuildServices &services, const BuildOptions &options, int context_fd,
                      distribution::ProgressSink &progress) {
    Build build(services, options, progress);
    return build.run(context_fd);
}

} // namespace berth::build
