#include "images/import_changes.h"

#include "images/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace berth::images {
namespace {

using nlohmann::json;

std::string trim(const std::string &s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Whitespace-separated words, honouring "double" and 'single' quotes and
// backslash escapes, as the Dockerfile parser does for ENV/LABEL pairs.
std::vector<std::string> split_words(const std::string &s) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == quote) {
                quote = 0;
            } else if (c == '\\' && quote == '"' && i + 1 < s.size()) {
                cur += s[++i];
            } else {
                cur += c;
            }
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < s.size()) {
            cur += s[++i];
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) out.push_back(cur);
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote) throw InvalidArgument("unterminated quote in: " + s);
    if (in_word) out.push_back(cur);
    return out;
}

// JSON (exec) form when the text is a JSON array of strings, else the shell
// form wrapped in /bin/sh -c.
std::vector<std::string> command_form(const std::string &args) {
    if (!args.empty() && args.front() == '[') {
        try {
            const auto j = json::parse(args);
            if (j.is_array() && std::all_of(j.begin(), j.end(), [](const json &e) { return e.is_string(); }))
                return j.get<std::vector<std::string>>();
        } catch (const json::exception &) {
            // Not JSON: Docker falls back to the shell form too.
        }
    }
    return {"/bin/sh", "-c", args};
}

// "k=v k2=v2" or the legacy "k v" form.
std::vector<std::pair<std::string, std::string>> key_values(const std::string &instr, const std::string &args) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto words = split_words(args);
    if (words.empty()) throw InvalidArgument(instr + " requires at least one argument");
    if (words[0].find('=') == std::string::npos) {
        const auto space = args.find_first_of(" \t");
        if (space == std::string::npos) throw InvalidArgument(instr + " requires at least two arguments");
        out.emplace_back(words[0], trim(args.substr(space)));
        return out;
    }
    for (const auto &w : words) {
        const auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InvalidArgument(instr + " names must be followed by '=': " + w);
        out.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    return out;
}

void set_env(json &cfg, const std::string &key, const std::string &value) {
    json env = cfg.contains("Env") && cfg["Env"].is_array() ? cfg["Env"] : json::array();
    const std::string entry = key + "=" + value;
    for (auto &e : env)
        if (e.is_string() && e.get<std::string>().rfind(key + "=", 0) == 0) {
            e = entry;
            cfg["Env"] = env;
            return;
        }
    env.push_back(entry);
    cfg["Env"] = env;
}

void apply_one(json &cfg, const std::string &change) {
    const std::string line = trim(change);
    if (line.empty()) return;
    const auto space = line.find_first_of(" \t");
    std::string instr = line.substr(0, space);
    std::transform(instr.begin(), instr.end(), instr.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    const std::string args = space == std::string::npos ? std::string() : trim(line.substr(space));

    if (instr == "CMD") {
        cfg["Cmd"] = command_form(args);
    } else if (instr == "ENTRYPOINT") {
        cfg["Entrypoint"] = command_form(args);
    } else if (instr == "ENV") {
        for (const auto &[k, v] : key_values(instr, args)) set_env(cfg, k, v);
    } else if (instr == "LABEL") {
        if (!cfg.contains("Labels") || !cfg["Labels"].is_object()) cfg["Labels"] = json::object();
        for (const auto &[k, v] : key_values(instr, args)) cfg["Labels"][k] = v;
    } else if (instr == "EXPOSE") {
        if (!cfg.contains("ExposedPorts") || !cfg["ExposedPorts"].is_object()) cfg["ExposedPorts"] = json::object();
        for (auto port : split_words(args)) {
            if (port.find('/') == std::string::npos) port += "/tcp";
            cfg["ExposedPorts"][port] = json::object();
        }
    } else if (instr == "VOLUME") {
        if (!cfg.contains("Volumes") || !cfg["Volumes"].is_object()) cfg["Volumes"] = json::object();
        for (const auto &v : command_form(args).front() == "/bin/sh" ? split_words(args) : command_form(args))
            cfg["Volumes"][v] = json::object();
    } else if (instr == "USER") {
        cfg["User"] = args;
    } else if (instr == "WORKDIR") {
        cfg["WorkingDir"] = args;
    } else if (instr == "STOPSIGNAL") {
        cfg["StopSignal"] = args;
    } else if (instr == "ONBUILD") {
        if (!cfg.contains("OnBuild") || !cfg["OnBuild"].is_array()) cfg["OnBuild"] = json::array();
        cfg["OnBuild"].push_back(args);
    } else if (instr == "HEALTHCHECK") {
        std::string upper = args;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
        if (upper != "NONE")
            throw InvalidArgument("HEALTHCHECK in a --change supports only NONE here: " + args);
        cfg["Healthcheck"] = {{"Test", json::array({"NONE"})}};
    } else {
        throw InvalidArgument(instr + " is not a valid change command");
    }
}

} // namespace

std::string apply_config_changes(const std::string &base_config_json, const std::vector<std::string> &changes) {
    json cfg = base_config_json.empty() ? json::object() : json::parse(base_config_json);
    if (!cfg.is_object()) throw InvalidArgument("container config must be a JSON object");
    for (const auto &c : changes) apply_one(cfg, c);
    return cfg.dump();
}

} // namespace berth::images
