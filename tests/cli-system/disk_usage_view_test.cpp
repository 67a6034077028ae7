// `system df` output from /system/df replies: the summary rows and their
// percentages, {{json .}}, and the -v sections, as docker 28 prints them.
#include "disk_usage_view.h"

#include <sstream>

#include <gtest/gtest.h>

using namespace berth::cli;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1700000000;

// Ages: 3600 s is "About an hour", 10000 s rounds to "3 hours", as docker's
// units.HumanDuration does.
// Two images sharing a 1 MB base; one used by a running container, one by
// none. A stopped container wrote 2 MB. One volume in use, one not.
json sample() {
    return json::parse(R"({
      "LayersSize": 5000000,
      "Images": [
        {"Id":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","RepoTags":["busybox:latest"],
         "Created":1699996400,"Size":3000000,"SharedSize":1000000,"Containers":1},
        {"Id":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","RepoTags":[],
         "Created":1699913600,"Size":3000000,"SharedSize":1000000,"Containers":0}
      ],
      "Containers": [
        {"Id":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","Names":["/web"],
         "Image":"busybox","ImageID":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "Command":"sh -c 'while true; do sleep 1; done'","Created":1699999900,"State":"running",
         "Status":"Up 2 minutes","SizeRw":1000,"SizeRootFs":3001000,
         "Mounts":[{"Type":"volume","Name":"data","Driver":"local"}]},
        {"Id":"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd","Names":["/old"],
         "Image":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
         "ImageID":"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
         "Command":"true","Created":1699990000,"State":"exited","Status":"Exited (0) 2 hours ago",
         "SizeRw":2000000,"SizeRootFs":5000000,"Mounts":[]}
      ],
      "Volumes": [
        {"Name":"data","Driver":"local","UsageData":{"Size":1048576,"RefCount":1}},
        {"Name":"spare","Driver":"local","UsageData":{"Size":4096,"RefCount":0}}
      ],
      "BuildCache": []
    })");
}

std::string summary(const json& usage, const std::string& format = "") {
    std::ostringstream out;
    print_disk_usage(out, usage, format);
    return out.str();
}

}  // namespace

TEST(DiskUsageView, SummaryTableMatchesDockers) {
    // Images: 5MB of layers; the in-use image holds 3MB-1MB only it has,
    // so 3MB (60%) could go. Containers: the stopped one's 2MB of 2.001MB.
    EXPECT_EQ(summary(sample()),
              "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"
              "Images          2         1         5MB       3MB (60%)\n"
              "Containers      2         1         2.001MB   2MB (99%)\n"
              "Local Volumes   2         1         1.053MB   4.096kB (0%)\n"
              "Build Cache     0         0         0B        0B\n");
}

TEST(DiskUsageView, EmptyEngineHasNoPercentages) {
    const json empty = {{"LayersSize", 0}, {"Images", json::array()}, {"Containers", json::array()},
                        {"Volumes", json::array()}, {"BuildCache", json::array()}};
    EXPECT_EQ(summary(empty),
              "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"
              "Images          0         0         0B        0B\n"
              "Containers      0         0         0B        0B\n"
              "Local Volumes   0         0         0B        0B\n"
              "Build Cache     0         0         0B        0B\n");
}

TEST(DiskUsageView, JsonRowsHaveDockersFieldsAsStrings) {
    const auto rows = disk_usage_rows(sample());
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0], json::parse(R"J({"Type":"Images","TotalCount":"2","Active":"1","Size":"5MB",
                                       "Reclaimable":"3MB (60%)"})J"));
    EXPECT_EQ(rows[2]["Type"], "Local Volumes");
    const std::string lines = summary(sample(), "{{json .}}");
    std::istringstream in(lines);
    std::string first;
    std::getline(in, first);
    // Keys sorted, as Go's encoding/json writes a map.
    EXPECT_EQ(first, R"J({"Active":"1","Reclaimable":"3MB (60%)","Size":"5MB","TotalCount":"2","Type":"Images"})J");
    // The bare word "json" is docker's shorthand for {{json .}}.
    EXPECT_EQ(summary(sample(), "json"), lines);
    EXPECT_EQ(summary(sample(), "{{.Type}}: {{.Reclaimable}}"),
              "Images: 3MB (60%)\nContainers: 2MB (99%)\nLocal Volumes: 4.096kB (0%)\nBuild Cache: 0B\n");
}

TEST(DiskUsageView, UnmeasuredVolumesAreLeftOutOfTheSizes) {
    json usage = sample();
    usage["Volumes"].push_back({{"Name", "remote"}, {"Driver", "nfs"}, {"UsageData", {{"Size", -1}, {"RefCount", 0}}}});
    const auto rows = disk_usage_rows(usage);
    EXPECT_EQ(rows[2]["TotalCount"], "3");
    EXPECT_EQ(rows[2]["Size"], "1.053MB");
}

TEST(DiskUsageView, VerboseSectionsMatchDockers) {
    std::ostringstream out;
    print_disk_usage_verbose(out, sample(), kNow);
    EXPECT_EQ(out.str(),
              "Images space usage:\n\n"
              "REPOSITORY   TAG       IMAGE ID       CREATED             SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS\n"
              "busybox      latest    aaaaaaaaaaaa   About an hour ago   3MB       1MB           2MB           1\n"
              "<none>       <none>    bbbbbbbbbbbb   24 hours ago        3MB       1MB           2MB           0\n"
              "\nContainers space usage:\n\n"
              "CONTAINER ID   IMAGE          COMMAND                  LOCAL VOLUMES   SIZE      CREATED              "
              "STATUS                   NAMES\n"
              "cccccccccccc   busybox        \"sh -c 'while true; \u2026\"   1               1kB       About a minute ago   "
              "Up 2 minutes             web\n"
              "dddddddddddd   bbbbbbbbbbbb   \"true\"                   0               2MB       3 hours ago          "
              "Exited (0) 2 hours ago   old\n"
              "\nLocal Volumes space usage:\n\n"
              "VOLUME NAME   LINKS     SIZE\n"
              "data          1         1.049MB\n"
              "spare         0         4.096kB\n"
              "\nBuild cache usage: 0B\n\n"
              "CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n");
}
