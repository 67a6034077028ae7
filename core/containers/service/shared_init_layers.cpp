// shared_init_layers.cpp — see shared_init_layers.h; also the init layer's
// fill through apply_diff, shared with the per-container init layer of an
// image without layers.
#include "containers/service/shared_init_layers.h"

#include "containers/store/errors.h"
#include "images/unique_fd.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <system_error>
#include <unistd.h>

namespace berth::containers {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kSuffix = "-init-shared";

} // namespace

void fill_init_layer(images::LayerDriver &driver, const std::string &init_id, const std::string &image_top,
                     const InitLayerFiles &files, const config::IdMap &ids) {
    std::string tar;
    if (image_top.empty()) {
        tar = init_layer_tar("", files, ids);
    } else {
        const std::string view = driver.get(image_top);
        try {
            tar = init_layer_tar(view, files, ids);
        } catch (...) {
            driver.put(image_top);
            throw;
        }
        driver.put(image_top);
    }
    images::UniqueFd fd(::memfd_create("berth-init-layer", MFD_CLOEXEC));
    if (fd.get() < 0) throw InternalError(std::string("memfd_create: ") + std::strerror(errno));
    for (size_t off = 0; off < tar.size();) {
        const ssize_t n = ::write(fd.get(), tar.data() + off, tar.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw InternalError(std::string("writing the init layer's tar: ") + std::strerror(errno));
        off += static_cast<size_t>(n);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) throw InternalError(std::string("lseek: ") + std::strerror(errno));
    driver.apply_diff(init_id, image_top, fd.get());
}

SharedInitLayers::SharedInitLayers(fs::path marker_dir, Fill fill) : dir_(std::move(marker_dir)), fill_(std::move(fill)) {
    fs::create_directories(dir_);
}

fs::path SharedInitLayers::marker(const std::string &layer_id) const { return dir_ / layer_id; }

std::string SharedInitLayers::ensure(images::LayerDriver &driver, const std::string &top_cache_id) {
    const std::string id = shared_init_layer_id(top_cache_id);
    std::lock_guard lock(mu_);
    if (ready_.count(id) != 0) return id;
    std::error_code ec;
    if (fs::exists(marker(id), ec) && driver.exists(id)) {
        ready_.insert(id);
        return id;
    }
    // No marker: never made, or a crash cut its fill short. The marker goes
    // to disk before any container is made on the layer, so nothing can be
    // built on a half-made one: it is made again from scratch.
    if (driver.exists(id)) driver.remove(id);
    driver.create(id, top_cache_id, false, {});
    try {
        fill_(driver, id, top_cache_id);
    } catch (...) {
        try {
            driver.remove(id);
        } catch (const std::exception &e) {
            spdlog::warn("removing the half-made init layer {}: {}", id, e.what());
        }
        throw;
    }
    if (!util::write_file_atomic(marker(id), "", 0600, util::Durability::PowerLoss))
        throw InternalError("writing the init layer's marker " + marker(id).string() + ": " + std::strerror(errno));
    ready_.insert(id);
    return id;
}

void SharedInitLayers::forget(images::LayerDriver &driver, const std::string &top_cache_id) {
    const std::string id = shared_init_layer_id(top_cache_id);
    std::lock_guard lock(mu_);
    ready_.erase(id);
    // The layer before its marker: a crash in between leaves a marker
    // without a layer, which ensure() and restore handle; the other way
    // round would leave a layer nothing points at.
    if (driver.exists(id)) driver.remove(id);
    std::error_code ec;
    fs::remove(marker(id), ec);
}

std::set<std::string> SharedInitLayers::marked_tops() const {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir_, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() > kSuffix.size() && name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
            out.insert(name.substr(0, name.size() - kSuffix.size()));
    }
    return out;
}

} // namespace berth::containers
