#include "containers/store/ps_filter.h"

#include "containers/store/errors.h"

#include <algorithm>
#include <regex>
#include <set>

namespace berth::containers {

namespace {

const std::set<std::string> kKnownFilters = {"status", "name", "id", "label", "ancestor",
                                             "exited", "before", "since", "health"};
const std::set<std::string> kStatuses = {"created", "restarting", "running", "removing", "paused", "exited", "dead"};
const std::set<std::string> kHealth = {"starting", "healthy", "unhealthy", "none"};

[[noreturn]] void invalid(const std::string &key, const std::string &value) {
    throw InvalidArgument("invalid filter '" + key + "=" + value + "'");
}

// moby's filters.Match: an exact hit, or the term as an unanchored regexp.
bool match_term(const std::string &term, const std::string &source) {
    if (term == source) return true;
    try {
        return std::regex_search(source, std::regex(term));
    } catch (const std::regex_error &) {
        return false;
    }
}

// moby's MatchKVList: "key" needs the label present, "key=value" needs it equal.
bool match_label(const std::string &term, const std::map<std::string, std::string> &labels) {
    auto eq = term.find('=');
    if (eq == std::string::npos) return labels.count(term) > 0;
    auto it = labels.find(term.substr(0, eq));
    return it != labels.end() && it->second == term.substr(eq + 1);
}

std::string health_status(const Container &c) { return c.state.health ? c.state.health->status : "none"; }

} // namespace

std::vector<Container> filter_containers(std::vector<Container> containers, const PsOptions &options,
                                         const PsLookups &lookups) {
    const auto &f = options.filters;
    auto values = [&](const std::string &key) -> const std::vector<std::string> & {
        static const std::vector<std::string> none;
        auto it = f.find(key);
        return it == f.end() ? none : it->second;
    };
    for (const auto &[key, vals] : f)
        if (!kKnownFilters.count(key)) throw InvalidArgument("invalid filter '" + key + "'");

    bool all = options.all || options.limit > 0;
    for (const auto &s : values("status")) {
        if (!kStatuses.count(s)) invalid("status", s);
        all = true; // asking for a status means looking at stopped ones too (moby)
    }
    for (const auto &h : values("health"))
        if (!kHealth.count(h)) invalid("health", h);
    std::vector<int> exit_codes;
    for (const auto &e : values("exited")) {
        try {
            size_t used = 0;
            exit_codes.push_back(std::stoi(e, &used));
            if (used != e.size()) invalid("exited", e);
        } catch (const std::logic_error &) {
            invalid("exited", e);
        }
    }
    std::optional<TimePoint> before, since;
    for (const auto &b : values("before")) before = lookups.resolve_container(b).created;
    for (const auto &s : values("since")) since = lookups.resolve_container(s).created;
    if (before || since) all = true;

    std::vector<std::string> ancestor_ids;
    for (const auto &a : values("ancestor"))
        if (lookups.resolve_image)
            if (auto id = lookups.resolve_image(a)) ancestor_ids.push_back(*id);

    auto any_of = [&](const std::string &key, auto pred) {
        const auto &v = values(key);
        return v.empty() || std::any_of(v.begin(), v.end(), pred);
    };

    std::sort(containers.begin(), containers.end(),
              [](const Container &a, const Container &b) { return a.created > b.created; });
    std::vector<Container> out;
    for (auto &c : containers) {
        if (!all && !c.state.running) continue;
        if (!any_of("status", [&](const std::string &s) { return c.state.status() == s; })) continue;
        // moby matches the name with and without its leading "/", so
        // "^web$" finds /web.
        const std::string bare_name = !c.name.empty() && c.name[0] == '/' ? c.name.substr(1) : c.name;
        if (!any_of("name", [&](const std::string &n) { return match_term(n, c.name) || match_term(n, bare_name); }))
            continue;
        if (!any_of("id", [&](const std::string &p) { return c.id.compare(0, p.size(), p) == 0; })) continue;
        if (!any_of("health", [&](const std::string &h) { return health_status(c) == h; })) continue;
        if (!values("label").empty()) {
            const auto labels = c.labels();
            const auto &terms = values("label");
            if (!std::all_of(terms.begin(), terms.end(), [&](const std::string &t) { return match_label(t, labels); }))
                continue;
        }
        if (!any_of("ancestor", [&](const std::string &a) {
                return c.image_name == a || c.image == a ||
                       std::find(ancestor_ids.begin(), ancestor_ids.end(), c.image) != ancestor_ids.end();
            }))
            continue;
        if (!exit_codes.empty()) {
            const bool exited = !c.state.running && c.state.started_at != TimePoint{};
            if (!exited || std::find(exit_codes.begin(), exit_codes.end(), c.state.exit_code) == exit_codes.end())
                continue;
        }
        if (before && !(c.created < *before)) continue;
        if (since && !(c.created > *since)) continue;
        out.push_back(std::move(c));
        if (options.limit > 0 && static_cast<int>(out.size()) >= options.limit) break;
    }
    return out;
}

} // namespace berth::containers
