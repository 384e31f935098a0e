// Tests of deterministic SCO identifiers (sco_id.h, STIX 2.1 section 2.9).
//
// Where the expected ids come from:
//  * file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d is a published example
//    (name "resume.pdf" with MD5 and SHA-1 hashes): the id the OASIS stix2
//    Python library generates, with MD5 chosen as the single hash.
//  * The STIX 2.1 specification's own SCO examples do NOT carry ids derived
//    by its algorithm (e.g. its ipv4-addr example for "198.51.100.3" uses
//    ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd, which no canonical form
//    of {"value": "198.51.100.3"} produces), so they cannot serve as vectors.
//  * All other values were cross-checked by hand with Python:
//      uuid.uuid5(uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7"),
//                 json.dumps(props, sort_keys=True, separators=(",", ":"),
//                            ensure_ascii=False))
#include "stix/sco_id.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace ncert::stix {
namespace {

Result<std::string> Compute(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(padded).get(root), simdjson::SUCCESS) << json;
  return ComputeScoId(root);
}

std::string IdOf(std::string_view json) {
  Result<std::string> id = Compute(json);
  EXPECT_TRUE(id.ok()) << json << ": " << id.status().ToString();
  return id.ok() ? *id : std::string();
}

TEST(ScoIdTest, PublishedFileExample) {
  EXPECT_EQ(IdOf(R"({"type": "file", "spec_version": "2.1",
                     "hashes": {"MD5": "1717b7fff97d37a1e1a0029d83492de1",
                                "SHA-1": "c79a326f8411e9488bdc3779753e1e3489aaedea"},
                     "size": 83968, "name": "resume.pdf"})"),
            "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d");
}

TEST(ScoIdTest, ValueTypes) {
  EXPECT_EQ(IdOf(R"({"type": "ipv4-addr", "value": "198.51.100.3"})"),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  EXPECT_EQ(IdOf(R"({"type": "domain-name", "value": "example.com"})"),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
  EXPECT_EQ(IdOf(R"({"type": "url",
                     "value": "https://example.com/research/index.html"})"),
            "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55");
  EXPECT_EQ(IdOf(R"({"type": "email-addr", "value": "john@example.com",
                     "display_name": "John Doe"})"),
            "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934");
  EXPECT_EQ(IdOf(R"({"type": "ipv6-addr", "value": "2001:0db8::/96"})"),
            "ipv6-addr--084d3b4c-7785-568a-a569-0c61c95754ab");
  // Non-ASCII text is hashed as UTF-8, unescaped.
  EXPECT_EQ(IdOf(R"({"type": "domain-name", "value": "例え.jp"})"),
            "domain-name--23e4afa5-dfcd-52bd-87a6-10a971d48a94");
}

TEST(ScoIdTest, OnlyContributingPropertiesCount) {
  // Non-contributing properties (spec_version, size, display_name,
  // object_marking_refs, …) and member order do not change the id.
  EXPECT_EQ(IdOf(R"({"name": "foo.dll", "type": "file",
                     "hashes": {"SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"},
                     "size": 25536, "spec_version": "2.1",
                     "id": "file--00000000-0000-4000-8000-000000000000"})"),
            "file--949eb97a-da1e-5292-8959-03c4249dc9f3");
  EXPECT_EQ(IdOf(R"({"type": "autonomous-system", "number": 15139,
                     "name": "Slime Industries", "rir": "ARIN"})"),
            "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff");
  EXPECT_EQ(IdOf(R"({"type": "user-account", "user_id": "1001",
                     "account_login": "jdoe", "account_type": "unix",
                     "display_name": "John Doe"})"),
            "user-account--f94d689e-707d-58c3-b803-c720bb6ed096");
  EXPECT_EQ(IdOf(R"({"type": "email-message", "is_multipart": false,
                     "from_ref": "email-addr--89f52ea8-d6ef-51e9-8fce-6a29236436ed",
                     "subject": "Saw this cool picture of you",
                     "date": "1997-11-21T15:55:06.000Z"})"),
            "email-message--a8e8bff2-1591-56af-8876-acff33ca02d9");
  EXPECT_EQ(IdOf(R"({"type": "network-traffic",
                     "src_ref": "ipv4-addr--e42c19c8-f9fe-5ae9-9fc8-22c398f78fb7",
                     "dst_ref": "ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53",
                     "src_port": 223, "dst_port": 80,
                     "protocols": ["ipv4", "tcp"], "src_byte_count": 10})"),
            "network-traffic--2aa7a763-8b27-532c-a37b-445c3c7b5b71");
}

