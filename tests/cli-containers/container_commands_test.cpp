// The non-streaming container and volume commands against the fake engine:
// requests sent and docker's output (ps and stats tables, cp's stat header
// handling, lifecycle errors, inspect fallbacks, volumes).
#include "commands/container_commands.h"
#include "container_archive.h"
#include "container_list.h"
#include "container_stats.h"
#include "stdcopy.h"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <archive.h>
#include <archive_entry.h>

#include "engine_fixture.h"

using namespace berth::cli;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -6;
    for (unsigned char c : in) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out += k[(val >> bits) & 0x3F];
            bits -= 6;
        }
    }
    if (bits > -6) out += k[((val << 8) >> (bits + 8)) & 0x3F];
    while (out.size() % 4) out += '=';
    return out;
}

// A one-file (or one-directory) tar as the daemon's GET archive sends it.
std::string tar_of(const std::map<std::string, std::string>& files, const std::string& dir = "") {
    std::vector<char> buffer(1 << 20);
    std::size_t used = 0;
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open_memory(a, buffer.data(), buffer.size(), &used);
    if (!dir.empty()) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, dir.c_str());
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        archive_write_header(a, e);
        archive_entry_free(e);
    }
    for (const auto& [name, content] : files) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
        archive_write_header(a, e);
        archive_write_data(a, content.data(), content.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return std::string(buffer.data(), used);
}

// Entry names and contents of a tar the CLI uploaded.
std::map<std::string, std::string> untar(const std::string& data) {
    std::map<std::string, std::string> out;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_open_memory(a, data.data(), data.size());
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        std::string content;
        char buf[4096];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0) content.append(buf, static_cast<std::size_t>(n));
        out[archive_entry_pathname(e)] = content;
    }
    archive_read_free(a);
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

EngineReply stat_reply(const std::string& name, std::uint32_t mode, int status = 200) {
    EngineReply r;
    r.status = status;
    r.headers = {{"X-Docker-Container-Path-Stat",
                  base64(json({{"name", name}, {"size", 4}, {"mode", mode}, {"mtime", "2024-01-01T00:00:00Z"},
                               {"linkTarget", ""}})
                             .dump())}};
    return r;
}

constexpr std::uint32_t kDirMode = (1u << 31) | 0755;

}  // namespace

class ContainerCommands : public EngineTest {};

TEST_F(ContainerCommands, PsPrintsDockersTable) {
    const auto created = now_unix() - 3 * 3600;
    on("GET /containers/json",
       json_reply(json::array({{{"Id", std::string(64, 'b')},
                                {"Names", {"/web", "/other/alias"}},
                                {"Image", "nginx:latest"},
                                {"ImageID", "sha256:" + std::string(64, 'c')},
                                {"Command", "/docker-entrypoint.sh nginx -g 'daemon off;'"},
                                {"Created", created},
                                {"Ports",
                                 {{{"IP", "0.0.0.0"}, {"PrivatePort", 80}, {"PublicPort", 8080}, {"Type", "tcp"}},
                                  {{"IP", "::"}, {"PrivatePort", 80}, {"PublicPort", 8080}, {"Type", "tcp"}},
                                  {{"PrivatePort", 443}, {"Type", "tcp"}}}},
                                {"State", "running"},
                                {"Status", "Up 3 hours"}}})
                      .dump()));
    EXPECT_EQ(run([&] { return run_ps(ctx_, {}); }), 0);
    EXPECT_EQ(out_.str(),
              "CONTAINER ID   IMAGE          COMMAND                  CREATED       STATUS       PORTS"
              "                                              NAMES\n"
              "bbbbbbbbbbbb   nginx:latest   \"/docker-entrypoint.…\"   3 hours ago   Up 3 hours   "
              "443/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp   web\n");
    EXPECT_EQ(engine_.requests()[0].query(), "");
}

