#include "containers/service/mount_plan.h"

#include "containers/store/errors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace berth::containers {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string clean(const std::string &p) {
    std::string out = fs::path(p).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep)) out.push_back(part);
    return out;
}

bool valid_mode(const std::string &opt) {
    static const std::set<std::string> ok = {"ro", "rw", "z", "Z", "nocopy", "private", "rprivate",
                                             "shared", "rshared", "slave", "rslave"};
    return ok.count(opt) > 0;
}

std::string propagation_of(const std::string &mode) {
    for (const auto &o : split(mode, ','))
        if (o.find("private") != std::string::npos || o.find("shared") != std::string::npos ||
            o.find("slave") != std::string::npos)
            return o;
    return "";
}

// "-v" syntax: src:dst[:mode] or just dst (an anonymous volume).
MountPoint parse_bind(const std::string &spec) {
    auto parts = split(spec, ':');
    const auto bad = [&](const std::string &why = {}) {
        return InvalidArgument("invalid volume specification: '" + spec + "'" + (why.empty() ? "" : ": " + why));
    };
    if (parts.empty() || parts.size() > 3) throw bad();
    MountPoint m;
    std::string mode;
    if (parts.size() == 1) {
        m.destination = parts[0];
        m.type = "volume";
    } else {
        m.source = parts[0];
        m.destination = parts[1];
        if (parts.size() == 3) mode = parts[2];
        m.type = (!m.source.empty() && m.source[0] == '/') ? "bind" : "volume";
    }
    if (m.destination.empty() || (parts.size() > 1 && m.source.empty())) throw bad();
    // "/dst:rw" is a destination with a mode and no source, not "rw" as a path.
    if (parts.size() == 2 && m.destination[0] != '/' && valid_mode(m.destination)) throw bad();
    if (m.destination[0] != '/')
        throw bad("invalid mount config for type \"" + m.type + "\": invalid mount path: '" + m.destination +
                  "' mount path must be absolute");
    m.destination = clean(m.destination);
    if (m.destination == "/") throw bad("invalid mount config for type \"" + m.type + "\": invalid specification: destination can't be '/'");
    {
        // moby's linuxValidMountMode: known options, at most one of each kind.
        int rw_opts = 0, propagations = 0, labels = 0, copies = 0;
        for (const auto &o : split(mode, ',')) {
            if (o.empty() || !valid_mode(o)) throw InvalidArgument("invalid mode: " + mode);
            if (o == "ro" || o == "rw") ++rw_opts;
            else if (o == "z" || o == "Z") ++labels;
            else if (o == "nocopy") ++copies;
            else ++propagations;
        }
        if (rw_opts > 1 || propagations > 1 || labels > 1 || copies > 1) throw InvalidArgument("invalid mode: " + mode);
    }
    m.rw_mode = mode;
    m.rw = true;
    for (const auto &o : split(mode, ','))
        if (o == "ro") m.rw = false;
    m.propagation = m.type == "bind" ? propagation_of(mode) : "";
    if (m.type == "bind") {
        if (m.propagation.empty()) m.propagation = "rprivate";
        m.source = clean(m.source);
        // -v of a missing host path makes the directory, as dockerd always has.
        std::error_code ec;
        if (!fs::exists(m.source, ec)) fs::create_directories(m.source, ec);
    } else {
        m.name = m.source;
        m.driver = "local";
        m.source.clear();
    }
    return m;
}

