// Pure pieces of the image commands: reference handling for pull/push/tag,
// the filters JSON, docker's units and ages, tables and --format templates.
#include "byte_units.h"
#include "errors.h"
#include "format_output.h"
#include "format_template.h"
#include "human_time.h"
#include "image_list.h"
#include "image_names.h"
#include "query_string.h"
#include "tab_writer.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace berth::cli;

namespace {
const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kId = "sha256:beae173ccac6ad749f76713cf4440fe3d21d1043fe616dfbe30775815d1d0f6a";
}  // namespace

TEST(PullTarget, NormalisesAndAddsTheDefaultTag) {
    const auto t = pull_target("busybox", false);
    EXPECT_EQ(t.from_image, "docker.io/library/busybox");
    EXPECT_EQ(t.tag, "latest");
    EXPECT_TRUE(t.default_tag_added);
    EXPECT_EQ(t.reference, "docker.io/library/busybox:latest");
    EXPECT_EQ(t.domain, "docker.io");
}

TEST(PullTarget, KeepsAGivenTagAndRegistry) {
    const auto t = pull_target("localhost:5000/me/app:1.2", false);
    EXPECT_EQ(t.from_image, "localhost:5000/me/app");
    EXPECT_EQ(t.tag, "1.2");
    EXPECT_FALSE(t.default_tag_added);
    EXPECT_EQ(t.reference, "localhost:5000/me/app:1.2");
    EXPECT_EQ(t.domain, "localhost:5000");
}

TEST(PullTarget, DigestTravelsInTag) {
    const auto t = pull_target("busybox@" + kDigest, false);
    EXPECT_EQ(t.from_image, "docker.io/library/busybox");
    EXPECT_EQ(t.tag, kDigest);
    EXPECT_FALSE(t.default_tag_added);
    EXPECT_EQ(t.reference, "docker.io/library/busybox@" + kDigest);
}

TEST(PullTarget, AllTagsSendsNoTagAndRefusesOne) {
    const auto t = pull_target("me/app", true);
    EXPECT_EQ(t.from_image, "docker.io/me/app");
    EXPECT_FALSE(t.tag.has_value());
    EXPECT_EQ(t.reference, "docker.io/me/app");
    EXPECT_THROW(pull_target("me/app:1", true), CliError);
}

TEST(PullTarget, InvalidNamesFailWithReferenceMessage) {
    try {
        pull_target("Busybox", false);
        FAIL() << "accepted an upper-case repository";
    } catch (const CliError& e) {
        EXPECT_NE(std::string(e.what()).find("must be lowercase"), std::string::npos) << e.what();
    }
    EXPECT_THROW(pull_target("a b", false), CliError);
}

TEST(PushTarget, FamiliarNameAndRefusedDigest) {
    const auto t = push_target("docker.io/library/busybox", false);
    EXPECT_EQ(t.name, "busybox");
    EXPECT_EQ(t.tag, "latest");
    EXPECT_TRUE(t.default_tag_added);
    const auto all = push_target("localhost:5000/busybox", true);
    EXPECT_EQ(all.name, "localhost:5000/busybox");
    EXPECT_FALSE(all.tag.has_value());
    try {
        push_target("busybox@" + kDigest, false);
        FAIL();
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "cannot push a digest reference");
    }
}

TEST(TagTarget, NormalisedRepoAndDefaultTag) {
    const auto t = tag_target("myapp");
    EXPECT_EQ(t.repo, "docker.io/library/myapp");
    EXPECT_EQ(t.tag, "latest");
    EXPECT_EQ(tag_target("localhost:5000/x:v2").repo, "localhost:5000/x");
    EXPECT_THROW(tag_target("x@" + kDigest), CliError);
}

TEST(AuthServer, DockerHubUsesTheV1Url) {
    EXPECT_EQ(auth_server_for("docker.io"), "https://index.docker.io/v1/");
    EXPECT_EQ(auth_server_for("localhost:5000"), "localhost:5000");
}

TEST(QueryStringTest, EscapesValuesAndKeepsOrder) {
    QueryString q;
    q.add("fromImage", "docker.io/library/busybox").add("tag", "latest").add("changes", "CMD [\"sh\"]");
    EXPECT_EQ(q.str(), "?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest&changes=CMD%20%5B%22sh%22%5D");
    EXPECT_EQ(QueryString().str(), "");
    EXPECT_EQ(image_path("localhost:5000/app:v1"), "localhost:5000/app:v1");
    EXPECT_EQ(image_path("a b?c#"), "a%20b%3Fc%23");
}

