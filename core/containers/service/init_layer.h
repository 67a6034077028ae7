// init_layer.h — dockerd's "-init" layer: between the image and a container's
// RW layer, it holds the empty mount points runc binds over (/etc/hosts,
// /etc/hostname, /etc/resolv.conf, /dev/console, ...), so they exist even in
// images without /etc, and `docker diff` / `docker commit` of the RW layer
// against it never show them.
#pragma once

#include <string>

namespace berth::containers {

// The init layer's cache id for a container.
inline std::string init_layer_id(const std::string &container_id) { return container_id + "-init"; }

// Creates the mount points below rootfs (the mounted init layer). Every path
// is resolved with the rootfs as "/", so an image's symlinks cannot lead
// outside it; an entry that exists already is left as it is. What it makes
// belongs to the container's root: host ids root_uid/root_gid (not 0 under
// userns-remap).
void populate_init_layer(const std::string &rootfs, unsigned root_uid = 0, unsigned root_gid = 0);

// Gives an init-layer file (one of the /etc mount points) the content of the
// file bound over it, so `docker cp` of /etc/hostname, which reads the
// layers and not the container's mounts, finds what the container sees.
void write_init_file(const std::string &rootfs, const std::string &dir, const std::string &name,
                     const std::string &content);

} // namespace berth::containers
