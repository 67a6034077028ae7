// The Docker JSON progress stream: field layout, rendered bars, sizes, and
// errorDetail for failures after the stream started.
#include "api/progress_stream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::api;
using berth::distribution::ProgressMessage;

namespace {

class StringStream : public ResponseStream {
public:
    bool write(std::string_view data) override {
        if (closed) return false;
        out.append(data);
        return true;
    }
    size_t read_some(char *, size_t) override { return 0; }
    std::string out;
    bool closed = false;
};

} // namespace

TEST(HumanSize, GoUnitsDecimalWithFourDigits) {
    EXPECT_EQ(human_size(527), "527B");
    EXPECT_EQ(human_size(2155000), "2.155MB");
    EXPECT_EQ(human_size(1000), "1kB");
    EXPECT_EQ(human_size(1234567890), "1.235GB");
    EXPECT_EQ(human_size(0), "0B");
}

TEST(ProgressBar, MobyLayout) {
    EXPECT_EQ(progress_bar(0, 0), "");
    const auto half = progress_bar(50, 100);
    EXPECT_EQ(half.substr(0, 27), "[=========================>");
    EXPECT_NE(half.find("] "), std::string::npos);
    EXPECT_NE(half.find("50B/100B"), std::string::npos);
    const auto full = progress_bar(100, 100);
    EXPECT_EQ(full.substr(0, 53), "[" + std::string(50, '=') + ">]");
    // Without a total only the size, right-aligned in 8 columns.
    EXPECT_EQ(progress_bar(1500, 0), "   1.5kB");
}

TEST(ProgressJson, StatusIdAndDetail) {
    ProgressMessage m;
    m.id = "abc123abc123";
    m.status = "Downloading";
    m.current = 10;
    m.total = 20;
    const auto j = nlohmann::json::parse(progress_json(m));
    EXPECT_EQ(j["status"], "Downloading");
    EXPECT_EQ(j["id"], "abc123abc123");
    EXPECT_EQ(j["progressDetail"]["current"], 10);
    EXPECT_EQ(j["progressDetail"]["total"], 20);
    EXPECT_TRUE(j["progress"].is_string());

    ProgressMessage plain;
    plain.id = "abc";
    plain.status = "Pull complete";
    const auto p = nlohmann::json::parse(progress_json(plain));
    EXPECT_TRUE(p["progressDetail"].is_object());
    EXPECT_TRUE(p["progressDetail"].empty());
    EXPECT_FALSE(p.contains("progress"));

    ProgressMessage whole;
    whole.status = "Digest: sha256:x";
    EXPECT_EQ(progress_json(whole), R"({"status":"Digest: sha256:x"})");

    ProgressMessage aux;
    aux.aux_json = R"({"Tag":"latest","Digest":"sha256:x","Size":527})";
    EXPECT_EQ(nlohmann::json::parse(progress_json(aux))["aux"]["Size"], 527);

    ProgressMessage stream;
    stream.stream = "Loaded image: busybox:latest\n";
    EXPECT_EQ(nlohmann::json::parse(progress_json(stream))["stream"], "Loaded image: busybox:latest\n");
}

TEST(JsonProgressStream, LinesEndInCrLfAndErrorsCarryErrorDetail) {
    StringStream s;
    JsonProgressStream p(s);
    p.status("", "Pulling");
    p.error("layer sha256:ab failed");
    ASSERT_EQ(s.out.find("\r\n") + 2, s.out.find("{\"errorDetail\""));
    const auto last = s.out.substr(s.out.find("{\"errorDetail\""));
    EXPECT_EQ(last.substr(last.size() - 2), "\r\n");
    const auto j = nlohmann::json::parse(last);
    EXPECT_EQ(j["errorDetail"]["message"], "layer sha256:ab failed");
    EXPECT_EQ(j["error"], "layer sha256:ab failed");
}

TEST(JsonProgressStream, ClientGoneStopsTheProducer) {
    StringStream s;
    JsonProgressStream p(s);
    s.closed = true;
    EXPECT_THROW(p.status("x", "Downloading"), ClientGone);
    EXPECT_THROW(p.status("x", "Downloading"), ClientGone);
    p.error("ignored"); // never throws
}