TEST(ImageFilters, PositionalBecomesReferenceFilter) {
    EXPECT_EQ(image_filters_json({}, ""), "");
    EXPECT_EQ(image_filters_json({}, "busybox"), R"({"reference":{"busybox":true}})");
    EXPECT_EQ(image_filters_json({"dangling=true", "label=a=b", "label=c"}, "busybox:1"),
              R"({"dangling":{"true":true},"label":{"a=b":true,"c":true},"reference":{"busybox:1":true}})");
    EXPECT_THROW(image_filters_json({"dangling"}, ""), CliError);
}

TEST(Units, DecimalSizesAsDocker) {
    EXPECT_EQ(decimal_size(0, 3), "0B");
    EXPECT_EQ(decimal_size(999, 3), "999B");
    EXPECT_EQ(decimal_size(4264316, 3), "4.26MB");
    EXPECT_EQ(decimal_size(1240000, 3), "1.24MB");
    EXPECT_EQ(decimal_size(77800000, 3), "77.8MB");
    EXPECT_EQ(decimal_size(1234567890, 4), "1.235GB");
    EXPECT_EQ(decimal_size(1200000), "1.2MB");
    EXPECT_EQ(decimal_size(1500), "1.5kB");
}

TEST(Units, HumanDurationsAsDocker) {
    EXPECT_EQ(human_duration(0), "Less than a second");
    EXPECT_EQ(human_duration(1), "1 second");
    EXPECT_EQ(human_duration(59), "59 seconds");
    EXPECT_EQ(human_duration(60), "About a minute");
    EXPECT_EQ(human_duration(59 * 60), "59 minutes");
    EXPECT_EQ(human_duration(3600), "About an hour");
    EXPECT_EQ(human_duration(2 * 3600), "2 hours");
    EXPECT_EQ(human_duration(47 * 3600), "47 hours");
    EXPECT_EQ(human_duration(3 * 86400), "3 days");
    EXPECT_EQ(human_duration(15 * 86400), "2 weeks");
    EXPECT_EQ(human_duration(90 * 86400), "3 months");
    EXPECT_EQ(human_duration(3 * 365 * 86400), "3 years");
    EXPECT_EQ(created_since(1000, 1000 + 2 * 3600), "2 hours ago");
}

TEST(TabWriterTest, DockerPaddingAndMinimumWidth) {
    TabWriter t;
    t.add_line("REPOSITORY\tTAG\tIMAGE ID\tSIZE");
    t.add_line("busybox\tlatest\tbeae173ccac6\t1.24MB");
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ(out.str(),
              "REPOSITORY   TAG       IMAGE ID       SIZE\n"
              "busybox      latest    beae173ccac6   1.24MB\n");
}

namespace {

nlohmann::json sample_images() {
    return nlohmann::json::parse(R"([
      {"Id":")" + kId + R"(","RepoTags":["busybox:latest","busybox:1.36","localhost:5000/busybox:v1"],
       "RepoDigests":["busybox@)" + kDigest + R"("],"Created":1000,"Size":4264316,"SharedSize":-1,"Containers":-1},
      {"Id":"sha256:1111111111112222222222","RepoTags":[],"RepoDigests":[],"Created":1000,"Size":999,
       "SharedSize":-1,"Containers":2},
      {"Id":"sha256:3333333333334444","RepoTags":[],"RepoDigests":["me/app@)" + kDigest + R"("],
       "Created":1000,"Size":77800000}
    ])");
}

std::string table(const ImageListOptions& options, const std::string& format = "") {
    const auto rows = image_rows(sample_images(), options, 1000 + 2 * 3600);
    std::ostringstream out;
    print_formatted(out, FormatTemplate(format.empty() ? default_image_format(options.digests) : format), rows,
                    image_titles());
    return out.str();
}

}  // namespace

