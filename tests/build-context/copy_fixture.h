// copy_fixture.h — a source root (the context), a destination rootfs and a
// scratch directory, and plan() returning the COPY/ADD tar's entries.
#pragma once

#include "build/context/copy_plan.h"

#include "tar_fixture.h"

#include <gtest/gtest.h>

#include <unistd.h>

namespace berth::build::test {

class CopyFixture : public ::testing::Test {
protected:
    CopyRequest request(std::vector<std::string> sources, std::string dest) {
        CopyRequest r;
        r.sources = std::move(sources);
        r.dest = std::move(dest);
        return r;
    }
    CopyPlan plan_of(const CopyRequest &r) {
        images::UniqueFd src = context.open(), dst = rootfs.open();
        return plan_copy(src.get(), dst.get(), r, scratch.path().string());
    }
    std::vector<TarEntry> plan(const CopyRequest &r, std::string *checksum = nullptr) {
        CopyPlan p = plan_of(r);
        EXPECT_EQ(::lseek(p.tar.get(), 0, SEEK_CUR), 0) << "tar not rewound";
        if (checksum) *checksum = p.checksum;
        return read_tar(p.tar.get());
    }
    std::string checksum(const CopyRequest &r) {
        images::UniqueFd src = context.open();
        return copy_checksum(src.get(), r);
    }
    // what() of the CopyError plan_copy throws, "" if none.
    std::string error_of(const CopyRequest &r) {
        try {
            plan_of(r);
        } catch (const CopyError &e) {
            return e.what();
        }
        return "";
    }

    TempDir context, rootfs, scratch;
};

} // namespace berth::build::test