TEST_F(ContainerCommands, PsQueryFlagsQuietAndSize) {
    on("GET /containers/json",
       json_reply(R"([{"Id":"0123456789abcdef","Names":["/a"],"Image":"x","Command":"sh","Created":0,
                      "SizeRw":1200,"SizeRootFs":4300000,"Status":"Exited (0) 1 second ago"}])"));
    PsOptions o;
    o.all = true;
    o.quiet = true;
    o.filters = {"status=exited"};
    o.last = 3;
    EXPECT_EQ(run([&] { return run_ps(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "0123456789ab\n");
    EXPECT_EQ(engine_.requests()[0].query(),
              "all=1&limit=3&filters=%7B%22status%22%3A%7B%22exited%22%3Atrue%7D%7D");
    out_.str("");
    PsOptions sized;
    sized.size = true;
    sized.latest = true;
    sized.format = "{{.Names}} {{.Size}} {{.Command}}";
    EXPECT_EQ(run([&] { return run_ps(ctx_, sized); }), 0);
    EXPECT_EQ(out_.str(), "a 1.2kB (virtual 4.3MB) \"sh\"\n");
    EXPECT_EQ(engine_.requests()[1].query(), "limit=1&size=1");
}

TEST_F(ContainerCommands, PsNoTruncKeepsIdsCommandsAndLinks) {
    const std::string id(64, 'd');
    on("GET /containers/json",
       json_reply(json::array({{{"Id", id}, {"Names", {"/web", "/other/alias"}}, {"Image", "x"},
                                {"Command", "a very long command line indeed"}, {"Created", 0}}})
                      .dump()));
    PsOptions o;
    o.no_trunc = true;
    o.format = "{{.ID}}|{{.Command}}|{{.Names}}";
    EXPECT_EQ(run([&] { return run_ps(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), id + "|\"a very long command line indeed\"|web,other/alias\n");
}

TEST(ContainerList, ImageColumnIsFamiliar) {
    const json containers = json::parse(R"([
        {"Image":"docker.io/library/nginx:1.25@sha256:abc","ImageID":"sha256:111"},
        {"Image":"sha256:2222222222229999","ImageID":"sha256:2222222222229999"},
        {"Image":"localhost:5000/app@sha256:def","ImageID":"sha256:333"},
        {"Image":""}])");
    const auto rows = container_rows(containers, {false}, 0);
    EXPECT_EQ(rows[0]["Image"], "nginx:1.25");
    EXPECT_EQ(rows[1]["Image"], "222222222222");
    EXPECT_EQ(rows[2]["Image"], "localhost:5000/app");
    EXPECT_EQ(rows[3]["Image"], "<no image>");
    EXPECT_EQ(container_rows(containers, {true}, 0)[0]["Image"], "docker.io/library/nginx:1.25@sha256:abc");
}

TEST(ContainerList, DisplayablePortsGroupsRanges) {
    const json ports = json::parse(R"([
        {"IP":"0.0.0.0","PrivatePort":8001,"PublicPort":8001,"Type":"tcp"},
        {"IP":"0.0.0.0","PrivatePort":8000,"PublicPort":8000,"Type":"tcp"},
        {"PrivatePort":9000,"Type":"udp"},
        {"PrivatePort":9001,"Type":"udp"},
        {"PrivatePort":9005,"Type":"udp"}])");
    // As api/types.DisplayablePorts: a group cut by a gap is emitted at once,
    // the open groups after, host mappings last.
    EXPECT_EQ(displayable_ports(ports), "9000-9001/udp, 0.0.0.0:8000-8001->8000-8001/tcp, 9005/udp");
    EXPECT_EQ(displayable_ports(json::array()), "");
    EXPECT_EQ(go_quote("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
}

TEST(ContainerStats, ComputedLikeDocker) {
    const json sample = json::parse(R"({
        "id":"0123456789abcdef0123","name":"/web",
        "cpu_stats":{"cpu_usage":{"total_usage":400000000},"system_cpu_usage":20000000000,"online_cpus":2},
        "precpu_stats":{"cpu_usage":{"total_usage":200000000},"system_cpu_usage":10000000000},
        "memory_stats":{"usage":10485760,"limit":2147483648,"stats":{"total_inactive_file":2097152}},
        "networks":{"eth0":{"rx_bytes":1500,"tx_bytes":648},"eth1":{"rx_bytes":500,"tx_bytes":0}},
        "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":4096},
                       {"major":8,"minor":0,"op":"write","value":1000000},{"major":8,"minor":0,"op":"Total","value":1}]},
        "pids_stats":{"current":5}})");
    const StatsEntry e = stats_entry(sample, "web");
    EXPECT_DOUBLE_EQ(e.cpu_percent, 4.0);
    EXPECT_DOUBLE_EQ(e.memory, 8388608);
    const json row = stats_row(e, false);
    EXPECT_EQ(row["ID"], "0123456789ab");
    EXPECT_EQ(row["Name"], "web");
    EXPECT_EQ(row["CPUPerc"], "4.00%");
    EXPECT_EQ(row["MemUsage"], "8MiB / 2GiB");
    EXPECT_EQ(row["MemPerc"], "0.39%");
    EXPECT_EQ(row["NetIO"], "2kB / 648B");
    EXPECT_EQ(row["BlockIO"], "4.1kB / 1MB");
    EXPECT_EQ(row["PIDs"], "5");
    // cgroup v2 names the page cache inactive_file; no online_cpus falls back
    // to the per-CPU list.
    const json v2 = json::parse(R"({"cpu_stats":{"cpu_usage":{"total_usage":30,"percpu_usage":[1,2,3,4]},
        "system_cpu_usage":200},"precpu_stats":{"cpu_usage":{"total_usage":10},"system_cpu_usage":100},
        "memory_stats":{"usage":1000,"limit":0,"stats":{"inactive_file":400}}})");
    const StatsEntry e2 = stats_entry(v2, "x");
    EXPECT_DOUBLE_EQ(e2.cpu_percent, 80.0);
    EXPECT_DOUBLE_EQ(e2.memory, 600);
    EXPECT_DOUBLE_EQ(e2.memory_percent, 0);
}

