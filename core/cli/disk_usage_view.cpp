#include "disk_usage_view.h"

#include <map>

#include "byte_units.h"
#include "format_output.h"
#include "format_template.h"
#include "human_time.h"
#include "json_text.h"
#include "tab_writer.h"

namespace berth::cli {
namespace {

using nlohmann::json;

constexpr const char* kSummaryFormat =
    "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

const std::map<std::string, std::string>& summary_titles() {
    static const std::map<std::string, std::string> titles = {{"Type", "TYPE"},
                                                              {"TotalCount", "TOTAL"},
                                                              {"Active", "ACTIVE"},
                                                              {"Size", "SIZE"},
                                                              {"Reclaimable", "RECLAIMABLE"}};
    return titles;
}

std::int64_t number(const json& node, std::string_view key, std::int64_t fallback = 0) {
    if (!node.is_object()) return fallback;
    const auto it = node.find(key);
    return it != node.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
}

std::string text(const json& node, std::string_view key) { return field_or(node, key, ""); }

// units.HumanSize: four significant digits.
std::string human(std::int64_t bytes) { return decimal_size(static_cast<double>(bytes)); }

// "<size> (<percent>%)" of a total, or the bare size when the total is 0
// (docker avoids a division by zero that way).
std::string with_percent(std::int64_t reclaimable, std::int64_t total) {
    if (total > 0) return human(reclaimable) + " (" + std::to_string(reclaimable * 100 / total) + "%)";
    return human(reclaimable);
}

json row(const char* type, std::size_t total, std::int64_t active, std::string size, std::string reclaimable) {
    return {{"Type", type},
            {"TotalCount", std::to_string(total)},
            {"Active", std::to_string(active)},
            {"Size", std::move(size)},
            {"Reclaimable", std::move(reclaimable)}};
}

json images_row(const json& usage) {
    const json& images = array_field(usage, "Images");
    const std::int64_t total = number(usage, "LayersSize");
    std::int64_t active = 0, used = 0;
    for (const auto& image : images) {
        const std::int64_t containers = number(image, "Containers");
        if (containers > 0) ++active;
        // Bytes only this in-use image holds are what pruning cannot free.
        if (containers != 0) {
            const std::int64_t size = number(image, "Size", -1), shared = number(image, "SharedSize", -1);
            if (size != -1 && shared != -1) used += size - shared;
        }
    }
    return row("Images", images.size(), active, human(total), with_percent(total - used, total));
}

// docker's isActive: the State text mentions running, paused or restarting.
bool container_active(const json& container) {
    const std::string state = text(container, "State");
    return state.find("running") != std::string::npos || state.find("paused") != std::string::npos ||
           state.find("restarting") != std::string::npos;
}

json containers_row(const json& usage) {
    const json& containers = array_field(usage, "Containers");
    std::int64_t active = 0, total = 0, reclaimable = 0;
    for (const auto& c : containers) {
        const std::int64_t size = number(c, "SizeRw");
        total += size;
        if (container_active(c))
            ++active;
        else
            reclaimable += size;
    }
    return row("Containers", containers.size(), active, human(total), with_percent(reclaimable, total));
}

json volumes_row(const json& usage) {
    const json& volumes = array_field(usage, "Volumes");
    std::int64_t active = 0, total = 0, reclaimable = 0;
    for (const auto& v : volumes) {
        const json& data = object_field(v, "UsageData");
        const std::int64_t refs = number(data, "RefCount", -1), size = number(data, "Size", -1);
        if (refs > 0) ++active;
        if (size == -1) continue; // not measured (another driver's volume)
        total += size;
        if (refs == 0) reclaimable += size;
    }
    return row("Local Volumes", volumes.size(), active, human(total), with_percent(reclaimable, total));
}

json build_cache_row(const json& usage) {
    const json& records = array_field(usage, "BuildCache");
    std::int64_t active = 0, size = 0, in_use = 0;
    for (const auto& r : records) {
        const bool used = r.value("InUse", false), shared = r.value("Shared", false);
        if (used) ++active;
        if (!shared) size += number(r, "Size");
        if (used && !shared) in_use += number(r, "Size");
    }
    return row("Build Cache", records.size(), active, human(size), human(size - in_use));
}

// Verbose sections -------------------------------------------------------

std::string size3(std::int64_t bytes) { return decimal_size(static_cast<double>(bytes), 3); }

// "repo:tag" split at the tag's colon (a registry port has a "/" after it).
std::pair<std::string, std::string> repo_and_tag(const json& image) {
    const json& tags = array_field(image, "RepoTags");
    if (tags.empty() || !tags[0].is_string()) return {"<none>", "<none>"};
    const std::string first = tags[0].get<std::string>();
    if (first == "<none>:<none>") return {"<none>", "<none>"};
    const auto colon = first.rfind(':');
    if (colon == std::string::npos || first.find('/', colon) != std::string::npos) return {"<none>", "<none>"};
    return {first.substr(0, colon), first.substr(colon + 1)};
}

// SIZE has three significant digits, SHARED SIZE and UNIQUE SIZE four, as
// docker's image formatter prints them.
void print_images(std::ostream& out, const json& usage, std::int64_t now) {
    TabWriter table;
    table.add_row({"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"});
    for (const auto& image : array_field(usage, "Images")) {
        const auto [repo, tag] = repo_and_tag(image);
        const std::int64_t size = number(image, "Size", -1), shared = number(image, "SharedSize", -1);
        const std::int64_t containers = number(image, "Containers", -1);
        table.add_row({repo, tag, truncate_id(text(image, "Id")), created_since(number(image, "Created"), now),
                       size3(size), shared == -1 ? "N/A" : human(shared),
                       size == -1 || shared == -1 ? "N/A" : human(size - shared),
                       containers == -1 ? "N/A" : std::to_string(containers)});
    }
    table.print(out);
}

// docker's ContainerContext.Image with truncation: an ID shows as its short
// form, a digest is dropped from a name.
std::string container_image(const json& c) {
    const std::string image = text(c, "Image");
    if (image.empty()) return "<no image>";
    const std::string id = text(c, "ImageID");
    if (!id.empty() && truncate_id(id) == truncate_id(image)) return truncate_id(id);
    if (const auto at = image.find('@'); at != std::string::npos) return image.substr(0, at);
    return image;
}

// Names without the leading "/", links ("/a/b") left out, comma-joined.
std::string container_names(const json& c) {
    std::string out;
    for (const auto& n : array_field(c, "Names")) {
        if (!n.is_string()) continue;
        std::string name = n.get<std::string>();
        if (!name.empty() && name[0] == '/') name.erase(0, 1);
        if (name.find('/') != std::string::npos) continue;
        out += (out.empty() ? "" : ",") + name;
    }
    return out;
}

std::string local_volumes(const json& c) {
    int count = 0;
    for (const auto& m : array_field(c, "Mounts"))
        if (text(m, "Driver") == "local") ++count;
    return std::to_string(count);
}

// Go's strconv.Quote for the printable text a command is.
std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

void print_containers(std::ostream& out, const json& usage, std::int64_t now) {
    TabWriter table;
    table.add_row({"CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"});
    for (const auto& c : array_field(usage, "Containers")) {
        // The verbose view leaves out the virtual size (SizeRootFs).
        table.add_row({truncate_id(text(c, "Id")), container_image(c), quoted(ellipsis(text(c, "Command"), 20)),
                       local_volumes(c), size3(number(c, "SizeRw")), created_since(number(c, "Created"), now),
                       text(c, "Status"), container_names(c)});
    }
    table.print(out);
}

void print_volumes(std::ostream& out, const json& usage) {
    TabWriter table;
    table.add_row({"VOLUME NAME", "LINKS", "SIZE"});
    for (const auto& v : array_field(usage, "Volumes")) {
        const json& data = object_field(v, "UsageData");
        const bool known = v.is_object() && v.contains("UsageData") && data.is_object();
        table.add_row({text(v, "Name"), known ? std::to_string(number(data, "RefCount")) : "N/A",
                       known ? human(number(data, "Size")) : "N/A"});
    }
    table.print(out);
}

void print_build_cache(std::ostream& out, const json& usage) {
    std::int64_t size = 0;
    for (const auto& r : array_field(usage, "BuildCache"))
        if (!r.value("Shared", false)) size += number(r, "Size");
    out << "\nBuild cache usage: " << human(size) << "\n\n";
    TabWriter table;
    table.add_row({"CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"});
    // The engine keeps no build cache records (BuildCache is always empty).
    table.print(out);
}

}  // namespace

std::vector<json> disk_usage_rows(const json& usage) {
    return {images_row(usage), containers_row(usage), volumes_row(usage), build_cache_row(usage)};
}

void print_disk_usage(std::ostream& out, const json& usage, const std::string& format) {
    const FormatTemplate tmpl(format.empty() || format == "table" ? kSummaryFormat : format);
    print_formatted(out, tmpl, disk_usage_rows(usage), summary_titles());
}

void print_disk_usage_verbose(std::ostream& out, const json& usage, std::int64_t now_unix) {
    out << "Images space usage:\n\n";
    print_images(out, usage, now_unix);
    out << "\nContainers space usage:\n\n";
    print_containers(out, usage, now_unix);
    out << "\nLocal Volumes space usage:\n\n";
    print_volumes(out, usage);
    print_build_cache(out, usage);
}

}  // namespace berth::cli
