// dockerignore.cpp — moby's patternmatcher, matched directly instead of
// through a regular expression: "**" is "(.*/)?" (or ".*" at the end),
// "*" and "?" stop at "/", and a path is excluded when it or any of its
// parent directories matches, the last matching pattern deciding.
#include "build/context/dockerignore.h"

#include "build/context/glob_match.h"
#include "build/context/path_clean.h"

#include <stdexcept>

namespace berth::build {
namespace {

std::string_view trim(std::string_view s) {
    const auto ws = " \t\r\n\v\f";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// What ReadAll and patternmatcher.New do to one line: trimmed, cleaned, a
// leading "/" dropped (the context root is "/").
std::string normalize(std::string_view raw) {
    std::string p = clean_path(trim(raw));
    if (p.size() > 1 && p.front() == '/') p.erase(0, 1);
    return p;
}

bool match_from(std::string_view p, size_t pi, std::string_view s, size_t si);

// "**" at p[pi]: any number of whole directories, or everything when it
// ends the pattern.
bool match_double_star(std::string_view p, size_t pi, std::string_view s, size_t si) {
    pi += 2;
    if (pi < p.size() && p[pi] == '/') ++pi;
    if (pi >= p.size()) return true;
    if (match_from(p, pi, s, si)) return true;
    for (size_t k = si; k < s.size(); ++k)
        if (s[k] == '/' && match_from(p, pi, s, k + 1)) return true;
    return false;
}

bool match_from(std::string_view p, size_t pi, std::string_view s, size_t si) {
    while (pi < p.size()) {
        const char c = p[pi];
        if (c == '*') {
            if (pi + 1 < p.size() && p[pi + 1] == '*') return match_double_star(p, pi, s, si);
            ++pi;
            for (size_t k = si;; ++k) {
                if (match_from(p, pi, s, k)) return true;
                if (k >= s.size() || s[k] == '/') return false;
            }
        }
        if (si >= s.size()) return false;
        if (c == '?') {
            if (s[si] == '/') return false;
            si += glob::utf8_len(s, si);
            ++pi;
        } else if (c == '[') {
            size_t end = 0, len = 0;
            if (!glob::match_class(p, pi, s, si, end, len)) return false;
            pi = end;
            si += len;
        } else {
            if (c == '\\') ++pi;
            if (pi >= p.size() || p[pi] != s[si]) return false;
            ++pi;
            ++si;
        }
    }
    return si == s.size();
}

// One pattern against one path. moby matches a pattern that starts with
// "**" and has nothing special after it as a plain suffix ("**foo" matches
// "xfoo"); kept for the same results.
bool pattern_matches(std::string_view p, std::string_view path) {
    if (p.size() >= 2 && p.substr(0, 2) == "**" && !glob::has_meta(p.substr(2))) {
        const std::string_view suffix = p.substr(2);
        if (path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix) return true;
        return !suffix.empty() && suffix.front() == '/' && path == suffix.substr(1);
    }
    return match_from(p, 0, path, 0);
}

} // namespace

IgnoreMatcher::IgnoreMatcher(std::vector<std::string> patterns) {
    for (const auto &raw : patterns) {
        std::string_view t = trim(raw);
        if (t.empty()) continue;
        Pattern pat;
        if (t.front() == '!') {
            if (t.size() == 1) throw std::invalid_argument("illegal exclusion pattern: \"!\"");
            pat.exception = true;
            t = trim(t.substr(1));
        }
        pat.text = normalize(t);
        if (!glob::valid(pat.text))
            throw std::invalid_argument("syntax error in pattern: \"" + std::string(raw) + "\"");
        patterns_.push_back(std::move(pat));
    }
}

IgnoreMatcher IgnoreMatcher::parse(std::string_view text) {
    // A UTF-8 byte order mark before the first pattern is not part of it.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string> lines;
    size_t i = 0;
    while (i <= text.size()) {
        const size_t j = std::min(text.find('\n', i), text.size());
        const std::string_view line = text.substr(i, j - i);
        i = j + 1;
        // Comments are recognised before trimming, as ReadAll does.
        if (!line.empty() && line.front() == '#') continue;
        if (!trim(line).empty()) lines.emplace_back(line);
    }
    return IgnoreMatcher(std::move(lines));
}

IgnoreMatcher IgnoreMatcher::with_exceptions(const std::vector<std::string> &paths) const {
    IgnoreMatcher out = *this;
    for (const auto &p : paths) {
        const std::string text = normalize(p);
        if (text != "." && !text.empty()) out.patterns_.push_back({text, true});
    }
    return out;
}

bool IgnoreMatcher::excluded(std::string_view raw) const {
    const std::string path = normalize(raw);
    if (path == "." || path == "/" || patterns_.empty()) return false;
    // Docker also tries every parent ("a", "a/b" for "a/b/c"), so a pattern
    // naming a directory excludes all it holds.
    std::vector<std::string> parents;
    for (size_t k = path.find('/'); k != std::string::npos; k = path.find('/', k + 1))
        parents.push_back(path.substr(0, k));
    bool excluded = false;
    for (const auto &pat : patterns_) {
        // Only a pattern that would change the answer needs looking at.
        if (pat.exception != excluded) continue;
        bool hit = pattern_matches(pat.text, path);
        for (size_t i = 0; !hit && i < parents.size(); ++i) hit = pattern_matches(pat.text, parents[i]);
        if (hit) excluded = !pat.exception;
    }
    return excluded;
}

bool IgnoreMatcher::may_include_below(std::string_view raw) const {
    const std::vector<std::string> dir = split_path(normalize(raw));
    for (const auto &pat : patterns_) {
        if (!pat.exception) continue;
        const std::vector<std::string> elems = split_path(pat.text);
        // Conservative: the exception might apply below dir unless one of
        // its leading elements cannot match dir's element at that depth.
        bool possible = true;
        for (size_t i = 0; i < dir.size() && i < elems.size(); ++i) {
            if (elems[i].find("**") != std::string::npos) break;
            if (!glob::match(elems[i], dir[i])) {
                possible = false;
                break;
            }
        }
        if (possible) return true;
    }
    return false;
}

} // namespace berth::build
