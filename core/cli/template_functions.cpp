#include "template_functions.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>

#include "errors.h"
#include "json_text.h"

namespace berth::cli::tmpl {
namespace {

using Args = std::vector<nlohmann::json>;
using Function = std::function<nlohmann::json(const Args&)>;

[[noreturn]] void fail(std::string_view name, const std::string& message) {
    throw CliError("template: error calling " + std::string(name) + ": " + message);
}

void want_args(std::string_view name, const Args& args, std::size_t count) {
    if (args.size() != count)
        throw CliError("template: wrong number of args for " + std::string(name) + ": want " + std::to_string(count) +
                       " got " + std::to_string(args.size()));
}

const std::string& string_arg(std::string_view name, const nlohmann::json& value) {
    if (!value.is_string()) fail(name, "expected a string, got " + value_text(value));
    return value.get_ref<const std::string&>();
}

long long int_arg(std::string_view name, const nlohmann::json& value) {
    if (!value.is_number()) fail(name, "expected an integer, got " + value_text(value));
    return value.get<long long>();
}

// Go's fmt.Sprint: a space between operands when neither side is a string.
std::string sprint(const Args& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (i > 0 && !args[i].is_string() && !args[i - 1].is_string()) out += ' ';
        out += value_text(args[i]);
    }
    return out;
}

std::string sprintln(const Args& args) {
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) out += (i ? " " : "") + value_text(args[i]);
    return out + "\n";
}

// The common printf verbs (%s %v %d %q %f %%) with flags '-', '0' and a
// width; enough for column layouts in --format strings.
std::string sprintf(const Args& args) {
    const std::string& format = string_arg("printf", args.at(0));
    std::string out;
    std::size_t next = 1;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 >= format.size()) {
            out += format[i];
            continue;
        }
        std::size_t j = i + 1;
        std::string spec = "%";
        while (j < format.size() && std::string_view("-+ 0#").find(format[j]) != std::string_view::npos)
            spec += format[j++];
        while (j < format.size() && (std::isdigit(static_cast<unsigned char>(format[j])) != 0 || format[j] == '.'))
            spec += format[j++];
        if (j >= format.size()) break;
        const char verb = format[j];
        i = j;
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (next >= args.size()) {
            out += "%!" + std::string(1, verb) + "(MISSING)";
            continue;
        }
        const nlohmann::json& arg = args[next++];
        std::array<char, 512> buffer{};
        if ((verb == 'd' && arg.is_number()) || (verb == 'f' && arg.is_number())) {
            if (verb == 'd')
                std::snprintf(buffer.data(), buffer.size(), (spec + "lld").c_str(), arg.get<long long>());
            else
                std::snprintf(buffer.data(), buffer.size(), (spec + "f").c_str(), arg.get<double>());
            out += buffer.data();
            continue;
        }
        std::string text = verb == 'q' ? dump_json(value_text(arg)) : value_text(arg);
        std::snprintf(buffer.data(), buffer.size(), (spec + "s").c_str(), text.c_str());
        out += text.size() >= buffer.size() ? text : std::string(buffer.data());
    }
    return out;
}

// Go's comparison of basic values; numbers compare by value whatever their
// JSON type.
int compare(std::string_view name, const nlohmann::json& a, const nlohmann::json& b) {
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>();
        const double y = b.get<double>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_string() && b.is_string()) return a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    if (a.is_boolean() && b.is_boolean() && (name == "eq" || name == "ne")) return a == b ? 0 : 1;
    if (a.is_null() || b.is_null()) {
        if (name == "eq" || name == "ne") return a == b ? 0 : 1;
    }
    fail(name, "incompatible types for comparison");
}

nlohmann::json index_of(const Args& args) {
    if (args.empty()) fail("index", "missing argument");
    nlohmann::json value = args[0];
    for (std::size_t i = 1; i < args.size(); ++i) {
        const nlohmann::json& key = args[i];
        if (value.is_object()) {
            const auto it = value.find(string_arg("index", key));
            value = it == value.end() ? nlohmann::json() : *it;
        } else if (value.is_array()) {
            const long long at = int_arg("index", key);
            if (at < 0 || static_cast<std::size_t>(at) >= value.size())
                fail("index", "index out of range: " + std::to_string(at));
            value = value[static_cast<std::size_t>(at)];
        } else if (value.is_null()) {
            fail("index", "index of untyped nil");
        } else {
            fail("index", "can't index item of type " + std::string(value.type_name()));
        }
    }
    return value;
}

std::string title_case(std::string text) {
    bool start = true;
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (start && std::isalpha(u) != 0) c = static_cast<char>(std::toupper(u));
        start = std::isspace(u) != 0 || std::ispunct(u) != 0;
    }
    return text;
}

std::string map_chars(std::string text, int (*fn)(int)) {
    for (char& c : text) c = static_cast<char>(fn(static_cast<unsigned char>(c)));
    return text;
}

