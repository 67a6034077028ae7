#include "build/engine/config_edits.h"

#include "build/dockerfile/go_duration.h"
#include "build/engine/go_format.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace berth::build {

using nlohmann::json;

namespace {

std::vector<std::string> strings_of(const json &j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto &v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

// CMD/ENTRYPOINT/HEALTHCHECK CMD: the JSON array as is, or the shell form
// wrapped in the stage's shell.
std::vector<std::string> command_of(const ConfigState &state, const Instruction &ins, size_t first) {
    std::vector<std::string> args(ins.args.begin() + static_cast<long>(std::min(first, ins.args.size())),
                                  ins.args.end());
    if (ins.json_form) return args;
    std::vector<std::string> cmd = state.shell();
    std::string text;
    for (size_t i = 0; i < args.size(); ++i) text += (i ? " " : "") + args[i];
    cmd.push_back(text);
    return cmd;
}

// "80", "80/tcp", "8000-8002/udp" → "80/tcp" ... (each port of a range).
std::vector<std::string> expose_ports(const std::string &spec, int line) {
    std::string ports = spec, proto = "tcp";
    if (auto slash = spec.find('/'); slash != std::string::npos) {
        ports = spec.substr(0, slash);
        proto = spec.substr(slash + 1);
        std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return std::tolower(c); });
    }
    if (proto != "tcp" && proto != "udp" && proto != "sctp")
        throw DockerfileError(line, "invalid proto: " + proto);
    auto number = [&](const std::string &s) {
        if (s.empty() || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }) ||
            s.size() > 5 || std::stoi(s) > 65535)
            throw DockerfileError(line, "invalid containerPort: " + spec);
        return std::stoi(s);
    };
    int lo = 0, hi = 0;
    if (auto dash = ports.find('-'); dash != std::string::npos) {
        lo = number(ports.substr(0, dash));
        hi = number(ports.substr(dash + 1));
        if (hi < lo) throw DockerfileError(line, "invalid range specified for container: " + spec);
    } else {
        lo = hi = number(ports);
    }
    std::vector<std::string> out;
    for (int p = lo; p <= hi; ++p) out.push_back(std::to_string(p) + "/" + proto);
    return out;
}

json &object_member(json &config, const char *key) {
    if (!config[key].is_object()) config[key] = json::object();
    return config[key];
}

std::string apply_healthcheck(ConfigState &state, const Instruction &ins) {
    if (ins.args.empty()) throw DockerfileError(ins.line, "HEALTHCHECK requires an argument");
    std::string kind = ins.args[0];
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::toupper(c); });
    json hc = json::object();
    if (kind == "NONE") {
        if (ins.args.size() > 1 || !ins.flags.empty())
            throw DockerfileError(ins.line, "HEALTHCHECK NONE takes no arguments");
        hc["Test"] = json::array({"NONE"});
    } else if (kind == "CMD") {
        if (ins.args.size() < 2) throw DockerfileError(ins.line, "Missing command after HEALTHCHECK CMD");
        json test = json::array();
        if (ins.json_form) {
            test.push_back("CMD");
            for (size_t i = 1; i < ins.args.size(); ++i) test.push_back(ins.args[i]);
        } else {
            std::string text;
            for (size_t i = 1; i < ins.args.size(); ++i) text += (i > 1 ? " " : "") + ins.args[i];
            test = json::array({"CMD-SHELL", text});
        }
        hc["Test"] = test;
        const std::pair<const char *, const char *> durations[] = {
            {"interval", "Interval"}, {"timeout", "Timeout"}, {"start-period", "StartPeriod"},
            {"start-interval", "StartInterval"}};
        for (const auto &[flag, field] : durations) {
            auto it = ins.flags.find(flag);
            if (it == ins.flags.end()) continue;
            int64_t ns = 0;
            try {
                ns = parse_go_duration(it->second).count();
            } catch (const std::invalid_argument &e) {
                throw DockerfileError(ins.line, e.what());
            }
            if (ns != 0 && ns < 1000000)
                throw DockerfileError(ins.line, std::string("Interval \"") + flag + "\" cannot be less than 1ms");
            if (ns < 0) throw DockerfileError(ins.line, std::string("Interval \"") + flag + "\" cannot be negative");
            hc[field] = ns;
        }
        if (auto it = ins.flags.find("retries"); it != ins.flags.end()) {
            int retries = 0;
            try {
                retries = std::stoi(it->second);
            } catch (...) {
                throw DockerfileError(ins.line, "strconv.ParseInt: parsing \"" + it->second + "\": invalid syntax");
            }
            if (retries < 0) throw DockerfileError(ins.line, "--retries cannot be negative (" + it->second + ")");
            hc["Retries"] = retries;
        }
    } else {
        throw DockerfileError(ins.line, "Unknown type \"" + ins.args[0] + "\" in HEALTHCHECK (try CMD)");
    }
    state.config["Healthcheck"] = hc;
    // moby prints the Go struct (%q); this keeps its shape.
    std::vector<std::string> test = strings_of(hc["Test"]);
    return "HEALTHCHECK &{" + go_quote_list(test) + "}";
}

} // namespace

