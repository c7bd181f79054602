#include "ingest/shards/parquet_writer.h"

#include <snappy.h>
#include <zstd.h>

#include <bit>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "common/coding.h"
#include "common/version.h"
#include "ingest/shards/column_stats.h"
#include "ingest/shards/output_file.h"
#include "ingest/shards/rle_hybrid.h"
#include "ingest/shards/row_validation.h"
#include "ingest/shards/thrift_compact.h"

namespace gleaner::shards {

namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding below copies values in host byte order");

// Enum values and field ids of parquet.thrift that this writer uses.
namespace pq {
enum PhysicalType : int32_t { kBoolean = 0, kInt64 = 2, kDouble = 5, kByteArray = 6 };
enum Repetition : int32_t { kRequired = 0, kOptional = 1 };
enum ConvertedType : int32_t { kUtf8 = 0, kTimestampMicros = 10 };
enum Encoding : int32_t { kPlain = 0, kRle = 3, kRleDictionary = 8 };
enum Codec : int32_t { kUncompressed = 0, kSnappy = 1, kZstd = 6 };
enum PageType : int32_t { kDataPage = 0, kDictionaryPage = 2 };
}  // namespace pq

constexpr std::string_view kMagic = "PAR1";
constexpr int kDefinitionLevelBitWidth = 1;  // flat schema: max level 1

pq::PhysicalType PhysicalTypeOf(schema::ColumnType type) {
  switch (type) {
    case schema::ColumnType::kString:
      return pq::kByteArray;
    case schema::ColumnType::kInt64:
    case schema::ColumnType::kTimestampMicros:
      return pq::kInt64;
    case schema::ColumnType::kDouble:
      return pq::kDouble;
    case schema::ColumnType::kBool:
      return pq::kBoolean;
  }
  return pq::kByteArray;
}

pq::Codec CodecOf(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return pq::kUncompressed;
    case Compression::kSnappy:
      return pq::kSnappy;
    case Compression::kZstd:
      return pq::kZstd;
  }
  return pq::kUncompressed;
}

// The PLAIN bytes of a min/max statistic.
std::string StatisticBytes(const v1::Value& value, bool is_max) {
  std::string out;
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      return value.string_value();
    case v1::Value::kIntValue:
      PutFixed64(&out, static_cast<uint64_t>(value.int_value()));
      break;
    case v1::Value::kTimestampMicros:
      PutFixed64(&out, static_cast<uint64_t>(value.timestamp_micros()));
      break;
    case v1::Value::kDoubleValue: {
      // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum,
      // so that a reader pruning on either zero keeps the row group.
      double d = value.double_value();
      if (d == 0) d = is_max ? 0.0 : -0.0;
      PutFixed64(&out, std::bit_cast<uint64_t>(d));
      break;
    }
    case v1::Value::kBoolValue:
      out.push_back(value.bool_value() ? 1 : 0);
      break;
    default:
      break;
  }
  return out;
}

// Values of one column for the row group being buffered. Only non-null
// values are stored; `defined` tells which rows have one.
struct ColumnBuffer {
  std::vector<uint8_t> defined;  // one per row, only for nullable columns
  std::vector<int64_t> ints;     // kInt64 and kTimestampMicros
  std::vector<double> doubles;
  std::vector<uint8_t> bools;
  std::string string_bytes;  // all strings back to back
  std::vector<size_t> string_ends;
  ColumnStatsTracker stats;
  int64_t plain_bytes = 0;  // PLAIN size of the stored values

  std::string_view string_at(size_t i) const {
    const size_t begin = i == 0 ? 0 : string_ends[i - 1];
    return std::string_view(string_bytes).substr(begin, string_ends[i] - begin);
  }
};

// Where one column chunk landed in the file, for the footer.
struct ChunkInfo {
  ColumnStatsTracker stats;
  bool dictionary = false;
  int64_t num_values = 0;
  int64_t start_offset = 0;
  int64_t data_page_offset = 0;
  int64_t uncompressed_bytes = 0;
  int64_t compressed_bytes = 0;
};

struct RowGroupInfo {
  std::vector<ChunkInfo> chunks;
  int64_t num_rows = 0;
};

// A page-sized slice of a chunk: rows [row_begin, row_end) whose non-null
// values are [value_begin, value_end).
struct PageSpan {
  size_t row_begin = 0, row_end = 0;
  size_t value_begin = 0, value_end = 0;
};

// Dictionary of one string column chunk: distinct values in first-seen
// order and each value's index.
struct StringDictionary {
  std::vector<std::string_view> entries;
  std::vector<uint32_t> indices;  // one per non-null value
  int bit_width = 1;
};

