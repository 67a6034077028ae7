#include "image_names.h"

#include "errors.h"
#include "images/errors.h"
#include "images/reference.h"

namespace berth::cli {
namespace {

images::Reference parse(std::string_view name) {
    try {
        return images::parse_normalized_named(name);
    } catch (const images::Error& e) {
        throw CliError(e.what());
    }
}

}  // namespace

PullTarget pull_target(std::string_view name, bool all_tags) {
    images::Reference ref = parse(name);
    PullTarget out;
    if (all_tags) {
        if (!ref.name_only()) throw CliError("tag can't be used with --all-tags/-a");
    } else if (ref.name_only()) {
        ref = ref.tag_name_only();
        out.default_tag_added = true;
    }
    out.from_image = ref.name();
    out.domain = ref.domain;
    out.reference = ref.string();
    // By digest the digest travels in `tag`; a name:tag@digest pulls the digest.
    if (!all_tags) out.tag = ref.digested() ? ref.digest : ref.tag;
    return out;
}

PushTarget push_target(std::string_view name, bool all_tags) {
    images::Reference ref = parse(name);
    if (ref.digested()) throw CliError("cannot push a digest reference");
    PushTarget out;
    if (all_tags) {
        if (!ref.name_only()) throw CliError("tag can't be used with --all-tags/-a");
    } else {
        if (ref.name_only()) {
            ref = ref.tag_name_only();
            out.default_tag_added = true;
        }
        out.tag = ref.tag;
    }
    out.name = ref.familiar_name();
    out.domain = ref.domain;
    return out;
}

TagTarget tag_target(std::string_view target) {
    images::Reference ref = parse(target);
    if (ref.digested()) throw CliError("refusing to create a tag with a digest reference");
    ref = ref.tag_name_only();
    return {ref.name(), ref.tag};
}

void validate_reference(std::string_view name) { (void)parse(name); }

std::string auth_server_for(std::string_view domain) {
    if (domain.empty() || domain == images::kDefaultDomain || domain == images::kLegacyDefaultDomain)
        return std::string(kDockerHubServer);
    return std::string(domain);
}

}  // namespace berth::cli
