#pragma once

#include <string>
#include <string_view>

// The libarchive work behind container_archive.h's write_tar/extract_tar
// and build_stdin.h's single_file_tar, as the extension module does it;
// the contracts are those headers'.
namespace berth::cli::ext {

void write_local_tar(const std::string& source, const std::string& top_name, bool follow_link, int fd);
void extract_local_tar(int fd, const std::string& dest_dir, const std::string& from_name, const std::string& to_name);
std::string single_file_tar(const std::string& name, std::string_view content);

}  // namespace berth::cli::ext
