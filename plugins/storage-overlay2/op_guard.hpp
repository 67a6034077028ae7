// op_guard.hpp — the one wrapper every exported operation runs in. It is
// sdk::guard plus the translations sdk::guard cannot know about: a
// layertar::LayerError already carries the right BERTH_E_* code (INVAL for a
// hostile tar, IO for the disk), and std::filesystem errors carry an errno.
// Without this they would all surface as INTERNAL. It also makes sure every
// message starts with "overlay2: ".
#pragma once

#include "errors.hpp"

#include <berth/layertar.hpp>
#include <berth/sdk.hpp>

#include <filesystem>
#include <new>
#include <stdexcept>

namespace berth::overlay2 {

template <class F>
int32_t op_guard(const berth_host *host, berth_call *call, F &&f) noexcept {
    return sdk::guard(host, call, [&]() -> int32_t {
        try {
            return f();
        } catch (const sdk::error &e) {
            throw sdk::error(e.code(), prefixed(e.what()));
        } catch (const layertar::LayerError &e) {
            throw sdk::error(e.code(), prefixed(e.what()));
        } catch (const std::filesystem::filesystem_error &e) {
            throw sdk::error(status_of_errno(e.code().value()), prefixed(e.what()));
        } catch (const std::bad_alloc &) {
            throw;
        } catch (const std::invalid_argument &e) {
            throw sdk::error(BERTH_E_INVAL, prefixed(e.what()));
        } catch (const std::exception &e) {
            throw sdk::error(BERTH_E_INTERNAL, prefixed(e.what()));
        }
    });
}

} // namespace berth::overlay2