class ParquetWriter : public ShardWriter {
 public:
  ParquetWriter(std::vector<ColumnSpec> columns, const WriterOptions& options)
      : columns_(std::move(columns)),
        options_(options),
        buffers_(columns_.size()),
        file_stats_(columns_.size()) {}

  Status Open(const std::string& path) {
    GLEANER_RETURN_IF_ERROR(file_.Open(path));
    return file_.Append(kMagic);
  }

  Status Append(const std::vector<v1::Value>& row) override {
    GLEANER_RETURN_IF_ERROR(CheckRow(columns_, row));
    for (size_t i = 0; i < row.size(); ++i) AppendValue(i, row[i]);
    ++buffered_rows_;
    ++total_rows_;
    if (buffered_rows_ >= options_.row_group_rows || BufferedBytes() >= options_.row_group_bytes) {
      return FlushRowGroup();
    }
    return Status::OK();
  }

  Status Close(ShardStats* stats) override {
    GLEANER_RETURN_IF_ERROR(FlushRowGroup());
    const std::string footer = EncodeFooter();
    GLEANER_RETURN_IF_ERROR(file_.Append(footer));
    std::string trailer;
    PutFixed32(&trailer, static_cast<uint32_t>(footer.size()));
    trailer += kMagic;
    GLEANER_RETURN_IF_ERROR(file_.Append(trailer));
    GLEANER_RETURN_IF_ERROR(file_.Close());
    if (stats != nullptr) {
      stats->rows = total_rows_;
      stats->bytes = file_.size();
      stats->columns.clear();
      for (const ColumnStatsTracker& tracker : file_stats_)
        stats->columns.push_back(tracker.stats());
    }
    return Status::OK();
  }

 private:
  void AppendValue(size_t column, const v1::Value& value) {
    ColumnBuffer& buffer = buffers_[column];
    const bool is_null = IsNull(value);
    if (columns_[column].nullable) buffer.defined.push_back(is_null ? 0 : 1);
    if (is_null) {
      buffer.stats.Add(value);
      return;
    }
    switch (value.kind_case()) {
      case v1::Value::kStringValue: {
        v1::Value scratch;
        const v1::Value& repaired = WithValidUtf8(value, &scratch);
        buffer.string_bytes += repaired.string_value();
        buffer.string_ends.push_back(buffer.string_bytes.size());
        buffer.plain_bytes += 4 + static_cast<int64_t>(repaired.string_value().size());
        buffer.stats.Add(repaired);
        return;
      }
      case v1::Value::kIntValue:
        buffer.ints.push_back(value.int_value());
        buffer.plain_bytes += 8;
        break;
      case v1::Value::kTimestampMicros:
        buffer.ints.push_back(value.timestamp_micros());
        buffer.plain_bytes += 8;
        break;
      case v1::Value::kDoubleValue:
        buffer.doubles.push_back(value.double_value());
        buffer.plain_bytes += 8;
        break;
      case v1::Value::kBoolValue:
        buffer.bools.push_back(value.bool_value() ? 1 : 0);
        buffer.plain_bytes += 1;
        break;
      default:
        break;
    }
    buffer.stats.Add(value);
  }

  int64_t BufferedBytes() const {
    int64_t total = 0;
    for (const ColumnBuffer& buffer : buffers_) {
      total += buffer.plain_bytes + static_cast<int64_t>(buffer.defined.size());
    }
    return total;
  }

  Status FlushRowGroup() {
    if (buffered_rows_ == 0) return Status::OK();
    RowGroupInfo group;
    group.num_rows = buffered_rows_;
    for (size_t c = 0; c < columns_.size(); ++c) {
      ChunkInfo chunk;
      GLEANER_RETURN_IF_ERROR(WriteChunk(c, &chunk));
      file_stats_[c].Merge(chunk.stats);
      group.chunks.push_back(std::move(chunk));
      buffers_[c] = ColumnBuffer();
    }
    row_groups_.push_back(std::move(group));
    buffered_rows_ = 0;
    return Status::OK();
  }

