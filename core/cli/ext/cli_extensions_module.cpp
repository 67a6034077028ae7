// libberth-cli-ext.so's entry point: the CliExtensions implementation that
// the berth executable finds with dlsym (cli_extensions.cpp) and calls
// through for everything that needs OpenSSL or libarchive.

#include "cli_extensions.h"
#include "ext/local_tar.h"
#include "ext/tls_stream.h"
#include "registry/base64.h"

namespace berth::cli::ext {
namespace {

class ModuleExtensions final : public CliExtensions {
public:
    std::unique_ptr<TlsClient> tls_client(const TlsFiles& files) const override { return make_tls_client(files); }

    void write_tar(const std::string& source, const std::string& top_name, bool follow_link,
                   int fd) const override {
        write_local_tar(source, top_name, follow_link, fd);
    }

    void extract_tar(int fd, const std::string& dest_dir, const std::string& from_name,
                     const std::string& to_name) const override {
        extract_local_tar(fd, dest_dir, from_name, to_name);
    }

    std::string single_file_tar(const std::string& name, std::string_view content) const override {
        return ext::single_file_tar(name, content);
    }

    build::ContextTarStats write_context_tar(const std::filesystem::path& dir, const build::ContextTarOptions& options,
                                             int out_fd) const override {
        return build::write_context_tar(dir, options, out_fd);
    }

    std::string base64_encode(std::string_view bytes) const override {
        return registry::detail::base64_encode(bytes);
    }

    std::optional<std::string> base64_decode(std::string_view text) const override {
        return registry::detail::base64_decode(text);
    }
};

}  // namespace
}  // namespace berth::cli::ext

extern "C" __attribute__((visibility("default"))) const berth::cli::CliExtensions* berth_cli_extensions_v1() {
    static const berth::cli::ext::ModuleExtensions extensions;
    return &extensions;
}
