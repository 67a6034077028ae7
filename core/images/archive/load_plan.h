// load_plan.h — what an extracted archive asks `docker load` to do, worked
// out and checked completely before anything is written to the stores:
// every config parses, every layer member exists, layer counts match the
// configs' diff_ids, every tag is a valid name:tag. Reads, in order of
// preference:
//   * manifest.json (docker save of every version: Docker 25+'s
//     "blobs/sha256/<hex>" paths and the older "<id>/layer.tar" ones);
//   * index.json alone (an OCI image layout, e.g. skopeo's or containerd's
//     export), tags taken from the index annotations.
#pragma once

#include "images/archive/extracted_archive.h"
#include "images/image_config.h"
#include "images/reference.h"

#include <string>
#include <vector>

namespace berth::images::archive {

struct LoadItem {
    std::string image_id;     // sha256 of config_bytes
    std::string config_bytes; // exactly as archived
    ImageConfig config;
    std::vector<std::string> layer_members; // one per diff_id, base first
    std::vector<Reference> tags;            // tagged references
    std::string parent;                     // manifest.json "Parent" image ID, "" for none
};

// One item per image (an image listed twice gets the union of its tags),
// in archive order. Throws InvalidArgument saying what is wrong.
std::vector<LoadItem> plan_load(const ExtractedArchive &archive);

} // namespace berth::images::archive
