#include "images/errors.h"
#include "images/import_changes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using berth::images::apply_config_changes;
using berth::images::InvalidArgument;
using nlohmann::json;

TEST(ImportChanges, ExecAndShellForms) {
    auto c = json::parse(apply_config_changes("{}", {R"(CMD ["sh"])", "ENTRYPOINT echo hi"}));
    EXPECT_EQ(c["Cmd"], json::array({"sh"}));
    EXPECT_EQ(c["Entrypoint"], json::array({"/bin/sh", "-c", "echo hi"}));
}

TEST(ImportChanges, EnvLabelsPortsVolumesAndScalars) {
    auto c = json::parse(apply_config_changes(
        R"({"Env":["PATH=/bin"]})",
        {"ENV PATH=/usr/bin:/bin A=\"x y\"", "ENV B legacy form", "LABEL a=1 b=two", "EXPOSE 80 53/udp",
         R"(VOLUME ["/data"])", "VOLUME /logs /cache", "USER nobody", "WORKDIR /srv", "STOPSIGNAL SIGINT",
         "ONBUILD RUN true", "HEALTHCHECK NONE"}));
    EXPECT_EQ(c["Env"], json::array({"PATH=/usr/bin:/bin", "A=x y", "B=legacy form"}));
    EXPECT_EQ(c["Labels"]["b"], "two");
    EXPECT_TRUE(c["ExposedPorts"].contains("80/tcp"));
    EXPECT_TRUE(c["ExposedPorts"].contains("53/udp"));
    EXPECT_TRUE(c["Volumes"].contains("/data"));
    EXPECT_TRUE(c["Volumes"].contains("/logs"));
    EXPECT_TRUE(c["Volumes"].contains("/cache"));
    EXPECT_EQ(c["User"], "nobody");
    EXPECT_EQ(c["WorkingDir"], "/srv");
    EXPECT_EQ(c["StopSignal"], "SIGINT");
    EXPECT_EQ(c["OnBuild"], json::array({"RUN true"}));
    EXPECT_EQ(c["Healthcheck"]["Test"], json::array({"NONE"}));
}

TEST(ImportChanges, RefusesWhatIsNotAConfigChange) {
    try {
        apply_config_changes("{}", {"RUN rm -rf /"});
        FAIL() << "RUN accepted";
    } catch (const InvalidArgument &e) {
        EXPECT_STREQ(e.what(), "RUN is not a valid change command");
    }
    EXPECT_THROW(apply_config_changes("{}", {"ENV"}), InvalidArgument);
    EXPECT_THROW(apply_config_changes("{}", {"LABEL =x"}), InvalidArgument);
    EXPECT_THROW(apply_config_changes("{}", {"ENV A=\"unterminated"}), InvalidArgument);
    EXPECT_THROW(apply_config_changes("[]", {}), InvalidArgument);
}
