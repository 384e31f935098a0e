// Tests of the STIX 2.1 validator (validate.h), its tables (spec.h) and the
// TLP marking constants (markings.h).
//
// The invalid-object table starts from a valid base object of each type and
// breaks one MUST of the specification (a top-level merge patch: members of
// the patch replace the base's, null removes them), then expects that rule at
// that JSON pointer. Section numbers refer to STIX Version 2.1 (OASIS
// Standard, 10 June 2021).
#include "stix/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "stix/markings.h"
#include "stix/spec.h"

namespace ncert::stix {
namespace {

// --- Helpers
// -------------------------------------------------------------------

std::string Describe(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& i : issues) {
    out += i.severity == Severity::kError ? "  E " : "  W ";
    out += i.rule + " at '" + i.pointer + "': " + i.message + "\n";
  }
  return out;
}

struct Outcome {
  bool ok = false;
  std::vector<Issue> issues;
};

Outcome Validate(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  Outcome out;
  auto error = parser.parse(padded).get(root);
  EXPECT_EQ(error, simdjson::SUCCESS) << json;
  if (error) return out;
  out.ok = ValidateObject(root, &out.issues);
  return out;
}

bool HasIssue(const std::vector<Issue>& issues, Severity severity,
              std::string_view rule, std::string_view pointer) {
  for (const Issue& i : issues) {
    if (i.severity == severity && i.rule == rule && i.pointer == pointer) {
      return true;
    }
  }
  return false;
}

// --- Valid base objects, one (or more) per type ------------------------------

const std::map<std::string, std::string>& Bases() {
  static const auto* bases = new std::map<std::string, std::string>{
      {"attack-pattern", R"({
        "type": "attack-pattern", "spec_version": "2.1",
        "id": "attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2016-05-12T08:17:27.000Z",
        "modified": "2016-05-12T08:17:27.000Z",
        "name": "Spear Phishing", "description": "Phishing with a lure",
        "external_references": [
          {"source_name": "capec", "external_id": "CAPEC-163"}],
        "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                               "phase_name": "delivery"}]})"},
      {"campaign", R"({
        "type": "campaign", "spec_version": "2.1",
        "id": "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
        "created": "2016-04-06T20:03:00.000Z",
        "modified": "2016-04-06T20:03:00.000Z",
        "name": "Green Group Attacks Against Finance",
        "first_seen": "2016-01-08T12:50:40.123Z",
        "last_seen": "2016-02-08T12:50:40.123Z",
        "labels": ["finance"], "confidence": 80, "lang": "en",
        "revoked": false,
        "object_marking_refs": [
          "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]})"},
      {"course-of-action", R"({
        "type": "course-of-action", "spec_version": "2.1",
        "id": "course-of-action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "name": "Add TCP port 80 Filter Rule to the existing Block UDP 1434 Filter",
        "description": "This is how to add a filter rule to block inbound access to TCP port 80 to the existing UDP 1434 filter ..."})"},
      {"grouping", R"({
        "type": "grouping", "spec_version": "2.1",
        "id": "grouping--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
        "created": "2015-12-21T19:59:11.000Z",
        "modified": "2015-12-21T19:59:11.000Z",
        "name": "The Black Vine Cyberespionage Group",
        "context": "suspicious-activity",
        "object_refs": ["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
                        "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c"]})"},
      {"identity", R"({
        "type": "identity", "spec_version": "2.1",
        "id": "identity--023d105b-752e-4e3c-941c-7d3f3cb15e9e",
        "created": "2016-04-06T20:03:00.000Z",
        "modified": "2016-04-06T20:03:00.000Z",
        "name": "John Smith", "identity_class": "individual",
        "sectors": ["financial-services"], "roles": ["analyst"],
        "contact_information": "john@example.com"})"},
      {"incident", R"({
        "type": "incident", "spec_version": "2.1",
        "id": "incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:00.000Z",
        "modified": "2016-04-06T20:03:00.000Z",
        "name": "Breach of the payroll server"})"},
      {"indicator", R"({
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "indicator_types": ["malicious-activity"],
        "name": "Poison Ivy Malware",
        "description": "This file is part of Poison Ivy",
        "pattern": "[ file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]",
        "pattern_type": "stix", "pattern_version": "2.1",
        "valid_from": "2016-01-01T00:00:00Z",
        "valid_until": "2017-01-01T00:00:00Z"})"},
      {"infrastructure", R"({
        "type": "infrastructure", "spec_version": "2.1",
        "id": "infrastructure--38c47d93-d984-4fd9-b87b-d69d0841628d",
        "created": "2016-05-07T11:22:30.000Z",
        "modified": "2016-05-07T11:22:30.000Z",
        "name": "Poison Ivy C2",
        "infrastructure_types": ["command-and-control"],
        "first_seen": "2016-05-07T11:22:30Z"})"},
      {"intrusion-set", R"({
        "type": "intrusion-set", "spec_version": "2.1",
        "id": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "name": "Bobcat Breakin", "aliases": ["Zookeeper"],
        "goals": ["acquisition-theft"], "resource_level": "government",
        "primary_motivation": "organizational-gain",
        "secondary_motivations": ["personal-gain"]})"},
      {"location", R"({
        "type": "location", "spec_version": "2.1",
        "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
        "created": "2016-04-06T20:03:00.000Z",
        "modified": "2016-04-06T20:03:00.000Z",
        "region": "south-eastern-asia", "country": "th",
        "administrative_area": "Tak", "postal_code": "63170"})"},
      {"location-coords", R"({
        "type": "location", "spec_version": "2.1",
        "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d65",
        "created": "2016-04-06T20:03:00.000Z",
        "modified": "2016-04-06T20:03:00.000Z",
        "latitude": 48.8566, "longitude": 2.3522, "precision": 100.0})"},
      {"malware", R"({
        "type": "malware", "spec_version": "2.1",
        "id": "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2016-05-12T08:17:27.000Z",
        "modified": "2016-05-12T08:17:27.000Z",
        "name": "Cryptolocker", "malware_types": ["ransomware"],
        "is_family": true, "first_seen": "2016-05-12T08:17:27Z",
        "last_seen": "2016-06-12T08:17:27Z",
        "architecture_execution_envs": ["x86"],
        "implementation_languages": ["c++"],
        "capabilities": ["anti-sandbox"],
        "operating_system_refs": ["software--c9d8b3c8-5f8b-5c8c-8c47-bc5f5e2a4b9d"],
        "sample_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"]})"},
      {"malware-analysis", R"({
        "type": "malware-analysis", "spec_version": "2.1",
        "id": "malware-analysis--d25167b7-fed0-4068-9ccd-a73dd2c5b07c",
        "created": "2018-01-01T00:00:00.000Z",
        "modified": "2018-01-01T00:00:00.000Z",
        "product": "microsoft", "analysis_engine_version": "5.1.0",
        "analysis_definition_version": "053df0d",
        "submitted": "2018-11-23T06:45:55.747Z",
        "analysis_started": "2018-11-29T07:30:03.895Z",
        "analysis_ended": "2018-11-29T08:30:03.895Z",
        "result": "malicious",
        "sample_ref": "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"})"},
      {"note", R"({
        "type": "note", "spec_version": "2.1",
        "id": "note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2016-05-12T08:17:27.000Z",
        "modified": "2016-05-12T08:17:27.000Z",
        "abstract": "Tracking Team Note#1",
        "content": "This note indicates the various steps taken by the threat analyst team to investigate this specific campaign.",
        "authors": ["John Doe"],
        "object_refs": ["campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})"},
      {"observed-data", R"({
        "type": "observed-data", "spec_version": "2.1",
        "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
        "created": "2016-04-06T19:58:16.000Z",
        "modified": "2016-04-06T19:58:16.000Z",
        "first_observed": "2015-12-21T19:00:00Z",
        "last_observed": "2015-12-21T19:00:00Z",
        "number_observed": 50,
        "object_refs": ["ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8",
                        "domain-name--ecb120bf-2694-4902-a737-62b74539a41b"]})"},
      {"opinion", R"({
        "type": "opinion", "spec_version": "2.1",
        "id": "opinion--b01efc25-77b4-4003-b18b-f6e24b5cd9f7",
        "created": "2016-05-12T08:17:27.000Z",
        "modified": "2016-05-12T08:17:27.000Z",
        "object_refs": ["relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471"],
        "opinion": "strongly-disagree",
        "explanation": "This doesn't seem like it is feasible."})"},
      {"report", R"({
        "type": "report", "spec_version": "2.1",
        "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
        "created": "2015-12-21T19:59:11.000Z",
        "modified": "2015-12-21T19:59:11.000Z",
        "name": "The Black Vine Cyberespionage Group",
        "report_types": ["campaign"],
        "published": "2016-01-20T17:00:00.000Z",
        "object_refs": ["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]})"},
      {"threat-actor", R"({
        "type": "threat-actor", "spec_version": "2.1",
        "id": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "threat_actor_types": ["crime-syndicate"], "name": "Evil Org",
        "aliases": ["Syndicate 1"], "roles": ["director"],
        "sophistication": "advanced", "resource_level": "organization",
        "primary_motivation": "personal-gain",
        "first_seen": "2015-01-01T00:00:00Z"})"},
      {"tool", R"({
        "type": "tool", "spec_version": "2.1",
        "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "tool_types": ["remote-access"], "name": "VNC",
        "tool_version": "4.1"})"},
      {"vulnerability", R"({
        "type": "vulnerability", "spec_version": "2.1",
        "id": "vulnerability--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
        "created": "2016-05-12T08:17:27.000Z",
        "modified": "2016-05-12T08:17:27.000Z",
        "name": "CVE-2016-1234",
        "external_references": [
          {"source_name": "cve", "external_id": "CVE-2016-1234"}]})"},
      {"relationship", R"({
        "type": "relationship", "spec_version": "2.1",
        "id": "relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e",
        "created": "2016-04-06T20:06:37.000Z",
        "modified": "2016-04-06T20:06:37.000Z",
        "relationship_type": "indicates",
        "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
        "start_time": "2016-01-01T00:00:00Z",
        "stop_time": "2016-02-01T00:00:00Z"})"},
      {"sighting", R"({
        "type": "sighting", "spec_version": "2.1",
        "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
        "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
        "created": "2016-04-06T20:08:31.000Z",
        "modified": "2016-04-06T20:08:31.000Z",
        "first_seen": "2015-12-21T19:00:00Z",
        "last_seen": "2015-12-21T19:00:00Z", "count": 50,
        "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "observed_data_refs": ["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"],
        "where_sighted_refs": ["identity--b67d30ff-02ac-498a-92f9-32f845f448ff"],
        "summary": false})"},
      {"artifact", R"({
        "type": "artifact", "spec_version": "2.1",
        "id": "artifact--b59b75f8-e97c-5000-8974-e94a4ce78737",
        "mime_type": "application/zip", "payload_bin": "aGVsbG8gd29ybGQ=",
        "encryption_algorithm": "mime-type-indicated",
        "decryption_key": "My voice is my passport"})"},
      {"artifact-url", R"({
        "type": "artifact", "spec_version": "2.1",
        "id": "artifact--b91bcf06-0d11-5a89-9c3a-8d4279aefe56",
        "mime_type": "image/jpeg",
        "url": "https://upload.wikimedia.org/wikipedia/commons/b/b4/JPEG_example_JPG_RIP_100.jpg",
        "hashes": {"SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}})"},
      {"autonomous-system", R"({
        "type": "autonomous-system", "spec_version": "2.1",
        "id": "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff",
        "number": 15139, "name": "Slime Industries", "rir": "ARIN"})"},
      {"directory", R"({
        "type": "directory", "spec_version": "2.1",
        "id": "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622",
        "path": "C:\\Windows\\System32",
        "contains_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"]})"},
      {"domain-name", R"({
        "type": "domain-name", "spec_version": "2.1",
        "id": "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7",
        "value": "example.com",
        "resolves_to_refs": ["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]})"},
      {"email-addr", R"({
        "type": "email-addr", "spec_version": "2.1",
        "id": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
        "value": "john@example.com", "display_name": "John Doe",
        "belongs_to_ref": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096"})"},
      {"email-message", R"({
        "type": "email-message", "spec_version": "2.1",
        "id": "email-message--faf52cf0-6685-5eed-8123-33b28fcc14b9",
        "is_multipart": false, "date": "1997-11-21T15:55:06.000Z",
        "from_ref": "email-addr--89f52ea8-d6ef-51e9-8fce-6a29236436ed",
        "to_refs": ["email-addr--d1b3bf0c-f02a-51a1-8102-11aba7959868"],
        "subject": "Saw this cool picture of you",
        "additional_header_fields": {"X-Mailer": "Mutt"},
        "body": "Hello"})"},
      {"email-message-multipart", R"({
        "type": "email-message", "spec_version": "2.1",
        "id": "email-message--cf9b4b7f-14c8-5955-8065-020e0316b559",
        "is_multipart": true,
        "body_multipart": [
          {"content_type": "text/plain; charset=utf-8",
           "content_disposition": "inline", "body": "Cats are funny!"},
          {"content_type": "image/png",
           "body_raw_ref": "artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5"}]})"},
      {"file", R"({
        "type": "file", "spec_version": "2.1",
        "id": "file--aff0b5f0-e102-533c-b20b-70bd076ea7ad",
        "hashes": {"SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"},
        "name": "foo.dll", "size": 25536, "magic_number_hex": "4D5A",
        "parent_directory_ref": "directory--93c0a9b0-520d-545d-9094-1a08ddf46b05"})"},
      {"ipv4-addr", R"({
        "type": "ipv4-addr", "spec_version": "2.1",
        "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
        "value": "198.51.100.3"})"},
      {"ipv6-addr", R"({
        "type": "ipv6-addr", "spec_version": "2.1",
        "id": "ipv6-addr--084d3b4c-7785-568a-a569-0c61c95754ab",
        "value": "2001:0db8::/96"})"},
      {"mac-addr", R"({
        "type": "mac-addr", "spec_version": "2.1",
        "id": "mac-addr--757b1725-9903-54f5-a855-1240691d7659",
        "value": "d2:fb:49:24:37:18"})"},
      {"mutex", R"({
        "type": "mutex", "spec_version": "2.1",
        "id": "mutex--f93fe911-e545-5239-b9b0-597840d0c871",
        "name": "__CLEANSWEEP__"})"},
      {"network-traffic", R"({
        "type": "network-traffic", "spec_version": "2.1",
        "id": "network-traffic--cc7f45bb-3ffa-5a6f-bd65-44ff14865a39",
        "src_ref": "ipv4-addr--e42c19c8-f9fe-5ae9-9fc8-22c398f78fb7",
        "dst_ref": "ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53",
        "src_port": 223, "dst_port": 80, "protocols": ["ipv4", "tcp"],
        "start": "2016-01-01T00:00:00Z", "end": "2016-01-01T00:01:00Z",
        "is_active": false, "src_byte_count": 147600,
        "extensions": {"tcp-ext": {"src_flags_hex": "00000002"}}})"},
      {"process", R"({
        "type": "process", "spec_version": "2.1",
        "id": "process--f52a906a-0dfc-40bd-92f1-e7778ead38a9",
        "pid": 1221, "created_time": "2016-01-20T14:11:25.55Z",
        "command_line": "./gedit-bin --new-window",
        "environment_variables": {"PATH": "/usr/bin"},
        "image_ref": "file--e04f22d1-be2c-59de-add8-10f61d15fe20",
        "extensions": {"windows-process-ext": {"aslr_enabled": true,
                                                "integrity_level": "high"}}})"},
      {"software", R"({
        "type": "software", "spec_version": "2.1",
        "id": "software--710b0b41-d4d0-5d6c-a400-fc9254554ffc",
        "name": "Word", "cpe": "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
        "version": "2002", "vendor": "Microsoft", "languages": ["en"]})"},
      {"url", R"({
        "type": "url", "spec_version": "2.1",
        "id": "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55",
        "value": "https://example.com/research/index.html"})"},
      {"user-account", R"({
        "type": "user-account", "spec_version": "2.1",
        "id": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096",
        "user_id": "1001", "account_login": "jdoe", "account_type": "unix",
        "display_name": "John Doe", "is_service_account": false,
        "account_created": "2016-01-20T12:31:12Z",
        "extensions": {"unix-account-ext": {"gid": 1001,
                        "groups": ["wheel"], "home_dir": "/home/jdoe",
                        "shell": "/bin/bash"}}})"},
      {"windows-registry-key", R"({
        "type": "windows-registry-key", "spec_version": "2.1",
        "id": "windows-registry-key--a485b5d9-834c-5558-9a81-be947e91b3ec",
        "key": "HKEY_LOCAL_MACHINE\\System\\Foo\\Bar",
        "values": [{"name": "Foo", "data": "qwerty", "data_type": "REG_SZ"}]})"},
      {"x509-certificate", R"({
        "type": "x509-certificate", "spec_version": "2.1",
        "id": "x509-certificate--bf86f034-2390-54d7-8426-d08433db3fbe",
        "issuer": "C=ZA, ST=Western Cape, L=Cape Town, O=Thawte Consulting cc, OU=Certification Services Division, CN=Thawte Server CA/emailAddress=server-certs@thawte.com",
        "validity_not_before": "2016-03-12T12:00:00Z",
        "validity_not_after": "2016-08-21T12:00:00Z",
        "subject": "C=US, ST=Maryland, L=Pasadena, O=Brent Baccala, OU=FreeSoft, CN=www.freesoft.org/emailAddress=baccala@freesoft.org",
        "serial_number": "36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06",
        "x509_v3_extensions": {"basic_constraints": "critical,CA:TRUE"}})"},
      {"marking-definition", R"({
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f",
        "created": "2017-04-14T13:07:49.812Z", "name": "Copyright",
        "definition_type": "statement",
        "definition": {"statement": "Copyright (c) Stark Industries 2017."}})"},
      {"marking-definition-ext", R"({
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--a932fcc6-e032-476c-826f-cb970a5a1ade",
        "created": "2021-03-25T14:19:01.000Z", "name": "ACME statement",
        "extensions": {
          "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
            "extension_type": "property-extension", "identifier": "isa:x"}}})"},
      {"language-content", R"({
        "type": "language-content", "spec_version": "2.1",
        "id": "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
        "created": "2017-02-08T21:31:22.007Z",
        "modified": "2017-02-08T21:31:22.007Z",
        "object_ref": "campaign--12a111f0-b824-4baf-a224-83b80237a094",
        "object_modified": "2017-02-08T21:31:22.007Z",
        "contents": {"de": {"name": "Bank Angriff 1",
                            "description": "Weitere Informationen über Banküberfall"},
                     "fr": {"name": "Attaque Bank 1"}}})"},
      {"extension-definition", R"({
        "type": "extension-definition", "spec_version": "2.1",
        "id": "extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62",
        "created_by_ref": "identity--11b76a96-5d2b-45e0-8a5a-f6994f370731",
        "created": "2014-02-20T09:16:08.989Z",
        "modified": "2014-02-20T09:16:08.989Z",
        "name": "New SDO 1", "description": "This schema creates a new object type called my-favorite-sdo-1",
        "schema": "https://www.example.com/schema-my-favorite-sdo-1/v1/",
        "version": "1.2.1", "extension_types": ["new-sdo"]})"},
      {"extension-definition-toplevel", R"({
        "type": "extension-definition", "spec_version": "2.1",
        "id": "extension-definition--a932fcc6-e032-476c-826f-cb970a5a1fff",
        "created_by_ref": "identity--11b76a96-5d2b-45e0-8a5a-f6994f370731",
        "created": "2014-02-20T09:16:08.989Z",
        "modified": "2014-02-20T09:16:08.989Z",
        "name": "Top-level", "schema": "The toplevel-property-extension adds x properties",
        "version": "1.0.0",
        "extension_types": ["toplevel-property-extension"],
        "extension_properties": ["toxicity", "rank"]})"},
      {"toplevel-extended", R"({
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--e97bfccf-8970-4a3c-9cd1-5b5b97ed5d0c",
        "created": "2014-02-20T09:16:08.989Z",
        "modified": "2014-02-20T09:16:08.989Z",
        "name": "File hash for Poison Ivy variant",
        "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
        "pattern_type": "stix", "valid_from": "2014-02-20T09:00:00Z",
        "rank": 5, "toxicity": 8,
        "extensions": {
          "extension-definition--a932fcc6-e032-476c-826f-cb970a5a1fff": {
            "extension_type": "toplevel-property-extension"}}})"},
      {"x-custom-sdo", R"({
        "type": "x-mitre-tactic", "spec_version": "2.1",
        "id": "x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a",
        "created": "2018-10-17T00:14:20.652Z",
        "modified": "2022-04-25T14:00:00.188Z",
        "name": "Inhibit Response Function",
        "x_mitre_shortname": "inhibit-response-function",
        "tactic_refs": ["x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28b"]})"},
      {"x-custom-sco", R"({
        "type": "x-acme-gadget", "id": "x-acme-gadget--4ee8b9f2-62d2-4b17-9c7d-1eab2d1b2ee3",
        "serial": "A-1", "defanged": true})"},
  };
  return *bases;
}

