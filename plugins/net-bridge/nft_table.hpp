// nft_table.hpp — berth's nftables table through libnftables: applying rule
// text (nft_rules.hpp) and removing one object's chains. Never touches any
// other table, never flushes the ruleset. Each call uses its own context, so
// it works in the namespace of the calling thread.
#pragma once

#include <string>

namespace berth::netbridge {

class NftTable {
public:
    explicit NftTable(std::string name);
    const std::string &name() const { return name_; }

    // Create the table and its base chains unless the table exists.
    void ensure_base();
    bool chain_exists(const std::string &chain);
    // Apply commands as one transaction; sdk::error(BERTH_E_IO) with nft's
    // message and `what` on failure.
    void apply(const std::string &commands, const std::string &what);
    // Delete the jumps to chain from the base chains, then the chain.
    // Absent jumps or chain are fine.
    void remove_chain(const std::string &chain);
    void remove_bridge_element(const std::string &bridge);
    // The whole table as nft prints it ("" when absent), for tests and logs.
    std::string list();

private:
    // Run commands; returns nft's exit code, output and error text.
    int run(const std::string &commands, std::string *out, std::string *err, bool handles);
    std::string name_;
};

} // namespace berth::netbridge
