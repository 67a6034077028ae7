// local_answer.cpp — which questions are ours, and what we say to them.
#include "network/dns/local_answer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <random>

namespace berth::network::dns {

namespace {

bool asks_for_addresses(const Question &question) {
    return question.qclass == kClassIN &&
           (question.type == kTypeA || question.type == kTypeAAAA || question.type == kTypeANY);
}

void shuffle_addresses(std::vector<std::string> &addresses) {
    if (addresses.size() < 2) return;
    thread_local std::mt19937 generator{std::random_device{}()};
    std::shuffle(addresses.begin(), addresses.end(), generator);
}

} // namespace

std::optional<WireMessage> answer_locally(const DnsQuery &query, const NameResolver &resolver,
                                          const std::string &sandbox_id) {
    const Question &question = query.question();
    if (!asks_for_addresses(question) || question.name.empty() || !resolver) return std::nullopt;

    std::vector<std::string> addresses;
    try {
        addresses = resolver(sandbox_id, question.name);
    } catch (const std::exception &error) {
        spdlog::warn("embedded DNS: resolving {} for {} failed: {}", question.name, sandbox_id, error.what());
        return query.error_reply(ResponseCode::ServerFailure);
    }
    if (addresses.empty()) return std::nullopt;
    if (question.type == kTypeAAAA) return query.answer_with_ipv4({});
    shuffle_addresses(addresses);
    return query.answer_with_ipv4(addresses);
}

} // namespace berth::network::dns