// Applies a top-level merge patch (RFC 7386, one level): members of `patch`
// replace those of `base`; a null member removes it. Output is canonical.
std::string Patch(std::string_view base, std::string_view patch) {
  simdjson::dom::parser p1, p2;
  simdjson::padded_string b(base), q(patch);
  simdjson::dom::object bo, po;
  EXPECT_EQ(p1.parse(b).get_object().get(bo), simdjson::SUCCESS) << base;
  EXPECT_EQ(p2.parse(q).get_object().get(po), simdjson::SUCCESS) << patch;
  std::string out = "{";
  auto emit = [&](std::string_view key, simdjson::dom::element v) {
    if (out.size() > 1) out += ",";
    AppendJsonString(key, &out);
    out += ":";
    EXPECT_TRUE(AppendCanonicalJson(v, &out).ok());
  };
  for (auto f : bo) {
    simdjson::dom::element replacement;
    if (po.at_key(f.key).get(replacement) == simdjson::SUCCESS) continue;
    emit(f.key, f.value);
  }
  for (auto f : po) {
    if (!f.value.is_null()) emit(f.key, f.value);
  }
  return out + "}";
}

// --- Valid objects
// ----------------------------------------------------------------

TEST(ValidateValidTest, EveryBaseObjectIsClean) {
  for (const auto& [name, json] : Bases()) {
    Outcome out = Validate(json);
    EXPECT_TRUE(out.ok) << name << "\n" << Describe(out.issues);
    EXPECT_TRUE(out.issues.empty()) << name << "\n" << Describe(out.issues);
  }
}

