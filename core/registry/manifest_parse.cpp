// Parsing the four manifest kinds. Strict where a wrong value would make the
// puller fetch the wrong thing (digests, sizes, media type), lenient about
// fields berthd does not use.
#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <nlohmann/json.hpp>

namespace berth::registry {
namespace {

using nlohmann::json;

[[noreturn]] void corrupt(const std::string &what) {
    throw RegistryError(ErrorCategory::Corrupt, "invalid manifest: " + what);
}

[[noreturn]] void schema1(std::string_view media_type) {
    throw RegistryError(ErrorCategory::Invalid,
                        "unsupported manifest media type " + std::string(media_type) +
                            ": Docker Image manifest version 2, schema 1 is no longer supported");
}

std::string bare_media_type(std::string_view content_type) {
    auto t = content_type.substr(0, content_type.find(';'));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    return std::string(t);
}

bool is_schema1(std::string_view media_type) {
    return media_type == media_type::kDockerSchema1Signed || media_type == media_type::kDockerSchema1;
}

json parse_object(std::string_view bytes) {
    auto doc = json::parse(bytes, nullptr, false);
    if (doc.is_discarded()) corrupt("not valid JSON");
    if (!doc.is_object()) corrupt("not a JSON object");
    return doc;
}

std::string string_field(const json &obj, const char *key, const std::string &where) {
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return {};
    if (!it->is_string()) corrupt(where + "." + key + " is not a string");
    return it->get<std::string>();
}

std::map<std::string, std::string> string_map(const json &obj, const char *key, const std::string &where) {
    std::map<std::string, std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return out;
    if (!it->is_object()) corrupt(where + "." + key + " is not an object");
    for (const auto &[k, v] : it->items()) {
        if (!v.is_string()) corrupt(where + "." + key + "." + k + " is not a string");
        out[k] = v.get<std::string>();
    }
    return out;
}

std::vector<std::string> string_list(const json &obj, const char *key, const std::string &where) {
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return out;
    if (!it->is_array()) corrupt(where + "." + key + " is not an array");
    for (const auto &v : *it) {
        if (!v.is_string()) corrupt(where + "." + key + " holds a non-string");
        out.push_back(v.get<std::string>());
    }
    return out;
}

Platform parse_platform_object(const json &obj, const std::string &where) {
    if (!obj.is_object()) corrupt(where + " is not an object");
    Platform p;
    p.os = string_field(obj, "os", where);
    p.architecture = string_field(obj, "architecture", where);
    p.variant = string_field(obj, "variant", where);
    p.os_version = string_field(obj, "os.version", where);
    p.os_features = string_list(obj, "os.features", where);
    return p;
}

Descriptor parse_descriptor(const json &obj, const std::string &where) {
    if (!obj.is_object()) corrupt(where + " is not an object");
    Descriptor d;
    d.media_type = string_field(obj, "mediaType", where);
    d.digest = string_field(obj, "digest", where);
    if (!is_digest(d.digest)) corrupt(where + ".digest \"" + d.digest + "\" is not a valid digest");
    const auto size = obj.find("size");
    if (size == obj.end() || !size->is_number_integer() || size->get<std::int64_t>() < 0)
        corrupt(where + ".size is missing or not a non-negative integer");
    d.size = size->get<std::int64_t>();
    d.urls = string_list(obj, "urls", where);
    d.annotations = string_map(obj, "annotations", where);
    d.artifact_type = string_field(obj, "artifactType", where);
    if (const auto p = obj.find("platform"); p != obj.end() && !p->is_null())
        d.platform = parse_platform_object(*p, where + ".platform");
    return d;
}

int schema_version(const json &doc) {
    const auto it = doc.find("schemaVersion");
    if (it == doc.end() || !it->is_number_integer()) corrupt("schemaVersion is missing");
    const int v = it->get<int>();
    if (v == 1) schema1(media_type::kDockerSchema1Signed);
    if (v != 2) corrupt("schemaVersion " + std::to_string(v) + " is not 2");
    return v;
}

// The OCI spec: a mediaType in the document must agree with the one served.
void check_declared_type(const json &doc, std::string_view media_type) {
    const auto declared = string_field(doc, "mediaType", "manifest");
    if (!declared.empty() && declared != media_type)
        corrupt("served as " + std::string(media_type) + " but the document says " + declared);
}

} // namespace

std::optional<ManifestKind> manifest_kind(std::string_view media_type) {
    if (media_type == media_type::kDockerManifest || media_type == media_type::kOciManifest)
        return ManifestKind::Image;
    if (media_type == media_type::kDockerManifestList || media_type == media_type::kOciIndex)
        return ManifestKind::Index;
    return std::nullopt;
}

std::string detect_manifest_media_type(std::string_view content_type, std::string_view bytes) {
    const auto served = bare_media_type(content_type);
    if (is_schema1(served)) schema1(served);
    if (manifest_kind(served)) return served;
    const auto doc = parse_object(bytes);
    const auto declared = string_field(doc, "mediaType", "manifest");
    if (!declared.empty()) {
        if (is_schema1(declared)) schema1(declared);
        if (manifest_kind(declared)) return declared;
        throw RegistryError(ErrorCategory::Invalid, "unsupported manifest media type " + declared);
    }
    if (const auto v = doc.find("schemaVersion"); v != doc.end() && *v == 1) schema1(media_type::kDockerSchema1Signed);
    if (doc.contains("manifests")) return std::string(media_type::kOciIndex);
    if (doc.contains("config")) return std::string(media_type::kOciManifest);
    if (!served.empty()) throw RegistryError(ErrorCategory::Invalid, "unsupported manifest media type " + served);
    corrupt("cannot tell the manifest kind: no mediaType, config or manifests");
}

ImageManifest parse_image_manifest(std::string_view bytes, std::string_view media_type) {
    if (manifest_kind(media_type) != ManifestKind::Image)
        throw RegistryError(ErrorCategory::Invalid, "not an image manifest media type: " + std::string(media_type));
    const auto doc = parse_object(bytes);
    ImageManifest m;
    m.schema_version = schema_version(doc);
    check_declared_type(doc, media_type);
    m.media_type = std::string(media_type);
    m.artifact_type = string_field(doc, "artifactType", "manifest");
    const auto config = doc.find("config");
    if (config == doc.end()) corrupt("config is missing");
    m.config = parse_descriptor(*config, "config");
    const auto layers = doc.find("layers");
    if (layers != doc.end() && !layers->is_null()) {
        if (!layers->is_array()) corrupt("layers is not an array");
        for (std::size_t i = 0; i < layers->size(); ++i)
            m.layers.push_back(parse_descriptor((*layers)[i], "layers[" + std::to_string(i) + "]"));
    } else if (media_type == media_type::kDockerManifest) {
        corrupt("layers is missing");
    }
    if (const auto s = doc.find("subject"); s != doc.end() && !s->is_null())
        m.subject = parse_descriptor(*s, "subject");
    m.annotations = string_map(doc, "annotations", "manifest");
    return m;
}

ManifestIndex parse_manifest_index(std::string_view bytes, std::string_view media_type) {
    if (manifest_kind(media_type) != ManifestKind::Index)
        throw RegistryError(ErrorCategory::Invalid,
                            "not a manifest list or index media type: " + std::string(media_type));
    const auto doc = parse_object(bytes);
    ManifestIndex idx;
    idx.schema_version = schema_version(doc);
    check_declared_type(doc, media_type);
    idx.media_type = std::string(media_type);
    const auto manifests = doc.find("manifests");
    if (manifests == doc.end() || !manifests->is_array()) corrupt("manifests is missing or not an array");
    for (std::size_t i = 0; i < manifests->size(); ++i)
        idx.manifests.push_back(parse_descriptor((*manifests)[i], "manifests[" + std::to_string(i) + "]"));
    if (const auto s = doc.find("subject"); s != doc.end() && !s->is_null())
        idx.subject = parse_descriptor(*s, "subject");
    idx.annotations = string_map(doc, "annotations", "index");
    return idx;
}

} // namespace berth::registry
