#include "telemetry/event.h"

#include <fmt/format.h>

#include <cstring>

#include "core/hex.h"

namespace ncert::telemetry {
namespace {

// Parses a dotted-quad IPv4 strictly: four decimal parts 0..255, no leading
// zeros, nothing else. Each part is one to three digits read unrolled.
bool ParseV4(std::string_view s, uint8_t* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    if (p == end) return false;
    unsigned v = static_cast<unsigned char>(*p) - '0';
    if (v > 9) return false;
    ++p;
    if (p != end &&
        static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') <= 9) {
      if (v == 0) return false;  // leading zero
      v = v * 10 + (static_cast<unsigned char>(*p) - '0');
      ++p;
      if (p != end &&
          static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') <= 9) {
        v = v * 10 + (static_cast<unsigned char>(*p) - '0');
        ++p;
        if (v > 255) return false;
        if (p != end &&
            static_cast<unsigned>(static_cast<unsigned char>(*p) - '0') <= 9) {
          return false;  // four digits
        }
      }
    }
    out[part] = static_cast<uint8_t>(v);
  }
  return p == end;
}

// RFC 4291 section 2.2 text forms, including one "::" and a trailing dotted
// quad. No zone ids, no brackets.
bool ParseV6(std::string_view s, uint8_t* out) {
  uint16_t words[8] = {};
  int n = 0;
  int gap = -1;  // index in words where "::" was
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    if (n >= 8) return false;
    // A dotted quad may end the address.
    size_t end = s.find(':', i);
    std::string_view part =
        s.substr(i, end == std::string_view::npos ? s.size() - i : end - i);
    if (end == std::string_view::npos &&
        part.find('.') != std::string_view::npos) {
      if (n > 6) return false;
      uint8_t v4[4];
      if (!ParseV4(part, v4)) return false;
      words[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      words[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      i = s.size();
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    uint16_t w = 0;
    for (char c : part) {
      int h = HexDigitValue(c);
      if (h < 0) return false;
      w = static_cast<uint16_t>(w << 4 | h);
    }
    words[n++] = w;
    i += part.size();
    if (i == s.size()) break;
    // s[i] == ':'
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = n;
      ++i;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  if (gap >= 0) {
    if (n >= 8) return false;  // "::" must stand for at least one word
    int tail = n - gap;
    uint16_t full[8] = {};
    for (int k = 0; k < gap; ++k) full[k] = words[k];
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = words[gap + k];
    std::memcpy(words, full, sizeof(words));
  } else if (n != 8) {
    return false;
  }
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(words[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(words[k] & 0xff);
  }
  return true;
}

constexpr size_t kBlockSize = 256 * 1024;

}  // namespace

std::optional<IpAddr> IpAddr::Parse(std::string_view text) {
  IpAddr a;
  if (text.empty() || text.size() > 45) return std::nullopt;
  // Text that is a dotted quad has no ':' (no search for one first).
  if (ParseV4(text, a.bytes.data())) {
    a.family = 4;
    return a;
  }
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  uint8_t b[16];
  if (!ParseV6(text, b)) return std::nullopt;
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(b, kMapped, 12) == 0) {
    a.family = 4;
    std::memcpy(a.bytes.data(), b + 12, 4);
    return a;
  }
  a.family = 6;
  std::memcpy(a.bytes.data(), b, 16);
  return a;
}

std::string IpAddr::ToString() const {
  if (family == 4) {
    return fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
  }
  if (family != 6) return "";
  uint16_t w[8];
  for (int k = 0; k < 8; ++k) {
    w[k] = static_cast<uint16_t>(bytes[2 * k] << 8 | bytes[2 * k + 1]);
  }
  // RFC 5952 4.2: the longest run (first if tied) of two or more zero words
  // becomes "::".
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (w[k] != 0) {
      ++k;
      continue;
    }
    int j = k;
    while (j < 8 && w[j] == 0) ++j;
    if (j - k > best_len && j - k >= 2) {
      best = k;
      best_len = j - k;
    }
    k = j;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", w[k]);
  }
  return out;
}

std::string_view EventBatch::Intern(std::string_view s) {
  return InternPadded(s, 0);
}

std::string& EventBatch::BlockWithRoom(size_t need) {
  // The current block, or the next kept one with room, or a new one. A
  // block in use never grows: views into it stay valid. A kept block this
  // batch has not used yet holds no views, so one too small for `need` is
  // grown instead of skipped (else every larger run of lines would leave a
  // block behind, and the kept blocks pile up).
  while (current_ < blocks_.size() &&
         blocks_[current_].capacity() - blocks_[current_].size() < need) {
    std::string& b = blocks_[current_];
    if (b.empty()) {
      arena_bytes_ -= b.capacity();
      b.reserve(std::max(need, kBlockSize));
      arena_bytes_ += b.capacity();
      break;
    }
    ++current_;
  }
  if (current_ == blocks_.size()) {
    blocks_.emplace_back();
    blocks_.back().reserve(std::max(need, kBlockSize));
    arena_bytes_ += blocks_.back().capacity();
  }
  return blocks_[current_];
}

std::string_view EventBatch::InternConcat(std::string_view a,
                                          std::string_view b,
                                          std::string_view c) {
  std::string& block = BlockWithRoom(a.size() + b.size() + c.size());
  size_t at = block.size();
  block.append(a.data(), a.size());
  block.append(b.data(), b.size());
  block.append(c.data(), c.size());
  return std::string_view(block.data() + at, block.size() - at);
}

std::string_view EventBatch::InternPadded(std::string_view s, size_t padding) {
  size_t need = s.size() + padding;
  std::string& b = BlockWithRoom(need);
  size_t at = b.size();
  b.append(s.data(), s.size());
  if (padding > 0) b.append(padding, '\0');
  return std::string_view(b.data() + at, s.size());
}

void EventBatch::Clear() {
  events.clear();
  // The blocks are kept, emptied: the next batch writes into the same
  // memory instead of returning it to the system and faulting fresh pages
  // in (the arena is bounded by what one batch needs).
  for (std::string& b : blocks_) b.clear();
  current_ = 0;
}

}  // namespace ncert::telemetry
