#include "nft_table.hpp"

#include "nft_rules.hpp"

#include <berth/sdk.hpp>
#include <nftables/libnftables.h>

#include <memory>
#include <sstream>
#include <vector>

namespace berth::netbridge {

namespace {

struct CtxFree {
    void operator()(nft_ctx *c) const { nft_ctx_free(c); }
};

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

} // namespace

NftTable::NftTable(std::string name) : name_(std::move(name)) {}

int NftTable::run(const std::string &commands, std::string *out, std::string *err, bool handles) {
    std::unique_ptr<nft_ctx, CtxFree> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
    if (!ctx) throw std::bad_alloc();
    nft_ctx_buffer_output(ctx.get());
    nft_ctx_buffer_error(ctx.get());
    if (handles) nft_ctx_output_set_flags(ctx.get(), NFT_CTX_OUTPUT_HANDLE);
    int rc = nft_run_cmd_from_buffer(ctx.get(), commands.c_str());
    if (out != nullptr) *out = nft_ctx_get_output_buffer(ctx.get());
    if (err != nullptr) *err = trim(nft_ctx_get_error_buffer(ctx.get()));
    return rc;
}

void NftTable::apply(const std::string &commands, const std::string &what) {
    std::string err;
    if (run(commands, nullptr, &err, false) != 0)
        throw sdk::error(BERTH_E_IO, "nftables table ip " + name_ + ": " + what + ": " + err);
}

void NftTable::ensure_base() {
    if (run("list table ip " + name_, nullptr, nullptr, false) == 0) return;
    apply(nft::base_ruleset(name_), "cannot create the table");
}

bool NftTable::chain_exists(const std::string &chain) {
    return run("list chain ip " + name_ + " " + chain, nullptr, nullptr, false) == 0;
}

void NftTable::remove_chain(const std::string &chain) {
    std::string deletes;
    for (const char *parent : nft::jump_parents) {
        std::string listing;
        if (run("list chain ip " + name_ + " " + parent, &listing, nullptr, true) != 0) continue;
        // Rules print as "jump <chain> # handle <n>".
        std::istringstream lines(listing);
        for (std::string line; std::getline(lines, line);) {
            auto jump = line.find("jump " + chain + " ");
            auto handle = line.find("# handle ");
            if (jump == std::string::npos || handle == std::string::npos) continue;
            deletes += "delete rule ip " + name_ + " " + parent + " handle " +
                       line.substr(handle + 9) + "\n";
        }
    }
    if (chain_exists(chain))
        deletes += "flush chain ip " + name_ + " " + chain + "\ndelete chain ip " + name_ + " " +
                   chain + "\n";
    if (!deletes.empty()) apply(deletes, "cannot remove chain " + chain);
}

void NftTable::remove_bridge_element(const std::string &bridge) {
    // Absent already (or no table): nothing to do.
    run("delete element ip " + name_ + " bridges { \"" + bridge + "\" }", nullptr, nullptr, false);
}

std::string NftTable::list() {
    std::string out;
    if (run("list table ip " + name_, &out, nullptr, false) != 0) return "";
    return out;
}

} // namespace berth::netbridge
