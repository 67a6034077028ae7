#include "format_template.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "errors.h"
#include "json_text.h"
#include "template_ast.h"
#include "template_functions.h"
#include "template_parser.h"

namespace berth::cli {
namespace {

using tmpl::Command;
using tmpl::Node;
using tmpl::Pipeline;
using tmpl::Term;

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

// docker replaces the two-character sequences before parsing, so they work
// inside quoted strings too.
std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 't' || s[i + 1] == 'n')) {
            out += s[i + 1] == 't' ? '\t' : '\n';
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

// docker runs templates on Go structs, whose field names differ from the
// JSON keys in case only ({{.APIVersion}} for "ApiVersion", {{.ID}} for
// "Id"); an exact key wins, else one that differs only in case.
const nlohmann::json* member(const nlohmann::json& object, const std::string& key) {
    if (const auto it = object.find(key); it != object.end()) return &*it;
    for (const auto& item : object.items())
        if (same_ignoring_case(item.key(), key)) return &item.value();
    return nullptr;
}

nlohmann::json lookup(const nlohmann::json& value, const std::vector<std::string>& path) {
    const nlohmann::json* node = &value;
    for (const auto& key : path) {
        if (!node->is_object()) return nullptr;
        node = member(*node, key);
        if (node == nullptr) return nullptr;
    }
    return *node;
}

// One run of the template over one value.
class Evaluator {
public:
    Evaluator(const nlohmann::json& root, const std::map<std::string, std::string>* titles)
        : titles_(titles) {
        vars_.emplace_back("$", root);
    }

    void run(const std::vector<Node>& nodes, const nlohmann::json& dot, std::string& out) {
        const std::size_t scope = vars_.size();
        for (const auto& node : nodes) run_node(node, dot, out);
        vars_.resize(scope);
    }

private:
    void run_node(const Node& node, const nlohmann::json& dot, std::string& out) {
        switch (node.kind) {
            case Node::Kind::Text:
                out += node.text;
                return;
            case Node::Kind::Action: {
                nlohmann::json value = eval_pipeline(node.pipe, dot);
                if (!node.pipe.declared.empty())
                    declare(node.pipe.declared.front(), std::move(value));
                else
                    out += tmpl::value_text(value);
                return;
            }
            case Node::Kind::If:
            case Node::Kind::With: {
                const std::size_t scope = vars_.size();
                nlohmann::json value = eval_pipeline(node.pipe, dot);
                if (!node.pipe.declared.empty()) declare(node.pipe.declared.front(), value);
                const bool chosen = tmpl::is_true(value);
                const nlohmann::json& inner = node.kind == Node::Kind::With && chosen ? value : dot;
                run(chosen ? node.body : node.else_body, inner, out);
                vars_.resize(scope);
                return;
            }
            case Node::Kind::Range:
                run_range(node, dot, out);
                return;
        }
    }

    void run_range(const Node& node, const nlohmann::json& dot, std::string& out) {
        const nlohmann::json value = eval_pipeline(node.pipe, dot);
        if (!tmpl::is_true(value) && (value.is_null() || value.is_array() || value.is_object())) {
            run(node.else_body, dot, out);
            return;
        }
        if (titles_ != nullptr && value.is_string()) {
            // A header run sees titles where lists would be: show the body once.
            run(node.body, value, out);
            return;
        }
        if (!value.is_array() && !value.is_object())
            throw CliError("template: range can't iterate over " + tmpl::value_text(value));
        std::size_t index = 0;
        for (const auto& item : value.items()) {
            const std::size_t scope = vars_.size();
            const nlohmann::json key = value.is_array() ? nlohmann::json(index) : nlohmann::json(item.key());
            if (node.pipe.declared.size() == 1) declare(node.pipe.declared[0], item.value());
            if (node.pipe.declared.size() == 2) {
                declare(node.pipe.declared[0], key);
                declare(node.pipe.declared[1], item.value());
            }
            run(node.body, item.value(), out);
            vars_.resize(scope);
            ++index;
        }
    }

    void declare(const std::string& name, nlohmann::json value) { vars_.emplace_back(name, std::move(value)); }

    const nlohmann::json& variable(const std::string& name) const {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return it->second;
        throw CliError("template: undefined variable: " + name);
    }

    // Fields in a header run resolve to column titles.
    nlohmann::json field(const nlohmann::json& base, const std::vector<std::string>& path) const {
        if (titles_ == nullptr) return lookup(base, path);
        const std::string& name = path.back();
        if (const auto it = titles_->find(name); it != titles_->end()) return it->second;
        std::string upper = name;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return upper;
    }

    nlohmann::json eval_pipeline(const Pipeline& pipe, const nlohmann::json& dot) {
        nlohmann::json result;
        bool first = true;
        for (const Command& cmd : pipe.commands) {
            result = eval_command(cmd, dot, first ? nullptr : &result);
            first = false;
        }
        return result;
    }

    nlohmann::json eval_command(const Command& cmd, const nlohmann::json& dot, const nlohmann::json* piped) {
        const Term& head = cmd.args.front();
        if (head.kind == Term::Kind::Field && head.path.back() == "Label" && cmd.args.size() == 2 && piped == nullptr)
            return label_method(head, cmd.args[1], dot);
        if (head.kind != Term::Kind::Function) {
            if (cmd.args.size() > 1 || piped != nullptr)
                throw CliError("template: can't give argument to non-function");
            return eval_term(head, dot);
        }
        std::vector<nlohmann::json> args;
        for (std::size_t i = 1; i < cmd.args.size(); ++i) args.push_back(eval_term(cmd.args[i], dot));
        if (piped != nullptr) args.push_back(*piped);
        if (titles_ != nullptr) return header_call(head.name, args);
        return tmpl::call_function(head.name, args);
    }

    // A header run calls functions on titles, not on data: string functions
    // still apply ({{.Names | upper}}), others give the first title back.
    static nlohmann::json header_call(const std::string& name, const std::vector<nlohmann::json>& args) {
        if (name == "upper" || name == "lower" || name == "title" || name == "pad" || name == "println" ||
            name == "print" || name == "printf") {
            try {
                return tmpl::call_function(name, args);
            } catch (const CliError&) {
            }
        }
        for (const auto& arg : args)
            if (arg.is_string()) return arg;
        return "";
    }

    // docker's list rows have a Label method: {{.Label "com.example.x"}}
    // reads one label from Labels, a "k=v,k2=v2" string or an object; ""
    // when absent.
    nlohmann::json label_method(const Term& head, const Term& arg, const nlohmann::json& dot) {
        if (titles_ != nullptr) return field(dot, head.path);
        const nlohmann::json key = eval_term(arg, dot);
        if (!key.is_string()) throw CliError("template: Label takes a label name");
        const std::vector<std::string> base(head.path.begin(), head.path.end() - 1);
        const nlohmann::json labels = base.empty() ? lookup(dot, {"Labels"}) : lookup(lookup(dot, base), {"Labels"});
        const std::string& name = key.get_ref<const std::string&>();
        if (labels.is_object()) {
            const auto it = labels.find(name);
            return it == labels.end() ? nlohmann::json("") : *it;
        }
        if (!labels.is_string()) return "";
        const std::string& text = labels.get_ref<const std::string&>();
        std::size_t start = 0;
        while (start <= text.size()) {
            const std::size_t end = std::min(text.find(',', start), text.size());
            const std::string item = text.substr(start, end - start);
            if (item.rfind(name + "=", 0) == 0) return item.substr(name.size() + 1);
            start = end + 1;
        }
        return "";
    }

    nlohmann::json eval_term(const Term& term, const nlohmann::json& dot) {
        switch (term.kind) {
            case Term::Kind::Dot:
                return titles_ != nullptr ? nlohmann::json("") : dot;
            case Term::Kind::Field:
                return field(dot, term.path);
            case Term::Kind::Variable: {
                const nlohmann::json& base = variable(term.name);
                return term.path.empty() ? base : field(base, term.path);
            }
            case Term::Kind::Literal:
                return term.literal;
            case Term::Kind::Function: {
                Command call;
                call.args.push_back(term);
                return eval_command(call, dot, nullptr);
            }
            case Term::Kind::Group: {
                nlohmann::json value = eval_pipeline(*term.group, dot);
                return term.path.empty() ? value : lookup(value, term.path);
            }
        }
        return nullptr;
    }

    const std::map<std::string, std::string>* titles_;
    std::vector<std::pair<std::string, nlohmann::json>> vars_;
};

}  // namespace