TEST(ImageTable, DefaultColumnsWithNoneForUntagged) {
    EXPECT_EQ(table({}),
              "REPOSITORY               TAG       IMAGE ID       CREATED       SIZE\n"
              "busybox                  latest    beae173ccac6   2 hours ago   4.26MB\n"
              "busybox                  1.36      beae173ccac6   2 hours ago   4.26MB\n"
              "localhost:5000/busybox   v1        beae173ccac6   2 hours ago   4.26MB\n"
              "<none>                   <none>    111111111111   2 hours ago   999B\n"
              "me/app                   <none>    333333333333   2 hours ago   77.8MB\n");
}

TEST(ImageTable, DigestsColumn) {
    const std::string d = kDigest;
    EXPECT_EQ(table({true, false}),
              "REPOSITORY               TAG       DIGEST" + std::string(d.size() - 6 + 3, ' ') +
                  "IMAGE ID       CREATED       SIZE\n"
                  "busybox                  latest    " + d + "   beae173ccac6   2 hours ago   4.26MB\n"
                  "busybox                  1.36      " + d + "   beae173ccac6   2 hours ago   4.26MB\n"
                  "localhost:5000/busybox   v1        <none>" + std::string(d.size() - 6 + 3, ' ') +
                  "beae173ccac6   2 hours ago   4.26MB\n"
                  "<none>                   <none>    <none>" + std::string(d.size() - 6 + 3, ' ') +
                  "111111111111   2 hours ago   999B\n"
                  "me/app                   <none>    " + d + "   333333333333   2 hours ago   77.8MB\n");
}

TEST(ImageTable, NoTruncShowsFullIdsAndQuietFormat) {
    const std::string out = table({false, true}, "{{.ID}}");
    EXPECT_EQ(out, kId + "\n" + kId + "\n" + kId + "\nsha256:1111111111112222222222\nsha256:3333333333334444\n");
}

TEST(ImageTable, JsonAndCustomFormats) {
    const auto rows = image_rows(sample_images(), {}, 1000 + 60);
    std::ostringstream out;
    print_formatted(out, FormatTemplate("json"), {rows[3]}, image_titles());
    const auto parsed = nlohmann::json::parse(out.str());
    EXPECT_EQ(parsed["Repository"], "<none>");
    EXPECT_EQ(parsed["Containers"], "2");
    EXPECT_EQ(parsed["CreatedSince"], "About a minute ago");
    std::ostringstream custom;
    print_formatted(custom, FormatTemplate("{{.Repository}}:{{.Tag}} {{.Size}}"), {rows[0]}, image_titles());
    EXPECT_EQ(custom.str(), "busybox:latest 4.26MB\n");
    std::ostringstream tbl;
    print_formatted(tbl, FormatTemplate("table {{.Repository}}\\t{{.ID}}"), {rows[0]}, image_titles());
    EXPECT_EQ(tbl.str(), "REPOSITORY   IMAGE ID\nbusybox      beae173ccac6\n");
}

TEST(FormatTemplateTest, FieldPathsJsonAndGoValues) {
    const auto image = nlohmann::json::parse(
        R"({"Id":"sha256:x","Config":{"Cmd":["sh","-c"],"Env":null,"Labels":{"a":"b"}},"Size":12})");
    EXPECT_EQ(FormatTemplate("{{.Id}}").render(image), "sha256:x");
    EXPECT_EQ(FormatTemplate("{{ .Config.Cmd }} {{.Size}}").render(image), "[sh -c] 12");
    EXPECT_EQ(FormatTemplate("{{json .Config.Cmd}}").render(image), R"(["sh","-c"])");
    EXPECT_EQ(FormatTemplate("{{.Config.Labels}}").render(image), "map[a:b]");
    EXPECT_EQ(FormatTemplate("{{.Missing}}").render(image), "<no value>");
    EXPECT_THROW(FormatTemplate("{{range .X}}"), CliError);
    EXPECT_THROW(FormatTemplate("{{.Id"), CliError);
}

TEST(FormatOutput, TruncateIdAndEllipsis) {
    EXPECT_EQ(truncate_id(kId), "beae173ccac6");
    EXPECT_EQ(truncate_id("<missing>"), "<missing>");
    EXPECT_EQ(ellipsis("short", 45), "short");
    const std::string long_text(50, 'x');
    EXPECT_EQ(ellipsis(long_text, 45), std::string(44, 'x') + "\u2026");
}
