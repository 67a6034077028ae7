// push_canceled.h — how a push reports that it was asked to stop (the
// stop_token fired): a Transient RegistryError with Go's "context canceled",
// the words moby's stream shows for the same situation.
#pragma once

namespace berth::distribution {

[[noreturn]] void throw_canceled();

} // namespace berth::distribution
