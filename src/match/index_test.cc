// The index builder's fast path for simple patterns must give exactly what
// the full compiler gives.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "core/env.h"
#include "match/index_internal.h"
#include "pattern/pattern.h"

namespace ncert::match {
namespace {

std::vector<std::string> Lines(const std::string& path, bool first_column) {
  auto text = NewPosixEnv()->ReadFile(path);
  EXPECT_TRUE(text.ok()) << text.status().ToString();
  std::vector<std::string> out;
  std::string_view rest = text.ok() ? std::string_view(*text) : "";
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
    if (first_column) line = line.substr(0, line.find('\t'));
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

TEST(SimplePatternTest, SameAtomAsTheCompiler) {
  std::vector<std::string> patterns =
      Lines("../shared/data/stix-patterns/patterns.tsv", true);
  for (std::string& p :
       Lines("../shared/data/stix-patterns/spec_examples.txt", false)) {
    patterns.push_back(std::move(p));
  }
  const size_t corpus = patterns.size();
  ASSERT_GT(corpus, 40u);
  // What feeds write (bench/gen_indicators.py's shapes and more).
  std::mt19937_64 rng(9);
  for (int i = 0; i < 300; ++i) {
    uint64_t r = rng();
    patterns.push_back(fmt::format("[ipv4-addr:value = '{}.{}.{}.{}']",
                                   r % 223 + 1, r >> 8 & 255, r >> 16 & 255,
                                   r >> 24 & 255));
    patterns.push_back(
        fmt::format("[ipv4-addr:value = '10.{}.0.0/16']", r % 256));
    patterns.push_back(
        fmt::format("[ipv6-addr:value = '2001:db8::{:x}']", r & 0xffff));
    patterns.push_back(
        fmt::format("[domain-name:value = 'Host{}.Example.COM']", r % 1000));
    patterns.push_back(fmt::format(
        "[url:value = 'https://h{}.example/a/b.php?id={}&x=%41']", i, r % 99));
    patterns.push_back(
        fmt::format("[email-addr:value = 'Phish{}@Bad.example']", i));
    patterns.push_back(fmt::format("[file:hashes.MD5 = '{:032X}']", r));
    patterns.push_back(fmt::format("[file:hashes.'MD5' = '{:032x}']", r));
    patterns.push_back(fmt::format("[file:hashes.'SHA-1' = '{:040x}']", r * 7));
    patterns.push_back(fmt::format("[file:hashes.'SHA-256' = '{:064x}']", r));
  }
  // Shapes the fast path must leave to the compiler.
  const std::vector<std::string> not_simple = {
      "[ipv4-addr:value  = '1.2.3.4']",
      "[ipv4-addr:value = '1.2.3.4'] ",
      "[ipv4-addr:value != '1.2.3.4']",
      "[ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value = '1.2.3.5']",
      "[ipv4-addr:value = '1.2.3.4'] AND [ipv4-addr:value = '1.2.3.5']",
      "[domain-name:value = 'a\\'b.example']",
      "[domain-name:value = '']",
      "[file:name = 'a.exe']",
      "[file:hashes.MD5 = 'abc']",
      "[file:hashes.MD5 = '0123456789abcdef0123456789abcdeg']",
      "[file:hashes.'SHA-512' = 'ab']",
      "[url:value MATCHES '^http']",
      "[x-custom:value = 'a']",
  };
  for (const std::string& p : not_simple) patterns.push_back(p);

  const size_t first_not_simple = patterns.size() - not_simple.size();
  size_t simple = 0, simple_generated = 0, simple_refused = 0;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const std::string& p = patterns[i];
    pattern::PrefilterAtom atom;
    if (!ParseSimplePattern(p, &atom)) continue;
    ++simple;
    simple_generated += i >= corpus && i < first_not_simple;
    simple_refused += i >= first_not_simple;
    pattern::CompileResult c = pattern::Compile(p);
    ASSERT_TRUE(c.ok()) << p;
    pattern::Prefilter pf = c.pattern->GetPrefilter();
    EXPECT_TRUE(pf.anchored) << p;
    ASSERT_EQ(pf.any_of.size(), 1u) << p;
    EXPECT_EQ(pf.any_of[0].kind, atom.kind) << p;
    EXPECT_EQ(pf.any_of[0].object_type, atom.object_type) << p;
    EXPECT_EQ(pf.any_of[0].path, atom.path) << p;
    EXPECT_EQ(pf.any_of[0].value, atom.value) << p;
    EXPECT_EQ(pf.any_of[0].string_value, atom.string_value) << p;
    EXPECT_EQ(c.pattern->expressions().size(), 1u) << p;
  }
  EXPECT_EQ(simple_generated, 3000u);  // every generated one
  EXPECT_EQ(simple_refused, 0u) << "a shape in not_simple took the fast path";
  EXPECT_GT(simple, simple_generated);  // and some of the corpus
}

}  // namespace
}  // namespace ncert::match
