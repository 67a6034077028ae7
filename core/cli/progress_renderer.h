#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>

// Displays the daemon's JSON progress stream (pull, push, load, import) the
// way docker's jsonmessage package does. Feed it the reply body in whatever
// pieces it arrives; it splits the objects itself.
//
// On a terminal, each layer ID gets its own line that is redrawn in place
// ("<id>: <status> <bar>") with ANSI cursor movement. Otherwise it prints one
// plain line each time an ID's status changes, without bars or escape codes,
// so logs and pipes stay readable.
//
// An errorDetail ends the display: error() then holds the message and later
// input is ignored. The caller turns it into the command's failure.
namespace berth::cli {

class ProgressRenderer {
public:
    struct Options {
        bool terminal = false;
        unsigned width = 0;  // terminal columns (0: unknown, taken as 200); the bar needs more than 110
    };

    ProgressRenderer(std::ostream& out, Options options);

    // Any slice of the stream: objects may be split across calls and are
    // separated by "\r\n" or "\n". Throws CliError for a line that is not a
    // JSON object, which means we are not talking to a daemon we understand.
    void feed(std::string_view bytes);

    // End of stream: renders a last object that had no line terminator.
    void finish();

    const std::optional<std::string>& error() const { return error_; }

    // The bar and counters docker draws for {current,total}: "[==>   ]
    // 1.2MB/4.5MB" (bar only when width > 110, or 0 for unknown), or just the size when the
    // total is unknown. Exposed for tests.
    static std::string progress_text(long long current, long long total, unsigned width);

private:
    struct Message;

    void handle_line(std::string_view line);
    void render_terminal(const Message& message);
    void render_plain(const Message& message);

    std::ostream& out_;
    Options options_;
    std::string pending_;  // bytes of an incomplete line
    std::optional<std::string> error_;
    // Terminal: which line (0 = first) each ID's progress is drawn on, counted
    // from the top of the current block of progress lines.
    std::map<std::string, std::size_t> lines_;
    // Plain output: the last status printed for each ID.
    std::map<std::string, std::string> last_status_;
};

}  // namespace berth::cli