TEST_F(ContainerCommands, StatsNoStreamPrintsOneTable) {
    on("GET /containers/web/stats",
       json_reply(R"({"id":"0123456789abcdef","name":"/web",
         "cpu_stats":{"cpu_usage":{"total_usage":300},"system_cpu_usage":2000,"online_cpus":1},
         "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000},
         "memory_stats":{"usage":1048576,"limit":1073741824,"stats":{}},
         "networks":{"eth0":{"rx_bytes":100,"tx_bytes":200}},
         "blkio_stats":{"io_service_bytes_recursive":null},"pids_stats":{"current":1}})"));
    StatsOptions o;
    o.containers = {"web"};
    o.no_stream = true;
    EXPECT_EQ(run([&] { return run_stats(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(),
              "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O       BLOCK I/O   PIDS\n"
              "0123456789ab   web       20.00%    1MiB / 1GiB         0.10%     100B / 200B   0B / 0B     1\n");
    EXPECT_EQ(engine_.requests()[0].query(), "stream=0");
}

TEST_F(ContainerCommands, StatsStreamingEndsWithTheStreams) {
    on("GET /containers/json", json_reply(R"([{"Id":"c1"}])"));
    on("GET /containers/c1/stats",
       json_reply("{\"id\":\"c1\",\"name\":\"/one\",\"pids_stats\":{\"current\":2}}\n"));
    StatsOptions o;
    o.format = "{{.Name}} {{.PIDs}}";
    EXPECT_EQ(run([&] { return run_stats(ctx_, o); }), 0);
    // Each redraw shows the latest sample until the stream ends, then "--".
    EXPECT_NE(out_.str().find("one --\n"), std::string::npos);
    EXPECT_EQ(engine_.requests()[1].query(), "stream=1");
}

TEST_F(ContainerCommands, CpFromContainerIntoADirectoryAndToANewName) {
    on("GET /containers/web/archive", [](const EngineRequest&) {
        EngineReply r = stat_reply("hostname", 0644);
        r.content_type = "application/x-tar";
        r.body = tar_of({{"hostname", "box\n"}});
        return r;
    });
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"web:/etc/hostname", dir_.path().string(), false, false, false}); }), 0);
    EXPECT_EQ(read_file(dir_.path() / "hostname"), "box\n");
    EXPECT_EQ(engine_.requests()[0].query(), "path=%2Fetc%2Fhostname");

    const auto renamed = dir_.path() / "copy.txt";
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"web:/etc/hostname", renamed.string(), false, false, false}); }), 0);
    EXPECT_EQ(read_file(renamed), "box\n");
    // Not a terminal: no progress line, as docker.
    EXPECT_EQ(err_.str(), "");

    const auto missing_dir = dir_.path() / "nope" / "x";
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"web:/etc/hostname", missing_dir.string(), false, false, false}); }), 1);
}

