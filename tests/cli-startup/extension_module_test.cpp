// The built berth executable links neither OpenSSL nor libarchive (they cost
// every berth process ~2 ms of start-up): its DT_NEEDED list is read from
// the ELF file itself. Commands that do not need the extension module run
// without it; one that does, from a copy of berth with no module beside it,
// fails with exit 1 and a message naming the path it looked at.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <elf.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

const fs::path kBerth = BERTH_EXECUTABLE;
const fs::path kModule = BERTH_CLI_EXT_MODULE;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The DT_NEEDED names of a 64-bit ELF file, through its section headers:
// the SHT_DYNAMIC section's entries index the string table it links to.
std::vector<std::string> needed_libraries(const fs::path& path) {
    const std::string image = read_file(path);
    std::vector<std::string> names;
    if (image.size() < sizeof(Elf64_Ehdr) || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0) return names;
    Elf64_Ehdr header;
    std::memcpy(&header, image.data(), sizeof header);
    if (header.e_ident[EI_CLASS] != ELFCLASS64) return names;
    auto section = [&](std::size_t index) {
        Elf64_Shdr out{};
        const std::size_t at = header.e_shoff + index * header.e_shentsize;
        if (at + sizeof out <= image.size()) std::memcpy(&out, image.data() + at, sizeof out);
        return out;
    };
    for (std::size_t i = 0; i < header.e_shnum; ++i) {
        const Elf64_Shdr dynamic = section(i);
        if (dynamic.sh_type != SHT_DYNAMIC) continue;
        const Elf64_Shdr strings = section(dynamic.sh_link);
        for (std::size_t at = dynamic.sh_offset; at + sizeof(Elf64_Dyn) <= dynamic.sh_offset + dynamic.sh_size;
             at += sizeof(Elf64_Dyn)) {
            Elf64_Dyn entry;
            std::memcpy(&entry, image.data() + at, sizeof entry);
            if (entry.d_tag == DT_NULL) break;
            if (entry.d_tag == DT_NEEDED && strings.sh_offset + entry.d_un.d_val < image.size())
                names.emplace_back(image.c_str() + strings.sh_offset + entry.d_un.d_val);
        }
    }
    return names;
}

struct Outcome {
    int status = -1;
    std::string output;  // stdout and stderr together
};

// Runs `program` with `args` (no shell: our paths go in argv verbatim).
Outcome run(const fs::path& program, const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], 1);
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        ::close(fds[1]);
        std::vector<char*> argv{const_cast<char*>(program.c_str())};
        for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    Outcome out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) out.output.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// A TLS command line whose first step is the module: setting up the TLS
// client comes before any connection, and the CA file (which must exist
// for the option parser) holds no certificate, so that set-up fails and no
// daemon is ever dialled.
std::vector<std::string> tls_ps(const fs::path& ca_file) {
    std::ofstream(ca_file) << "not a certificate\n";
    return {"-H", "tcp://127.0.0.1:9", "--tlsverify", "--tlscacert", ca_file.string(), "ps"};
}

// <tmp>/bin/berth, a copy with an empty <tmp>/lib/berth beside it.
class BerthCopy : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "berth-cli-ext-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        fs::create_directories(root_ / "bin");
        fs::create_directories(root_ / "lib" / "berth");
        fs::copy_file(kBerth, berth());
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    fs::path berth() const { return root_ / "bin" / "berth"; }
    fs::path module_path() const { return root_ / "lib" / "berth" / "libberth-cli-ext.so"; }

    fs::path root_;
};

TEST(CliExtensionModule, BerthNeedsNeitherOpenSslNorLibarchive) {
    const auto needed = needed_libraries(kBerth);
    ASSERT_FALSE(needed.empty()) << "no DT_NEEDED entries read from " << kBerth;
    bool has_libc = false;
    for (const auto& name : needed) {
        EXPECT_NE(name.rfind("libssl", 0), 0u) << name;
        EXPECT_NE(name.rfind("libcrypto", 0), 0u) << name;
        EXPECT_NE(name.rfind("libarchive", 0), 0u) << name;
        if (name.rfind("libc.so", 0) == 0) has_libc = true;
    }
    EXPECT_TRUE(has_libc) << "the reader missed libc";
}

TEST(CliExtensionModule, TheModuleHoldsThem) {
    // The other half of the bargain, and a check that the reader above
    // would see those names if they were there.
    bool ssl = false, archive = false;
    for (const auto& name : needed_libraries(kModule)) {
        if (name.rfind("libssl", 0) == 0) ssl = true;
        if (name.rfind("libarchive", 0) == 0) archive = true;
    }
    EXPECT_TRUE(ssl);
    EXPECT_TRUE(archive);
}

TEST_F(BerthCopy, CommandsWithoutTheModuleRun) {
    const Outcome version = run(berth(), {"--version"});
    EXPECT_EQ(version.status, 0) << version.output;
    EXPECT_NE(version.output.find("Berth version"), std::string::npos) << version.output;
    const Outcome help = run(berth(), {"ps", "--help"});
    EXPECT_EQ(help.status, 0) << help.output;
    EXPECT_NE(help.output.find("Usage:"), std::string::npos) << help.output;
}

TEST_F(BerthCopy, ACommandNeedingTheMissingModuleFails) {
    const Outcome out = run(berth(), tls_ps(root_ / "ca.pem"));
    EXPECT_EQ(out.status, 1) << out.output;
    EXPECT_NE(out.output.find("berth: cannot load " + module_path().string() + ": "), std::string::npos)
        << out.output;
}

TEST_F(BerthCopy, AnUnloadableModuleIsReportedWithTheLoadersReason) {
    // Longer than an ELF header, so the loader looks at it and refuses.
    std::ofstream(module_path()) << std::string(4096, 'x');
    const Outcome out = run(berth(), tls_ps(root_ / "ca.pem"));
    EXPECT_EQ(out.status, 1) << out.output;
    EXPECT_NE(out.output.find("berth: cannot load " + module_path().string() + ": "), std::string::npos)
        << out.output;
    EXPECT_NE(out.output.find("invalid ELF header"), std::string::npos) << out.output;
}

TEST_F(BerthCopy, TheModuleIsFoundBesideTheExecutable) {
    fs::copy_file(kModule, module_path());
    const Outcome out = run(berth(), tls_ps(root_ / "ca.pem"));
    // Loaded: now the TLS set-up itself runs and rejects the CA file.
    EXPECT_EQ(out.status, 1) << out.output;
    EXPECT_EQ(out.output.find("cannot load"), std::string::npos) << out.output;
    // At the very start, without main()'s "berth: " for unknown exceptions:
    // the module's CliError reached main() as a CliError, so exception
    // types survive the module boundary.
    EXPECT_EQ(out.output.rfind("could not load TLS CA certificate \"" + (root_ / "ca.pem").string() + "\"", 0), 0u)
        << out.output;
}

}  // namespace