const std::map<std::string, Function, std::less<>>& functions() {
    static const std::map<std::string, Function, std::less<>> table = {
        // docker's templates package.
        {"json", [](const Args& a) { want_args("json", a, 1); return nlohmann::json(dump_json(a[0])); }},
        {"join",
         [](const Args& a) {
             want_args("join", a, 2);
             std::string out;
             if (a[0].is_array()) {
                 for (std::size_t i = 0; i < a[0].size(); ++i) out += (i ? string_arg("join", a[1]) : "") + value_text(a[0][i]);
             } else if (!a[0].is_null()) {
                 fail("join", "expected a list of strings");
             }
             return nlohmann::json(out);
         }},
        {"split",
         [](const Args& a) {
             want_args("split", a, 2);
             const std::string& s = string_arg("split", a[0]);
             const std::string& sep = string_arg("split", a[1]);
             nlohmann::json parts = nlohmann::json::array();
             if (sep.empty()) {
                 for (const char c : s) parts.push_back(std::string(1, c));
                 return parts;
             }
             std::size_t start = 0;
             for (std::size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + sep.size())
                 parts.push_back(s.substr(start, at - start));
             parts.push_back(s.substr(start));
             return parts;
         }},
        {"title", [](const Args& a) { want_args("title", a, 1); return nlohmann::json(title_case(string_arg("title", a[0]))); }},
        {"lower", [](const Args& a) { want_args("lower", a, 1); return nlohmann::json(map_chars(string_arg("lower", a[0]), ::tolower)); }},
        {"upper", [](const Args& a) { want_args("upper", a, 1); return nlohmann::json(map_chars(string_arg("upper", a[0]), ::toupper)); }},
        {"pad",
         [](const Args& a) {
             want_args("pad", a, 3);
             const auto before = std::max(0LL, int_arg("pad", a[1]));
             const auto after = std::max(0LL, int_arg("pad", a[2]));
             return nlohmann::json(std::string(static_cast<std::size_t>(before), ' ') + string_arg("pad", a[0]) +
                                   std::string(static_cast<std::size_t>(after), ' '));
         }},
        {"truncate",
         [](const Args& a) {
             want_args("truncate", a, 2);
             const std::string& s = string_arg("truncate", a[0]);
             const auto length = std::max(0LL, int_arg("truncate", a[1]));
             return nlohmann::json(s.substr(0, static_cast<std::size_t>(length)));
         }},
        {"println", [](const Args& a) { return nlohmann::json(sprintln(a)); }},
        // Go's text/template built-ins.
        {"print", [](const Args& a) { return nlohmann::json(sprint(a)); }},
        {"printf",
         [](const Args& a) {
             if (a.empty()) fail("printf", "missing format");
             return nlohmann::json(sprintf(a));
         }},
        {"index", index_of},
        {"len",
         [](const Args& a) {
             want_args("len", a, 1);
             if (a[0].is_string()) return nlohmann::json(a[0].get_ref<const std::string&>().size());
             if (a[0].is_array() || a[0].is_object()) return nlohmann::json(a[0].size());
             fail("len", "len of type " + std::string(a[0].type_name()));
         }},
        {"not", [](const Args& a) { want_args("not", a, 1); return nlohmann::json(!is_true(a[0])); }},
        {"and",
         [](const Args& a) {
             if (a.empty()) fail("and", "missing argument");
             for (const auto& v : a)
                 if (!is_true(v)) return v;
             return a.back();
         }},
        {"or",
         [](const Args& a) {
             if (a.empty()) fail("or", "missing argument");
             for (const auto& v : a)
                 if (is_true(v)) return v;
             return a.back();
         }},
        {"eq",
         [](const Args& a) {
             if (a.size() < 2) fail("eq", "missing argument for comparison");
             for (std::size_t i = 1; i < a.size(); ++i)
                 if (compare("eq", a[0], a[i]) == 0) return nlohmann::json(true);
             return nlohmann::json(false);
         }},
        {"ne", [](const Args& a) { want_args("ne", a, 2); return nlohmann::json(compare("ne", a[0], a[1]) != 0); }},
        {"lt", [](const Args& a) { want_args("lt", a, 2); return nlohmann::json(compare("lt", a[0], a[1]) < 0); }},
        {"le", [](const Args& a) { want_args("le", a, 2); return nlohmann::json(compare("le", a[0], a[1]) <= 0); }},
        {"gt", [](const Args& a) { want_args("gt", a, 2); return nlohmann::json(compare("gt", a[0], a[1]) > 0); }},
        {"ge", [](const Args& a) { want_args("ge", a, 2); return nlohmann::json(compare("ge", a[0], a[1]) >= 0); }},
    };
    return table;
}

}  // namespace

bool is_function(std::string_view name) { return functions().count(name) != 0; }

nlohmann::json call_function(std::string_view name, const std::vector<nlohmann::json>& args) {
    const auto it = functions().find(name);
    if (it == functions().end()) throw CliError("template: function \"" + std::string(name) + "\" not defined");
    return it->second(args);
}

bool is_true(const nlohmann::json& value) {
    if (value.is_null()) return false;
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number()) return value.get<double>() != 0;
    if (value.is_string()) return !value.get_ref<const std::string&>().empty();
    if (value.is_array() || value.is_object()) return !value.empty();
    return true;
}

std::string value_text(const nlohmann::json& value) {
    if (value.is_null()) return "<no value>";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) out += (i ? " " : "") + value_text(value[i]);
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "map[";
        bool first = true;
        for (const auto& item : value.items()) {
            out += (first ? "" : " ") + item.key() + ":" + value_text(item.value());
            first = false;
        }
        return out + "]";
    }
    return value.dump();
}

}  // namespace berth::cli::tmpl