FormatTemplate::FormatTemplate(std::string_view format) {
    std::string text(format);
    if (trim(text) == "json") text = "{{json .}}";
    if (text.rfind("table", 0) == 0 && (text.size() == 5 || std::isspace(static_cast<unsigned char>(text[5])) != 0)) {
        table_ = true;
        text = trim(text.substr(5));
    }
    nodes_ = std::make_shared<const std::vector<Node>>(tmpl::parse_template(unescape(text)));
}

FormatTemplate::~FormatTemplate() = default;
FormatTemplate::FormatTemplate(const FormatTemplate&) = default;
FormatTemplate& FormatTemplate::operator=(const FormatTemplate&) = default;
FormatTemplate::FormatTemplate(FormatTemplate&&) noexcept = default;
FormatTemplate& FormatTemplate::operator=(FormatTemplate&&) noexcept = default;

std::string FormatTemplate::render(const nlohmann::json& value) const {
    std::string out;
    Evaluator(value, nullptr).run(*nodes_, value, out);
    return out;
}

std::string FormatTemplate::header(const std::map<std::string, std::string>& titles) const {
    std::string out;
    const nlohmann::json empty = nlohmann::json::object();
    Evaluator(empty, &titles).run(*nodes_, empty, out);
    return out;
}

std::string go_value_text(const nlohmann::json& value) { return tmpl::value_text(value); }

}  // namespace berth::cli