TEST(ValidateValidTest, BasesCoverEveryPredefinedType) {
  std::set<std::string> types;
  for (const auto& [name, json] : Bases()) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    std::string_view type;
    ASSERT_EQ(parser.parse(padded)["type"].get_string().get(type),
              simdjson::SUCCESS);
    types.insert(std::string(type));
  }
  for (std::string_view t : spec_internal::kTypeNames) {
    EXPECT_TRUE(types.count(std::string(t)))
        << "no valid base object for " << t;
  }
}

TEST(ValidateValidTest, PredefinedTlpMarkingsAreValid) {
  for (const TlpMarking& m : PredefinedTlpMarkings()) {
    Outcome out = Validate(m.json);
    EXPECT_TRUE(out.ok) << m.id << "\n" << Describe(out.issues);
    EXPECT_TRUE(out.issues.empty()) << m.id << "\n" << Describe(out.issues);
  }
}

// --- Invalid objects: one broken MUST each
// ------------------------------------

struct BadCase {
  const char* base;   // key into Bases()
  const char* patch;  // top-level merge patch that breaks one rule
  const char* rule;
  const char* pointer;
};

constexpr char kOtherUuid[] = "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3e";

const BadCase kBadCases[] = {
    // Common properties (sections 2, 3).
    {"indicator", R"({"pattern": null})", "required-property", "/pattern"},
    {"indicator", R"({"pattern_type": null})", "required-property",
     "/pattern_type"},
    {"indicator", R"({"valid_from": null})", "required-property",
     "/valid_from"},
    {"indicator", R"({"created": null})", "required-property", "/created"},
    {"indicator", R"({"spec_version": null})", "required-property",
     "/spec_version"},
    {"indicator", R"({"id": null})", "required-property", "/id"},
    {"indicator", R"({"type": null})", "required-property", "/type"},
    {"indicator", R"({"type": 7})", "property-type", "/type"},
    {"indicator", R"({"type": "Indicator"})", "type-name", "/type"},
    {"indicator", R"({"id": "indicator-8e2e2d2b"})", "identifier-format",
     "/id"},
    {"indicator",
     R"({"id": "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f"})",
     "identifier-format", "/id"},
    {"indicator", R"({"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})",
     "identifier-type-mismatch", "/id"},
    {"indicator", R"({"spec_version": "2.0"})", "spec-version",
     "/spec_version"},
    {"ipv4-addr", R"({"spec_version": "2.0"})", "spec-version",
     "/spec_version"},
    {"indicator", R"({"created": "2016/04/06 20:03:48"})", "timestamp-format",
     "/created"},
    {"indicator", R"({"valid_from": "2016-01-01T00:00:00+01:00"})",
     "timestamp-format", "/valid_from"},
    {"indicator", R"({"created": "2016-04-06T20:03:48Z"})",
     "timestamp-precision", "/created"},
    {"indicator", R"({"modified": "2016-04-06T20:03:47.999Z"})",
     "modified-before-created", "/modified"},
    {"indicator",
     R"({"created_by_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})",
     "ref-type", "/created_by_ref"},
    {"indicator",
     R"({"object_marking_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})",
     "ref-type", "/object_marking_refs/0"},
    {"indicator", R"({"object_marking_refs": ["marking-definition--1"]})",
     "identifier-format", "/object_marking_refs/0"},
    {"indicator", R"({"object_marking_refs": []})", "empty-list",
     "/object_marking_refs"},
    {"indicator", R"({"labels": []})", "empty-list", "/labels"},
    {"indicator", R"({"labels": "malicious"})", "property-type", "/labels"},
    {"indicator", R"({"labels": ["a", 1]})", "property-type", "/labels/1"},
    {"indicator", R"({"revoked": "yes"})", "property-type", "/revoked"},
    {"indicator", R"({"lang": 5})", "property-type", "/lang"},
    {"indicator", R"({"labels": ["a", null]})", "property-type", "/labels/1"},
    {"indicator", R"({"x_list": []})", "empty-list", "/x_list"},
    {"indicator", R"({"x_magic_hex": "xyz"})", "property-type", "/x_magic_hex"},
    {"indicator", R"({"confidence": 101})", "confidence-range", "/confidence"},
    {"indicator", R"({"confidence": "high"})", "confidence-range",
     "/confidence"},
    {"indicator", R"({"Foo_bar": 1})", "property-name", "/Foo_bar"},
    {"indicator", R"({"ab": 1})", "property-name", "/ab"},
    {"indicator", R"({"x-dash": 1})", "property-name", "/x-dash"},
    {"indicator", R"({"severity": "high"})", "reserved-property", "/severity"},
    {"course-of-action", R"({"action": "block"})", "reserved-property",
     "/action"},
    // External references and kill chain phases (sections 2.5, 2.6).
    {"indicator", R"({"external_references": [{"url": "https://a.example"}]})",
     "external-reference", "/external_references/0/source_name"},
    {"indicator", R"({"external_references": [{"source_name": "acme"}]})",
     "external-reference", "/external_references/0"},
    {"indicator",
     R"({"external_references": [{"source_name": "capec", "external_id": "163"}]})",
     "external-reference", "/external_references/0/external_id"},
    {"indicator",
     R"({"external_references": [{"source_name": "cve", "external_id": "CVE-2016-12"}]})",
     "external-reference", "/external_references/0/external_id"},
    {"indicator",
     R"({"external_references": [{"source_name": "a", "url": "not a url"}]})",
     "url-format", "/external_references/0/url"},
    {"indicator", R"({"kill_chain_phases": [{"phase_name": "delivery"}]})",
     "kill-chain-phase", "/kill_chain_phases/0/kill_chain_name"},
    {"indicator",
     R"({"kill_chain_phases": [{"kill_chain_name": "k", "phase_name": 3}]})",
     "kill-chain-phase", "/kill_chain_phases/0/phase_name"},
    // Hashes (section 2.7, hash-algorithm-ov).
    {"file", R"({"hashes": {"MD5": "abc"}})", "hashes", "/hashes/MD5"},
    {"file",
     R"({"hashes": {"SHA-1": "c79a326f8411e9488bdc3779753e1e3489aaede"}})",
     "hashes", "/hashes/SHA-1"},
    {"file",
     R"({"hashes": {"SHA-256": "ze90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}})",
     "hashes", "/hashes/SHA-256"},
    {"file", R"({"hashes": {"SHA-512": "00"}})", "hashes", "/hashes/SHA-512"},
    {"file", R"({"hashes": {}})", "hashes", "/hashes"},
    {"file", R"({"hashes": {"x": "00"}})", "hashes", "/hashes/x"},
    {"file", R"({"hashes": {"MD5": 5}})", "hashes", "/hashes/MD5"},
    // Granular markings (section 7.2.3).
    {"indicator",
     R"({"granular_markings": [{"selectors": ["x_nothing"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}]})",
     "granular-markings", "/granular_markings/0/selectors/0"},
    {"indicator",
     R"({"granular_markings": [{"selectors": ["name"], "marking_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "lang": "en"}]})",
     "granular-markings", "/granular_markings/0/lang"},
    {"indicator", R"({"granular_markings": [{"selectors": ["name"]}]})",
     "granular-markings", "/granular_markings/0"},
    {"indicator",
     R"({"granular_markings": [{"selectors": ["labels.[x]"], "lang": "en"}]})",
     "granular-markings", "/granular_markings/0/selectors/0"},
    {"indicator", R"({"granular_markings": [{"lang": "en"}]})",
     "required-property", "/granular_markings/0/selectors"},
    // Extensions (sections 7.3, 11).
    {"indicator", R"({"extensions": {}})", "extensions", "/extensions"},
    {"indicator", R"({"extensions": {"acme": {"a": 1}}})", "extensions",
     "/extensions/acme"},
    {"indicator",
     R"({"extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {"rank": 1}}})",
     "extensions",
     "/extensions/extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e/"
     "extension_type"},
    {"indicator",
     R"({"extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {"extension_type": "new-thing"}}})",
     "extensions",
     "/extensions/extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e/"
     "extension_type"},
    {"indicator",
     R"({"extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": 5}})",
     "extensions",
     "/extensions/extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"},
    // Indicator, sighting, observed-data (sections 4.7, 5.2, 4.13).
    {"indicator", R"({"valid_until": "2015-12-31T23:59:59Z"})",
     "indicator-valid-until", "/valid_until"},
    {"indicator", R"({"valid_until": "2016-01-01T00:00:00Z"})",
     "indicator-valid-until", "/valid_until"},
    {"sighting", R"({"count": 1000000000})", "sighting-count", "/count"},
    {"sighting", R"({"count": -1})", "sighting-count", "/count"},
    {"sighting", R"({"count": 2.5})", "sighting-count", "/count"},
    {"sighting", R"({"last_seen": "2015-12-21T18:59:59Z"})",
     "sighting-last-seen", "/last_seen"},
    {"sighting",
     R"({"sighting_of_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"})",
     "ref-type", "/sighting_of_ref"},
    {"sighting",
     R"({"where_sighted_refs": ["malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]})",
     "ref-type", "/where_sighted_refs/0"},
    {"sighting",
     R"({"observed_data_refs": ["indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]})",
     "ref-type", "/observed_data_refs/0"},
    {"sighting", R"({"sighting_of_ref": null})", "required-property",
     "/sighting_of_ref"},
    {"observed-data", R"({"number_observed": 0})", "observed-data-count",
     "/number_observed"},
    {"observed-data", R"({"number_observed": 1000000000})",
     "observed-data-count", "/number_observed"},
    {"observed-data",
     R"({"objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}})",
     "observed-data-objects", "/objects"},
    {"observed-data", R"({"object_refs": null})", "observed-data-objects",
     "/object_refs"},
    {"observed-data", R"({"last_observed": "2015-12-21T18:00:00Z"})",
     "observed-data-last-observed", "/last_observed"},
    {"observed-data",
     R"({"object_refs": ["indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]})",
     "ref-type", "/object_refs/0"},
    // Relationship (section 5.1).
    {"relationship", R"({"relationship_type": "Indicates"})",
     "relationship-self", "/relationship_type"},
    {"relationship",
     R"({"source_ref": "relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e"})",
     "relationship-self", "/source_ref"},
    {"relationship",
     R"({"target_ref": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"})",
     "ref-type", "/target_ref"},
    {"relationship",
     R"({"source_ref": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75"})",
     "ref-type", "/source_ref"},
    {"relationship", R"({"stop_time": "2016-01-01T00:00:00Z"})", "stop-time",
     "/stop_time"},
    {"relationship", R"({"target_ref": null})", "required-property",
     "/target_ref"},
    // first_seen / last_seen (sections 4.2, 4.8, 4.9, 4.11, 4.17).
    {"campaign", R"({"last_seen": "2016-01-08T12:50:40.122Z"})", "stop-time",
     "/last_seen"},
    {"threat-actor", R"({"last_seen": "2014-12-31T00:00:00Z"})", "stop-time",
     "/last_seen"},
    {"malware", R"({"last_seen": "2016-05-12T08:17:26Z"})", "stop-time",
     "/last_seen"},
    {"infrastructure", R"({"last_seen": "2016-05-07T11:22:29Z"})", "stop-time",
     "/last_seen"},
    // Location (section 4.10).
    {"location", R"({"region": null, "country": null})",
     "location-region-or-coords", ""},
    {"location-coords", R"({"longitude": null})", "location-region-or-coords",
     "/longitude"},
    {"location-coords", R"({"latitude": 90.5})", "location-region-or-coords",
     "/latitude"},
    {"location-coords", R"({"longitude": -180.01})",
     "location-region-or-coords", "/longitude"},
    {"location", R"({"precision": 10.0})", "location-region-or-coords",
     "/precision"},
    // Per-type required properties and enumerations.
    {"malware", R"({"name": null})", "malware-is-family", "/name"},
    {"malware", R"({"is_family": null})", "malware-is-family", "/is_family"},
    {"malware", R"({"is_family": "true"})", "malware-is-family", "/is_family"},
    {"malware",
     R"({"sample_refs": ["indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]})",
     "ref-type", "/sample_refs/0"},
    {"malware-analysis", R"({"result": null})", "malware-analysis-result", ""},
    {"malware-analysis", R"({"product": null})", "required-property",
     "/product"},
    {"malware-analysis",
     R"({"host_vm_ref": "tool--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"})",
     "ref-type", "/host_vm_ref"},
    {"opinion", R"({"opinion": "maybe"})", "opinion-value", "/opinion"},
    {"opinion", R"({"opinion": null})", "opinion-value", "/opinion"},
    {"report", R"({"published": null})", "report-published", "/published"},
    {"report", R"({"object_refs": []})", "empty-list", "/object_refs"},
    {"note", R"({"content": null})", "note-content", "/content"},
    {"note", R"({"object_refs": null})", "required-property", "/object_refs"},
    {"grouping", R"({"context": null})", "grouping-context", "/context"},
    {"identity", R"({"name": null})", "identity-name", "/name"},
    {"attack-pattern", R"({"name": null})", "required-property", "/name"},
    {"vulnerability", R"({"name": 12})", "property-type", "/name"},
    // Marking definitions (section 7.2).
    {"marking-definition", R"({"definition": null})", "marking-definition",
     "/definition"},
    {"marking-definition", R"({"definition_type": null, "definition": null})",
     "marking-definition", "/definition_type"},
    {"marking-definition", R"({"modified": "2017-04-14T13:07:49.812Z"})",
     "marking-definition", "/modified"},
    {"marking-definition", R"({"definition": {"text": "Copyright"}})",
     "marking-definition", "/definition/statement"},
    {"marking-definition", R"({"definition": "Copyright"})",
     "marking-definition", "/definition"},
    {"marking-definition",
     R"({"definition_type": "tlp", "definition": {"tlp": "white"}})",
     "marking-definition", "/id"},
    {"marking-definition",
     R"({"definition_type": "tlp", "definition": {"tlp": "purple"}})",
     "marking-definition", "/definition/tlp"},
    {"marking-definition",
     R"({"id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "definition": {"tlp": "red"}})",
     "marking-definition", "/definition"},
    {"marking-definition",
     R"({"id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "created": "2017-01-20T00:00:00.000Z", "name": "TLP:RED", "definition_type": "tlp", "definition": {"tlp": "green"}})",
     "marking-definition", "/name"},
    {"marking-definition",
     R"({"id": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "name": "TLP:RED"})",
     "marking-definition", "/extensions"},
    {"marking-definition-ext",
     R"({"extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "purple"}}})",
     "marking-definition",
     "/extensions/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d/"
     "tlp_2_0"},
    {"marking-definition-ext",
     R"({"extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "red"}}})",
     "marking-definition", "/id"},
    {"marking-definition", R"({"created": null})", "required-property",
     "/created"},
    // Language content, extension definition (sections 7.1, 7.3).
    {"language-content", R"({"contents": {"de": "Bank Angriff"}})",
     "language-content", "/contents/de"},
    {"language-content", R"({"contents": {"de_DE!": {"name": "x"}}})",
     "language-content", "/contents/de_DE!"},
    {"language-content", R"({"contents": null})", "language-content",
     "/contents"},
    {"language-content", R"({"object_ref": null})", "required-property",
     "/object_ref"},
    {"extension-definition", R"({"extension_types": ["new-thing"]})",
     "extension-definition", "/extension_types/0"},
    {"extension-definition", R"({"extension_types": []})", "empty-list",
     "/extension_types"},
    {"extension-definition", R"({"extension_properties": ["rank"]})",
     "extension-definition", "/extension_properties"},
    {"extension-definition", R"({"schema": null})", "extension-definition",
     "/schema"},
    {"extension-definition", R"({"created_by_ref": null})", "required-property",
     "/created_by_ref"},
    // SCOs (section 6).
    {"ipv4-addr", R"({"value": "256.1.1.1"})", "ipv4-addr", "/value"},
    {"ipv4-addr", R"({"value": "10.0.0.0/33"})", "ipv4-addr", "/value"},
    {"ipv4-addr", R"({"value": "2001:db8::1"})", "ipv4-addr", "/value"},
    {"ipv4-addr", R"({"value": null})", "ipv4-addr", "/value"},
    {"ipv6-addr", R"({"value": "2001:db8::g"})", "ipv6-addr", "/value"},
    {"ipv6-addr", R"({"value": "1:2:3:4:5:6:7:8:9"})", "ipv6-addr", "/value"},
    {"mac-addr", R"({"value": "D2:FB:49:24:37:18"})", "mac-addr", "/value"},
    {"mac-addr", R"({"value": "d2-fb-49-24-37-18"})", "mac-addr", "/value"},
    {"domain-name", R"({"value": "exa mple.com"})", "domain-name", "/value"},
    {"domain-name",
     R"({"resolves_to_refs": ["url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"]})",
     "ref-type", "/resolves_to_refs/0"},
    {"email-addr", R"({"value": "john"})", "email-addr", "/value"},
    {"url", R"({"value": "not a url"})", "url", "/value"},
    {"url", R"({"value": null})", "url", "/value"},
    {"network-traffic", R"({"src_port": 70000})", "network-traffic",
     "/src_port"},
    {"network-traffic", R"({"dst_port": -1})", "network-traffic", "/dst_port"},
    {"network-traffic", R"({"protocols": []})", "empty-list", "/protocols"},
    {"network-traffic", R"({"protocols": null})", "required-property",
     "/protocols"},
    {"network-traffic", R"({"src_ref": null, "dst_ref": null})",
     "network-traffic", ""},
    {"network-traffic", R"({"end": "2015-12-31T23:59:59Z"})", "network-traffic",
     "/end"},
    {"network-traffic", R"({"is_active": true})", "network-traffic", "/end"},
    {"network-traffic",
     R"({"src_ref": "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"})", "ref-type",
     "/src_ref"},
    {"network-traffic",
     R"({"extensions": {"http-request-ext": {"request_method": "get"}}})",
     "required-property", "/extensions/http-request-ext/request_value"},
    {"network-traffic",
     R"({"extensions": {"socket-ext": {"address_family": "AF_CARRIER_PIGEON"}}})",
     "enum-value", "/extensions/socket-ext/address_family"},
    {"file", R"({"hashes": null, "name": null})", "file", ""},
    {"file", R"({"size": -1})", "property-range", "/size"},
    {"file", R"({"magic_number_hex": "4D5"})", "property-type",
     "/magic_number_hex"},
    {"file",
     R"({"parent_directory_ref": "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"})",
     "ref-type", "/parent_directory_ref"},
    {"file",
     R"({"extensions": {"ntfs-ext": {"alternate_data_streams": [{"size": 5}]}}})",
     "required-property", "/extensions/ntfs-ext/alternate_data_streams/0/name"},
    {"file", R"({"extensions": {"archive-ext": {"comment": "zip"}}})",
     "required-property", "/extensions/archive-ext/contains_refs"},
    {"artifact", R"({"url": "https://example.com/a.zip"})", "artifact", "/url"},
    {"artifact-url", R"({"hashes": null})", "artifact", "/hashes"},
    {"artifact", R"({"payload_bin": null})", "artifact", ""},
    {"artifact", R"({"encryption_algorithm": null})", "artifact",
     "/decryption_key"},
    {"artifact", R"({"payload_bin": "not base64!"})", "property-type",
     "/payload_bin"},
    {"artifact", R"({"encryption_algorithm": "rot13"})", "enum-value",
     "/encryption_algorithm"},
    {"email-message", R"({"is_multipart": true})", "email-message", "/body"},
    {"email-message", R"({"is_multipart": null})", "email-message",
     "/is_multipart"},
    {"email-message-multipart",
     R"({"body_multipart": [{"content_type": "text/plain"}]})", "email-message",
     "/body_multipart/0"},
    {"email-message",
     R"({"from_ref": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"})",
     "ref-type", "/from_ref"},
    {"email-message", R"({"additional_header_fields": {"X Mailer": "Mutt"}})",
     "dictionary", "/additional_header_fields/X Mailer"},
    {"windows-registry-key", R"({"key": "HKLM\\System\\Foo"})",
     "windows-registry-key", "/key"},
    {"windows-registry-key",
     R"({"values": [{"name": "Foo", "data_type": "REG_FOO"}]})", "enum-value",
     "/values/0/data_type"},
    {"windows-registry-key", R"({"key": null, "values": null})",
     "windows-registry-key", ""},
    {"x509-certificate",
     R"({"issuer": null, "validity_not_before": null, "validity_not_after": null, "subject": null, "serial_number": null, "x509_v3_extensions": null})",
     "x509-certificate", ""},
    {"x509-certificate", R"({"validity_not_after": "2016-03-01T00:00:00Z"})",
     "x509-certificate", "/validity_not_after"},
    {"autonomous-system", R"({"number": null})", "autonomous-system",
     "/number"},
    {"autonomous-system", R"({"number": "AS15139"})", "autonomous-system",
     "/number"},
    {"software", R"({"name": null})", "software", "/name"},
    {"process",
     R"({"pid": null, "created_time": null, "command_line": null, "environment_variables": null, "image_ref": null, "extensions": null})",
     "process", ""},
    {"process", R"({"environment_variables": {}})", "dictionary",
     "/environment_variables"},
    {"process",
     R"({"extensions": {"windows-process-ext": {"integrity_level": "ultra"}}})",
     "enum-value", "/extensions/windows-process-ext/integrity_level"},
    {"user-account",
     R"({"user_id": null, "account_login": null, "account_type": null, "display_name": null, "is_service_account": null, "account_created": null, "extensions": null})",
     "user-account", ""},
    {"directory", R"({"path": null})", "directory", "/path"},
    {"mutex", R"({"name": null})", "mutex", "/name"},
    // Custom objects (section 11): the common rules still apply.
    {"x-custom-sdo", R"({"modified": null})", "required-property", "/modified"},
    {"x-custom-sdo", R"({"type": "x_mitre_tactic"})", "type-name", "/type"},
    {"x-custom-sco", R"({"id": "x-acme-gadget--1"})", "identifier-format",
     "/id"},
    {"x-custom-sco", R"({"Serial": "A-1"})", "property-name", "/Serial"},
};

