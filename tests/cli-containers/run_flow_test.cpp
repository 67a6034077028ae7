// `run`, `start -a`, `attach` and `exec` against the fake engine: docker's
// request order, the hijacked streams (stdcopy frames, a raw tty), detach
// keys, signal forwarding and exit statuses.
#include "commands/container_commands.h"
#include "stdcopy.h"

#include <future>

#include "engine_fixture.h"

using namespace berth::cli;
using nlohmann::json;

namespace {

const std::string kId = std::string(64, 'a');

EngineReply created() { return EngineTest::json_reply(json({{"Id", kId}, {"Warnings", json::array()}}).dump(), 201); }

EngineReply hijacked(std::function<void(int)> script, bool tty = false) {
    EngineReply r;
    r.status = 101;
    r.content_type = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
    r.hijack = std::move(script);
    return r;
}

EngineReply wait_reply(int status) {
    EngineReply r;
    r.late_body = [status] { return json({{"StatusCode", status}, {"Error", nullptr}}).dump() + "\n"; };
    return r;
}

ContainerCreateOptions run_options() {
    ContainerCreateOptions o;
    o.image = "busybox";
    o.args = {"sh", "-c", "echo out; echo err >&2; exit 3"};
    return o;
}

}  // namespace

class RunFlow : public EngineTest {};

TEST_F(RunFlow, AttachedRunDemultiplexesAndExitsWithTheContainersStatus) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach", hijacked([this](int fd) {
           engine_.await("POST /containers/" + kId + "/start");
           send_bytes(fd, stdcopy_frame(1, "out\n") + stdcopy_frame(2, "err\n").substr(0, 5));
           send_bytes(fd, stdcopy_frame(2, "err\n").substr(5) + stdcopy_frame(1, "more"));
       }));
    on("POST /containers/" + kId + "/wait", wait_reply(3));
    on("POST /containers/" + kId + "/start", no_content());

    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 3);
    EXPECT_EQ(out_.str(), "out\nmore");
    EXPECT_EQ(err_.str(), "err\n");
    EXPECT_EQ(engine_.request_lines(),
              (std::vector<std::string>{"POST /containers/create", "POST /containers/" + kId + "/attach",
                                        "POST /containers/" + kId + "/wait", "POST /containers/" + kId + "/start"}));
    const auto reqs = engine_.requests();
    EXPECT_EQ(reqs[1].query(), "stream=1&stdout=1&stderr=1");
    EXPECT_EQ(reqs[1].header("Upgrade"), "tcp");
    EXPECT_EQ(reqs[1].header("Connection"), "Upgrade");
    EXPECT_EQ(reqs[2].query(), "condition=next-exit");
    const json body = json::parse(reqs[0].body);
    EXPECT_EQ(body["Cmd"], json({"sh", "-c", "echo out; echo err >&2; exit 3"}));
}

TEST_F(RunFlow, DetachedRunPrintsTheIdAndWaitsForNothing) {
    on("POST /containers/create", created());
    EngineReply never;
    never.late_body = [] { return std::string("{\"StatusCode\":0}"); };
    on("POST /containers/" + kId + "/wait", never);
    on("POST /containers/" + kId + "/start", no_content());
    auto o = run_options();
    o.detach = true;
    o.name = "web";
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), kId + "\n");
    EXPECT_EQ(engine_.request_lines(),
              (std::vector<std::string>{"POST /containers/create", "POST /containers/" + kId + "/wait",
                                        "POST /containers/" + kId + "/start"}));
    EXPECT_EQ(engine_.requests()[0].query(), "name=web");
}

TEST_F(RunFlow, RmWaitsForRemovalAndInteractiveSendsStdin) {
    on("POST /containers/create", created());
    auto received = std::make_shared<std::string>();
    on("POST /containers/" + kId + "/attach", hijacked([received](int fd) {
           *received = read_until_eof(fd);  // the CLI half-closes at stdin EOF
           send_bytes(fd, stdcopy_frame(1, "echo:" + *received));
       }));
    on("POST /containers/" + kId + "/wait", wait_reply(0));
    on("POST /containers/" + kId + "/start", no_content());
    give_stdin("hello\n");
    auto o = run_options();
    o.interactive = true;
    o.auto_remove = true;
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 0);
    EXPECT_EQ(*received, "hello\n");
    EXPECT_EQ(out_.str(), "echo:hello\n");
    const auto reqs = engine_.requests();
    ASSERT_EQ(reqs.size(), 4u);
    EXPECT_EQ(reqs[1].query(), "stream=1&stdin=1&stdout=1&stderr=1");
    EXPECT_EQ(reqs[2].query(), "condition=removed");
    const json body = json::parse(reqs[0].body);
    EXPECT_EQ(body["HostConfig"]["AutoRemove"], true);
    EXPECT_EQ(body["StdinOnce"], true);
}

