#include "images/archive/save_selection.h"

#include "images/errors.h"
#include "images/image_service.h"

#include <algorithm>

namespace berth::images::archive {
namespace {

class Selection {
public:
    explicit Selection(ImageService &service) : service_(service) {}

    void add(const std::string &id, const Reference *tag) {
        auto it = std::find_if(out_.begin(), out_.end(), [&](const SavedImage &s) { return s.image.id == id; });
        if (it == out_.end()) {
            auto img = service_.images().find(id);
            if (!img) throw NotFound("No such image: " + id);
            out_.push_back(SavedImage{std::move(*img), {}});
            it = std::prev(out_.end());
        }
        if (tag != nullptr && std::find(it->tags.begin(), it->tags.end(), *tag) == it->tags.end())
            it->tags.push_back(*tag);
    }

    std::vector<SavedImage> take() { return std::move(out_); }

private:
    ImageService &service_;
    std::vector<SavedImage> out_;
};

} // namespace

std::vector<SavedImage> select_images(ImageService &service, const std::vector<std::string> &names) {
    Selection selection(service);
    for (const auto &name : names) {
        const AnyReference any = parse_any_reference(name);
        if (!any.named) { // a full ID or "sha256:<hex>"
            selection.add(service.resolve(name).id, nullptr);
            continue;
        }
        const Reference &named = *any.named;
        // "sha256:abc12" parses as repository "sha256", tag "abc12": an ID prefix.
        if (named.familiar_name() == "sha256") {
            selection.add(service.resolve(name).id, nullptr);
            continue;
        }
        if (named.name_only()) {
            bool any_tag = false;
            for (const auto &[ref, id] : service.references().list()) {
                if (ref.name() != named.name() || !ref.tagged() || ref.digested()) continue;
                selection.add(id, &ref);
                any_tag = true;
            }
            // No tags in that repository: maybe an ID prefix ("abc123").
            if (!any_tag) selection.add(service.resolve(name).id, nullptr);
            continue;
        }
        const auto id = service.references().get(named);
        if (!id) throw NotFound("No such image: " + named.familiar_string());
        if (named.digested()) {
            selection.add(*id, nullptr);
        } else {
            selection.add(*id, &named);
        }
    }
    return selection.take();
}

} // namespace berth::images::archive