TEST(ValidateInvalidTest, EachBrokenRuleIsReportedAtItsPointer) {
  EXPECT_GE(std::size(kBadCases), 60u);
  for (const BadCase& c : kBadCases) {
    auto base = Bases().find(c.base);
    ASSERT_NE(base, Bases().end()) << c.base;
    std::string json = Patch(base->second, c.patch);
    Outcome out = Validate(json);
    EXPECT_FALSE(out.ok) << c.base << " + " << c.patch;
    EXPECT_TRUE(HasIssue(out.issues, Severity::kError, c.rule, c.pointer))
        << c.base << " + " << c.patch << "\nwant " << c.rule << " at '"
        << c.pointer << "', got:\n"
        << Describe(out.issues);
  }
}

TEST(ValidateInvalidTest, EveryRuleOfTheTableIsTested) {
  // Each error rule the docs list for MUSTs has a case above.
  std::set<std::string> tested;
  for (const BadCase& c : kBadCases) tested.insert(c.rule);
  for (const char* rule : {"required-property",
                           "property-type",
                           "type-name",
                           "identifier-format",
                           "identifier-type-mismatch",
                           "spec-version",
                           "timestamp-format",
                           "timestamp-precision",
                           "modified-before-created",
                           "ref-type",
                           "empty-list",
                           "external-reference",
                           "kill-chain-phase",
                           "hashes",
                           "property-name",
                           "reserved-property",
                           "confidence-range",
                           "indicator-valid-until",
                           "sighting-count",
                           "sighting-last-seen",
                           "observed-data-count",
                           "observed-data-objects",
                           "observed-data-last-observed",
                           "relationship-self",
                           "stop-time",
                           "location-region-or-coords",
                           "malware-is-family",
                           "malware-analysis-result",
                           "opinion-value",
                           "report-published",
                           "note-content",
                           "grouping-context",
                           "identity-name",
                           "marking-definition",
                           "granular-markings",
                           "language-content",
                           "extension-definition",
                           "extensions",
                           "ipv4-addr",
                           "ipv6-addr",
                           "mac-addr",
                           "network-traffic",
                           "file",
                           "artifact",
                           "email-message",
                           "windows-registry-key",
                           "x509-certificate",
                           "autonomous-system",
                           "software",
                           "process",
                           "user-account",
                           "directory",
                           "mutex",
                           "url",
                           "email-addr",
                           "domain-name",
                           "enum-value",
                           "dictionary",
                           "property-range",
                           "url-format"}) {
    EXPECT_TRUE(tested.count(rule)) << "no invalid case for " << rule;
  }
}

