// DarknetReport as text for people (English or Japanese headings) and as
// JSON for scripts.

#include <fmt/format.h>

#include "core/json.h"
#include "sensors/darknet.h"

namespace ncert::sensors {
namespace {

std::string Time(Timestamp t) { return FormatTimestamp(t, 0); }

std::string Geo(const GeoInfo& g) {
  std::string out = g.country;
  if (g.asn != 0) {
    if (!out.empty()) out += " ";
    out += fmt::format("AS{}", g.asn);
  }
  return out;
}

std::string Q(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string GeoJson(const GeoInfo& g) {
  return fmt::format("\"country\":{},\"asn\":{},\"as_org\":{}", Q(g.country),
                     g.asn, Q(g.as_org));
}

std::string Num(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(v));
  }
  return fmt::format("{:.6g}", v);
}

std::string Ports(const std::vector<uint16_t>& ports) {
  return fmt::format("{}", fmt::join(ports, ","));
}

}  // namespace

std::string FormatDarknetReport(const DarknetReport& r, bool ja) {
  std::string o;
  auto h = [&](const char* en, const char* jp) {
    o += fmt::format("\n{}\n", ja ? jp : en);
  };
  o += fmt::format(fmt::runtime(ja ? "ダークネット観測レポート（センサー {}）\n"
                                   : "Darknet report (sensor {})\n"),
                   r.sensor);
  if (r.packets > 0) {
    o += fmt::format("  {} .. {}\n", Time(r.first), Time(r.last));
  }
  o += fmt::format(
      fmt::runtime(ja ? "  観測アドレス数 {}{}\n"
                      : "  monitored addresses {}{}\n"),
      Num(r.monitored_addresses),
      r.monitored_estimated
          ? (ja ? "（--prefix なし: 宛先の異なり数で推定）"
                : " (no --prefix: estimated from distinct destinations)")
          : "");
  h("Totals", "合計");
  o += fmt::format(
      fmt::runtime(
          ja ? "  パケット {}（TCP {}、UDP {}、ICMP {}、その他 {}）、{} "
               "バイト\n"
               "  送信元（推定）{}、宛先（推定）{}（相対誤差 ±{:.1f}%）\n"
               "  SYN {}、Mirai 指紋 {}、バックスキャッタ {}、研究用スキャナ "
               "{}\n"
             : "  packets {} (TCP {}, UDP {}, ICMP {}, other {}), {} bytes\n"
               "  sources (est.) {}, destinations (est.) {} (rel. error "
               "±{:.1f}%)\n"
               "  SYN {}, Mirai-fingerprinted {}, backscatter {}, research "
               "scanners {}\n"),
      r.packets, r.tcp, r.udp, r.icmp, r.other, r.bytes, Num(r.unique_sources),
      Num(r.unique_destinations), r.hll_relative_error * 100, r.syn, r.mirai,
      r.backscatter, r.research_packets);
  h("Top ports", "宛先ポート上位");
  for (const PortStat& p : r.top_ports) {
    o += fmt::format(
        "  {:>12} {:>12} pkts {:>10} src{}\n", p.port, p.packets,
        Num(p.sources),
        p.mirai != nullptr ? fmt::format("  [{}]", p.mirai->family) : "");
  }
  h("Top sources", "送信元上位");
  for (const SourceStat& s : r.top_sources) {
    o +=
        fmt::format("  {:<39} {:>12} pkts  {}{}\n", s.ip, s.packets, Geo(s.geo),
                    s.research.empty() ? "" : "  (" + s.research + ")");
  }
  h("SYN scanners", "SYN スキャン送信元");
  o += fmt::format(fmt::runtime(ja ? "  {} 件\n" : "  {} found\n"),
                   r.scanners_total);
  for (const ScannerStat& s : r.scanners) {
    o += fmt::format(
        fmt::runtime(
            ja ? "  {:<39} SYN {:>10} 宛先 {:>8} ポート {:>6} [{}] {}{}{}\n"
               : "  {:<39} SYN {:>10} dsts {:>8} ports {:>6} [{}] {}{}{}\n"),
        s.ip, s.syns, Num(s.destinations), Num(s.ports), Ports(s.top_ports),
        Geo(s.geo), s.mirai ? " Mirai" : "",
        s.research.empty() ? "" : " (" + s.research + ")");
  }
  h("Mirai-fingerprinted hosts (TCP SYN sequence number = destination "
    "address)",
    "Mirai 感染ホスト（SYN のシーケンス番号 = 宛先アドレス）");
  o += fmt::format(fmt::runtime(ja ? "  {} 件（送信元の推定異なり数 {}）\n"
                                   : "  {} found (distinct sources est. {})\n"),
                   r.mirai_hosts_total, Num(r.mirai_sources));
  for (const MiraiHost& m : r.mirai_hosts) {
    o += fmt::format(
        fmt::runtime(ja ? "  {:<39} 指紋 {:>8}/{} ポート [{}] {} 確度 {} {}\n"
                        : "  {:<39} fp {:>8}/{} ports [{}] {} conf. {} {}\n"),
        m.ip, m.fingerprinted, m.syns, Ports(m.ports), m.variant, m.confidence,
        Geo(m.geo));
  }
  h("DoS victims (backscatter: unsolicited SYN-ACK, RST, ICMP errors)",
    "DoS 被害推定（バックスキャッタ: 要求のない SYN-ACK、RST、ICMP エラー）");
  o += fmt::format(fmt::runtime(ja ? "  攻撃 {} 件\n" : "  {} attacks\n"),
                   r.attacks_total);
  for (const DosAttack& a : r.attacks) {
    o += fmt::format(
        fmt::runtime(
            ja ? "  {:<39} {} .. {} {} パケット 観測 {:.1f} pps 推定攻撃 "
                 "{:.0f} pps "
                 "{}\n"
               : "  {:<39} {} .. {} {} pkts observed {:.1f} pps est. attack "
                 "{:.0f} pps {}\n"),
        a.victim, Time(a.start), Time(a.end), a.packets, a.observed_pps,
        a.estimated_pps, Geo(a.geo));
  }
  if (!r.research.empty()) {
    h("Research scanners", "研究用スキャナ");
    for (const ResearchStat& s : r.research) {
      o += fmt::format(fmt::runtime(ja ? "  {:<30} {:>12} パケット 送信元 {}\n"
                                       : "  {:<30} {:>12} pkts {} sources\n"),
                       s.name, s.packets, Num(s.sources));
    }
  }
  if (!r.countries.empty()) {
    h("Countries (of the top sources)", "国（上位送信元）");
    for (const CountStat& c : r.countries) {
      o += fmt::format("  {:<30} {:>12}\n", c.key, c.packets);
    }
    h("Autonomous systems (of the top sources)", "AS（上位送信元）");
    for (const CountStat& c : r.ases) {
      o += fmt::format("  {:<50} {:>12}\n", c.key, c.packets);
    }
  }
  h("Inputs and problems", "入力と問題");
  for (const InputStat& in : r.inputs) {
    o += fmt::format("  {} [{}] {} pkts{}\n", in.file, in.link_type, in.packets,
                     in.problem.empty() ? "" : ": " + in.problem);
  }
  const DarknetAnomalies& an = r.anomalies;
  o += fmt::format(
      fmt::runtime(
          ja ? "  読めないファイル {}、途中で終わるファイル {}、未対応リンク "
               "{}、"
               "短すぎるパケット（リンク {}、IP {}、L4 {}）、非 IP {}、"
               "フラグメント {}、時刻の逆行 {}、系列に間に合わない {}、"
               "プレフィックス外 {}\n"
             : "  unreadable files {}, cut-short files {}, unknown link types "
               "{}, "
               "short packets (link {}, IP {}, L4 {}), non-IP {}, fragments "
               "{}, "
               "out-of-order {}, too late for the series {}, outside the "
               "prefix "
               "{}\n"),
      an.unreadable_files, an.truncated_files, an.unknown_link_files,
      an.short_link, an.short_ip, an.short_l4, an.non_ip, an.fragments,
      an.out_of_order, an.late_for_series, an.outside_prefix);
  return o;
}