  // Decides whether a string chunk is worth a dictionary and builds it.
  std::optional<StringDictionary> BuildDictionary(const ColumnBuffer& buffer) const {
    const size_t count = buffer.string_ends.size();
    if (count == 0) return std::nullopt;
    StringDictionary dictionary;
    std::unordered_map<std::string_view, uint32_t> index_of;
    int64_t dictionary_bytes = 0;
    dictionary.indices.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const std::string_view value = buffer.string_at(i);
      auto [it, inserted] = index_of.try_emplace(value, dictionary.entries.size());
      if (inserted) {
        dictionary.entries.push_back(value);
        dictionary_bytes += 4 + static_cast<int64_t>(value.size());
        if (dictionary_bytes > options_.dictionary_page_bytes) return std::nullopt;
      }
      dictionary.indices.push_back(it->second);
    }
    // Values that repeat less than twice on average cost more as dictionary
    // plus indices than as PLAIN.
    if (dictionary.entries.size() * 2 > count) return std::nullopt;
    dictionary.bit_width = BitWidthFor(static_cast<uint32_t>(dictionary.entries.size() - 1));
    return dictionary;
  }

  // Cuts the chunk into pages of about options_.page_bytes of encoded values.
  std::vector<PageSpan> SplitPages(size_t column, const StringDictionary* dictionary) const {
    const ColumnBuffer& buffer = buffers_[column];
    const bool nullable = columns_[column].nullable;
    const int64_t page_bits = options_.page_bytes * 8;
    std::vector<PageSpan> pages;
    PageSpan page;
    int64_t bits = 0;
    size_t value = 0;
    for (size_t row = 0; row < static_cast<size_t>(buffered_rows_); ++row) {
      if (!nullable || buffer.defined[row] != 0) {
        if (dictionary != nullptr) {
          bits += dictionary->bit_width;
        } else if (columns_[column].type == schema::ColumnType::kString) {
          bits += 8 * (4 + static_cast<int64_t>(buffer.string_at(value).size()));
        } else if (columns_[column].type == schema::ColumnType::kBool) {
          bits += 1;
        } else {
          bits += 64;
        }
        ++value;
      }
      if (bits >= page_bits) {
        page.row_end = row + 1;
        page.value_end = value;
        pages.push_back(page);
        page = PageSpan{row + 1, row + 1, value, value};
        bits = 0;
      }
    }
    page.row_end = buffered_rows_;
    page.value_end = value;
    if (page.row_end > page.row_begin) pages.push_back(page);
    return pages;
  }

  void EncodePlainValues(const ColumnBuffer& buffer, schema::ColumnType type, size_t begin,
                         size_t end, std::string* out) const {
    switch (type) {
      case schema::ColumnType::kString:
        for (size_t i = begin; i < end; ++i) {
          const std::string_view value = buffer.string_at(i);
          PutFixed32(out, static_cast<uint32_t>(value.size()));
          out->append(value);
        }
        break;
      case schema::ColumnType::kInt64:
      case schema::ColumnType::kTimestampMicros:
        out->append(reinterpret_cast<const char*>(buffer.ints.data() + begin),
                    (end - begin) * sizeof(int64_t));
        break;
      case schema::ColumnType::kDouble:
        out->append(reinterpret_cast<const char*>(buffer.doubles.data() + begin),
                    (end - begin) * sizeof(double));
        break;
      case schema::ColumnType::kBool: {
        // PLAIN booleans are bit-packed, least significant bit first.
        std::string packed((end - begin + 7) / 8, '\0');
        for (size_t i = begin; i < end; ++i) {
          if (buffer.bools[i] != 0)
            packed[(i - begin) / 8] |= static_cast<char>(1 << ((i - begin) % 8));
        }
        out->append(packed);
        break;
      }
    }
  }

  Status Compress(const std::string& raw, std::string* out) const {
    switch (options_.compression) {
      case Compression::kNone:
        *out = raw;
        return Status::OK();
      case Compression::kSnappy:
        snappy::Compress(raw.data(), raw.size(), out);
        return Status::OK();
      case Compression::kZstd: {
        out->resize(ZSTD_compressBound(raw.size()));
        const size_t size =
            ZSTD_compress(out->data(), out->size(), raw.data(), raw.size(), options_.zstd_level);
        if (ZSTD_isError(size)) {
          return Status::IOError(std::string("zstd compression failed: ") +
                                 ZSTD_getErrorName(size));
        }
        out->resize(size);
        return Status::OK();
      }
    }
    return Status::OK();
  }

  // Compresses `body`, writes header and body, and accounts for both.
  Status WritePage(pq::PageType type, const std::string& body, int32_t num_values,
                   pq::Encoding encoding, ChunkInfo* chunk) {
    std::string compressed;
    GLEANER_RETURN_IF_ERROR(Compress(body, &compressed));
    CompactWriter header;
    header.FieldI32(1, type);
    header.FieldI32(2, static_cast<int32_t>(body.size()));
    header.FieldI32(3, static_cast<int32_t>(compressed.size()));
    if (type == pq::kDataPage) {
      header.BeginStructField(5);
      header.FieldI32(1, num_values);
      header.FieldI32(2, encoding);
      header.FieldI32(3, pq::kRle);  // definition levels
      header.FieldI32(4, pq::kRle);  // repetition levels (none in a flat schema)
      header.EndStruct();
    } else {
      header.BeginStructField(7);
      header.FieldI32(1, num_values);
      header.FieldI32(2, encoding);
      header.EndStruct();
    }
    const std::string header_bytes = header.Finish();
    GLEANER_RETURN_IF_ERROR(file_.Append(header_bytes));
    GLEANER_RETURN_IF_ERROR(file_.Append(compressed));
    chunk->uncompressed_bytes += static_cast<int64_t>(header_bytes.size() + body.size());
    chunk->compressed_bytes += static_cast<int64_t>(header_bytes.size() + compressed.size());
    return Status::OK();
  }

  Status WriteChunk(size_t column, ChunkInfo* chunk) {
    const ColumnBuffer& buffer = buffers_[column];
    const ColumnSpec& spec = columns_[column];
    chunk->stats = buffer.stats;
    chunk->num_values = buffered_rows_;
    chunk->start_offset = file_.size();

    std::optional<StringDictionary> dictionary;
    if (spec.type == schema::ColumnType::kString) dictionary = BuildDictionary(buffer);
    chunk->dictionary = dictionary.has_value();
    std::string body;
    if (dictionary) {
      for (std::string_view entry : dictionary->entries) {
        PutFixed32(&body, static_cast<uint32_t>(entry.size()));
        body.append(entry);
      }
      GLEANER_RETURN_IF_ERROR(WritePage(pq::kDictionaryPage, body,
                                        static_cast<int32_t>(dictionary->entries.size()),
                                        pq::kPlain, chunk));
    }
    chunk->data_page_offset = file_.size();

    std::vector<uint32_t> levels;
    for (const PageSpan& page : SplitPages(column, dictionary ? &*dictionary : nullptr)) {
      body.clear();
      if (spec.nullable) {
        levels.assign(buffer.defined.begin() + page.row_begin,
                      buffer.defined.begin() + page.row_end);
        std::string encoded_levels;
        AppendRleBitPackedHybrid(levels, kDefinitionLevelBitWidth, &encoded_levels);
        PutFixed32(&body, static_cast<uint32_t>(encoded_levels.size()));
        body += encoded_levels;
      }
      if (dictionary) {
        body.push_back(static_cast<char>(dictionary->bit_width));
        AppendRleBitPackedHybrid(std::span<const uint32_t>(dictionary->indices)
                                     .subspan(page.value_begin, page.value_end - page.value_begin),
                                 dictionary->bit_width, &body);
      } else {
        EncodePlainValues(buffer, spec.type, page.value_begin, page.value_end, &body);
      }
      GLEANER_RETURN_IF_ERROR(WritePage(pq::kDataPage, body,
                                        static_cast<int32_t>(page.row_end - page.row_begin),
                                        dictionary ? pq::kRleDictionary : pq::kPlain, chunk));
    }
    return Status::OK();
  }

  void EncodeSchema(CompactWriter* w) const {
    w->BeginListField(2, CompactType::kStruct, static_cast<uint32_t>(columns_.size() + 1));
    w->BeginListStruct();  // the root: a group holding every column
    w->FieldBinary(4, "schema");
    w->FieldI32(5, static_cast<int32_t>(columns_.size()));
    w->EndStruct();
    for (const ColumnSpec& spec : columns_) {
      w->BeginListStruct();
      w->FieldI32(1, PhysicalTypeOf(spec.type));
      w->FieldI32(3, spec.nullable ? pq::kOptional : pq::kRequired);
      w->FieldBinary(4, spec.name);
      if (spec.type == schema::ColumnType::kString) {
        w->FieldI32(6, pq::kUtf8);
        w->BeginStructField(10);  // LogicalType
        w->BeginStructField(1);   // STRING
        w->EndStruct();
        w->EndStruct();
      } else if (spec.type == schema::ColumnType::kTimestampMicros) {
        w->FieldI32(6, pq::kTimestampMicros);
        w->BeginStructField(10);  // LogicalType
        w->BeginStructField(8);   // TIMESTAMP
        w->FieldBool(1, true);    // isAdjustedToUTC
        w->BeginStructField(2);   // unit
        w->BeginStructField(2);   // MICROS
        w->EndStruct();
        w->EndStruct();
        w->EndStruct();
        w->EndStruct();
      }
      w->EndStruct();
    }
  }

  void EncodeChunk(const ColumnSpec& spec, const ChunkInfo& chunk, CompactWriter* w) const {
    w->BeginListStruct();  // ColumnChunk
    w->FieldI64(2, chunk.start_offset);
    w->BeginStructField(3);  // ColumnMetaData
    w->FieldI32(1, PhysicalTypeOf(spec.type));
    if (chunk.dictionary) {
      w->BeginListField(2, CompactType::kI32, 3);
      w->ListI32(pq::kPlain);
      w->ListI32(pq::kRle);
      w->ListI32(pq::kRleDictionary);
    } else {
      w->BeginListField(2, CompactType::kI32, 2);
      w->ListI32(pq::kPlain);
      w->ListI32(pq::kRle);
    }
    w->BeginListField(3, CompactType::kBinary, 1);
    w->ListBinary(spec.name);
    w->FieldI32(4, CodecOf(options_.compression));
    w->FieldI64(5, chunk.num_values);
    w->FieldI64(6, chunk.uncompressed_bytes);
    w->FieldI64(7, chunk.compressed_bytes);
    w->FieldI64(9, chunk.data_page_offset);
    if (chunk.dictionary) w->FieldI64(11, chunk.start_offset);
    w->BeginStructField(12);  // Statistics
    w->FieldI64(3, chunk.stats.stats().null_count);
    if (chunk.stats.has_min_max()) {
      w->FieldBinary(5, StatisticBytes(chunk.stats.stats().max, /*is_max=*/true));
      w->FieldBinary(6, StatisticBytes(chunk.stats.stats().min, /*is_max=*/false));
    }
    w->EndStruct();
    w->EndStruct();
    w->EndStruct();
  }

  std::string EncodeFooter() const {
    CompactWriter w;
    w.FieldI32(1, 1);  // version
    EncodeSchema(&w);
    w.FieldI64(3, total_rows_);
    w.BeginListField(4, CompactType::kStruct, static_cast<uint32_t>(row_groups_.size()));
    for (const RowGroupInfo& group : row_groups_) {
      w.BeginListStruct();
      w.BeginListField(1, CompactType::kStruct, static_cast<uint32_t>(group.chunks.size()));
      int64_t uncompressed = 0, compressed = 0;
      for (size_t c = 0; c < group.chunks.size(); ++c) {
        EncodeChunk(columns_[c], group.chunks[c], &w);
        uncompressed += group.chunks[c].uncompressed_bytes;
        compressed += group.chunks[c].compressed_bytes;
      }
      w.FieldI64(2, uncompressed);
      w.FieldI64(3, group.num_rows);
      w.FieldI64(5, group.chunks.empty() ? 0 : group.chunks.front().start_offset);
      w.FieldI64(6, compressed);
      w.EndStruct();
    }
    w.FieldBinary(6, std::string("gleaner version ") + kVersion);
    // TYPE_ORDER for every column: min_value/max_value follow the logical
    // type's order (unsigned bytes for strings).
    w.BeginListField(7, CompactType::kStruct, static_cast<uint32_t>(columns_.size()));
    for (size_t c = 0; c < columns_.size(); ++c) {
      w.BeginListStruct();
      w.BeginStructField(1);
      w.EndStruct();
      w.EndStruct();
    }
    return w.Finish();
  }

  const std::vector<ColumnSpec> columns_;
  const WriterOptions options_;
  OutputFile file_;
  std::vector<ColumnBuffer> buffers_;
  std::vector<ColumnStatsTracker> file_stats_;
  std::vector<RowGroupInfo> row_groups_;
  int64_t buffered_rows_ = 0;
  int64_t total_rows_ = 0;
};

}  // namespace

Status OpenParquetWriter(const std::string& path, const std::vector<ColumnSpec>& columns,
                         const WriterOptions& options, std::unique_ptr<ShardWriter>* out) {
  if (columns.empty()) return Status::InvalidArgument("a Parquet shard needs at least one column");
  if (options.row_group_bytes <= 0 || options.row_group_rows <= 0 || options.page_bytes <= 0) {
    return Status::InvalidArgument("row group and page sizes must be positive");
  }
  auto writer = std::make_unique<ParquetWriter>(columns, options);
  GLEANER_RETURN_IF_ERROR(writer->Open(path));
  *out = std::move(writer);
  return Status::OK();
}

}  // namespace gleaner::shards