TEST(ValidateInvalidTest, NotAnObject) {
  Outcome out = Validate(R"(["indicator"])");
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(HasIssue(out.issues, Severity::kError, "object-shape", ""));
}

TEST(ValidateInvalidTest, NullValuesAreRejected) {
  // STIX has no null: an absent property is omitted (section 3.1).
  std::string json = Bases().at("indicator");
  json.insert(json.rfind('}'), R"(, "description2": null, "x_note": null,
      "name": null)");
  // "name" now appears twice; simdjson keeps both, the validator sees both.
  Outcome out = Validate(json);
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(
      HasIssue(out.issues, Severity::kError, "property-type", "/x_note"));
  EXPECT_TRUE(HasIssue(out.issues, Severity::kError, "property-type", "/name"));
}

TEST(ValidateInvalidTest, ReportsAllProblemsNotJustTheFirst) {
  std::string json = Patch(Bases().at("indicator"),
                           R"({"confidence": 101, "labels": [],
                               "spec_version": "2.0", "pattern": null})");
  Outcome out = Validate(json);
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(HasIssue(out.issues, Severity::kError, "confidence-range",
                       "/confidence"));
  EXPECT_TRUE(HasIssue(out.issues, Severity::kError, "empty-list", "/labels"));
  EXPECT_TRUE(
      HasIssue(out.issues, Severity::kError, "spec-version", "/spec_version"));
  EXPECT_TRUE(
      HasIssue(out.issues, Severity::kError, "required-property", "/pattern"));
}

