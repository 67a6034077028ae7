// Tag listing for `pull -a`, following the registry's Link pagination; and
// the credentials check of `docker login`.
#include "registry/client_impl.h"

#include "registry/errors.h"
#include "registry/link_header.h"
#include "registry/names.h"

#include <nlohmann/json.hpp>

#include <set>

namespace berth::registry {

std::vector<std::string> RegistryClient::list_tags(const std::string &repository, int page_size) {
    check_repository(repository);
    detail::HttpRequest req;
    req.url = impl_->v2_url(repository + "/tags/list");
    if (page_size > 0) req.url.target = append_query(req.url.target, "n", std::to_string(page_size));
    const auto scopes = Impl::scopes(repository, Access::Pull);
    std::vector<std::string> tags;
    std::set<std::string> seen_pages; // a Link that loops back must not loop us forever
    while (seen_pages.insert(req.url.str()).second) {
        const auto reply = impl_->exchange_with_retries(req, scopes);
        if (reply.status != 200) throw error_from_reply(reply.status, reply.body, describe(req));
        const auto doc = nlohmann::json::parse(reply.body, nullptr, false);
        if (doc.is_discarded() || !doc.is_object())
            throw RegistryError(ErrorCategory::Corrupt, describe(req) + ": tag list is not a JSON object");
        // "tags": null is how distribution says "none".
        if (const auto it = doc.find("tags"); it != doc.end() && it->is_array())
            for (const auto &t : *it)
                if (t.is_string()) tags.push_back(t.get<std::string>());
        const auto next = detail::next_link(reply.header("Link"));
        if (!next) break;
        const auto url = resolve_url(req.url, *next);
        if (!url) throw RegistryError(ErrorCategory::Corrupt, describe(req) + ": invalid Link \"" + *next + "\"");
        req.url = *url;
    }
    return tags;
}

void RegistryClient::login() {
    detail::HttpRequest req;
    req.url = impl_->v2_url("");
    const auto reply = impl_->exchange_with_retries(req, detail::Scopes{});
    if (reply.status == 200) return;
    if (reply.status == 401)
        throw RegistryError(ErrorCategory::Unauthorized,
                            "login attempt to " + req.url.str() + " failed with status: 401 Unauthorized", 401);
    throw error_from_reply(reply.status, reply.body, describe(req));
}

} // namespace berth::registry
