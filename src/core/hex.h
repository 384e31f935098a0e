// One hexadecimal digit's value: the parsers of outside input (telemetry's
// audit and Zeek escapes, IPv6 text, URL percent-encoding, stored ids) share
// this one definition.
//
// Thread safety: a pure function.
#ifndef NCERT_CORE_HEX_H_
#define NCERT_CORE_HEX_H_

namespace ncert {

// 0-15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for any other byte.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace ncert

#endif  // NCERT_CORE_HEX_H_
