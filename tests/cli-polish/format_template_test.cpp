// --format templates as docker's Go templates evaluate them: fields,
// functions, pipelines, if/range/with, variables, table headers and errors.
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "format_output.h"
#include "format_template.h"

using berth::cli::CliError;
using berth::cli::FormatTemplate;
using nlohmann::json;

namespace {

const json kContainer = json::parse(R"({
  "Id": "0123456789abcdef",
  "Name": "/web",
  "State": {"Status": "running", "Pid": 42, "Running": true, "ExitCode": 0},
  "Config": {"Cmd": ["sh", "-c", "sleep 1"], "Labels": {"b": "2", "a": "1"}, "Env": null},
  "Mounts": [{"Source": "/src", "Destination": "/dst"}, {"Source": "/s2", "Destination": "/d2"}],
  "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}, "mynet": {"IPAddress": "10.0.0.5"}}},
  "Names": "web,alias",
  "Empty": "",
  "Size": 1234
})");

std::string render(const std::string& format, const json& value = kContainer) {
    return FormatTemplate(format).render(value);
}

}  // namespace

TEST(TemplateFields, PathsDotAndMissingValues) {
    EXPECT_EQ(render("{{.Name}} {{.State.Pid}} {{.State.Running}}"), "/web 42 true");
    EXPECT_EQ(render("{{.Config.Cmd}}"), "[sh -c sleep 1]");
    EXPECT_EQ(render("{{.Config.Labels}}"), "map[a:1 b:2]");
    EXPECT_EQ(render("{{.Nope}}"), "<no value>");
    EXPECT_EQ(render("{{.}}", json("plain")), "plain");
    EXPECT_EQ(render("id={{ .Id }}"), "id=0123456789abcdef");
    // Go struct names that differ from the JSON keys in case only.
    EXPECT_EQ(render("{{.ID}} {{.state.pid}}"), "0123456789abcdef 42");
}

TEST(TemplateFunctions, JsonAndStringFunctions) {
    EXPECT_EQ(render("{{json .Config.Cmd}}"), R"(["sh","-c","sleep 1"])");
    EXPECT_EQ(render("{{json .Config.Env}}"), "null");
    EXPECT_EQ(render("{{join .Config.Cmd \" \"}}"), "sh -c sleep 1");
    EXPECT_EQ(render("{{upper .Name}} {{lower \"ABC\"}} {{title \"hello big world\"}}"), "/WEB abc Hello Big World");
    EXPECT_EQ(render("{{split .Names \",\"}}"), "[web alias]");
    EXPECT_EQ(render("{{index (split .Names \",\") 1}}"), "alias");
    EXPECT_EQ(render("{{truncate .Id 5}}|{{pad .State.Status 1 2}}|"), "01234| running  |");
    EXPECT_EQ(render("{{println .Name}}"), "/web\n");
    EXPECT_EQ(render("{{len .Mounts}} {{len .Name}}"), "2 4");
    EXPECT_EQ(render("{{printf \"%-8s|%5d\" .State.Status .State.Pid}}"), "running |   42");
    EXPECT_EQ(render("{{print 1 2 \"x\" 3}}"), "1 2x3");
}

TEST(TemplateFunctions, IndexIntoMapsAndLists) {
    EXPECT_EQ(render("{{index .Config.Labels \"a\"}}"), "1");
    EXPECT_EQ(render("{{index .Config.Labels \"zz\"}}"), "<no value>");
    EXPECT_EQ(render("{{(index .Mounts 1).Source}}"), "/s2");
    EXPECT_EQ(render("{{index .NetworkSettings.Networks \"mynet\" | json}}"), R"({"IPAddress":"10.0.0.5"})");
    EXPECT_THROW(render("{{index .Mounts 5}}"), CliError);
}

TEST(TemplatePipelines, PreviousResultIsTheLastArgument) {
    EXPECT_EQ(render("{{.Name | upper}}"), "/WEB");
    EXPECT_EQ(render("{{split .Names \",\" | len}}"), "2");
    EXPECT_EQ(render("{{.State.Pid | printf \"pid %d\"}}"), "pid 42");
    EXPECT_EQ(render("{{\",\" | join .Config.Cmd}}"), "sh,-c,sleep 1");
    // Go passes the value last, so a pipe into split gives it the separator.
    EXPECT_EQ(render("{{\"a,b\" | split \",\"}}"), "[,]");
    EXPECT_THROW(render("{{.Name | .Id}}"), CliError);
}

