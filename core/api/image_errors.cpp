#include "api/image_errors.h"

#include "images/errors.h"
#include "registry/errors.h"

namespace berth::api {

ApiError image_api_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const ApiError &e) {
        return e;
    } catch (const images::Error &e) {
        return ApiError(images::http_status(e.kind()), e.what());
    } catch (const registry::RegistryError &e) {
        return ApiError(registry::suggested_http_status(e.category()), e.what());
    } catch (const std::exception &e) {
        return ApiError(500, e.what());
    } catch (...) {
        return ApiError(500, "unknown error");
    }
}

} // namespace berth::api