TEST(ValidateInvalidTest, IssuesAreBoundedPerObject) {
  std::string patch = "{";
  for (int i = 0; i < 300; ++i) {
    if (i > 0) patch += ",";
    patch += "\"X" + std::to_string(i) + "\": 1";
  }
  patch += "}";
  Outcome out = Validate(Patch(Bases().at("indicator"), patch));
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.issues.size(), 101u);
  EXPECT_EQ(out.issues.back().rule, "issue-limit");
}

TEST(ValidateInvalidTest, AppendsToExistingIssuesAndJudgesOnlyThisObject) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(Bases().at("indicator"));
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(padded).get(root), simdjson::SUCCESS);
  std::vector<Issue> issues = {{Severity::kError, "", "earlier", "x"}};
  EXPECT_TRUE(ValidateObject(root, &issues));
  EXPECT_EQ(issues.size(), 1u);
}

// --- Warnings (SHOULDs) leave the object valid
// --------------------------------

struct WarnCase {
  const char* base;
  const char* patch;
  const char* rule;
  const char* pointer;
};

const WarnCase kWarnCases[] = {
    {"indicator", R"({"indicator_types": ["malicious-activity", "weird"]})",
     "open-vocab", "/indicator_types/1"},
    {"indicator", R"({"pattern_type": "kql"})", "open-vocab", "/pattern_type"},
    {"malware", R"({"malware_types": ["cryptominer"]})", "open-vocab",
     "/malware_types/0"},
    {"identity", R"({"identity_class": "company"})", "open-vocab",
     "/identity_class"},
    {"grouping", R"({"context": "campaign-tracking"})", "open-vocab",
     "/context"},
    {"file", R"({"hashes": {"sha256": "abc"}})", "open-vocab",
     "/hashes/sha256"},
    {"location", R"({"region": "atlantis"})", "open-vocab", "/region"},
    {"indicator", R"({"descripton": "typo"})", "unknown-property",
     "/descripton"},
    {"indicator",
     R"({"kill_chain_phases": [{"kill_chain_name": "MISP", "phase_name": "Network activity"}]})",
     "kill-chain-phase-case", "/kill_chain_phases/0/kill_chain_name"},
    {"ipv4-addr",
     R"({"resolves_to_refs": ["mac-addr--757b1725-9903-54f5-a855-1240691d7659"]})",
     "deprecated-property", "/resolves_to_refs"},
    {"observed-data",
     R"({"object_refs": null, "objects": {"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}})",
     "deprecated-property", "/objects"},
    {"ipv4-addr",
     R"({"id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"})",
     "sco-id-deterministic", "/id"},
    {"indicator",
     R"({"extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {"extension_type": "toplevel-property-extension", "rank": 5}}})",
     "extensions-toplevel",
     "/extensions/extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"},
    {"file", R"({"extensions": {"x-acme-ext": {"a": 1}}})",
     "extensions-deprecated", "/extensions/x-acme-ext"},
};

