#include "images/layer_driver.h"

namespace berth::images {

int64_t LayerDriver::diff_size(const std::string &id, const std::string &) {
    throw StorageError(BERTH_E_NOTSUP, "diff_size " + id + ": not supported by driver " + name());
}

std::string LayerDriver::metadata_json(const std::string &id) {
    throw StorageError(BERTH_E_NOTSUP, "metadata " + id + ": not supported by driver " + name());
}

std::string LayerDriver::changes_json(const std::string &id, const std::string &) {
    throw StorageError(BERTH_E_NOTSUP, "changes " + id + ": not supported by driver " + name());
}

} // namespace berth::images
