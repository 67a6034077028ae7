#include "network/record_store.h"

#include "network/errors.h"
#include "network/network_record.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace berth::network {
namespace {

namespace fs = std::filesystem;

constexpr const char *kNetworksDir = "networks";
constexpr const char *kEndpointsDir = "endpoints";

void fsync_dir(const fs::path &dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void write(const fs::path &file, const std::string &text) {
    if (!util::write_file_atomic(file, text, 0600))
        throw InternalError("write " + file.string() + ": " + std::strerror(errno));
}

void unlink(const fs::path &file) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT)
        throw InternalError("remove " + file.string() + ": " + std::strerror(errno));
    fsync_dir(file.parent_path());
}

// Calls fn(text, path) for every "<id>.json" in dir; removes the temp files
// of writes a kill -9 interrupted (".<id>.json.tmp-XXXXXX").
template <class Fn>
void each_record(const fs::path &dir, Fn fn) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code rm_ec;
        if (!name.empty() && name[0] == '.' && name.find(".json.tmp-") != std::string::npos) {
            fs::remove(it->path(), rm_ec);
            continue;
        }
        if (name.size() <= 5 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        fn(s.str(), it->path());
    }
}

} // namespace

RecordStore::RecordStore(fs::path network_root) : root_(std::move(network_root)) {
    fs::create_directories(root_ / kNetworksDir);
    fs::create_directories(root_ / kEndpointsDir);
}

RecordStore::Loaded RecordStore::load() {
    Loaded out;
    each_record(root_ / kNetworksDir, [&](const std::string &text, const fs::path &p) {
        auto n = parse_network_record(text);
        if (!n || p.stem().string() != n->id) {
            out.errors.push_back(p.string() + ": unreadable network record");
            spdlog::error("network: skipping {}: not a valid network record", p.string());
            return;
        }
        out.networks.push_back(std::move(*n));
    });
    each_record(root_ / kEndpointsDir, [&](const std::string &text, const fs::path &p) {
        auto e = parse_endpoint_record(text);
        if (!e || p.stem().string() != e->id) {
            out.errors.push_back(p.string() + ": unreadable endpoint record");
            spdlog::error("network: skipping {}: not a valid endpoint record", p.string());
            return;
        }
        out.endpoints.push_back(std::move(*e));
    });
    return out;
}

void RecordStore::save(const Network &n) { write(root_ / kNetworksDir / (n.id + ".json"), network_record_json(n)); }
void RecordStore::save(const Endpoint &e) { write(root_ / kEndpointsDir / (e.id + ".json"), endpoint_record_json(e)); }
void RecordStore::remove_network(const std::string &id) { unlink(root_ / kNetworksDir / (id + ".json")); }
void RecordStore::remove_endpoint(const std::string &id) { unlink(root_ / kEndpointsDir / (id + ".json")); }

} // namespace berth::network
