#include "containers/store/container_store.h"

#include "containers/store/container_id.h"
#include "containers/store/container_names.h"
#include "containers/store/errors.h"
#include "util/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace berth::containers {

namespace fs = std::filesystem;

namespace {
constexpr const char *kRecordFile = "config.v2.json";

std::string read_all(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InternalError("cannot read " + p.string() + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
// A kill -9 during write_file_atomic leaves its temp file behind; the record
// itself is the old or the new one, so the leftover is only litter.
void sweep_temp_files(const fs::path &dir) {
    const std::string prefix = std::string(".") + kRecordFile + ".tmp-";
    std::error_code ec;
    for (const auto &f : fs::directory_iterator(dir, ec))
        if (f.path().filename().string().starts_with(prefix)) fs::remove(f.path(), ec);
}
} // namespace

ContainerStore::ContainerStore(fs::path data_root) : root_(std::move(data_root) / "containers") {
    fs::create_directories(root_);
    for (const auto &entry : fs::directory_iterator(root_)) {
        if (!entry.is_directory()) continue;
        const std::string dir_id = entry.path().filename().string();
        sweep_temp_files(entry.path());
        try {
            Container c = container_from_json(read_all(entry.path() / kRecordFile));
            if (c.id != dir_id) throw InternalError("record ID " + c.id + " does not match its directory");
            if (names_.count(c.name)) throw InternalError("name " + c.name + " is already used by " + names_[c.name]);
            names_[c.name] = c.id;
            by_id_.emplace(c.id, std::move(c));
        } catch (const std::exception &e) {
            // One broken record must not keep the daemon (and every other container) down.
            load_errors_.push_back(dir_id + ": " + e.what());
            std::cerr << "berthd: skipping container " << dir_id << ": " << e.what() << "\n";
        }
    }
}

fs::path ContainerStore::container_dir(const std::string &id) const { return root_ / id; }

std::string ContainerStore::reserve_name_locked(const std::string &requested, const std::string &id) {
    if (!requested.empty()) {
        std::string name = canonical_container_name(requested);
        auto it = names_.find(name);
        if (it != names_.end() && it->second != id)
            throw Conflict("Conflict. The container name \"" + name + "\" is already in use by container \"" +
                           it->second + "\". You have to remove (or rename) that container to be able to reuse that name.");
        names_[name] = id;
        return name;
    }
    // Like moby: a few random draws (with digits appended after the first),
    // then the short ID, which cannot collide with another container's.
    for (unsigned retry = 0; retry < 6; ++retry) {
        std::string name = "/" + random_container_name(retry);
        if (!names_.count(name)) {
            names_[name] = id;
            return name;
        }
    }
    std::string name = "/" + short_id(id);
    names_[name] = id;
    return name;
}

void ContainerStore::write_locked(const Container &c) {
    const fs::path dir = container_dir(c.id);
    fs::create_directories(dir);
    // A kill -9 finds the old record or the new one either way. Only a host
    // crash tells the two apart, and the record of a container removed at
    // its exit need not survive one (as its layers need not: overlay2 makes
    // them volatile), so `run --rm` skips the two fsyncs of each of its
    // four saves; after a power cut the store skips a torn record with a
    // warning, like any broken one.
    const auto durability = c.auto_remove() ? util::Durability::ProcessCrash : util::Durability::PowerLoss;
    if (!util::write_file_atomic(dir / kRecordFile, container_to_json(c), 0600, durability))
        throw InternalError("cannot write container record " + (dir / kRecordFile).string() + ": " +
                            std::strerror(errno));
}

Container ContainerStore::create(const NewContainer &spec, TimePoint now) {
    std::lock_guard lock(mu_);
    std::string id;
    do id = generate_container_id();
    while (by_id_.count(id));
    Container c;
    c.id = id;
    c.name = reserve_name_locked(spec.name, id);
    c.created = now;
    c.path = spec.path;
    c.args = spec.args;
    c.config_json = spec.config_json;
    c.host_config_json = spec.host_config_json;
    c.endpoints_config_json = spec.endpoints_config_json;
    c.image = spec.image;
    c.image_name = spec.image_name;
    c.driver = spec.driver;
    c.rw_layer = spec.rw_layer;
    try {
        write_locked(c);
    } catch (...) {
        names_.erase(c.name);
        std::error_code ec;
        fs::remove_all(container_dir(id), ec);
        throw;
    }
    by_id_.emplace(id, c);
    return c;
}

void ContainerStore::save(const Container &c) {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(c.id);
    if (it == by_id_.end()) throw NotFound("No such container: " + c.id);
    Container copy = c;
    copy.name = it->second.name; // names change only through rename()
    write_locked(copy);
    it->second = std::move(copy);
}

void ContainerStore::rename(const std::string &id, const std::string &new_name) {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) throw NotFound("No such container: " + id);
    const std::string old_name = it->second.name;
    const std::string name = reserve_name_locked(new_name, id);
    if (name == old_name) return;
    Container copy = it->second;
    copy.name = name;
    try {
        write_locked(copy);
    } catch (...) {
        names_.erase(name);
        throw;
    }
    names_.erase(old_name);
    it->second = std::move(copy);
}

void ContainerStore::remove(const std::string &id) {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) throw NotFound("No such container: " + id);
    std::error_code ec;
    fs::remove_all(container_dir(id), ec);
    if (ec) throw InternalError("cannot remove " + container_dir(id).string() + ": " + ec.message());
    names_.erase(it->second.name);
    by_id_.erase(it);
}

std::optional<std::string> ContainerStore::resolve_id_locked(const std::string &ref) const {
    if (ref.empty()) return std::nullopt;
    if (by_id_.count(ref)) return ref;
    auto n = names_.find(ref.front() == '/' ? ref : "/" + ref);
    if (n != names_.end()) return n->second;
    // Unique ID prefix: the map is ordered, so the candidates are contiguous.
    auto first = by_id_.lower_bound(ref);
    if (first == by_id_.end() || first->first.compare(0, ref.size(), ref) != 0) return std::nullopt;
    auto next = std::next(first);
    if (next != by_id_.end() && next->first.compare(0, ref.size(), ref) == 0) return std::nullopt; // ambiguous
    return first->first;
}

Container ContainerStore::resolve(const std::string &ref) const {
    std::lock_guard lock(mu_);
    auto id = resolve_id_locked(ref);
    if (!id) throw NotFound("No such container: " + ref);
    return by_id_.at(*id);
}

std::optional<Container> ContainerStore::get(const std::string &id) const {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
}

std::vector<Container> ContainerStore::list() const {
    std::lock_guard lock(mu_);
    std::vector<Container> out;
    out.reserve(by_id_.size());
    for (const auto &[id, c] : by_id_) out.push_back(c);
    return out;
}

} // namespace berth::containers
