// The binary format shared by the three sketches (private to sensors/):
//
//   magic      4 bytes  "NCHL" / "NCCM" / "NCSS"
//   version    1 byte   1
//   body       sketch-specific, all integers little-endian
//   checksum   8 bytes  XXH3-64 (seed 0) of every byte before it
//
// A blob is checked whole before anything is built from it: magic, version,
// checksum, every length against the bytes left, every value against its
// range. Nothing read from a blob is trusted to size an allocation before it
// has been checked against the blob's own length.
//
// Thread safety: a Writer / Reader is used by one thread.
#ifndef NCERT_SENSORS_SKETCH_INTERNAL_H_
#define NCERT_SENSORS_SKETCH_INTERNAL_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"
#include "sensors/sketch_hash.h"

namespace ncert::sensors::internal {

inline constexpr uint8_t kSketchFormatVersion = 1;

class BlobWriter {
 public:
  explicit BlobWriter(std::string_view magic) {
    out_.append(magic);
    out_.push_back(static_cast<char>(kSketchFormatVersion));
  }
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void F64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    U64(bits);
  }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Bytes(const void* p, size_t n) {
    out_.append(static_cast<const char*>(p), n);
  }
  // Appends the checksum and returns the blob.
  std::string Finish() {
    U64(SketchHash(out_.data(), out_.size()));
    return std::move(out_);
  }

 private:
  void Fixed(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  std::string out_;
};

class BlobReader {
 public:
  // Checks magic, version and checksum; `what` names the sketch in errors.
  static Result<BlobReader> Open(std::string_view blob, std::string_view magic,
                                 std::string_view what) {
    if (blob.size() < magic.size() + 1 + 8) {
      return Status::Corruption(std::string(what) + ": blob too short (" +
                                std::to_string(blob.size()) + " bytes)");
    }
    if (blob.substr(0, magic.size()) != magic) {
      return Status::Corruption(std::string(what) + ": bad magic");
    }
    uint8_t version = static_cast<uint8_t>(blob[magic.size()]);
    if (version != kSketchFormatVersion) {
      return Status::Corruption(std::string(what) +
                                ": unsupported format version " +
                                std::to_string(version));
    }
    std::string_view body = blob.substr(0, blob.size() - 8);
    uint64_t stored = 0;
    for (int i = 0; i < 8; ++i) {
      stored |=
          static_cast<uint64_t>(static_cast<uint8_t>(blob[body.size() + i]))
          << (8 * i);
    }
    if (stored != SketchHash(body.data(), body.size())) {
      return Status::Corruption(std::string(what) + ": checksum mismatch");
    }
    return BlobReader(body.substr(magic.size() + 1), what);
  }

  size_t remaining() const { return data_.size() - pos_; }
  bool U8(uint8_t* v) { return Fixed(v, 1); }
  bool U32(uint32_t* v) { return Fixed(v, 4); }
  bool U64(uint64_t* v) { return Fixed(v, 8); }
  bool F64(double* v) {
    uint64_t bits;
    if (!U64(&bits)) return false;
    std::memcpy(v, &bits, 8);
    return true;
  }
  bool Varint(uint64_t* v) {
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 63 && b > 1) return false;  // overflows 64 bits
      r |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = r;
        return true;
      }
    }
    return false;
  }
  bool Bytes(void* p, size_t n) {
    if (remaining() < n) return false;
    std::memcpy(p, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  Status Error(std::string_view msg) const {
    return Status::Corruption(std::string(what_) + ": " + std::string(msg) +
                              " at byte " + std::to_string(pos_));
  }

 private:
  BlobReader(std::string_view data, std::string_view what)
      : data_(data), what_(what) {}
  template <typename T>
  bool Fixed(T* v, int n) {
    if (remaining() < static_cast<size_t>(n)) return false;
    uint64_t r = 0;
    for (int i = 0; i < n; ++i) {
      r |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i]))
           << (8 * i);
    }
    pos_ += n;
    *v = static_cast<T>(r);
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
  std::string_view what_;
};

}  // namespace ncert::sensors::internal

#endif  // NCERT_SENSORS_SKETCH_INTERNAL_H_