TEST(ValidateWarningTest, ShouldsAreWarningsOnly) {
  for (const WarnCase& c : kWarnCases) {
    std::string json = Patch(Bases().at(c.base), c.patch);
    Outcome out = Validate(json);
    EXPECT_TRUE(out.ok) << c.base << " + " << c.patch << "\n"
                        << Describe(out.issues);
    EXPECT_FALSE(HasError(out.issues)) << Describe(out.issues);
    EXPECT_TRUE(HasIssue(out.issues, Severity::kWarning, c.rule, c.pointer))
        << c.base << " + " << c.patch << "\nwant " << c.rule << " at '"
        << c.pointer << "', got:\n"
        << Describe(out.issues);
  }
}

TEST(ValidateWarningTest, ToplevelExtensionAllowsItsProperties) {
  Outcome out = Validate(Bases().at("toplevel-extended"));
  EXPECT_TRUE(out.issues.empty()) << Describe(out.issues);
}

// --- Real data
// --------------------------------------------------------------------

struct FileResult {
  int objects = 0;
  int invalid = 0;
  bool is_json_schema = false;
};

// Validates every object of a bundle (or a single object) in `path`.
FileResult ValidateFile(const std::filesystem::path& path,
                        std::map<std::string, int>* warnings) {
  FileResult r;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  auto error = parser.load(path.string()).get(root);
  EXPECT_EQ(error, simdjson::SUCCESS) << path;
  if (error) return r;
  if (root["$schema"].error() == simdjson::SUCCESS) {
    r.is_json_schema = true;
    return r;
  }
  std::vector<simdjson::dom::element> objects;
  simdjson::dom::array arr;
  if (root["objects"].get_array().get(arr) == simdjson::SUCCESS) {
    for (auto o : arr) objects.push_back(o);
  } else {
    objects.push_back(root);
  }
  for (const auto& o : objects) {
    ++r.objects;
    std::vector<Issue> issues;
    bool ok = ValidateObject(o, &issues);
    std::string_view id;
    if (o["id"].get_string().get(id) != simdjson::SUCCESS) id = "(no id)";
    EXPECT_TRUE(ok) << path << " " << id << "\n" << Describe(issues);
    if (!ok) ++r.invalid;
    for (const Issue& i : issues) ++(*warnings)[i.rule];
  }
  return r;
}

std::vector<std::filesystem::path> JsonFilesUnder(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ValidateRealDataTest, OasisExamplesHaveNoErrors) {
  std::map<std::string, int> warnings;
  int objects = 0, files = 0;
  for (const auto& path : JsonFilesUnder("../shared/data/stix/examples")) {
    FileResult r = ValidateFile(path, &warnings);
    EXPECT_FALSE(r.is_json_schema) << path;
    EXPECT_EQ(r.invalid, 0) << path;
    objects += r.objects;
    ++files;
  }
  // 6 small bundles (interop-objectmarking-test.json is a lone campaign),
  // apt1.json (76) and poisonivy.json (155).
  EXPECT_EQ(files, 8);
  EXPECT_EQ(objects, 1 + 3 + 6 + 10 + 8 + 1 + 76 + 155);
  EXPECT_TRUE(warnings.empty());
}