TEST_F(ContainerCommands, CpDirectoryFromContainerUsesTheStatHeader) {
    on("GET /containers/web/archive", [](const EngineRequest&) {
        EngineReply r = stat_reply("conf", kDirMode);
        r.body = tar_of({{"conf/a", "1"}, {"conf/b", "2"}}, "conf");
        return r;
    });
    const auto target = dir_.path() / "newconf";
    ctx_.console.out_is_terminal = true;
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"web:/etc/conf", target.string(), false, false, false}); }), 0);
    EXPECT_EQ(read_file(target / "a"), "1");
    EXPECT_EQ(read_file(target / "b"), "2");
    EXPECT_EQ(err_.str().rfind("Successfully copied ", 0), 0u);
    // A directory cannot replace a file.
    std::ofstream(dir_.path() / "file") << "x";
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"web:/etc/conf", (dir_.path() / "file").string(), false, false, false}); }),
              1);
}

TEST_F(ContainerCommands, CpToContainerChecksTheDestinationFirst) {
    const auto src = dir_.path() / "app.conf";
    std::ofstream(src) << "key=value\n";
    on("HEAD /containers/web/archive", stat_reply("etc", kDirMode));
    on("PUT /containers/web/archive", json_reply(""));
    EXPECT_EQ(run([&] { return run_cp(ctx_, {src.string(), "web:/etc", true, false, false}); }), 0);
    auto reqs = engine_.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, "HEAD");
    EXPECT_EQ(reqs[0].query(), "path=%2Fetc");
    EXPECT_EQ(reqs[1].query(), "path=%2Fetc&noOverwriteDirNonDir=true&copyUIDGID=true");
    EXPECT_EQ(untar(reqs[1].body), (std::map<std::string, std::string>{{"app.conf", "key=value\n"}}));

    // A destination that does not exist names the new file; the tar goes to
    // its parent with the entry renamed.
    on("HEAD /containers/web/archive", json_reply("", 404));
    EXPECT_EQ(run([&] { return run_cp(ctx_, {src.string(), "web:/etc/renamed.conf", false, false, false}); }), 0);
    reqs = engine_.requests();
    EXPECT_EQ(reqs[3].query(), "path=%2Fetc&noOverwriteDirNonDir=true");
    EXPECT_EQ(untar(reqs[3].body), (std::map<std::string, std::string>{{"renamed.conf", "key=value\n"}}));

    // A missing directory (trailing slash) is docker's ErrDirNotExists, and
    // nothing is uploaded.
    EXPECT_EQ(run([&] { return run_cp(ctx_, {src.string(), "web:/nope/", false, false, false}); }), 1);
    EXPECT_EQ(err_.str(), "no such directory\n");
    EXPECT_EQ(engine_.requests().size(), 5u);
}

TEST_F(ContainerCommands, CpStdinTarNeedsADirectory) {
    on("HEAD /containers/web/archive", stat_reply("hostname", 0644));
    give_stdin(tar_of({{"f", "x"}}));
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"-", "web:/etc/hostname", false, false, false}); }), 1);
    EXPECT_EQ(err_.str(), "destination \"web:/etc/hostname\" must be a directory\n");
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"a", "b", false, false, false}); }), 1);
    EXPECT_EQ(run([&] { return run_cp(ctx_, {"x:/a", "y:/b", false, false, false}); }), 1);
}

TEST(ContainerArchive, PathStatHeader) {
    const auto stat = decode_path_stat(base64(R"({"name":"etc","size":4096,"mode":2147484141,"mtime":"x","linkTarget":""})"));
    ASSERT_TRUE(stat);
    EXPECT_EQ(stat->name, "etc");
    EXPECT_TRUE(stat->is_dir());
    EXPECT_FALSE(stat->is_symlink());
    EXPECT_FALSE(decode_path_stat("not base64 json"));
    EXPECT_FALSE(decode_path_stat(""));
}

