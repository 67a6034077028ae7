#pragma once

#include <string>
#include <string_view>

// The detach sequence of attach/run/exec: docker's term.ToBytes grammar
// ("ctrl-p,ctrl-q", "a,ctrl-b", "ctrl-@", "ctrl-[") and its EscapeProxy,
// which holds back keystrokes while they could still be the start of the
// sequence and lets them through once they turn out not to be.
namespace berth::cli {

inline constexpr std::string_view kDefaultDetachKeys = "ctrl-p,ctrl-q";

// Throws CliError ("Unknown character: 'x'" / "invalid detach keys") for text
// docker refuses.
std::string detach_key_bytes(std::string_view keys);

class DetachKeyScanner {
public:
    explicit DetachKeyScanner(std::string sequence) : sequence_(std::move(sequence)) {}

    struct Result {
        std::string forward;    // bytes to send to the container now
        bool detached = false;  // the whole sequence was typed
    };

    Result feed(std::string_view input);

private:
    std::string sequence_;
    std::size_t matched_ = 0;
};

}  // namespace berth::cli