// "--mount" syntax: the API's Mount object.
MountPoint parse_mount(const json &j, std::map<std::string, std::string> &tmpfs) {
    const std::string type = j.value("Type", "");
    const std::string target = j.value("Target", "");
    const std::string prefix = "invalid mount config for type \"" + type + "\": ";
    if (target.empty()) throw InvalidArgument(prefix + "field Target must not be empty");
    if (type != "bind" && type != "volume" && type != "tmpfs") throw InvalidArgument(prefix + "mount type unknown");
    if (target[0] != '/')
        throw InvalidArgument(prefix + "invalid mount path: '" + target + "' mount path must be absolute");
    if (clean(target) == "/") throw InvalidArgument(prefix + "invalid specification: destination can't be '/'");
    MountPoint m;
    m.type = type;
    m.destination = clean(target);
    m.rw = !j.value("ReadOnly", false);
    m.rw_mode = m.rw ? "" : "ro";
    if (type == "tmpfs") {
        if (j.contains("Source") && !j["Source"].get<std::string>().empty())
            throw InvalidArgument(prefix + "field Source must not be specified");
        // moby's ConvertTmpfsOptions: ro, mode, then the size in its largest exact unit.
        std::vector<std::string> opts;
        if (!m.rw) opts.push_back("ro");
        if (j.contains("TmpfsOptions") && j["TmpfsOptions"].is_object()) {
            const auto &t = j["TmpfsOptions"];
            if (t.contains("Mode") && t["Mode"].is_number() && t["Mode"].get<unsigned>() != 0) {
                std::ostringstream mode;
                mode << std::oct << t["Mode"].get<unsigned>();
                opts.push_back("mode=" + mode.str());
            }
            if (t.contains("SizeBytes") && t["SizeBytes"].is_number() && t["SizeBytes"].get<int64_t>() > 0) {
                int64_t size = t["SizeBytes"].get<int64_t>();
                std::string suffix;
                for (const char *unit : {"k", "m", "g"}) {
                    if (size % 1024 != 0) break;
                    size /= 1024;
                    suffix = unit;
                }
                opts.push_back("size=" + std::to_string(size) + suffix);
            }
        }
        std::string text;
        for (const auto &o : opts) text += (text.empty() ? "" : ",") + o;
        tmpfs[m.destination] = text;
        return m;
    }
    const std::string source = j.value("Source", "");
    if (type == "bind") {
        if (source.empty()) throw InvalidArgument(prefix + "field Source must not be empty");
        if (source[0] != '/')
            throw InvalidArgument(prefix + "invalid mount path: '" + source + "' mount path must be absolute");
        struct stat st{};
        if (::stat(source.c_str(), &st) != 0)
            throw InvalidArgument(prefix + "bind source path does not exist: " + source);
        m.source = clean(source);
        m.propagation = "rprivate";
        if (j.contains("BindOptions") && j["BindOptions"].is_object())
            m.propagation = j["BindOptions"].value("Propagation", std::string("rprivate"));
        if (m.propagation.empty()) m.propagation = "rprivate";
        static const std::set<std::string> propagations = {"private", "rprivate", "shared", "rshared", "slave", "rslave"};
        if (!propagations.count(m.propagation))
            throw InvalidArgument(prefix + "invalid propagation mode: " + m.propagation);
        return m;
    }
    if (source.empty() && !m.rw)
        throw InvalidArgument(prefix + "must not set ReadOnly mode when using anonymous volumes");
    m.name = source;
    m.driver = "local";
    if (j.contains("VolumeOptions") && j["VolumeOptions"].is_object()) {
        const auto &vo = j["VolumeOptions"];
        if (vo.value("NoCopy", false)) m.rw_mode += (m.rw_mode.empty() ? "" : ",") + std::string("nocopy");
        if (vo.contains("DriverConfig") && vo["DriverConfig"].is_object())
            m.driver = vo["DriverConfig"].value("Name", std::string("local"));
        if (m.driver.empty()) m.driver = "local";
    }
    return m;
}

} // namespace

PlannedMounts plan_mounts(const std::string &host_config_json, const std::vector<std::string> &image_volumes) {
    PlannedMounts plan;
    const json hc = json::parse(host_config_json.empty() ? "{}" : host_config_json, nullptr, false);
    std::set<std::string> seen;
    auto add = [&](MountPoint m) {
        if (!seen.insert(m.destination).second) throw InvalidArgument("Duplicate mount point: " + m.destination);
        if (m.type != "tmpfs") plan.points.push_back(std::move(m));
    };
    if (hc.is_object() && hc.contains("Tmpfs") && hc["Tmpfs"].is_object())
        for (const auto &[path, opts] : hc["Tmpfs"].items()) {
            if (path.empty() || path[0] != '/')
                throw InvalidArgument("invalid mount path: '" + path + "' mount path must be absolute");
            const std::string dst = clean(path);
            if (dst == "/") throw InvalidArgument("invalid specification: destination can't be '/'");
            if (!seen.insert(dst).second) throw InvalidArgument("Duplicate mount point: " + dst);
            plan.tmpfs[dst] = opts.is_string() ? opts.get<std::string>() : "";
        }
    if (hc.is_object() && hc.contains("Binds") && hc["Binds"].is_array())
        for (const auto &b : hc["Binds"])
            if (b.is_string()) add(parse_bind(b.get<std::string>()));
    if (hc.is_object() && hc.contains("Mounts") && hc["Mounts"].is_array())
        for (const auto &m : hc["Mounts"]) {
            if (!m.is_object()) throw InvalidArgument("invalid mount config: not an object");
            MountPoint p = parse_mount(m, plan.tmpfs);
            if (p.type == "tmpfs") {
                if (!seen.insert(p.destination).second)
                    throw InvalidArgument("Duplicate mount point: " + p.destination);
                continue;
            }
            add(std::move(p));
        }
    for (const auto &v : image_volumes) {
        if (v.empty()) continue;
        const std::string dst = clean(v[0] == '/' ? v : "/" + v);
        if (seen.count(dst)) continue; // the user's mount wins
        seen.insert(dst);
        MountPoint m;
        m.type = "volume";
        m.destination = dst;
        m.driver = "local";
        m.rw = true;
        plan.points.push_back(std::move(m));
    }
    return plan;
}

std::vector<std::string> binds_for_spec(const std::vector<MountPoint> &points,
                                        const std::function<std::string(const MountPoint &)> &resolve) {
    std::vector<std::string> out;
    for (const auto &m : points) {
        const std::string src = m.type == "bind" ? m.source : resolve(m);
        std::string opts = m.rw ? "rw" : "ro";
        if (!m.propagation.empty()) opts += "," + m.propagation;
        out.push_back(src + ":" + m.destination + ":" + opts);
    }
    return out;
}

} // namespace berth::containers