TEST(TemplateControl, IfElseAndComparisons) {
    EXPECT_EQ(render("{{if .State.Running}}up{{else}}down{{end}}"), "up");
    EXPECT_EQ(render("{{if .Empty}}x{{else if eq .State.Status \"running\"}}r{{else}}y{{end}}"), "r");
    EXPECT_EQ(render("{{if not .Config.Env}}no env{{end}}"), "no env");
    EXPECT_EQ(render("{{if and .State.Running (gt .State.Pid 10)}}big{{end}}"), "big");
    EXPECT_EQ(render("{{if or .Empty .Missing}}x{{else}}neither{{end}}"), "neither");
    EXPECT_EQ(render("{{if ne .State.ExitCode 0}}failed{{else}}ok{{end}}"), "ok");
    EXPECT_EQ(render("{{if eq .State.Status \"exited\" \"running\"}}one of{{end}}"), "one of");
    EXPECT_EQ(render("{{if le .Size 1234}}le{{end}}{{if lt .Size 1234}}lt{{end}}{{if ge .Size 1}}ge{{end}}"), "lege");
}

TEST(TemplateControl, RangeOverListsAndMapsWithVariables) {
    EXPECT_EQ(render("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}"), "/src:/dst /s2:/d2 ");
    EXPECT_EQ(render("{{range $i, $m := .Mounts}}{{$i}}={{$m.Destination}};{{end}}"), "0=/dst;1=/d2;");
    EXPECT_EQ(render("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}"), "a=1 b=2 ");
    EXPECT_EQ(render("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}"), "172.17.0.2 10.0.0.5 ");
    EXPECT_EQ(render("{{range .Config.Env}}x{{else}}none{{end}}"), "none");
    // $ is the whole value even inside a range.
    EXPECT_EQ(render("{{range .Mounts}}{{$.Name}}{{end}}"), "/web/web");
    EXPECT_EQ(render("{{$n := .Name}}{{range .Mounts}}{{$n}}{{end}}"), "/web/web");
    EXPECT_THROW(render("{{range .Name}}x{{end}}"), CliError);
}

TEST(TemplateControl, WithCommentsAndTrimMarkers) {
    EXPECT_EQ(render("{{with .State}}{{.Status}}{{end}}"), "running");
    EXPECT_EQ(render("{{with .Missing}}x{{else}}none{{end}}"), "none");
    EXPECT_EQ(render("a {{/* note */}}b"), "a b");
    EXPECT_EQ(render("a   {{- .State.Pid -}}   b"), "a42b");
    EXPECT_EQ(render("{{\"}}\"}}"), "}}");
    EXPECT_EQ(render("{{`raw\\t`}}"), "raw\t");  // docker unescapes \t before parsing
}

TEST(TemplateErrors, ParseErrorsAreRefused) {
    for (const char* bad : {"{{.Id", "{{range .X}}", "{{if .X}}a{{else}}b", "{{end}}", "{{nosuchfunc .X}}",
                            "{{template \"x\"}}", "{{.X | }}", "{{(.X}}", "{{\"open}}"}) {
        EXPECT_THROW(FormatTemplate{bad}, CliError) << bad;
    }
    try {
        FormatTemplate("{{nosuchfunc .X}}");
    } catch (const CliError& e) {
        EXPECT_NE(std::string(e.what()).find("function \"nosuchfunc\" not defined"), std::string::npos);
    }
}

TEST(TemplateTable, HeaderUsesTitlesThroughFunctionsAndEscapes) {
    const std::map<std::string, std::string> titles = {{"ID", "CONTAINER ID"}, {"Names", "NAMES"}};
    const FormatTemplate table("table {{.ID}}\\t{{.Names | upper}}\\t{{.Status}}");
    EXPECT_TRUE(table.is_table());
    EXPECT_EQ(table.header(titles), "CONTAINER ID\tNAMES\tSTATUS");
    const FormatTemplate plain("{{.ID}}");
    EXPECT_FALSE(plain.is_table());

    std::ostringstream out;
    berth::cli::print_formatted(out, table,
                                {json{{"ID", "abc"}, {"Names", "web"}, {"Status", "Up 3 minutes"}},
                                 json{{"ID", "abcdef012345"}, {"Names", "db"}, {"Status", "Exited (0) 2 seconds ago"}}},
                                titles);
    EXPECT_EQ(out.str(),
              "CONTAINER ID   NAMES     STATUS\n"
              "abc            WEB       Up 3 minutes\n"
              "abcdef012345   DB        Exited (0) 2 seconds ago\n");
}

TEST(TemplateFields, LabelMethodOfListRows) {
    const json row = {{"Labels", "com.example.a=1,b=two=2"}};
    EXPECT_EQ(render("{{.Label \"com.example.a\"}}|{{.Label \"b\"}}|{{.Label \"zz\"}}", row), "1|two=2|");
    EXPECT_EQ(render("{{.Config.Label \"a\"}}"), "1");  // Labels as an object
    EXPECT_EQ(FormatTemplate("table {{.Label \"a\"}}").header({}), "LABEL");
}

TEST(TemplateTable, BareJsonIsOneObjectPerLine) {
    std::ostringstream out;
    berth::cli::print_formatted(out, FormatTemplate("json"), {json{{"A", 1}}, json{{"B", "x"}}}, {});
    EXPECT_EQ(out.str(), "{\"A\":1}\n{\"B\":\"x\"}\n");
}