std::string DarknetReportJson(const DarknetReport& r) {
  std::string o = "{";
  o += fmt::format("\"sensor\":{},\"prefixes\":[", Q(r.sensor));
  for (size_t i = 0; i < r.prefixes.size(); ++i) {
    o += (i ? "," : "") + Q(r.prefixes[i]);
  }
  o += fmt::format(
      "],\"monitored_addresses\":{},\"monitored_estimated\":{},"
      "\"first\":{},\"last\":{},\"packets\":{},\"bytes\":{},\"tcp\":{},"
      "\"udp\":{},\"icmp\":{},\"other\":{},\"syn\":{},\"mirai\":{},"
      "\"backscatter\":{},\"research_packets\":{},\"unique_sources\":{},"
      "\"unique_destinations\":{},\"mirai_sources\":{},"
      "\"hll_relative_error\":{},\"series_points\":{}",
      Num(r.monitored_addresses), r.monitored_estimated,
      Q(r.packets ? Time(r.first) : ""), Q(r.packets ? Time(r.last) : ""),
      r.packets, r.bytes, r.tcp, r.udp, r.icmp, r.other, r.syn, r.mirai,
      r.backscatter, r.research_packets, Num(r.unique_sources),
      Num(r.unique_destinations), Num(r.mirai_sources),
      Num(r.hll_relative_error), r.series_points);
  auto list = [&](const char* name, const auto& v, auto fn) {
    o += fmt::format(",\"{}\":[", name);
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) o += ",";
      o += "{" + fn(v[i]) + "}";
    }
    o += "]";
  };
  list("top_ports", r.top_ports, [](const PortStat& p) {
    return fmt::format(
        "\"port\":{},\"packets\":{},\"error\":{},"
        "\"sources\":{},\"mirai_family\":{}",
        Q(p.port), p.packets, p.error, Num(p.sources),
        p.mirai ? Q(p.mirai->family) : "null");
  });
  list("top_sources", r.top_sources, [](const SourceStat& s) {
    return fmt::format(
        "\"ip\":{},\"packets\":{},\"error\":{},\"research\":{},{}", Q(s.ip),
        s.packets, s.error, Q(s.research), GeoJson(s.geo));
  });
  o += fmt::format(",\"scanners_total\":{}", r.scanners_total);
  list("scanners", r.scanners, [](const ScannerStat& s) {
    return fmt::format(
        "\"ip\":{},\"syns\":{},\"destinations\":{},\"ports\":{},"
        "\"top_ports\":[{}],\"first\":{},\"last\":{},\"mirai\":{},"
        "\"research\":{},{}",
        Q(s.ip), s.syns, Num(s.destinations), Num(s.ports), Ports(s.top_ports),
        Q(Time(s.first)), Q(Time(s.last)), s.mirai, Q(s.research),
        GeoJson(s.geo));
  });
  o += fmt::format(",\"mirai_hosts_total\":{}", r.mirai_hosts_total);
  list("mirai_hosts", r.mirai_hosts, [](const MiraiHost& m) {
    return fmt::format(
        "\"ip\":{},\"fingerprinted\":{},\"syns\":{},\"ports\":[{}],"
        "\"variant\":{},\"confidence\":{},\"first\":{},\"last\":{},{}",
        Q(m.ip), m.fingerprinted, m.syns, Ports(m.ports), Q(m.variant),
        m.confidence, Q(Time(m.first)), Q(Time(m.last)), GeoJson(m.geo));
  });
  o += fmt::format(",\"attacks_total\":{},\"attacks_dropped\":{}",
                   r.attacks_total, r.attacks_dropped);
  list("dos_attacks", r.attacks, [](const DosAttack& a) {
    return fmt::format(
        "\"victim\":{},\"start\":{},\"end\":{},\"packets\":{},"
        "\"destinations\":{},\"syn_ack\":{},\"rst\":{},\"icmp\":{},"
        "\"observed_pps\":{},\"estimated_pps\":{},{}",
        Q(a.victim), Q(Time(a.start)), Q(Time(a.end)), a.packets,
        Num(a.destinations), a.syn_ack, a.rst, a.icmp, Num(a.observed_pps),
        Num(a.estimated_pps), GeoJson(a.geo));
  });
  list("research_scanners", r.research, [](const ResearchStat& s) {
    return fmt::format("\"name\":{},\"packets\":{},\"sources\":{}", Q(s.name),
                       s.packets, Num(s.sources));
  });
  auto counts = [](const CountStat& c) {
    return fmt::format("\"key\":{},\"packets\":{}", Q(c.key), c.packets);
  };
  list("countries", r.countries, counts);
  list("ases", r.ases, counts);
  list("inputs", r.inputs, [](const InputStat& in) {
    return fmt::format(
        "\"file\":{},\"link_type\":{},\"packets\":{},\"bytes\":{},"
        "\"problem\":{}",
        Q(in.file), Q(in.link_type), in.packets, in.bytes, Q(in.problem));
  });
  const DarknetAnomalies& an = r.anomalies;
  o += fmt::format(
      ",\"anomalies\":{{\"unreadable_files\":{},\"truncated_files\":{},"
      "\"unknown_link_files\":{},\"short_link\":{},\"short_ip\":{},"
      "\"short_l4\":{},\"non_ip\":{},\"fragments\":{},\"other_l4\":{},"
      "\"out_of_order\":{},\"late_for_series\":{},\"outside_prefix\":{}}}}}",
      an.unreadable_files, an.truncated_files, an.unknown_link_files,
      an.short_link, an.short_ip, an.short_l4, an.non_ip, an.fragments,
      an.other_l4, an.out_of_order, an.late_for_series, an.outside_prefix);
  return o;
}

}  // namespace ncert::sensors
