// volume_record.h — a volume's metadata file, <data-root>/volumes/<name>/
// volume.json: driver, labels, options, creation time. Written with
// util::write_file_atomic, so a kill -9 leaves the old file or the new one,
// plus at worst a ".volume.json.tmp-XXXXXX" leftover that loading sweeps.
#pragma once

#include "volumes/volume.h"

#include <filesystem>
#include <optional>
#include <string>

namespace berth::volumes {

inline constexpr const char *kRecordFile = "volume.json";
inline constexpr const char *kDataDir = "_data";

std::string record_json(const Volume &v);

// nullopt when the text is not a well-formed record; the caller logs and
// skips it. name and mountpoint are not stored: they come from the path.
std::optional<Volume> parse_record(const std::string &text);

// Writes <dir>/volume.json atomically. Throws InternalError on failure.
void write_record(const std::filesystem::path &dir, const Volume &v);

// True for write_file_atomic's temp names (".volume.json.tmp-XXXXXX"): what
// a kill -9 in the middle of write_record leaves behind.
bool is_record_temp(const std::string &filename);

} // namespace berth::volumes
