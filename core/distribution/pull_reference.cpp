// Puller::pull: one reference or, for a bare repository name, every tag of
// it — with moby's opening and closing status lines around each image.
#include "distribution/puller.h"

#include "images/errors.h"
#include "registry/errors.h"

#include <algorithm>

namespace berth::distribution {

std::shared_ptr<Puller::Plan> Puller::prepare(const PullOptions &options) const {
    auto plan = std::make_shared<Plan>();
    plan->options = options;
    const images::Reference &ref = options.reference;
    plan->client = access_.client(ref.domain, options.credentials);

    std::vector<images::Reference> targets;
    if (ref.name_only()) {
        auto tags = plan->client->list_tags(ref.path);
        std::sort(tags.begin(), tags.end());
        for (const auto &t : tags) targets.push_back(ref.with_tag(t));
        if (targets.empty()) throw images::NotFound("no tags found for " + ref.familiar_name());
    } else {
        targets.push_back(ref);
    }
    for (auto &target : targets) plan->targets.emplace_back(target, resolve(*plan->client, target, options));
    return plan;
}

std::vector<PulledImage> Puller::run(Plan &plan, ProgressSink &progress, std::stop_token stop) {
    const images::Reference &ref = plan.options.reference;
    std::vector<PulledImage> pulled;
    bool any_new = false;
    for (auto &[target, resolved] : plan.targets) {
        // moby names the repository by its path at the registry:
        // "Pulling from library/busybox", "Pulling from me/app" (no host).
        progress.status(target.digested() ? target.digest : target.tag, "Pulling from " + target.path);
        auto result = pull_resolved(*plan.client, target, resolved, plan.options, progress, stop);
        any_new = any_new || !result.was_up_to_date;
        if (!ref.name_only())
            progress.status("", (result.was_up_to_date ? "Status: Image is up to date for "
                                                       : "Status: Downloaded newer image for ") +
                                    result.reference);
        pulled.push_back(std::move(result));
    }
    if (ref.name_only())
        progress.status("", (any_new ? "Status: Downloaded newer image for " : "Status: Image is up to date for ") +
                                ref.familiar_name());
    return pulled;
}

std::vector<PulledImage> Puller::pull(const PullOptions &options, ProgressSink &progress, std::stop_token stop) {
    auto plan = prepare(options);
    return run(*plan, progress, stop);
}

} // namespace berth::distribution
