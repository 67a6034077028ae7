#include "distribution/push_canceled.h"

#include "registry/errors.h"

namespace berth::distribution {

void throw_canceled() { throw registry::RegistryError(registry::ErrorCategory::Transient, "context canceled"); }

} // namespace berth::distribution
