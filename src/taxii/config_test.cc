#include "taxii/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/config.h"

namespace ncert::taxii {
namespace {

using ::testing::HasSubstr;

std::string Fixture() {
  std::ifstream in("tests/fixtures/taxii/ncert.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(TaxiiConfig, ReadsTheFixture) {
  std::string text = Fixture();
  ASSERT_FALSE(text.empty());
  // core's parser accepts the [taxii] section and leaves it to us.
  ASSERT_TRUE(ParseConfig(text, "ncert.toml").ok());
  auto c = ParseTaxiiConfig(text, "ncert.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->title, "ncert test server");
  EXPECT_EQ(c->max_objects_per_envelope, 500u);
  EXPECT_EQ(c->page_cache_mb, 16);
  EXPECT_EQ(TaxiiConfig().page_cache_mb, 64);  // the default
  ASSERT_EQ(c->api_roots.size(), 1u);
  const ApiRootConfig& r = c->api_roots[0];
  EXPECT_EQ(r.max_content_length, 1048576);
  ASSERT_EQ(r.collections.size(), 2u);
  EXPECT_TRUE(r.collections[0].public_read);
  EXPECT_EQ(r.collections[0].tlp, std::vector<std::string>{"clear"});
  EXPECT_EQ(r.collections[1].alias, "inbox");
  EXPECT_EQ(r.collections[1].write_roles.size(), 3u);
  EXPECT_EQ(r.collections[1].inbox_tlp, stix::Tlp::kAmber);
}

TEST(TaxiiConfig, RejectsMistakesWithTheirPlace) {
  auto err = [](std::string text) {
    auto c = ParseTaxiiConfig(text, "t.toml");
    EXPECT_FALSE(c.ok()) << text;
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_THAT(err("[taxii]\ntitel = \"x\"\n"), HasSubstr("t.toml:2:"));
  EXPECT_THAT(err("[taxii]\ntitel = \"x\"\n"), HasSubstr("taxii.titel"));
  const std::string root = "[[taxii.api_roots]]\nname = \"a\"\ntitle = \"t\"\n";
  EXPECT_THAT(err(root + "[[taxii.api_roots.collections]]\nid = \"nope\"\n"
                         "title = \"x\"\n"),
              HasSubstr("not a UUID"));
  EXPECT_THAT(
      err(root +
          "[[taxii.api_roots.collections]]\n"
          "id = \"2e4c4d5e-1111-4aaa-8bbb-000000000001\"\ntitle = \"x\"\n"
          "read_roles = [\"boss\"]\n"),
      HasSubstr("not a role"));
  EXPECT_THAT(
      err(root +
          "[[taxii.api_roots.collections]]\n"
          "id = \"2e4c4d5e-1111-4aaa-8bbb-000000000001\"\ntitle = \"x\"\n"
          "tlp = [\"purple\"]\n"),
      HasSubstr("not a TLP"));
  EXPECT_THAT(err(root + root), HasSubstr("defined twice"));
  EXPECT_THAT(err("[[taxii.api_roots]]\nname = \"../x\"\ntitle = \"t\"\n"),
              HasSubstr("API root name"));
  EXPECT_THAT(err("[taxii]\ndefault_api_root = \"zz\"\n"),
              HasSubstr("not an API root"));
  EXPECT_THAT(err("[taxii]\npage_cache_mb = -1\n"), HasSubstr("page_cache_mb"));
  EXPECT_EQ(
      ParseTaxiiConfig("[taxii]\npage_cache_mb = 0\n", "t")->page_cache_mb,
      0);  // off
  EXPECT_TRUE(ParseTaxiiConfig("[store]\npath = \"x\"\n", "t").ok());
}

}  // namespace
}  // namespace ncert::taxii
