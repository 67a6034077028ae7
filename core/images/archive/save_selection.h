// save_selection.h — which images `docker save NAME...` writes and under
// which tags, by moby's rules: "name" means every tag of the repository
// (or an image ID prefix when there is none), "name:tag" that tag, an ID
// or ID prefix the image without tags, and "name@digest" the image without
// a tag. Each image appears once, in the order first named.
#pragma once

#include "images/image_store.h"
#include "images/reference.h"

#include <string>
#include <vector>

namespace berth::images {
class ImageService;
}

namespace berth::images::archive {

struct SavedImage {
    Image image;
    std::vector<Reference> tags; // tagged references, as named
};

// Throws NotFound ("No such image: x:latest") or InvalidReference for the
// first name that does not resolve.
std::vector<SavedImage> select_images(ImageService &service, const std::vector<std::string> &names);

} // namespace berth::images::archive