TEST_F(RunFlow, TtyRunResizesAndDetachKeysLeaveTheContainerRunning) {
    on("POST /containers/create", created());
    // The CLI returns as soon as it detaches; the future waits for the fake
    // to have read everything the CLI sent before closing.
    auto received = std::make_shared<std::promise<std::string>>();
    auto got = received->get_future();
    on("POST /containers/" + kId + "/attach", hijacked(
                                                   [received](int fd) {
                                                       send_bytes(fd, "/ # ");
                                                       received->set_value(read_until_eof(fd));
                                                   },
                                                   true));
    EngineReply wait;
    wait.late_body = [] { return std::string("{\"StatusCode\":9}"); };
    on("POST /containers/" + kId + "/wait", wait);
    on("POST /containers/" + kId + "/start", no_content());
    on("POST /containers/" + kId + "/resize", json_reply(""));
    // ctrl-p then 'x' is not the sequence: both pass through; then ctrl-p
    // ctrl-q detaches, and the rest is never sent.
    give_stdin(std::string("ls\n\x10x") + "\x10\x11" + "after", false);
    ctx_.console.in_is_terminal = true;
    ctx_.console.out_is_terminal = true;
    ctx_.console.height = 24;
    ctx_.console.width = 80;
    auto o = run_options();
    o.interactive = true;
    o.tty = true;
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "/ # ");
    EXPECT_EQ(err_.str(), "");
    EXPECT_EQ(got.get(), "ls\n\x10x");
    const auto resize = find("POST /containers/" + kId + "/resize");
    ASSERT_TRUE(resize);
    EXPECT_EQ(resize->query(), "h=24&w=80");
    EXPECT_EQ(json::parse(engine_.requests()[0].body)["HostConfig"]["ConsoleSize"], json({24, 80}));
    EXPECT_FALSE(find("POST /containers/" + kId + "/kill"));
}

TEST_F(RunFlow, CustomDetachKeysAreSentAndHonoured) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach", hijacked([](int fd) { read_until_eof(fd); }, true));
    on("POST /containers/" + kId + "/wait", wait_reply(0));
    on("POST /containers/" + kId + "/start", no_content());
    give_stdin("ab", false);
    ctx_.console.in_is_terminal = true;
    auto o = run_options();
    o.interactive = true;
    o.tty = true;
    o.detach_keys = "a,b";
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 0);
    EXPECT_EQ(engine_.requests()[1].query(), "stream=1&stdin=1&stdout=1&stderr=1&detachKeys=a%2Cb");
}

TEST_F(RunFlow, TtyNeedsATerminalOnStdin) {
    auto o = run_options();
    o.interactive = true;
    o.tty = true;
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "the input device is not a TTY\n");
    EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(RunFlow, SignalsAreForwardedWithKill) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach", hijacked([this](int fd) {
           engine_.await("POST /containers/" + kId + "/start");
           // The CLI installed its forwarder before attaching.
           ::kill(::getpid(), SIGUSR1);
           engine_.await("POST /containers/" + kId + "/kill");
           send_bytes(fd, stdcopy_frame(1, "bye\n"));
       }));
    on("POST /containers/" + kId + "/wait", wait_reply(138));
    on("POST /containers/" + kId + "/start", no_content());
    on("POST /containers/" + kId + "/kill", no_content());
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 138);
    const auto kill = find("POST /containers/" + kId + "/kill");
    ASSERT_TRUE(kill);
    EXPECT_EQ(kill->query(), "signal=USR1");
    EXPECT_EQ(out_.str(), "bye\n");
}

TEST_F(RunFlow, StartFailuresMapTo127And126And125) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/wait", wait_reply(0));
    on("POST /containers/" + kId + "/attach", hijacked([](int) {}));
    const std::string not_found =
        "failed to create task for container: exec: \\\"nope\\\": executable file not found in $PATH";
    on("POST /containers/" + kId + "/start", json_reply("{\"message\":\"" + not_found + "\"}", 400));
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 127);
    EXPECT_EQ(err_.str(),
              "berth: Error response from daemon: failed to create task for container: exec: \"nope\": executable "
              "file not found in $PATH\n\nRun 'berth run --help' for more information\n");

    err_.str("");
    on("POST /containers/" + kId + "/start",
       json_reply(R"({"message":"exec: \"/etc\": permission denied"})", 400));
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 126);

    on("POST /containers/" + kId + "/start", json_reply(R"({"message":"cgroup trouble"})", 500));
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 125);
}

