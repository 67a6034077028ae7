// `cp`'s tars (inside the CLI extension module): a tar of local paths to
// PUT into a container, and a tar from a container extracted locally, both
// with libarchive.

#include "ext/local_tar.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

namespace berth::cli::ext {
namespace {

namespace fs = std::filesystem;

struct ArchiveCloser {
    void operator()(archive* a) const {
        if (a != nullptr) archive_free(a);  // archive_free closes first
    }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveCloser>;

[[noreturn]] void archive_failed(archive* a, const std::string& what) {
    const char* message = archive_error_string(a);
    throw CliError(what + ": " + (message != nullptr ? message : "unknown error"));
}

void add_entry(archive* writer, archive* disk, const fs::path& path, const std::string& name, bool follow) {
    struct stat st {};
    if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0)
        throw CliError("lstat " + path.string() + ": " + std::strerror(errno));
    archive_entry* entry = archive_entry_new();
    archive_entry_copy_sourcepath(entry, path.c_str());
    archive_entry_copy_pathname(entry, name.c_str());
    if (archive_read_disk_entry_from_file(disk, entry, -1, &st) != ARCHIVE_OK) {
        archive_entry_free(entry);
        archive_failed(disk, "reading " + path.string());
    }
    archive_entry_copy_pathname(entry, name.c_str());
    if (archive_write_header(writer, entry) != ARCHIVE_OK) {
        archive_entry_free(entry);
        archive_failed(writer, "writing the archive");
    }
    if (S_ISREG(st.st_mode)) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            archive_entry_free(entry);
            throw CliError("open " + path.string() + ": " + std::strerror(errno));
        }
        char buffer[64 * 1024];
        ssize_t n;
        while ((n = ::read(fd, buffer, sizeof buffer)) > 0) archive_write_data(writer, buffer, static_cast<std::size_t>(n));
        ::close(fd);
    }
    archive_entry_free(entry);
    if (S_ISDIR(st.st_mode)) {
        for (const auto& child : fs::directory_iterator(path)) {
            add_entry(writer, disk, child.path(), name + "/" + child.path().filename().string(), false);
        }
    }
}

// a/b/../c style names and absolute names must not escape the destination.
bool safe_relative(const std::string& name) {
    if (name.empty() || name.front() == '/') return false;
    for (const auto& part : fs::path(name))
        if (part == "..") return false;
    return true;
}

}  // namespace

void write_local_tar(const std::string& source, const std::string& top_name, bool follow_link, int fd) {
    ArchivePtr writer(archive_write_new());
    archive_write_set_format_pax_restricted(writer.get());
    if (archive_write_open_fd(writer.get(), fd) != ARCHIVE_OK) archive_failed(writer.get(), "creating the archive");
    ArchivePtr disk(archive_read_disk_new());
    archive_read_disk_set_standard_lookup(disk.get());
    add_entry(writer.get(), disk.get(), source, top_name, follow_link);
    if (archive_write_close(writer.get()) != ARCHIVE_OK) archive_failed(writer.get(), "writing the archive");
}

void extract_local_tar(int fd, const std::string& dest_dir, const std::string& from_name, const std::string& to_name) {
    ArchivePtr reader(archive_read_new());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_fd(reader.get(), fd, 64 * 1024) != ARCHIVE_OK) archive_failed(reader.get(), "reading the archive");
    ArchivePtr writer(archive_write_disk_new());
    archive_write_disk_set_options(writer.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                     ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                     ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    archive_write_disk_set_standard_lookup(writer.get());
    archive_entry* entry = nullptr;
    for (;;) {
        const int r = archive_read_next_header(reader.get(), &entry);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) archive_failed(reader.get(), "reading the archive");
        std::string name = archive_entry_pathname(entry);
        while (name.rfind("./", 0) == 0) name.erase(0, 2);
        if (name == from_name || name.rfind(from_name + "/", 0) == 0) name = to_name + name.substr(from_name.size());
        if (!safe_relative(name)) throw CliError("refusing to extract \"" + name + "\" outside the destination");
        const std::string target = (fs::path(dest_dir) / name).string();
        archive_entry_copy_pathname(entry, target.c_str());
        if (const char* link = archive_entry_hardlink(entry)) {
            std::string link_name = link;
            if (link_name == from_name || link_name.rfind(from_name + "/", 0) == 0)
                link_name = to_name + link_name.substr(from_name.size());
            archive_entry_copy_hardlink(entry, (fs::path(dest_dir) / link_name).c_str());
        }
        if (archive_write_header(writer.get(), entry) != ARCHIVE_OK) archive_failed(writer.get(), "extracting " + name);
        const void* block = nullptr;
        std::size_t size = 0;
        la_int64_t offset = 0;
        while (archive_read_data_block(reader.get(), &block, &size, &offset) == ARCHIVE_OK)
            if (archive_write_data_block(writer.get(), block, size, offset) != ARCHIVE_OK)
                archive_failed(writer.get(), "extracting " + name);
        archive_write_finish_entry(writer.get());
    }
    archive_write_close(writer.get());
}

}  // namespace berth::cli::ext
