// build_args.h — ARG and --build-arg as the legacy builder treats them.
// ARGs before the first FROM are "meta" args, visible only to FROM lines
// until a stage re-declares them (`ARG NAME` without a default then takes
// the meta value). A stage's declared ARG takes the --build-arg value, else
// its default. Declared values reach RUN's environment and, as moby's
// "|N a=1 b=2" prefix, the RUN's cache key and history. The predefined
// proxy args (HTTP_PROXY and friends) work without a declaration and stay
// out of history. A --build-arg nothing declared is reported as unconsumed.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace berth::build {

class BuildArgs {
public:
    explicit BuildArgs(std::map<std::string, std::optional<std::string>> given);

    // ARG before the first FROM; the default is already expanded.
    void declare_meta(const std::string &name, const std::optional<std::string> &default_value);
    // The meta args' values, for expanding FROM lines.
    std::map<std::string, std::string> meta_values() const;

    // A new stage: its declarations start empty.
    void begin_stage();
    // ARG inside a stage; returns the value it now has.
    std::optional<std::string> declare(const std::string &name, const std::optional<std::string> &default_value);
    // The value of a declared arg (stage), for expansion; nullopt when not
    // declared in this stage or declared without a value.
    std::optional<std::string> value(const std::string &name) const;

    // "k=v" for every arg declared in this stage with a value, sorted by
    // name, leaving out names the image's env sets (ENV wins over ARG).
    std::vector<std::string> declared_env(const std::vector<std::string> &image_env) const;
    // "k=v" for the predefined proxy args given on the command line.
    std::vector<std::string> proxy_env() const;

    // --build-arg names neither declared anywhere nor predefined.
    std::vector<std::string> unconsumed() const;

    static bool is_predefined(const std::string &name);

private:
    std::map<std::string, std::optional<std::string>> given_;
    std::map<std::string, std::optional<std::string>> meta_;
    std::map<std::string, std::optional<std::string>> stage_;
    std::set<std::string> consumed_;
};

} // namespace berth::build
