// What the access policy costs a read (issue: "a query returning 10,000
// objects for a member of a 1,000-org deployment costs at most 10% more with
// the policy on than off").
//
// The store holds 1,000 organisations in 14 sectors and 50 sharing groups,
// and 20,000 indicators labelled as such a deployment labels them: TLP:CLEAR
// and GREEN to all, AMBER to sectors, groups and named organisations,
// AMBER+STRICT and RED to others. A member of one finance organisation can see
// exactly 10,000 of them.
//
//   BM_QueryPolicyOff   the system reads the 10,000 the member may see
//                       (a query for their ids' label, no policy)
//   BM_QueryPolicyOn    the member reads all indicators: the policy judges
//                       20,000 rows and returns 10,000
//   BM_QueryVisibleOn   the member reads the same 10,000 as PolicyOff, with
//                       the policy on (the per-object cost alone)
//
// The binary prints the ratios after the runs (bench/run.sh runs it).

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>

#include "access/policy.h"
#include "core/id.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace ncert::store {
namespace {

constexpr int kOrgs = 1000;
constexpr int kObjects = 20000;

struct World {
  SystemClock clock;
  std::unique_ptr<Store> store;
  access::Principal member;
  std::string path;
  int64_t visible = 0;

  World() {
    path = (std::filesystem::temp_directory_path() / "ncert_access_bench.db")
               .string();
    for (const char* s : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path + s);
    }
    SqliteOptions options;
    options.path = path;
    options.clock = &clock;
    store = std::move(*OpenSqliteStore(options));
    Directory& dir = store->directory();
    std::vector<int64_t> org_ids;
    for (int i = 0; i < kOrgs; ++i) {
      access::Org org;
      org.name = fmt::format("org-{:04}", i);
      org.type = access::OrgType::kCriticalInfrastructure;
      org.sectors = {std::string(access::kCriticalSectors[i % 14])};
      org_ids.push_back(dir.AddOrg(org)->id);
    }
    for (int g = 0; g < 50; ++g) {
      std::vector<int64_t> members;
      for (int i = g; i < kOrgs; i += 50) members.push_back(org_ids[i]);
      (void)dir.AddGroup(fmt::format("group-{}", g), members);
    }
    access::User u;
    u.name = "bench-member";
    u.org_id = org_ids[1];  // sector "finance" (index 1), group 1
    u.role = access::Role::kMember;
    (void)dir.AddUser(u);
    member = **dir.FindPrincipal("bench-member");

    access::Policy policy;
    std::vector<stix::Object> objects;
    std::vector<access::AccessLabel> labels;
    for (int i = 0; i < kObjects; ++i) {
      access::AccessLabel l;
      l.owner_org = org_ids[static_cast<size_t>((i * 7) % kOrgs)];
      bool visible_one = i % 2 == 0;
      switch (i % 10) {
        case 0:
          l.tlp = stix::Tlp::kClear;
          break;
        case 2:
          l.tlp = stix::Tlp::kGreen;
          break;
        case 4:
          l.tlp = stix::Tlp::kAmber;
          l.distribution.sectors = {"finance", "medical"};
          break;
        case 6:
          l.tlp = stix::Tlp::kAmber;
          l.distribution.groups = {member.groups.at(0)};
          break;
        case 8:
          l.tlp = stix::Tlp::kAmberStrict;
          l.distribution.orgs = {1, member.org.id};
          break;
        case 1:
          l.tlp = stix::Tlp::kAmber;
          l.distribution.sectors = {"gas"};
          break;
        case 3:
          l.tlp = stix::Tlp::kAmberStrict;
          l.distribution.orgs = {1, 7};
          break;
        case 5:
          l.tlp = stix::Tlp::kRed;
          l.distribution.users = {1};
          break;
        case 7:
          l.tlp = stix::Tlp::kAmber;
          l.distribution.groups = {member.groups.at(0) + 1};
          break;
        case 9:
          l.tlp = stix::Tlp::kGreen;
          l.distribution.sectors = {"water"};
          break;
      }
      if (l.owner_org == member.org.id) l.owner_org = 1;
      if (policy.CanSee(&member, l) != visible_one) std::abort();
      stix::Object o;
      o.type = "indicator";
      UuidBytes b{};
      b[0] = static_cast<uint8_t>(i >> 16);
      b[1] = static_cast<uint8_t>(i >> 8);
      b[2] = static_cast<uint8_t>(i);
      o.id = "indicator--" + UuidV4FromBytes(b);
      o.spec_version = "2.1";
      o.modified = "2026-11-01T00:00:00.000Z";
      o.version = *ParseTimestamp(o.modified);
      // Visible ones carry a label the system query can select on.
      if (visible_one) o.labels = {"member-visible"};
      o.json = fmt::format(
          R"({{"created":"2026-11-01T00:00:00.000Z","id":"{}",)"
          R"("indicator_types":["malicious-activity"],{}"modified":)"
          R"("2026-11-01T00:00:00.000Z","name":"C2 {}","pattern":)"
          R"("[ipv4-addr:value = '198.51.{}.{}']","pattern_type":"stix",)"
          R"("spec_version":"2.1","type":"indicator","valid_from":)"
          R"("2026-11-01T00:00:00Z"}})",
          o.id, visible_one ? R"("labels":["member-visible"],)" : "", i,
          (i / 256) % 256, i % 256);
      objects.push_back(std::move(o));
      labels.push_back(l);
      visible += visible_one;
    }
    if (!store->Put(objects, labels).ok()) std::abort();
  }
};

World& TheWorld() {
  static World* w = new World();  // built once for all benchmarks
  return *w;
}

void Count(benchmark::State& state, const Reader& reader, const Query& q) {
  int64_t n = 0;
  for (auto _ : state) {
    n = 0;
    Status s = TheWorld().store->Scan(reader, q, [&](const StoredObject& o) {
      benchmark::DoNotOptimize(o.json.data());
      ++n;
      return true;
    });
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.counters["returned"] = static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_QueryPolicyOff(benchmark::State& state) {
  Query q;
  q.types = {"indicator"};
  q.label = "member-visible";
  Count(state, Reader::System(), q);
}
BENCHMARK(BM_QueryPolicyOff)->Unit(benchmark::kMillisecond);

void BM_QueryVisibleOn(benchmark::State& state) {
  Query q;
  q.types = {"indicator"};
  q.label = "member-visible";
  Count(state, Reader::As(TheWorld().member), q);
}
BENCHMARK(BM_QueryVisibleOn)->Unit(benchmark::kMillisecond);

void BM_QueryPolicyOn(benchmark::State& state) {
  Query q;
  q.types = {"indicator"};
  Count(state, Reader::As(TheWorld().member), q);
}
BENCHMARK(BM_QueryPolicyOn)->Unit(benchmark::kMillisecond);

// Prints the ratios of the runs above, as the issue asks.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      times_[r.benchmark_name()] = r.GetAdjustedRealTime();
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    double off = times_["BM_QueryPolicyOff"];
    if (off <= 0) return;
    fmt::print(
        "\naccess policy cost, {} orgs, member sees {} of {} indicators:\n"
        "  same 10,000 rows, policy on / off:        {:.3f}  (goal <= 1.10)\n"
        "  all rows judged, 10,000 returned / off:   {:.3f}\n",
        kOrgs, TheWorld().visible, kObjects, times_["BM_QueryVisibleOn"] / off,
        times_["BM_QueryPolicyOn"] / off);
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace
}  // namespace ncert::store

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ncert::store::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
