// How `run`/`create` flags become the POST /containers/create request, flag
// by flag, without a daemon (docker's runconfig mapping, engine-api 5.2).
#include "create_request.h"
#include "errors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "temp_dir.h"

using namespace berth::cli;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> kClientEnv = {{"HOME_DIR", "/home/me"}, {"FROM_FILE", "filevalue"}};

std::optional<std::string> fake_env(const std::string& name) {
    const auto it = kClientEnv.find(name);
    if (it == kClientEnv.end()) return std::nullopt;
    return it->second;
}

ContainerCreateOptions with_image() {
    ContainerCreateOptions o;
    o.image = "busybox";
    return o;
}

CreateRequest build(const ContainerCreateOptions& o, bool for_run = true, ConsoleSizeHint size = {}) {
    return build_create_request(o, for_run, fake_env, size);
}

}  // namespace

TEST(CreateRequest, DefaultsMatchDockersBody) {
    ContainerCreateOptions o = with_image();
    o.args = {"echo", "hi"};
    const auto r = build(o);
    const json& b = r.body;
    EXPECT_EQ(r.query, "");
    EXPECT_EQ(b["Image"], "busybox");
    EXPECT_EQ(b["Cmd"], json({"echo", "hi"}));
    EXPECT_TRUE(b["Entrypoint"].is_null());
    EXPECT_EQ(b["AttachStdin"], false);
    EXPECT_EQ(b["AttachStdout"], true);
    EXPECT_EQ(b["AttachStderr"], true);
    EXPECT_EQ(b["OpenStdin"], false);
    EXPECT_EQ(b["StdinOnce"], false);
    EXPECT_EQ(b["Tty"], false);
    EXPECT_EQ(b["Labels"], json::object());
    EXPECT_EQ(b["Volumes"], json::object());
    EXPECT_FALSE(b.contains("ExposedPorts"));
    EXPECT_FALSE(b.contains("Healthcheck"));
    const json& h = b["HostConfig"];
    EXPECT_EQ(h["NetworkMode"], "default");
    EXPECT_EQ(h["RestartPolicy"], json({{"Name", "no"}, {"MaximumRetryCount", 0}}));
    EXPECT_EQ(h["LogConfig"], json({{"Type", ""}, {"Config", json::object()}}));
    EXPECT_EQ(h["AutoRemove"], false);
    EXPECT_TRUE(h["Binds"].is_null());
    EXPECT_TRUE(h["PidsLimit"].is_null());
    EXPECT_EQ(h["MemorySwappiness"], -1);
    EXPECT_EQ(h["ConsoleSize"], json({0, 0}));
    EXPECT_FALSE(h.contains("Init"));
    EXPECT_FALSE(h.contains("Mounts"));
    EXPECT_EQ(b["NetworkingConfig"], json({{"EndpointsConfig", json::object()}}));
}

TEST(CreateRequest, InteractiveTtyAndDetach) {
    ContainerCreateOptions o = with_image();
    o.interactive = true;
    o.tty = true;
    auto b = build(o, true, {24, 80}).body;
    EXPECT_EQ(b["AttachStdin"], true);
    EXPECT_EQ(b["OpenStdin"], true);
    EXPECT_EQ(b["StdinOnce"], true);
    EXPECT_EQ(b["Tty"], true);
    EXPECT_EQ(b["HostConfig"]["ConsoleSize"], json({24, 80}));

    o.detach = true;
    b = build(o).body;
    EXPECT_EQ(b["AttachStdin"], false);
    EXPECT_EQ(b["AttachStdout"], false);
    EXPECT_EQ(b["AttachStderr"], false);
    EXPECT_EQ(b["StdinOnce"], false);
    EXPECT_EQ(b["OpenStdin"], true);
    // `create` keeps the attach flags: -d is run's.
    EXPECT_EQ(build(o, false).body["AttachStdout"], true);
}

TEST(CreateRequest, AttachFlagPicksStreams) {
    ContainerCreateOptions o = with_image();
    o.attach = {"stderr"};
    const auto b = build(o).body;
    EXPECT_EQ(b["AttachStdout"], false);
    EXPECT_EQ(b["AttachStderr"], true);
    o.attach = {"bogus"};
    EXPECT_THROW(build(o), CliError);
    o.attach = {"stdout"};
    o.detach = true;
    try {
        build(o);
        FAIL();
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "Conflicting options: -a and -d");
    }
}