TEST_F(RunFlow, CreateConflictIs125) {
    on("POST /containers/create",
       json_reply(R"({"message":"Conflict. The container name \"/web\" is already in use"})", 409));
    auto o = run_options();
    o.name = "web";
    EXPECT_EQ(run([&] { return run_run(ctx_, o); }), 125);
    EXPECT_EQ(err_.str(),
              "berth: Error response from daemon: Conflict. The container name \"/web\" is already in use\n\n"
              "Run 'berth run --help' for more information\n");
    // `create` reports daemon errors plainly, with status 1.
    err_.str("");
    EXPECT_EQ(run([&] { return run_create(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "Error response from daemon: Conflict. The container name \"/web\" is already in use\n");
}

TEST_F(RunFlow, MissingImageIsPulledThenCreated) {
    auto calls = std::make_shared<int>(0);
    on("POST /containers/create", [calls](const EngineRequest&) {
        return ++*calls == 1 ? json_reply(R"({"message":"No such image: busybox:latest"})", 404) : created();
    });
    on("POST /images/create",
       json_reply("{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\r\n"
                  "{\"status\":\"Status: Downloaded newer image for busybox:latest\"}\r\n"));
    EXPECT_EQ(run([&] { return run_create(ctx_, run_options()); }), 0);
    EXPECT_EQ(out_.str(), kId + "\n");
    EXPECT_EQ(err_.str(),
              "Unable to find image 'busybox:latest' locally\n"
              "latest: Pulling from library/busybox\n"
              "Status: Downloaded newer image for busybox:latest\n");
    EXPECT_EQ(engine_.request_lines(), (std::vector<std::string>{"POST /containers/create", "POST /images/create",
                                                                 "POST /containers/create"}));
    EXPECT_EQ(engine_.requests()[1].query(), "fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest");
}

TEST_F(RunFlow, PullNeverAndAlways) {
    on("POST /containers/create", json_reply(R"({"message":"No such image: busybox:latest"})", 404));
    auto o = run_options();
    o.pull = "never";
    EXPECT_EQ(run([&] { return run_create(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "Error response from daemon: No such image: busybox:latest\n");
    EXPECT_EQ(engine_.request_lines(), (std::vector<std::string>{"POST /containers/create"}));

    on("POST /containers/create", created());
    on("POST /images/create", json_reply("{\"status\":\"ok\"}\r\n"));
    o.pull = "always";
    EXPECT_EQ(run([&] { return run_create(ctx_, o); }), 0);
    const auto lines = engine_.request_lines();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1], "POST /images/create");
    EXPECT_EQ(lines[2], "POST /containers/create");
}

TEST_F(RunFlow, WaitErrorIs125) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach", hijacked([](int) {}));
    EngineReply wait;
    wait.late_body = [] { return std::string(R"({"StatusCode":0,"Error":{"Message":"container vanished"}})"); };
    on("POST /containers/" + kId + "/wait", wait);
    on("POST /containers/" + kId + "/start", no_content());
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 125);
    EXPECT_EQ(err_.str(), "Error waiting for container: container vanished\n");
}

TEST_F(RunFlow, DaemonErrorFrameStopsTheStream) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach",
       hijacked([](int fd) { send_bytes(fd, stdcopy_frame(1, "a") + stdcopy_frame(3, "attach failed")); }));
    on("POST /containers/" + kId + "/wait", wait_reply(0));
    on("POST /containers/" + kId + "/start", no_content());
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 1);
    EXPECT_EQ(out_.str(), "a");
    EXPECT_EQ(err_.str(), "attach failed\n");
}

TEST_F(RunFlow, AttachUpgradeRefusedIsReported) {
    on("POST /containers/create", created());
    on("POST /containers/" + kId + "/attach", json_reply(R"({"message":"No such container: x"})", 404));
    EXPECT_EQ(run([&] { return run_run(ctx_, run_options()); }), 125);
    EXPECT_NE(err_.str().find("Error response from daemon: No such container: x"), std::string::npos);
}

TEST_F(RunFlow, StartAttachUsesInspectThenTheSameOrder) {
    on("GET /containers/web/json",
       json_reply(json({{"Id", kId}, {"Config", {{"Tty", false}, {"OpenStdin", false}}}}).dump()));
    on("POST /containers/" + kId + "/attach", hijacked([this](int fd) {
           engine_.await("POST /containers/" + kId + "/start");
           send_bytes(fd, stdcopy_frame(1, "started\n"));
       }));
    on("POST /containers/" + kId + "/wait", wait_reply(4));
    on("POST /containers/" + kId + "/start", no_content());
    EXPECT_EQ(run([&] { return run_start(ctx_, {{"web"}, true, false, ""}); }), 4);
    EXPECT_EQ(out_.str(), "started\n");
    EXPECT_EQ(engine_.request_lines(),
              (std::vector<std::string>{"GET /containers/web/json", "POST /containers/" + kId + "/attach",
                                        "POST /containers/" + kId + "/wait", "POST /containers/" + kId + "/start"}));
}

