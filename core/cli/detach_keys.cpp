#include "detach_keys.h"

#include <cctype>

#include "errors.h"

namespace berth::cli {

std::string detach_key_bytes(std::string_view keys) {
    std::string out;
    std::size_t start = 0;
    while (start <= keys.size()) {
        const auto comma = keys.find(',', start);
        std::string key(keys.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key.size() == 1) {
            out += key[0];
        } else if (key.size() == 6 && key.rfind("ctrl-", 0) == 0) {
            const char c = key[5];
            // As term.ToBytes: ctrl-a..ctrl-z are 1..26, then @ [ \ ] ^ _.
            if (c >= 'a' && c <= 'z')
                out += static_cast<char>(c - 'a' + 1);
            else if (c == '@')
                out += '\0';
            else if (c == '[' || c == '\\' || c == ']' || c == '^' || c == '_')
                out += static_cast<char>(c - '[' + 27);
            else
                throw CliError("Unknown character: '" + key + "'");
        } else {
            throw CliError("Unknown character: '" + key + "'");
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

DetachKeyScanner::Result DetachKeyScanner::feed(std::string_view input) {
    Result result;
    if (sequence_.empty()) {
        result.forward.assign(input);
        return result;
    }
    for (const char c : input) {
        if (c == sequence_[matched_]) {
            if (++matched_ == sequence_.size()) {
                // Whatever came with the sequence in the same read is dropped,
                // as docker's proxy returns the escape error at once.
                result.detached = true;
                matched_ = 0;
                return result;
            }
            continue;
        }
        // Not the sequence after all: release what was held back.
        result.forward.append(sequence_, 0, matched_);
        matched_ = 0;
        if (c == sequence_[0])
            matched_ = 1;
        else
            result.forward += c;
    }
    return result;
}

}  // namespace berth::cli
