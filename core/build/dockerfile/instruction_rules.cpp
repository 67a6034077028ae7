// instruction_rules.cpp — per-instruction checks in the order Docker makes
// them (so a line with two mistakes reports the same one), with Docker's
// messages. See instruction_rules.h.
#include "build/dockerfile/instruction_rules.h"

#include "build/dockerfile/go_duration.h"
#include "build/dockerfile/go_text.h"

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>
#include <stdexcept>

namespace berth::build::detail {
namespace {

enum class FlagKind { Bool, String, Strings };

struct FlagSpec {
    const char *name;
    FlagKind kind;
};

std::vector<FlagSpec> accepted_flags(const std::string &keyword) {
    using K = FlagKind;
    if (keyword == "from") return {{"platform", K::String}};
    if (keyword == "copy")
        return {{"chown", K::String}, {"from", K::String}, {"chmod", K::String}, {"link", K::Bool}};
    if (keyword == "add")
        return {{"chown", K::String}, {"chmod", K::String}, {"link", K::Bool}, {"keep-git-dir", K::Bool},
                {"checksum", K::String}};
    // BuildKit-only RUN options parse; the legacy builder refuses them when it runs the step.
    if (keyword == "run") return {{"mount", K::Strings}, {"network", K::String}, {"security", K::String}};
    if (keyword == "healthcheck")
        return {{"interval", K::String}, {"timeout", K::String}, {"start-period", K::String},
                {"start-interval", K::String}, {"retries", K::String}};
    return {};
}

// BFlags.Parse: every word must name an accepted flag, once (a repeatable
// flag such as --mount keeps its last value here), with a value when it
// is a string flag and true/false (or nothing) when it is a boolean.
std::map<std::string, std::string> parse_flags(const std::vector<std::string> &words, const std::string &keyword,
                                               int line) {
    const auto specs = accepted_flags(keyword);
    std::map<std::string, std::string> flags;
    std::set<std::string> used;
    for (const auto &word : words) {
        if (word.rfind("--", 0) != 0) throw DockerfileError(line, "Arg should start with -- : " + word);
        if (word == "--") break;
        std::string name = word.substr(2), value;
        const auto eq = name.find('=');
        const bool has_value = eq != std::string::npos;
        if (has_value) {
            value = name.substr(eq + 1);
            name.erase(eq);
        }
        const auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec &f) { return name == f.name; });
        if (spec == specs.end()) throw DockerfileError(line, "Unknown flag: " + name);
        if (!used.insert(name).second && spec->kind != FlagKind::Strings)
            throw DockerfileError(line, "Duplicate flag specified: " + name);
        if (spec->kind == FlagKind::Bool) {
            if (has_value && value.empty()) throw DockerfileError(line, "Missing a value on flag: " + name);
            const std::string lower = to_lower(value);
            if (!lower.empty() && lower != "true" && lower != "false")
                throw DockerfileError(line, "Expecting boolean value for flag " + name + ", not: " + value);
        } else if (!has_value) {
            throw DockerfileError(line, "Missing a value on flag: " + name);
        }
        flags[name] = value;
    }
    return flags;
}

void exactly_one(const Instruction &in, const char *upper) {
    if (in.args.size() != 1) throw DockerfileError(in.line, std::string(upper) + " requires exactly one argument");
}

void at_least_one(const Instruction &in, const char *upper) {
    if (in.args.empty()) throw DockerfileError(in.line, std::string(upper) + " requires at least one argument");
}

void at_least_two(const Instruction &in, const char *upper) {
    if (in.args.size() < 2)
        throw DockerfileError(in.line, std::string(upper) +
                                           " requires at least two arguments, but only one was provided. "
                                           "Destination could not be determined");
}

void key_values(const Instruction &in, const char *upper) {
    if (in.pairs.empty()) throw DockerfileError(in.line, std::string(upper) + " requires at least one argument");
    for (const auto &kv : in.pairs)
        if (kv.key.empty()) throw DockerfileError(in.line, std::string(upper) + " names can not be blank");
}

void stage_name(const Instruction &in) {
    if (in.args.size() == 3 && to_lower(in.args[1]) == "as") {
        static const std::regex valid("^[a-z][a-z0-9-_.]*$");
        if (!std::regex_match(to_lower(in.args[2]), valid))
            throw DockerfileError(in.line, "invalid name for build stage: " + go_quote(in.args[2]) +
                                               ", name can't start with a number or contain symbols");
    } else if (in.args.size() != 1) {
        throw DockerfileError(in.line, "FROM requires either one or three arguments");
    }
}

void health_interval(const Instruction &in, const char *flag) {
    const auto it = in.flags.find(flag);
    if (it == in.flags.end() || it->second.empty()) return;
    std::chrono::nanoseconds d;
    try {
        d = parse_go_duration(it->second);
    } catch (const std::invalid_argument &e) {
        throw DockerfileError(in.line, e.what());
    }
    if (d.count() != 0 && d < std::chrono::milliseconds(1))
        throw DockerfileError(in.line, "Interval " + go_quote(flag) + " cannot be less than 1ms");
}

