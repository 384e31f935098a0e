#!/usr/bin/env python3
"""Writes N MB of mixed NDJSON telemetry (Suricata EVE, Cowrie, Zeek and ECS
shapes) with a fixed seed, for the telemetry and matching benchmarks.

  bench/gen_events.py --mb 100 --seed 1 --out DIR
  bench/gen_events.py --mb 10 --plant values.txt --plant-field domain \
      --plant-rate 0.001 --planted planted.tsv --out DIR

The lines go to one file per shape, DIR/eve.json, DIR/cowrie.json,
DIR/zeek.json and DIR/ecs.json (ncert detects the format per file).

--plant FILE takes values, one a line, and plants them in the named Event
field (domain, url, src_ip, dst_ip, sha256, md5, ja3, user_agent, user,
command_line) of about --plant-rate of the lines, cycling through the
values. The side file --planted lists each planted value as
"file<TAB>line<TAB>field<TAB>value" (file name in DIR, 1-based line), so
a matcher can be checked against a known answer. Every line is one JSON
object; the mix is about 40% EVE, 20% Cowrie, 25% Zeek, 15% ECS by lines.
Same seed, same bytes.
"""
import argparse
import json
import os
import random
import sys

FIELDS = ("domain", "url", "src_ip", "dst_ip", "sha256", "md5", "ja3",
          "user_agent", "user", "command_line")


def ip(r):
    return "%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256),
                            r.randrange(256), r.randrange(1, 255))


def hexs(r, n):
    return "%0*x" % (n, r.getrandbits(4 * n))


