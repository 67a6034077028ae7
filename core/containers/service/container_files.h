// container_files.h — the per-container /etc files Docker bind-mounts into
// every container: hostname, hosts and resolv.conf (runtime-defaults.md §9).
// Pure text builders plus one writer, so the network drivers can regenerate
// hosts/resolv.conf when a container joins a network.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace berth::containers {

struct EtcFilesInput {
    std::string hostname;
    std::string domainname;
    std::string network_mode;                 // "none", "host", "bridge", a network name
    std::vector<std::string> extra_hosts;     // --add-host "name:ip"
    std::vector<std::string> addresses;       // the container's own IPs
    bool ipv6_loopback = true;                // lo has ::1
    std::vector<std::string> dns, dns_search, dns_options; // per container, else daemon defaults
    std::string host_hosts;                   // the host's /etc/hosts text (--net host)
    std::string host_resolv;                  // the host's /etc/resolv.conf text
    std::string host_resolv_path = "/etc/resolv.conf";
    // On a user-defined network: the embedded DNS at 127.0.0.11 answers, and
    // forwards what it does not know to the host's servers.
    bool embedded_dns = false;
};

std::string hosts_text(const EtcFilesInput &in);
std::string resolv_conf_text(const EtcFilesInput &in);

struct EtcFilePaths {
    std::filesystem::path hostname, hosts, resolv_conf;
};

// A small text file's content ("" when it cannot be read): the host's
// /etc/hosts and /etc/resolv.conf, a container's resolv.conf.
std::string read_text_file(const std::filesystem::path &path);

// Writes the three files into dir (mode 0644, atomically); returns their paths.
EtcFilePaths write_etc_files(const std::filesystem::path &dir, const EtcFilesInput &in);

} // namespace berth::containers