TEST_F(ContainerCommands, LogsDemultiplexesWithDockersQuery) {
    on("GET /containers/web/json", json_reply(R"({"Id":"abc","Config":{"Tty":false}})"));
    on("GET /containers/abc/logs",
       json_reply(stdcopy_frame(1, "line 1\n") + stdcopy_frame(2, "oops\n") + stdcopy_frame(1, "line 2\n")));
    LogsOptions o;
    o.container = "web";
    o.tail = "10";
    o.timestamps = true;
    o.since = "1700000000";
    EXPECT_EQ(run([&] { return run_logs(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "line 1\nline 2\n");
    EXPECT_EQ(err_.str(), "oops\n");
    EXPECT_EQ(engine_.requests()[1].query(), "stdout=1&stderr=1&since=1700000000&timestamps=1&tail=10");
}

TEST_F(ContainerCommands, LogsOfATtyContainerAreRaw) {
    on("GET /containers/web/json", json_reply(R"({"Id":"abc","Config":{"Tty":true}})"));
    on("GET /containers/abc/logs", json_reply("raw\r\nbytes"));
    EXPECT_EQ(run([&] { return run_logs(ctx_, {"web", true, "all", "", "", false, false}); }), 0);
    EXPECT_EQ(out_.str(), "raw\r\nbytes");
    EXPECT_EQ(engine_.requests()[1].query(), "stdout=1&stderr=1&follow=1&tail=all");
}

TEST_F(ContainerCommands, StopKillRestartQueriesAndJoinedErrors) {
    on("POST /containers/a/stop", no_content());
    on("POST /containers/b/stop", json_reply(R"({"message":"No such container: b"})", 404));
    StopOptions stop{{"a", "b"}, 5, "SIGINT"};
    EXPECT_EQ(run([&] { return run_stop(ctx_, stop); }), 1);
    EXPECT_EQ(out_.str(), "a\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: No such container: b\n");
    EXPECT_EQ(engine_.requests()[0].query(), "signal=SIGINT&t=5");

    on("POST /containers/a/kill", no_content());
    on("POST /containers/a/restart", no_content());
    EXPECT_EQ(run([&] { return run_kill(ctx_, {{"a"}, "HUP"}); }), 0);
    EXPECT_EQ(run([&] { return run_restart(ctx_, {{"a"}, 2, ""}); }), 0);
    const auto reqs = engine_.requests();
    EXPECT_EQ(reqs[2].query(), "signal=HUP");
    EXPECT_EQ(reqs[3].query(), "t=2");
}

TEST_F(ContainerCommands, StartWithoutAttachReportsEachFailure) {
    on("POST /containers/a/start", no_content());
    on("POST /containers/b/start", json_reply(R"({"message":"No such container: b"})", 404));
    EXPECT_EQ(run([&] { return run_start(ctx_, {{"a", "b"}, false, false, ""}); }), 1);
    EXPECT_EQ(out_.str(), "a\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: No such container: b\nError: failed to start containers: b\n");
}

TEST_F(ContainerCommands, RmFlagsAndForceIgnoresMissing) {
    on("DELETE /containers/a", no_content());
    on("DELETE /containers/gone", json_reply(R"({"message":"No such container: gone"})", 404));
    EXPECT_EQ(run([&] { return run_rm(ctx_, {{"a", "gone"}, true, true, false}); }), 0);
    EXPECT_EQ(out_.str(), "a\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: No such container: gone\n");
    EXPECT_EQ(engine_.requests()[0].query(), "v=1&force=1");
    on("DELETE /containers/a", json_reply(R"({"message":"cannot remove container \"/a\": container is running"})", 409));
    EXPECT_EQ(run([&] { return run_rm(ctx_, {{"a"}, false, false, false}); }), 1);
}

TEST_F(ContainerCommands, PauseUnpauseWaitRename) {
    on("POST /containers/a/pause", no_content());
    on("POST /containers/a/unpause", no_content());
    on("POST /containers/a/wait", json_reply(R"({"StatusCode":42,"Error":null})"));
    on("POST /containers/a/rename", no_content());
    EXPECT_EQ(run([&] { return run_pause(ctx_, {{"a"}}); }), 0);
    EXPECT_EQ(run([&] { return run_unpause(ctx_, {{"a"}}); }), 0);
    EXPECT_EQ(run([&] { return run_wait(ctx_, {{"a"}}); }), 0);
    EXPECT_EQ(run([&] { return run_rename(ctx_, {"a", "b"}); }), 0);
    EXPECT_EQ(out_.str(), "a\na\n42\n");
    EXPECT_EQ(engine_.requests()[2].query(), "");
    EXPECT_EQ(engine_.requests()[3].query(), "name=b");
}

TEST_F(ContainerCommands, InspectFallsBackOnlyOn404) {
    on("GET /containers/busybox/json", json_reply(R"({"message":"No such container: busybox"})", 404));
    on("GET /images/busybox/json", json_reply(R"({"Id":"sha256:1","RepoTags":["busybox:latest"]})"));
    ContainerInspectOptions o;
    o.names = {"busybox"};
    o.format = "{{.Id}}";
    EXPECT_EQ(run([&] { return run_inspect_any(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "sha256:1\n");

    o.names = {"nothing"};
    EXPECT_EQ(run([&] { return run_inspect_any(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "Error: No such object: nothing\n");
    EXPECT_EQ(engine_.request_lines(),
              (std::vector<std::string>{"GET /containers/busybox/json", "GET /images/busybox/json",
                                        "GET /containers/nothing/json", "GET /images/nothing/json",
                                        "GET /volumes/nothing"}));
    err_.str("");
    o.type = "container";
    EXPECT_EQ(run([&] { return run_inspect_any(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "Error response from daemon: page not found\n");
}

TEST_F(ContainerCommands, ContainerInspectPrintsAnIndentedArray) {
    on("GET /containers/web/json", json_reply(R"({"Id":"abc","Name":"/web"})"));
    EXPECT_EQ(run([&] { return run_container_inspect(ctx_, {{"web"}, "", true, ""}); }), 0);
    EXPECT_EQ(out_.str(), "[\n    {\n        \"Id\": \"abc\",\n        \"Name\": \"/web\"\n    }\n]\n");
    EXPECT_EQ(engine_.requests()[0].query(), "size=1");
}

TEST_F(ContainerCommands, TopPortDiff) {
    on("GET /containers/web/top",
       json_reply(R"({"Titles":["UID","PID","CMD"],"Processes":[["root","12","sleep 100"]]})"));
    on("GET /containers/web/json",
       json_reply(R"({"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"},
                     {"HostIp":"::","HostPort":"8080"}],"53/udp":[{"HostIp":"0.0.0.0","HostPort":"53"}],
                     "443/tcp":null}}})"));
    on("GET /containers/web/changes", json_reply(R"([{"Path":"/tmp","Kind":0},{"Path":"/tmp/x","Kind":1},
                                                     {"Path":"/etc/motd","Kind":2}])"));
    EXPECT_EQ(run([&] { return run_top(ctx_, {"web", {"aux"}}); }), 0);
    EXPECT_EQ(out_.str(), "UID                 PID                 CMD\nroot                12                  sleep 100\n");
    EXPECT_EQ(engine_.requests()[0].query(), "ps_args=aux");
    out_.str("");
    EXPECT_EQ(run([&] { return run_port(ctx_, {"web", ""}); }), 0);
    EXPECT_EQ(out_.str(), "53/udp -> 0.0.0.0:53\n80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080\n");
    out_.str("");
    EXPECT_EQ(run([&] { return run_port(ctx_, {"web", "80"}); }), 0);
    EXPECT_EQ(out_.str(), "0.0.0.0:8080\n[::]:8080\n");
    EXPECT_EQ(run([&] { return run_port(ctx_, {"web", "443"}); }), 1);
    EXPECT_EQ(err_.str(), "Error: No public port '443' published for web\n");
    out_.str("");
    EXPECT_EQ(run([&] { return run_diff(ctx_, {"web"}); }), 0);
    EXPECT_EQ(out_.str(), "C /tmp\nA /tmp/x\nD /etc/motd\n");
}

TEST_F(ContainerCommands, CommitExportUpdatePrune) {
    on("POST /commit", json_reply(R"({"Id":"sha256:feed"})", 201));
    CommitOptions c;
    c.container = "web";
    c.reference = "localhost:5000/app:v2";
    c.message = "msg";
    c.author = "me";
    c.changes = {"ENV A=1"};
    c.pause = false;
    EXPECT_EQ(run([&] { return run_commit(ctx_, c); }), 0);
    EXPECT_EQ(out_.str(), "sha256:feed\n");
    EXPECT_EQ(engine_.requests()[0].query(),
              "container=web&repo=localhost%3A5000%2Fapp&tag=v2&comment=msg&author=me&changes=ENV%20A%3D1&pause=0");

    on("GET /containers/web/export", json_reply("TARBYTES"));
    const auto file = dir_.path() / "out.tar";
    EXPECT_EQ(run([&] { return run_export(ctx_, {"web", file.string()}); }), 0);
    EXPECT_EQ(read_file(file), "TARBYTES");
    ctx_.console.out_is_terminal = true;
    EXPECT_EQ(run([&] { return run_export(ctx_, {"web", ""}); }), 1);

    out_.str("");
    on("POST /containers/web/update", json_reply(R"({"Warnings":[]})"));
    UpdateOptions u;
    u.containers = {"web"};
    u.memory = "512m";
    u.cpus = "2";
    u.restart = "on-failure:2";
    EXPECT_EQ(run([&] { return run_update(ctx_, u); }), 0);
    EXPECT_EQ(out_.str(), "web\n");
    EXPECT_EQ(json::parse(find("POST /containers/web/update")->body),
              json::parse(R"({"Memory":536870912,"NanoCpus":2000000000,
                              "RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2}})"));

    out_.str("");
    on("POST /containers/prune", json_reply(R"({"ContainersDeleted":["c1","c2"],"SpaceReclaimed":2048})"));
    EXPECT_EQ(run([&] { return run_container_prune(ctx_, {true, {"until=24h"}}); }), 0);
    EXPECT_EQ(out_.str(), "Deleted Containers:\nc1\nc2\n\nTotal reclaimed space: 2.048kB\n");
}

TEST_F(ContainerCommands, PruneAsksFirst) {
    in_.str("n\n");
    EXPECT_EQ(run([&] { return run_container_prune(ctx_, {false, {}}); }), 1);
    EXPECT_EQ(out_.str(), "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ");
    EXPECT_EQ(err_.str(), "container prune has been cancelled\n");
    EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(ContainerCommands, Volumes) {
    on("POST /volumes/create", json_reply(R"({"Name":"data","Driver":"local"})", 201));
    EXPECT_EQ(run([&] { return run_volume_create(ctx_, {"data", "local", {"type=tmpfs", "device=tmpfs"}, {"a=b"}}); }),
              0);
    EXPECT_EQ(out_.str(), "data\n");
    EXPECT_EQ(json::parse(engine_.requests()[0].body),
              json::parse(R"({"Driver":"local","DriverOpts":{"type":"tmpfs","device":"tmpfs"},
                              "Labels":{"a":"b"},"Name":"data"})"));

    out_.str("");
    on("GET /volumes", json_reply(R"({"Volumes":[{"Name":"zeta","Driver":"local"},{"Name":"alpha","Driver":"local"}],
                                     "Warnings":[]})"));
    EXPECT_EQ(run([&] { return run_volume_ls(ctx_, {false, {"dangling=true"}, ""}); }), 0);
    EXPECT_EQ(out_.str(), "DRIVER    VOLUME NAME\nlocal     alpha\nlocal     zeta\n");
    EXPECT_EQ(engine_.requests()[1].query(), "filters=%7B%22dangling%22%3A%7B%22true%22%3Atrue%7D%7D");
    out_.str("");
    EXPECT_EQ(run([&] { return run_volume_ls(ctx_, {true, {}, ""}); }), 0);
    EXPECT_EQ(out_.str(), "alpha\nzeta\n");

    out_.str("");
    on("GET /volumes/data", json_reply(R"({"Name":"data","Mountpoint":"/var/lib/berth/volumes/data/_data"})"));
    EXPECT_EQ(run([&] { return run_volume_inspect(ctx_, {{"data"}, "{{.Mountpoint}}"}); }), 0);
    EXPECT_EQ(out_.str(), "/var/lib/berth/volumes/data/_data\n");

    out_.str("");
    on("DELETE /volumes/data", no_content());
    on("DELETE /volumes/busy", json_reply(R"({"message":"remove busy: volume is in use - [abc]"})", 409));
    EXPECT_EQ(run([&] { return run_volume_rm(ctx_, {{"data", "busy"}, true}); }), 1);
    EXPECT_EQ(out_.str(), "data\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: remove busy: volume is in use - [abc]\n");
    EXPECT_EQ(find("DELETE /volumes/data")->query(), "force=1");

    out_.str("");
    on("POST /volumes/prune", json_reply(R"({"VolumesDeleted":["old"],"SpaceReclaimed":0})"));
    EXPECT_EQ(run([&] { return run_volume_prune(ctx_, {true, true, {}}); }), 0);
    EXPECT_EQ(out_.str(), "Deleted Volumes:\nold\n\nTotal reclaimed space: 0B\n");
    EXPECT_EQ(find("POST /volumes/prune")->query(), "filters=%7B%22all%22%3A%7B%22true%22%3Atrue%7D%7D");
}