def ts(r, fmt="iso"):
    sec = 1709290800 + r.randrange(86400)
    if fmt == "epoch":
        return sec + r.randrange(1000000) / 1e6
    return "2024-03-01T%02d:%02d:%02d.%06dZ" % ((sec // 3600) % 24,
                                                (sec // 60) % 60, sec % 60,
                                                r.randrange(1000000))


def base(r):
    return {"domain": "host%d.example%d.com" % (r.randrange(100000),
                                                r.randrange(100)),
            "src_ip": ip(r), "dst_ip": ip(r),
            "sha256": hexs(r, 64), "md5": hexs(r, 32), "ja3": hexs(r, 32),
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) rv:%d" %
                          r.randrange(100),
            "user": "user%d" % r.randrange(1000),
            "command_line": "wget http://%s/x%d" % (ip(r), r.randrange(100))}


def eve(r, v):
    kind = r.choice(["alert", "dns", "http", "tls", "fileinfo", "flow"])
    o = {"timestamp": ts(r).replace("Z", "+0000"), "flow_id": r.getrandbits(50),
         "event_type": kind, "src_ip": v["src_ip"],
         "src_port": r.randrange(1024, 65536), "dest_ip": v["dst_ip"],
         "dest_port": r.choice([80, 443, 53, 22]), "proto": "TCP"}
    if kind == "alert":
        o["alert"] = {"signature_id": r.randrange(2000000, 2100000),
                      "signature": "ET TEST %d" % r.randrange(1000),
                      "severity": 2}
    elif kind == "dns":
        o["dns"] = {"type": "query", "rrname": v["domain"], "rrtype": "A"}
    elif kind == "http":
        o["http"] = {"hostname": v["domain"],
                     "url": v.get("url_path", "/p/%d" % r.randrange(10000)),
                     "http_user_agent": v["user_agent"], "status": 200}
    elif kind == "tls":
        o["tls"] = {"sni": v["domain"], "ja3": {"hash": v["ja3"]}}
    elif kind == "fileinfo":
        o["fileinfo"] = {"filename": "/f.bin", "md5": v["md5"],
                         "sha256": v["sha256"], "size": r.randrange(10**6)}
    else:
        o["flow"] = {"pkts_toserver": r.randrange(100), "state": "closed"}
    return o, {"alert": (), "dns": ("domain",),
               "http": ("domain", "url", "user_agent"),
               "tls": ("domain", "ja3"), "fileinfo": ("md5", "sha256"),
               "flow": ()}[kind] + ("src_ip", "dst_ip")


def cowrie(r, v):
    kind = r.choice(["cowrie.login.failed", "cowrie.command.input",
                     "cowrie.session.file_download"])
    o = {"eventid": kind, "src_ip": v["src_ip"], "session": hexs(r, 12),
         "sensor": "hp-%d" % r.randrange(10), "timestamp": ts(r)}
    if kind == "cowrie.login.failed":
        o.update(username=v["user"], password="pw%d" % r.randrange(1000))
        return o, ("src_ip", "user")
    if kind == "cowrie.command.input":
        o["input"] = v["command_line"]
        return o, ("src_ip", "command_line")
    o.update(url=v.get("url", "http://%s/bin" % v["domain"]),
             shasum=v["sha256"])
    return o, ("src_ip", "url", "sha256")


def zeek(r, v):
    kind = r.choice(["conn", "dns", "http", "ssl"])
    o = {"_path": kind, "ts": ts(r, "epoch"), "uid": "C" + hexs(r, 17),
         "id.orig_h": v["src_ip"], "id.orig_p": r.randrange(1024, 65536),
         "id.resp_h": v["dst_ip"], "id.resp_p": 443, "proto": "tcp"}
    if kind == "dns":
        o["query"] = v["domain"]
        return o, ("src_ip", "dst_ip", "domain")
    if kind == "http":
        o.update(host=v["domain"], uri="/q?%d" % r.randrange(1000),
                 user_agent=v["user_agent"])
        return o, ("src_ip", "dst_ip", "domain", "user_agent")
    if kind == "ssl":
        o.update(server_name=v["domain"], ja3=v["ja3"])
        return o, ("src_ip", "dst_ip", "domain", "ja3")
    return o, ("src_ip", "dst_ip")


def ecs(r, v):
    o = {"@timestamp": ts(r), "event": {"action": "connection"},
         "source": {"ip": v["src_ip"]}, "destination": {"ip": v["dst_ip"]},
         "url": {"full": v.get("url", "https://%s/" % v["domain"])},
         "dns": {"question": {"name": v["domain"]}},
         "process": {"command_line": v["command_line"]},
         "file": {"hash": {"sha256": v["sha256"]}},
         "user": {"name": v["user"]}, "host": {"name": "ws-%d" %
                                               r.randrange(100)}}
    return o, ("src_ip", "dst_ip", "url", "domain", "command_line", "sha256",
               "user")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mb", type=float, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--plant", help="file of values, one a line")
    p.add_argument("--plant-field", choices=FIELDS, default="domain")
    p.add_argument("--plant-rate", type=float, default=0.001)
    p.add_argument("--planted", help="side file: line TAB field TAB value")
    a = p.parse_args()
    r = random.Random(a.seed)
    values = []
    if a.plant:
        values = [l.strip() for l in open(a.plant, encoding="utf-8")
                  if l.strip()]
        if not values:
            sys.exit("gen_events.py: --plant file has no values")
    os.makedirs(a.out, exist_ok=True)
    names = {eve: "eve.json", cowrie: "cowrie.json", zeek: "zeek.json",
             ecs: "ecs.json"}
    outs = {m: open(os.path.join(a.out, n), "w", encoding="utf-8")
            for m, n in names.items()}
    lines = {m: 0 for m in names}
    side = open(a.planted, "w", encoding="utf-8") if a.planted else None
    limit = int(a.mb * (1 << 20))
    written = line = planted = 0
    makers = [(eve, 0.40), (cowrie, 0.20), (zeek, 0.25), (ecs, 0.15)]
    while written < limit:
        line += 1
        v = base(r)
        chosen = None
        plant = values and r.random() < a.plant_rate
        maker = r.choices([m for m, _ in makers], [w for _, w in makers])[0]
        if plant:
            value = values[planted % len(values)]
            # Pick a shape that carries the field, then set it.
            for _ in range(50):
                probe = random.Random(r.random())
                o, carries = maker(probe, v)
                if a.plant_field in carries:
                    break
                maker = r.choices([m for m, _ in makers],
                                  [w for _, w in makers])[0]
            if a.plant_field == "url":
                v["url"] = value
                v["url_path"] = value
            else:
                v[a.plant_field] = value
            o, carries = maker(r, v)
            if a.plant_field in carries:
                planted += 1
                chosen = value
        else:
            o, _ = maker(r, v)
        s = json.dumps(o, separators=(",", ":")) + "\n"
        outs[maker].write(s)
        lines[maker] += 1
        if chosen is not None and side:
            side.write("%s\t%d\t%s\t%s\n" % (names[maker], lines[maker],
                                               a.plant_field, chosen))
        written += len(s.encode("utf-8"))
    for f in outs.values():
        f.close()
    if side:
        side.close()
    print("gen_events.py: %d lines, %d bytes, %d planted" %
          (line, written, planted), file=sys.stderr)


if __name__ == "__main__":
    main()