TEST(ScoIdTest, OneHashIsChosen) {
  // MD5 first, whatever the order in the object and whatever else is there.
  std::string md5_only = IdOf(R"({"type": "file", "name": "resume.pdf",
      "hashes": {"MD5": "1717b7fff97d37a1e1a0029d83492de1"}})");
  EXPECT_EQ(md5_only, "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d");
  EXPECT_EQ(IdOf(R"({"type": "file", "name": "resume.pdf",
      "hashes": {"SHA-512": "00", "SHA-256": "11",
                 "MD5": "1717b7fff97d37a1e1a0029d83492de1", "SHA-1": "22"}})"),
            md5_only);
  // Then SHA-1, SHA-256, SHA-512.
  EXPECT_EQ(IdOf(R"({"type": "file", "name": "resume.pdf",
      "hashes": {"SHA-256": "ab", "SHA-1": "c79a326f8411e9488bdc3779753e1e3489aaedea"}})"),
            "file--286db84a-0ddc-5a29-bd88-af5a12290a9a");
  EXPECT_EQ(IdOf(R"({"type": "file", "name": "foo.dll",
      "hashes": {"SSDEEP": "3:a:b",
                 "SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}})"),
            "file--949eb97a-da1e-5292-8959-03c4249dc9f3");
  // None of the four: the first one in the object.
  EXPECT_EQ(IdOf(R"({"type": "file", "hashes": {"TLSH": "a", "SSDEEP": "b"}})"),
            IdOf(R"({"type": "file", "hashes": {"TLSH": "a"}})"));
  EXPECT_NE(
      IdOf(R"({"type": "file", "hashes": {"TLSH": "a", "SSDEEP": "b"}})"),
      IdOf(R"({"type": "file", "hashes": {"SSDEEP": "b", "TLSH": "a"}})"));
}

TEST(ScoIdTest, NoDeterministicId) {
  // process always uses UUIDv4; so do custom types (their extension defines
  // the contributing properties) and objects with none of them present.
  EXPECT_EQ(Compute(R"({"type": "process", "pid": 1})").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      Compute(R"({"type": "x-acme-gadget", "serial": "1"})").status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(Compute(R"({"type": "email-message", "is_multipart": false})")
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Compute(R"({"type": "file", "hashes": {}})").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Compute(R"({"value": "198.51.100.3"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Compute(R"(["ipv4-addr"])").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ScoIdTest, ContributingPropertyLists) {
  EXPECT_EQ(ScoIdContributingProperties("file").size(), 4u);
  EXPECT_EQ(ScoIdContributingProperties("network-traffic").size(), 8u);
  EXPECT_TRUE(ScoIdContributingProperties("process").empty());
  EXPECT_TRUE(ScoIdContributingProperties("indicator").empty());
  // Every SCO but process has a list.
  for (std::string_view t :
       {"artifact", "autonomous-system", "directory", "domain-name",
        "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr",
        "mac-addr", "mutex", "network-traffic", "software", "url",
        "user-account", "windows-registry-key", "x509-certificate"}) {
    EXPECT_FALSE(ScoIdContributingProperties(t).empty()) << t;
  }
}

}  // namespace
}  // namespace ncert::stix