TEST(CreateRequest, NamePlatformQuery) {
    ContainerCreateOptions o = with_image();
    o.name = "web 1";
    o.platform = "linux/arm64";
    EXPECT_EQ(build(o).query, "?name=web%201&platform=linux%2Farm64");
}

TEST(CreateRequest, EnvFromFlagsFilesAndClient) {
    TempDir dir;
    const auto file = dir.path() / "env";
    std::ofstream(file) << "# comment\n\nA=1\nFROM_FILE\nUNSET_VAR\n  B=two words\n";
    ContainerCreateOptions o = with_image();
    o.env_files = {file.string()};
    o.env = {"C=3", "HOME_DIR", "NOT_THERE"};
    EXPECT_EQ(build(o).body["Env"],
              json({"A=1", "FROM_FILE=filevalue", "B=two words", "C=3", "HOME_DIR=/home/me", "NOT_THERE"}));
}

TEST(CreateRequest, LabelsAndLabelFiles) {
    TempDir dir;
    const auto file = dir.path() / "labels";
    std::ofstream(file) << "team=core\nbare\n";
    ContainerCreateOptions o = with_image();
    o.label_files = {file.string()};
    o.labels = {"a=b", "team=infra"};
    EXPECT_EQ(build(o).body["Labels"], json({{"team", "infra"}, {"bare", ""}, {"a", "b"}}));
}

TEST(CreateRequest, WorkdirUserHostnameEntrypointStop) {
    ContainerCreateOptions o = with_image();
    o.workdir = "/app";
    o.user = "1000:1000";
    o.hostname = "box";
    o.entrypoint = "/bin/sh";
    o.stop_signal = "SIGINT";
    o.stop_timeout = 5;
    const auto b = build(o).body;
    EXPECT_EQ(b["WorkingDir"], "/app");
    EXPECT_EQ(b["User"], "1000:1000");
    EXPECT_EQ(b["Hostname"], "box");
    EXPECT_EQ(b["Entrypoint"], json({"/bin/sh"}));
    EXPECT_EQ(b["StopSignal"], "SIGINT");
    EXPECT_EQ(b["StopTimeout"], 5);
    o.entrypoint = "";
    EXPECT_EQ(build(o).body["Entrypoint"], json({""}));
}

TEST(CreateRequest, VolumesSplitIntoBindsAndAnonymous) {
    ContainerCreateOptions o = with_image();
    o.volumes = {"/src:/dst:ro", "data:/var/lib/data", "/anon"};
    const auto b = build(o).body;
    EXPECT_EQ(b["HostConfig"]["Binds"], json({"/src:/dst:ro", "data:/var/lib/data"}));
    EXPECT_EQ(b["Volumes"], json({{"/anon", json::object()}}));
    // A ./relative host path is made absolute on the client, as docker does:
    // the daemon would resolve it against its own working directory.
    o.volumes = {"./data:/data"};
    const std::string expected = (std::filesystem::current_path() / "data").string() + ":/data";
    EXPECT_EQ(build(o).body["HostConfig"]["Binds"], json({expected}));
}

TEST(CreateRequest, MountFlag) {
    ContainerCreateOptions o = with_image();
    o.mounts = {"type=bind,source=/a,target=/b,readonly,bind-propagation=rshared",
                "type=volume,src=v,dst=/data,volume-nocopy,volume-label=x=y,volume-driver=local,volume-opt=o=bind",
                "type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1770", "target=/anon"};
    const auto mounts = build(o).body["HostConfig"]["Mounts"];
    ASSERT_EQ(mounts.size(), 4u);
    EXPECT_EQ(mounts[0], json({{"Type", "bind"}, {"Source", "/a"}, {"Target", "/b"}, {"ReadOnly", true},
                               {"BindOptions", {{"Propagation", "rshared"}}}}));
    EXPECT_EQ(mounts[1], json({{"Type", "volume"},
                               {"Source", "v"},
                               {"Target", "/data"},
                               {"VolumeOptions",
                                {{"NoCopy", true},
                                 {"Labels", {{"x", "y"}}},
                                 {"DriverConfig", {{"Name", "local"}, {"Options", {{"o", "bind"}}}}}}}}));
    EXPECT_EQ(mounts[2], json({{"Type", "tmpfs"}, {"Target", "/run"},
                               {"TmpfsOptions", {{"SizeBytes", 67108864}, {"Mode", 01770}}}}));
    EXPECT_EQ(mounts[3], json({{"Type", "volume"}, {"Target", "/anon"}}));
    o.mounts = {"type=bind,source=/a"};
    EXPECT_THROW(build(o), CliError);
    o.mounts = {"type=tmpfs,target=/x,bind-propagation=shared"};
    EXPECT_THROW(build(o), CliError);
}