TEST_F(RunFlow, AttachRefusesStoppedAndDetachPrintsTheEscapeError) {
    on("POST /containers/web/wait", wait_reply(0));
    on("GET /containers/web/json",
       json_reply(json({{"Id", kId}, {"State", {{"Running", false}}}, {"Config", json::object()}}).dump()));
    EXPECT_EQ(run([&] { return run_attach(ctx_, {"web", "", false, true}); }), 1);
    EXPECT_EQ(err_.str(), "You cannot attach to a stopped container, start it first\n");

    err_.str("");
    on("GET /containers/web/json",
       json_reply(json({{"Id", kId}, {"State", {{"Running", true}}}, {"Config", {{"Tty", true}, {"OpenStdin", true}}}})
                      .dump()));
    on("POST /containers/" + kId + "/attach", hijacked([](int fd) { read_until_eof(fd); }, true));
    on("POST /containers/" + kId + "/resize", json_reply(""));
    give_stdin("\x10\x11", false);
    ctx_.console.out_is_terminal = true;
    ctx_.console.height = 24;
    ctx_.console.width = 80;
    EXPECT_EQ(run([&] { return run_attach(ctx_, {"web", "", false, true}); }), 1);
    EXPECT_EQ(err_.str(), "read escape sequence\n");
    const auto attach = find("POST /containers/" + kId + "/attach");
    ASSERT_TRUE(attach);
    EXPECT_EQ(attach->query(), "stream=1&stdin=1&stdout=1&stderr=1");
    // docker's attach resizes to one larger, then to the real size.
    std::vector<std::string> resizes;
    for (const auto& r : engine_.requests())
        if (r.path() == "/containers/" + kId + "/resize") resizes.push_back(r.query());
    EXPECT_EQ(resizes, (std::vector<std::string>{"h=25&w=81", "h=24&w=80"}));
}

TEST_F(RunFlow, ExecCreatesStartsHijackedAndReturnsTheExitCode) {
    on("GET /containers/web/json", json_reply(json({{"Id", kId}}).dump()));
    on("POST /containers/web/exec", json_reply(R"({"Id":"e1"})", 201));
    on("POST /exec/e1/start", hijacked([](int fd) { send_bytes(fd, stdcopy_frame(1, "root\n")); }));
    on("GET /exec/e1/json", json_reply(R"({"ID":"e1","Running":false,"ExitCode":7})"));
    ExecOptions o;
    o.container = "web";
    o.command = {"id", "-un"};
    o.env = {"A=1"};
    o.user = "root";
    o.workdir = "/tmp";
    EXPECT_EQ(run([&] { return run_exec(ctx_, o); }), 7);
    EXPECT_EQ(out_.str(), "root\n");
    EXPECT_EQ(engine_.request_lines(), (std::vector<std::string>{"GET /containers/web/json", "POST /containers/web/exec",
                                                                 "POST /exec/e1/start", "GET /exec/e1/json"}));
    const auto reqs = engine_.requests();
    EXPECT_EQ(json::parse(reqs[1].body), json::parse(R"({"User":"root","Privileged":false,"Tty":false,
        "ConsoleSize":null,"AttachStdin":false,"AttachStderr":true,"AttachStdout":true,"Detach":false,
        "DetachKeys":"","Env":["A=1"],"WorkingDir":"/tmp","Cmd":["id","-un"]})"));
    EXPECT_EQ(json::parse(reqs[2].body), json::parse(R"({"Detach":false,"Tty":false})"));
    EXPECT_EQ(reqs[2].header("Upgrade"), "tcp");
}

TEST_F(RunFlow, ExecDetachedSendsNoUpgrade) {
    on("GET /containers/web/json", json_reply(json({{"Id", kId}}).dump()));
    on("POST /containers/web/exec", json_reply(R"({"Id":"e2"})", 201));
    on("POST /exec/e2/start", json_reply(""));
    ExecOptions o;
    o.container = "web";
    o.command = {"sleep", "9"};
    o.detach = true;
    EXPECT_EQ(run([&] { return run_exec(ctx_, o); }), 0);
    const auto reqs = engine_.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(json::parse(reqs[1].body)["AttachStdout"], false);
    EXPECT_EQ(json::parse(reqs[2].body), json::parse(R"({"Detach":true,"Tty":false})"));
    EXPECT_EQ(reqs[2].header("Upgrade"), "");
}
