// Writing manifests for a push. ordered_json keeps docker's field order so a
// manifest berthd writes looks like one dockerd would have written.
#include "registry/manifest.h"

#include <nlohmann/json.hpp>

namespace berth::registry {
namespace {

using nlohmann::ordered_json;

ordered_json platform_json(const Platform &p) {
    ordered_json j;
    j["architecture"] = p.architecture;
    j["os"] = p.os;
    if (!p.os_version.empty()) j["os.version"] = p.os_version;
    if (!p.os_features.empty()) j["os.features"] = p.os_features;
    if (!p.variant.empty()) j["variant"] = p.variant;
    return j;
}

ordered_json descriptor_json(const Descriptor &d) {
    ordered_json j;
    j["mediaType"] = d.media_type;
    j["size"] = d.size;
    j["digest"] = d.digest;
    if (!d.urls.empty()) j["urls"] = d.urls;
    if (!d.annotations.empty()) j["annotations"] = d.annotations;
    if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
    if (d.platform) j["platform"] = platform_json(*d.platform);
    return j;
}

} // namespace

std::string write_image_manifest(const ImageManifest &manifest) {
    ordered_json j;
    j["schemaVersion"] = manifest.schema_version;
    j["mediaType"] = manifest.media_type;
    if (!manifest.artifact_type.empty()) j["artifactType"] = manifest.artifact_type;
    j["config"] = descriptor_json(manifest.config);
    auto layers = ordered_json::array();
    for (const auto &l : manifest.layers) layers.push_back(descriptor_json(l));
    j["layers"] = std::move(layers);
    if (manifest.subject) j["subject"] = descriptor_json(*manifest.subject);
    if (!manifest.annotations.empty()) j["annotations"] = manifest.annotations;
    return j.dump(3);
}

std::string write_manifest_index(const ManifestIndex &index) {
    ordered_json j;
    j["schemaVersion"] = index.schema_version;
    j["mediaType"] = index.media_type;
    auto manifests = ordered_json::array();
    for (const auto &m : index.manifests) manifests.push_back(descriptor_json(m));
    j["manifests"] = std::move(manifests);
    if (index.subject) j["subject"] = descriptor_json(*index.subject);
    if (!index.annotations.empty()) j["annotations"] = index.annotations;
    return j.dump(3);
}

} // namespace berth::registry
