// layertar_call.hpp — run a layer-tar library call and turn its exceptions
// into sdk::error, keeping the library's status code and naming the layer.
#pragma once

#include "sys_util.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <filesystem>
#include <string>

namespace berth::btrfs {

template <class F>
auto layertar_call(const std::string &what, F &&f) {
    try {
        return f();
    } catch (const layertar::LayerError &e) {
        throw sdk::error(e.code(), "btrfs: " + what + ": " + e.what());
    } catch (const std::filesystem::filesystem_error &e) {
        throw sdk::error(status_from_errno(e.code().value()), "btrfs: " + what + ": " + e.what());
    }
}

} // namespace berth::btrfs