void health_retries(const Instruction &in) {
    const auto it = in.flags.find("retries");
    if (it == in.flags.end() || it->second.empty()) return;
    const std::string &text = it->second;
    long long retries = 0;
    std::string_view digits = text;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1); // Go accepts a leading '+'
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), retries);
    if (digits.empty() || end != digits.data() + digits.size() || ec == std::errc::invalid_argument)
        throw DockerfileError(in.line, "strconv.ParseInt: parsing " + go_quote(text) + ": invalid syntax");
    if (ec == std::errc::result_out_of_range || retries > INT32_MAX || retries < INT32_MIN)
        throw DockerfileError(in.line, "strconv.ParseInt: parsing " + go_quote(text) + ": value out of range");
    if (retries < 0)
        throw DockerfileError(in.line, "--retries cannot be negative (" + std::to_string(retries) + ")");
}

void healthcheck(Instruction &in, const std::vector<std::string> &flag_words) {
    at_least_one(in, "HEALTHCHECK");
    in.args[0] = to_upper(in.args[0]);
    const std::string &type = in.args[0];
    if (type == "NONE") {
        if (in.args.size() != 1) throw DockerfileError(in.line, "HEALTHCHECK NONE takes no arguments");
        in.json_form = false;
        return; // Docker reads no flags for NONE
    }
    in.flags = parse_flags(flag_words, "healthcheck", in.line);
    if (type != "CMD") throw DockerfileError(in.line, "Unknown type " + go_quote(type) + " in HEALTHCHECK (try CMD)");
    if (in.args.size() < 2) throw DockerfileError(in.line, "Missing command after HEALTHCHECK CMD");
    for (const char *flag : {"interval", "timeout", "start-period", "start-interval"}) health_interval(in, flag);
    health_retries(in);
}

void onbuild(Instruction &in, const std::string &trigger_keyword) {
    const std::string trigger = to_upper(trigger_keyword);
    if (trigger == "ONBUILD") throw DockerfileError(in.line, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (trigger == "MAINTAINER" || trigger == "FROM")
        throw DockerfileError(in.line, trigger + " isn't allowed as an ONBUILD trigger");
    // Docker keeps the trigger as the original text minus "ONBUILD ".
    static const std::regex prefix(R"(^\s*[Oo][Nn][Bb][Uu][Ii][Ll][Dd]\s*)");
    in.args = {std::regex_replace(in.original, prefix, "", std::regex_constants::format_first_only)};
}

} // namespace

Instruction apply_instruction_rules(InstructionSyntax syntax, std::string original, int line) {
    Instruction in;
    in.keyword = syntax.keyword;
    in.original = std::move(original);
    in.line = line;
    in.json_form = syntax.json_form;
    in.args = std::move(syntax.args);
    in.pairs = std::move(syntax.pairs);
    const std::string &k = in.keyword;
    auto flags = [&] { in.flags = parse_flags(syntax.flag_words, k, line); };

    if (k == "env") {
        flags();
        key_values(in, "ENV");
    } else if (k == "label") {
        flags();
        key_values(in, "LABEL");
    } else if (k == "maintainer") {
        exactly_one(in, "MAINTAINER");
        flags();
    } else if (k == "add" || k == "copy") {
        at_least_two(in, k == "add" ? "ADD" : "COPY");
        flags();
    } else if (k == "from") {
        stage_name(in);
        flags();
    } else if (k == "onbuild") {
        at_least_one(in, "ONBUILD");
        flags();
        onbuild(in, syntax.trigger_keyword);
    } else if (k == "workdir") {
        exactly_one(in, "WORKDIR");
        flags();
    } else if (k == "run" || k == "cmd" || k == "entrypoint") {
        flags();
    } else if (k == "healthcheck") {
        healthcheck(in, syntax.flag_words);
    } else if (k == "expose") {
        at_least_one(in, "EXPOSE");
        flags();
        std::sort(in.args.begin(), in.args.end()); // Docker keeps the ports sorted
    } else if (k == "user") {
        exactly_one(in, "USER");
        flags();
    } else if (k == "volume") {
        at_least_one(in, "VOLUME");
        flags();
        for (auto &v : in.args) {
            v = std::string(trim(v));
            if (v.empty()) throw DockerfileError(line, "VOLUME specified can not be an empty string");
        }
    } else if (k == "stopsignal") {
        exactly_one(in, "STOPSIGNAL"); // Docker reads no flags for STOPSIGNAL
    } else if (k == "arg") {
        at_least_one(in, "ARG"); // nor for ARG
        for (const auto &word : in.args) {
            const auto eq = word.find('=');
            if (eq == std::string::npos) {
                in.pairs.push_back({word, "", false});
            } else {
                if (eq == 0) throw DockerfileError(line, "ARG names can not be blank");
                in.pairs.push_back({word.substr(0, eq), word.substr(eq + 1), true});
            }
        }
    } else if (k == "shell") {
        flags();
        if (in.args.empty()) throw DockerfileError(line, "SHELL requires at least one argument");
        if (!in.json_form) throw DockerfileError(line, "SHELL requires the arguments to be in JSON form");
    } else {
        throw DockerfileError(line, "unknown instruction: " + to_upper(k));
    }
    return in;
}

} // namespace berth::build::detail