TEST(CreateRequest, RestartPolicies) {
    ContainerCreateOptions o = with_image();
    o.restart = "on-failure:3";
    EXPECT_EQ(build(o).body["HostConfig"]["RestartPolicy"], json({{"Name", "on-failure"}, {"MaximumRetryCount", 3}}));
    o.restart = "unless-stopped";
    EXPECT_EQ(build(o).body["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
    o.restart = "always";
    EXPECT_EQ(build(o).body["HostConfig"]["RestartPolicy"]["Name"], "always");
    o.restart = "always:3";
    EXPECT_THROW(build(o), CliError);
    o.restart = "sometimes";
    EXPECT_THROW(build(o), CliError);
    o.restart = "always";
    o.auto_remove = true;
    try {
        build(o);
        FAIL();
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "Conflicting options: --restart and --rm");
    }
    o.restart = "";
    EXPECT_EQ(build(o).body["HostConfig"]["AutoRemove"], true);
}

TEST(CreateRequest, Healthcheck) {
    ContainerCreateOptions o = with_image();
    o.health_cmd = "curl -f http://localhost/";
    o.health_interval = "30s";
    o.health_timeout = "1m30s";
    o.health_start_period = "500ms";
    o.health_retries = 3;
    EXPECT_EQ(build(o).body["Healthcheck"], json({{"Test", {"CMD-SHELL", "curl -f http://localhost/"}},
                                                  {"Interval", 30000000000LL},
                                                  {"Timeout", 90000000000LL},
                                                  {"StartPeriod", 500000000LL},
                                                  {"Retries", 3}}));
    ContainerCreateOptions none = with_image();
    none.no_healthcheck = true;
    EXPECT_EQ(build(none).body["Healthcheck"], json({{"Test", {"NONE"}}}));
    none.health_retries = 2;
    EXPECT_THROW(build(none), CliError);
}

TEST(CreateRequest, Resources) {
    ContainerCreateOptions o = with_image();
    o.memory = "256m";
    o.memory_swap = "1g";
    o.cpus = "1.5";
    o.cpu_shares = 512;
    o.pids_limit = 100;
    o.blkio_weight = 300;
    o.shm_size = "64m";
    o.ulimits = {"nofile=1024:2048", "nproc=64"};
    o.devices = {"/dev/fuse", "/dev/sda:/dev/xvda:r"};
    const auto h = build(o).body["HostConfig"];
    EXPECT_EQ(h["Memory"], 268435456);
    EXPECT_EQ(h["MemorySwap"], 1073741824);
    EXPECT_EQ(h["NanoCpus"], 1500000000);
    EXPECT_EQ(h["CpuShares"], 512);
    EXPECT_EQ(h["PidsLimit"], 100);
    EXPECT_EQ(h["BlkioWeight"], 300);
    EXPECT_EQ(h["ShmSize"], 67108864);
    EXPECT_EQ(h["Ulimits"], json::parse(R"([{"Name":"nofile","Hard":2048,"Soft":1024},
                                            {"Name":"nproc","Hard":64,"Soft":64}])"));
    EXPECT_EQ(h["Devices"], json::parse(R"([
        {"PathOnHost":"/dev/fuse","PathInContainer":"/dev/fuse","CgroupPermissions":"rwm"},
        {"PathOnHost":"/dev/sda","PathInContainer":"/dev/xvda","CgroupPermissions":"r"}])"));
    o.memory_swap = "-1";
    EXPECT_EQ(build(o).body["HostConfig"]["MemorySwap"], -1);
    o.memory = "lots";
    EXPECT_THROW(build(o), CliError);
}

TEST(CreateRequest, SecurityAndPrivileges) {
    TempDir dir;
    const auto profile = dir.path() / "seccomp.json";
    std::ofstream(profile) << "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}\n";
    ContainerCreateOptions o = with_image();
    o.read_only = true;
    o.privileged = true;
    o.init = true;
    o.cap_add = {"net_bind_service", "CAP_SYS_TIME"};
    o.cap_drop = {"all"};
    o.security_opts = {"seccomp=" + profile.string(), "no-new-privileges", "apparmor=unconfined",
                       "seccomp=unconfined"};
    const auto h = build(o).body["HostConfig"];
    EXPECT_EQ(h["ReadonlyRootfs"], true);
    EXPECT_EQ(h["Privileged"], true);
    EXPECT_EQ(h["Init"], true);
    EXPECT_EQ(h["CapAdd"], json({"CAP_NET_BIND_SERVICE", "CAP_SYS_TIME"}));
    EXPECT_EQ(h["CapDrop"], json({"ALL"}));
    EXPECT_EQ(h["SecurityOpt"], json({"seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "no-new-privileges",
                                      "apparmor=unconfined", "seccomp=unconfined"}));
    o.security_opts = {"bogus"};
    EXPECT_THROW(build(o), CliError);
}

TEST(CreateRequest, TmpfsNetworkRuntimeUsernsLogging) {
    ContainerCreateOptions o = with_image();
    o.tmpfs = {"/run:rw,size=64m", "/tmp"};
    o.network = "mynet";
    o.runtime = "runc";
    o.userns = "host";
    o.log_driver = "json-file";
    o.log_opts = {"max-size=10m", "max-file=3"};
    const auto b = build(o).body;
    const auto& h = b["HostConfig"];
    EXPECT_EQ(h["Tmpfs"], json({{"/run", "rw,size=64m"}, {"/tmp", ""}}));
    EXPECT_EQ(h["NetworkMode"], "mynet");
    EXPECT_EQ(b["NetworkingConfig"]["EndpointsConfig"], json::object());
    EXPECT_EQ(h["Runtime"], "runc");
    EXPECT_EQ(h["UsernsMode"], "host");
    EXPECT_EQ(h["LogConfig"], json({{"Type", "json-file"}, {"Config", {{"max-size", "10m"}, {"max-file", "3"}}}}));
    o.log_opts = {"novalue"};
    EXPECT_THROW(build(o), CliError);
}

TEST(CreateRequest, PublishPorts) {
    ContainerCreateOptions o = with_image();
    o.publish = {"127.0.0.1:8080:80/tcp", "53:53/udp", "443", "[::1]:9000:9000", "7000-7001:8000-8001",
                 "9090-9099:90"};
    const auto b = build(o).body;
    EXPECT_EQ(b["ExposedPorts"], json::parse(R"({"80/tcp":{},"53/udp":{},"443/tcp":{},"9000/tcp":{},
                                                "8000/tcp":{},"8001/tcp":{},"90/tcp":{}})"));
    EXPECT_EQ(b["HostConfig"]["PortBindings"], json::parse(R"({
        "80/tcp":[{"HostIp":"127.0.0.1","HostPort":"8080"}],
        "53/udp":[{"HostIp":"","HostPort":"53"}],
        "443/tcp":[{"HostIp":"","HostPort":""}],
        "9000/tcp":[{"HostIp":"::1","HostPort":"9000"}],
        "8000/tcp":[{"HostIp":"","HostPort":"7000"}],
        "8001/tcp":[{"HostIp":"","HostPort":"7001"}],
        "90/tcp":[{"HostIp":"","HostPort":"9090-9099"}]})"));
    o.publish = {"80-81:90-92"};
    EXPECT_THROW(build(o), CliError);
    o.publish = {"80/icmp"};
    EXPECT_THROW(build(o), CliError);
}

TEST(CreateRequest, PullOptionIsChecked) {
    ContainerCreateOptions o = with_image();
    o.pull = "sometimes";
    EXPECT_THROW(build(o), CliError);
}

TEST(RunFlags, UnitsAndDurations) {
    EXPECT_EQ(ram_in_bytes("512k"), 524288);
    EXPECT_EQ(ram_in_bytes("1.5GiB"), 1610612736);
    EXPECT_EQ(ram_in_bytes("100"), 100);
    EXPECT_EQ(go_duration_ns("1h2m3s"), 3723000000000LL);
    EXPECT_EQ(go_duration_ns("1.5s"), 1500000000);
    EXPECT_THROW(go_duration_ns("10"), CliError);
    EXPECT_THROW(go_duration_ns("5 parsecs"), CliError);
    EXPECT_EQ(nano_cpus("0.5"), 500000000);
    EXPECT_THROW(nano_cpus("x"), CliError);
}