std::vector<std::string> ConfigState::shell() const {
    auto s = strings_of(config.value("Shell", json()));
    if (s.empty()) return {"/bin/sh", "-c"};
    return s;
}

std::vector<std::string> ConfigState::env() const { return strings_of(config.value("Env", json())); }

void ConfigState::set_env(const std::string &key, const std::string &value) {
    if (!config["Env"].is_array()) config["Env"] = json::array();
    for (auto &e : config["Env"]) {
        const auto s = e.get<std::string>();
        if (s.substr(0, s.find('=')) == key) {
            e = key + "=" + value;
            return;
        }
    }
    config["Env"].push_back(key + "=" + value);
}

bool is_metadata_instruction(const std::string &k) {
    static const char *const names[] = {"env",        "label",      "expose",      "volume",  "user",
                                        "cmd",        "entrypoint", "shell",       "stopsignal",
                                        "healthcheck", "onbuild",   "maintainer"};
    return std::find(std::begin(names), std::end(names), k) != std::end(names);
}

std::string resolve_workdir(const std::string &current, const std::string &given) {
    std::filesystem::path p(given);
    if (p.is_relative()) p = std::filesystem::path(current.empty() ? "/" : current) / p;
    std::string out = p.lexically_normal().string();
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out.empty() ? "/" : out;
}

std::string apply_metadata(ConfigState &state, const Instruction &ins, const Expander &expand) {
    const std::string &k = ins.keyword;
    if (k == "env") {
        std::string comment = "ENV";
        for (const auto &kv : ins.pairs) {
            const std::string key = expand.word(kv.key);
            if (key.empty()) throw DockerfileError(ins.line, "ENV names can not be blank");
            const std::string value = expand.word(kv.value);
            state.set_env(key, value);
            comment += " " + key + "=" + value;
        }
        return comment;
    }
    if (k == "label") {
        std::string comment = "LABEL";
        json &labels = object_member(state.config, "Labels");
        for (const auto &kv : ins.pairs) {
            const std::string key = expand.word(kv.key);
            if (key.empty()) throw DockerfileError(ins.line, "LABEL names can not be blank");
            const std::string value = expand.word(kv.value);
            labels[key] = value;
            comment += " " + key + "=" + value;
        }
        return comment;
    }
    if (k == "expose") {
        std::vector<std::string> given;
        for (const auto &a : ins.args)
            for (auto &w : expand.words(a)) given.push_back(std::move(w));
        if (given.empty()) throw DockerfileError(ins.line, "EXPOSE requires at least one argument");
        json &ports = object_member(state.config, "ExposedPorts");
        std::string comment = "EXPOSE";
        for (const auto &spec : given) {
            for (const auto &p : expose_ports(spec, ins.line)) ports[p] = json::object();
            comment += " " + spec;
        }
        return comment;
    }
    if (k == "volume") {
        std::vector<std::string> vols;
        for (const auto &a : ins.args) vols.push_back(expand.word(a)); // one path per word, as moby
        if (vols.empty()) throw DockerfileError(ins.line, "VOLUME requires at least one argument");
        json &volumes = object_member(state.config, "Volumes");
        for (const auto &v : vols) {
            if (v.empty()) throw DockerfileError(ins.line, "VOLUME specified can not be an empty string");
            volumes[v] = json::object();
        }
        return "VOLUME " + go_plain_list(vols);
    }
    if (k == "user") {
        const std::string user = expand.word(ins.args.at(0));
        state.config["User"] = user;
        return "USER " + user;
    }
    if (k == "cmd") {
        const auto cmd = command_of(state, ins, 0);
        state.config["Cmd"] = cmd;
        state.cmd_set = true;
        return "CMD " + go_quote_list(cmd);
    }
    if (k == "entrypoint") {
        const auto ep = command_of(state, ins, 0);
        state.config["Entrypoint"] = ep;
        // moby: an ENTRYPOINT drops an inherited CMD unless this stage set one.
        if (!state.cmd_set) state.config["Cmd"] = nullptr;
        return "ENTRYPOINT " + go_quote_list(ep);
    }
    if (k == "shell") {
        if (!ins.json_form) throw DockerfileError(ins.line, "SHELL requires the arguments to be in JSON form");
        if (ins.args.empty()) throw DockerfileError(ins.line, "SHELL requires at least one argument");
        state.config["Shell"] = ins.args;
        return "SHELL " + go_quote_list(ins.args);
    }
    if (k == "stopsignal") {
        const std::string sig = expand.word(ins.args.at(0));
        state.config["StopSignal"] = sig;
        return "STOPSIGNAL " + sig;
    }
    if (k == "healthcheck") return apply_healthcheck(state, ins);
    if (k == "onbuild") {
        const std::string trigger = ins.args.at(0);
        (void)parse_instruction(trigger, '\\', ins.line); // refuses ONBUILD ONBUILD, FROM, MAINTAINER
        if (!state.config["OnBuild"].is_array()) state.config["OnBuild"] = json::array();
        state.config["OnBuild"].push_back(trigger);
        return "ONBUILD " + trigger;
    }
    if (k == "maintainer") {
        state.author = ins.args.at(0);
        return "MAINTAINER " + state.author;
    }
    throw DockerfileError(ins.line, "not a metadata instruction: " + k);
}

} // namespace berth::build
