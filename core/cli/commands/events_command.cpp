#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api_path.h"
#include "commands/commands.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_template.h"
#include "query_string.h"
#include "run_flags.h"

// `berth events` / `berth system events`: GET /events streamed, one line
// per event, in docker's default form or through --format.
namespace berth::cli {
namespace {

struct EventsOptions {
    std::string since, until, format;
    std::vector<std::string> filters;
};

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|±hh:mm]" as Unix nanoseconds; a time
// without a zone is local, as the docker CLI reads it. nullopt: not this form.
std::optional<std::int64_t> parse_calendar_time(const std::string& value) {
    int year = 0, mon = 0, day = 0, hour = 0, min = 0, sec = 0, used = 0;
    if (std::sscanf(value.c_str(), "%4d-%2d-%2d%n", &year, &mon, &day, &used) != 3 || used != 10) return std::nullopt;
    std::size_t pos = 10;
    std::int64_t nanos = 0;
    if (pos < value.size() && value[pos] == 'T') {
        int n = 0;
        if (std::sscanf(value.c_str() + pos + 1, "%2d%n", &hour, &n) != 1) return std::nullopt;
        pos += 1 + static_cast<std::size_t>(n);
        if (pos < value.size() && value[pos] == ':' && std::sscanf(value.c_str() + pos + 1, "%2d%n", &min, &n) == 1) {
            pos += 1 + static_cast<std::size_t>(n);
            if (pos < value.size() && value[pos] == ':' &&
                std::sscanf(value.c_str() + pos + 1, "%2d%n", &sec, &n) == 1)
                pos += 1 + static_cast<std::size_t>(n);
        }
        if (pos < value.size() && value[pos] == '.') {
            std::string frac;
            for (++pos; pos < value.size() && std::isdigit(static_cast<unsigned char>(value[pos])); ++pos)
                frac += value[pos];
            frac.resize(9, '0');
            nanos = std::stoll(frac.substr(0, 9));
        }
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    std::time_t secs;
    const std::string zone = value.substr(pos);
    if (zone.empty()) {
        tm.tm_isdst = -1;
        secs = std::mktime(&tm);
    } else if (zone == "Z" || zone == "z") {
        secs = ::timegm(&tm);
    } else {
        int zh = 0, zm = 0;
        if ((zone[0] != '+' && zone[0] != '-') || std::sscanf(zone.c_str() + 1, "%2d:%2d", &zh, &zm) != 2)
            return std::nullopt;
        const int offset = (zh * 3600 + zm * 60) * (zone[0] == '-' ? -1 : 1);
        secs = ::timegm(&tm) - offset;
    }
    return static_cast<std::int64_t>(secs) * 1000000000 + nanos;
}

// docker's timetypes.GetTimestamp: a duration ("10m") counts back from now
// (whole seconds), a unix time passes through, a calendar time becomes
// seconds.nanoseconds.
std::string events_api_time(const std::string& value) {
    if (value.empty()) return value;
    if (value != "0") {
        try {
            const std::int64_t at = now_ns() - go_duration_ns(value);
            return std::to_string(at / 1000000000);
        } catch (const CliError&) {
        }
    }
    if (value.find_first_not_of("0123456789.") == std::string::npos && value.find('.') == value.rfind('.'))
        return value;
    if (const auto ns = parse_calendar_time(value)) {
        char text[48];
        std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(*ns / 1000000000),
                      static_cast<long long>(*ns % 1000000000));
        return text;
    }
    throw CliError("failed to parse value as time or duration: \"" + value + "\"");
}

// docker's prettyPrintEvent: RFC3339NanoFixed in the local zone, type,
// action, actor ID, then the attributes sorted by key.
std::string event_line(const nlohmann::json& event) {
    std::int64_t ns = event.value("timeNano", std::int64_t{0});
    if (ns == 0) ns = event.value("time", std::int64_t{0}) * 1000000000;
    std::string line;
    if (ns != 0) {
        const std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
        std::tm tm{};
        ::localtime_r(&secs, &tm);
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%09lld", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % 1000000000));
        line = stamp;
        if (tm.tm_gmtoff == 0) {
            line += "Z";
        } else {
            const int off = static_cast<int>(tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff) % 86400;
            char zone[32];
            std::snprintf(zone, sizeof zone, "%c%02d:%02d", tm.tm_gmtoff < 0 ? '-' : '+', off / 3600,
                          (off % 3600) / 60);
            line += zone;
        }
        line += " ";
    }
    const nlohmann::json actor = event.value("Actor", nlohmann::json::object());
    line += event.value("Type", "") + " " + event.value("Action", "") + " " + actor.value("ID", "");
    const nlohmann::json attributes = actor.value("Attributes", nlohmann::json::object());
    if (attributes.is_object() && !attributes.empty()) {
        line += " (";
        bool first = true;
        for (const auto& [k, v] : attributes.items()) {  // nlohmann::json objects iterate sorted by key
            if (!first) line += ", ";
            first = false;
            line += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        }
        line += ")";
    }
    return line;
}

// The value --format templates see: Go's field names of events.Message
// (the wire form uses JSON tags: status, id, from, scope, time, timeNano).
nlohmann::json event_template_value(const nlohmann::json& event) {
    return {{"Status", event.value("status", "")},
            {"ID", event.value("id", "")},
            {"From", event.value("from", "")},
            {"Type", event.value("Type", "")},
            {"Action", event.value("Action", "")},
            {"Actor", event.value("Actor", nlohmann::json::object())},
            {"Scope", event.value("scope", "")},
            {"Time", event.value("time", std::int64_t{0})},
            {"TimeNano", event.value("timeNano", std::int64_t{0})}};
}

int run_events(const CliContext& ctx, const EventsOptions& options) {
    QueryString query;
    if (!options.since.empty()) query.add("since", events_api_time(options.since));
    if (!options.until.empty()) query.add("until", events_api_time(options.until));
    if (const std::string f = filters_json(options.filters); !f.empty()) query.add("filters", f);
    // {{json .}} prints the event as the daemon sent it (its JSON tags).
    const bool raw_json = options.format == "json" || options.format == "{{json .}}";
    std::unique_ptr<FormatTemplate> tmpl;
    if (!options.format.empty() && !raw_json) tmpl = std::make_unique<FormatTemplate>(options.format);

    std::string pending;
    auto& out = *ctx.console.out;
    const HttpResponse response =
        ctx.client().request_stream("GET", api_path("/events" + query.str()), {}, {}, [&](std::string_view chunk) {
            pending.append(chunk);
            std::size_t start = 0;
            for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
                const std::string text = pending.substr(start, nl - start);
                const nlohmann::json event = nlohmann::json::parse(text, nullptr, false);
                if (!event.is_object()) continue;
                if (raw_json)
                    out << event.dump() << '\n';
                else if (tmpl)
                    out << tmpl->render(event_template_value(event)) << '\n';
                else
                    out << event_line(event) << '\n';
            }
            pending.erase(0, start);
            out.flush();
        });
    throw_if_daemon_error(response);
    return exit_code::kOk;
}

}  // namespace

void add_events_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<EventsOptions>();
    CLI::App* cmd = parent.add_subcommand("events", "Get real time events from the server");
    cmd->add_option("--since", o->since, "Show all events created since timestamp");
    cmd->add_option("--until", o->until, "Stream events until this timestamp");
    cmd->add_option("-f,--filter", o->filters, "Filter output based on conditions provided")->allow_extra_args(false);
    cmd->add_option("--format", o->format, "Format output using a custom template");
    on_selected(*cmd, ctx, [&ctx, o] { return run_events(ctx, *o); });
}

}  // namespace berth::cli