TEST(ValidateRealDataTest, InteropFolderHoldsOnlyJsonSchemas) {
  // stix/interop/*.json are the OASIS interoperability *profiles*: JSON
  // Schema documents ("$schema", "allOf": [...]) that constrain STIX objects,
  // not STIX objects. There is nothing in them to validate; this test pins
  // that, so a STIX file added there later is validated by the loop.
  std::map<std::string, int> warnings;
  int files = 0, schemas = 0, objects = 0;
  for (const auto& path : JsonFilesUnder("../shared/data/stix/interop")) {
    FileResult r = ValidateFile(path, &warnings);
    ++files;
    if (r.is_json_schema) ++schemas;
    EXPECT_EQ(r.invalid, 0) << path;
    objects += r.objects;
  }
  EXPECT_EQ(files, 20);
  EXPECT_EQ(schemas, 20);
  EXPECT_EQ(objects, 0);
}

TEST(ValidateRealDataTest, AttackIcsBundleHasNoErrors) {
  std::map<std::string, int> warnings;
  FileResult r =
      ValidateFile("../shared/data/attack/ics-attack.json", &warnings);
  EXPECT_EQ(r.objects, 1826);
  EXPECT_EQ(r.invalid, 0);
  // Custom x-mitre-* types and x_mitre_* properties draw no warnings either.
  EXPECT_TRUE(warnings.empty());
}

// --- Tables and markings
// --------------------------------------------------------

TEST(SpecTest, KnownTypeClass) {
  EXPECT_EQ(KnownTypeClass("indicator"), ObjectClass::kSdo);
  EXPECT_EQ(KnownTypeClass("vulnerability"), ObjectClass::kSdo);
  EXPECT_EQ(KnownTypeClass("relationship"), ObjectClass::kSro);
  EXPECT_EQ(KnownTypeClass("sighting"), ObjectClass::kSro);
  EXPECT_EQ(KnownTypeClass("ipv4-addr"), ObjectClass::kSco);
  EXPECT_EQ(KnownTypeClass("x509-certificate"), ObjectClass::kSco);
  EXPECT_EQ(KnownTypeClass("marking-definition"), ObjectClass::kMeta);
  EXPECT_EQ(KnownTypeClass("language-content"), ObjectClass::kMeta);
  EXPECT_EQ(KnownTypeClass("extension-definition"), ObjectClass::kMeta);
  EXPECT_EQ(KnownTypeClass("x-mitre-tactic"), std::nullopt);
  EXPECT_EQ(KnownTypeClass("bundle"), std::nullopt);
  int sdo = 0, sro = 0, sco = 0, meta = 0;
  for (std::string_view t : spec_internal::kTypeNames) {
    switch (*KnownTypeClass(t)) {
      case ObjectClass::kSdo:
        ++sdo;
        break;
      case ObjectClass::kSro:
        ++sro;
        break;
      case ObjectClass::kSco:
        ++sco;
        break;
      case ObjectClass::kMeta:
        ++meta;
        break;
    }
  }
  EXPECT_EQ(sdo, 19);
  EXPECT_EQ(sro, 2);
  EXPECT_EQ(sco, 18);
  EXPECT_EQ(meta, 3);
}

TEST(SpecTest, FormatChecks) {
  using namespace spec_internal;
  EXPECT_TRUE(IsIpv4("0.0.0.0", false));
  EXPECT_TRUE(IsIpv4("10.0.0.0/8", true));
  EXPECT_FALSE(IsIpv4("10.0.0.0/8", false));
  EXPECT_FALSE(IsIpv4("01.0.0.0", true));
  EXPECT_FALSE(IsIpv4("1.2.3", true));
  EXPECT_TRUE(IsIpv6("::", false));
  EXPECT_TRUE(IsIpv6("::1", false));
  EXPECT_TRUE(IsIpv6("fe80::", false));
  EXPECT_TRUE(IsIpv6("2001:db8:0:0:0:0:2:1", false));
  EXPECT_TRUE(IsIpv6("::ffff:192.0.2.128", false));
  EXPECT_TRUE(IsIpv6("2001:db8::/32", true));
  EXPECT_FALSE(IsIpv6("2001:db8::/129", true));
  EXPECT_FALSE(IsIpv6("1::2::3", false));
  EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7", false));
  EXPECT_FALSE(IsIpv6(":1:2:3:4:5:6:7", false));
  EXPECT_FALSE(IsIpv6("1:2:3:4:5:6:7:", false));
  EXPECT_TRUE(IsMacAddr("00:00:5e:00:53:01"));
  EXPECT_FALSE(IsMacAddr("00:00:5E:00:53:01"));
  EXPECT_TRUE(IsBase64("aGVsbG8="));
  EXPECT_FALSE(IsBase64("aGVsbG8"));
  EXPECT_FALSE(IsBase64("aG=sbG8="));
  EXPECT_TRUE(IsHex("00ff"));
  EXPECT_FALSE(IsHex("0ff"));
  EXPECT_TRUE(IsUrl("https://example.com/a?b=c"));
  EXPECT_TRUE(IsUrl("mailto:john@example.com"));
  EXPECT_FALSE(IsUrl("example.com"));
  EXPECT_FALSE(IsUrl("https://exa mple.com"));
  EXPECT_TRUE(IsPropertyName("x_mitre_version"));
  EXPECT_FALSE(IsPropertyName("x_"));
  EXPECT_TRUE(IsTypeName("x-mitre-tactic"));
  EXPECT_FALSE(IsTypeName("x--mitre"));
  EXPECT_FALSE(IsTypeName("x-mitre-"));
}

TEST(MarkingsTest, TlpIds) {
  EXPECT_EQ(PredefinedTlpMarkings().size(), 9u);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
      Tlp::kClear);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
      Tlp::kGreen);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
      Tlp::kAmber);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
      Tlp::kRed);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
      Tlp::kClear);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
      Tlp::kGreen);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
      Tlp::kAmber);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
      Tlp::kAmberStrict);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"),
      Tlp::kRed);
  EXPECT_EQ(
      TlpOfMarking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec"),
      std::nullopt);
  EXPECT_EQ(TlpName(Tlp::kAmberStrict), "TLP:AMBER+STRICT");
  EXPECT_EQ(TlpName(Tlp::kClear), "TLP:CLEAR");
  EXPECT_EQ(ParseTlpName("TLP:WHITE"), Tlp::kClear);
  EXPECT_EQ(ParseTlpName("TLP:AMBER+STRICT"), Tlp::kAmberStrict);
  EXPECT_EQ(ParseTlpName("tlp:red"), std::nullopt);
  EXPECT_EQ(Tlp2MarkingId(Tlp::kRed),
            "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
  EXPECT_LT(Tlp::kAmber, Tlp::kAmberStrict);
}

TEST(MarkingsTest, JsonIsCanonicalAndMatchesTheFields) {
  for (const TlpMarking& m : PredefinedTlpMarkings()) {
    Result<std::string> canonical = CanonicalizeJson(m.json);
    ASSERT_TRUE(canonical.ok()) << m.json;
    EXPECT_EQ(*canonical, m.json);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(m.json);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(padded).get(root), simdjson::SUCCESS);
    std::string_view id, name, level;
    ASSERT_EQ(root["id"].get_string().get(id), simdjson::SUCCESS);
    ASSERT_EQ(root["name"].get_string().get(name), simdjson::SUCCESS);
    EXPECT_EQ(id, m.id);
    EXPECT_EQ(name, m.name);
    if (m.version == TlpVersion::k1) {
      ASSERT_EQ(root["definition"]["tlp"].get_string().get(level),
                simdjson::SUCCESS);
    } else {
      ASSERT_EQ(
          root["extensions"][kTlp2ExtensionId]["tlp_2_0"].get_string().get(
              level),
          simdjson::SUCCESS);
    }
    EXPECT_EQ(level, m.level);
  }
}

}  // namespace
}  // namespace ncert::stix
