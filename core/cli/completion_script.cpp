#include "completion_script.h"

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>

namespace berth::cli {
namespace {

// Quoted for a bash word inside "...".
std::string bash_quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
        out += c;
    }
    return out + "\"";
}

// Table keys are command paths starting with the program name ("berth
// container ls"): bash refuses an empty key in an associative array.
const std::string kRoot = "berth";

struct CommandTable {
    std::map<std::string, std::string> subcommands;  // path -> "a b c"
    std::map<std::string, std::string> flags;        // path -> every flag spelling
    std::map<std::string, std::string> valued;       // path -> " --x -y " (options taking a value)
};

std::string option_kind(const std::string& name) {
    if (name == "--network" || name == "--net") return "networks";
    if (name == "--volumes-from") return "containers";
    if (name == "-v" || name == "--volume") return "volumes";
    return "";
}

void walk(const CLI::App& app, const std::string& path, CommandTable& table) {
    std::string subs;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_name().empty()) continue;
        subs += (subs.empty() ? "" : " ") + sub->get_name();
        for (const auto& alias : sub->get_aliases()) subs += " " + alias;
        walk(*sub, path + " " + sub->get_name(), table);
    }
    table.subcommands[path] = subs;

    std::string flags;
    std::string valued = " ";
    for (const CLI::Option* opt : app.get_options()) {
        std::vector<std::string> names;
        for (const auto& s : opt->get_snames()) names.push_back("-" + s);
        for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
        for (const auto& name : names) {
            flags += (flags.empty() ? "" : " ") + name;
            // Flags expect no value (CLI11 sets expected(0) for every add_flag).
            if (opt->get_expected_max() > 0) valued += name + " ";
        }
    }
    table.flags[path] = flags;
    table.valued[path] = valued;
}

void print_array(std::ostream& out, const char* name, const std::map<std::string, std::string>& values) {
    out << "declare -gA " << name << "=(\n";
    for (const auto& [key, value] : values) out << "  [" << bash_quoted(key) << "]=" << bash_quoted(value) << '\n';
    out << ")\n";
}

// The fixed part: walking the typed words, then choosing candidates.
constexpr const char* kFunctions = R"BASH(
# berth itself, with the daemon address given on the command line if any.
_berth_call() {
  command "${COMP_WORDS[0]}" "${_berth_host[@]}" "$@" 2>/dev/null
}

_berth_names() {
  case "$1" in
    containers) _berth_call ps -a --format '{{.Names}}' ;;
    images) _berth_call images --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' ;;
    networks) _berth_call network ls --format '{{.Name}}' ;;
    volumes) _berth_call volume ls --format '{{.Name}}' ;;
  esac
}

_berth() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path=berth word i
  _berth_host=()
  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
  # Find the command path: words naming a subcommand of the path so far;
  # options and their values are skipped, the first other word ends it.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      if [[ "$word" != *=* && ( "${_berth_valued[$path]}" == *" $word "* || "${_berth_valued[berth]}" == *" $word "* ) ]]; then
        # bash splits "--opt=value" at "=" (COMP_WORDBREAKS): skip both.
        [[ "${COMP_WORDS[i+1]}" == "=" ]] && (( i++ ))
        if [[ "$word" == "-H" || "$word" == "--host" ]]; then _berth_host=(-H "${COMP_WORDS[i+1]}"); fi
        (( i++ ))
      fi
      continue
    fi
    if [[ " ${_berth_subcommands[$path]} " == *" $word "* ]]; then
      path="$path $word"
    else
      break
    fi
  done

  COMPREPLY=()
  # "--network=my" arrives as "--network" "=" "my".
  if [[ "$cur" == "=" ]]; then
    cur=""
  elif [[ "$prev" == "=" ]] && (( COMP_CWORD > 1 )); then
    prev="${COMP_WORDS[COMP_CWORD-2]}"
  fi
  if [[ "$cur" != -* && "$prev" == -* && ( "${_berth_valued[$path]}" == *" $prev "* || "${_berth_valued[berth]}" == *" $prev "* ) ]]; then
    local kind="${_berth_option_kinds[$prev]}"
    [[ -n "$kind" ]] && COMPREPLY=( $(compgen -W "$(_berth_names "$kind")" -- "$cur") )
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "${_berth_flags[$path]}" -- "$cur") )
    return 0
  fi
  if [[ -n "${_berth_subcommands[$path]}" && ( $i -ge $COMP_CWORD ) ]]; then
    COMPREPLY=( $(compgen -W "${_berth_subcommands[$path]}" -- "$cur") )
    return 0
  fi
  local kind="${_berth_positional_kinds[$path]}"
  [[ -n "$kind" ]] && COMPREPLY=( $(compgen -W "$(_berth_names "$kind")" -- "$cur") )
  return 0
}

complete -F _berth berth
)BASH";

}  // namespace

std::string positional_kind(const std::string& path) {
    static const std::set<std::string> containers = {
        "attach", "commit", "diff",   "exec",    "export", "kill",    "logs",   "pause",  "port",
        "rename", "restart", "rm",    "start",   "stats",  "stop",    "top",    "unpause", "update",
        "wait",   "inspect", "container inspect"};
    static const std::set<std::string> images = {"run",  "create",  "rmi",          "history", "tag", "push",
                                                 "save", "image rm", "image inspect"};
    static const std::map<std::string, std::string> groups = {
        {"network connect", "networks"},    {"network disconnect", "networks"}, {"network rm", "networks"},
        {"network inspect", "networks"},    {"volume rm", "volumes"},           {"volume inspect", "volumes"},
        {"plugin inspect", ""}};
    if (const auto it = groups.find(path); it != groups.end()) return it->second;
    std::string leaf = path;
    std::string group;
    if (const auto space = path.find(' '); space != std::string::npos) {
        group = path.substr(0, space);
        leaf = path.substr(space + 1);
    }
    if (group.empty() || group == "container") {
        if (containers.count(leaf) != 0) return "containers";
        if (group == "container" && (leaf == "run" || leaf == "create")) return "images";
    }
    if (group.empty() && images.count(leaf) != 0) return "images";
    if (group == "image" && (images.count(leaf) != 0 || images.count("image " + leaf) != 0)) return "images";
    return "";
}

std::string bash_completion_script(const CLI::App& root) {
    CommandTable table;
    walk(root, kRoot, table);
    std::map<std::string, std::string> positional;
    for (const auto& [path, subs] : table.subcommands) {
        if (path == kRoot) continue;
        if (const std::string kind = positional_kind(path.substr(kRoot.size() + 1)); !kind.empty())
            positional[path] = kind;
    }
    std::map<std::string, std::string> option_kinds;
    for (const auto& [path, valued] : table.valued) {
        std::istringstream words(valued);
        for (std::string name; words >> name;)
            if (const std::string kind = option_kind(name); !kind.empty()) option_kinds[name] = kind;
    }

    std::ostringstream out;
    out << "# bash completion for berth; generated by `berth completion bash`.\n"
           "# Load it with: source <(berth completion bash)\n";
    print_array(out, "_berth_subcommands", table.subcommands);
    print_array(out, "_berth_flags", table.flags);
    print_array(out, "_berth_valued", table.valued);
    print_array(out, "_berth_positional_kinds", positional);
    print_array(out, "_berth_option_kinds", option_kinds);
    out << kFunctions;
    return out.str();
}

}  // namespace berth::cli
