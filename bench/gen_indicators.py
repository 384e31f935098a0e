#!/usr/bin/env python3
"""Writes N distinct, valid STIX 2.1 indicator objects, one compact JSON per line.

Usage: gen_indicators.py N OUT.ndjson [--seed S]

Deterministic: the same N and seed give the same bytes (random.Random with an
integer seed is stable across Python 3 versions). Each object looks like what a
national CERT receives from its feeds: a STIX pattern over an IPv4 address, a
domain, a URL or a file hash, pattern_type "stix", valid_from, labels, a
created_by_ref to one of a few dozen identities and a TLP marking; sometimes
valid_until, indicator_types, a name, a description, kill_chain_phases and
confidence. Ids are "indicator--" + a UUIDv4 drawn from
the seeded generator; created and modified have millisecond precision and
modified >= created. Members are written in a natural (not sorted) order, so
ncert's canonicalisation has work to do. Lines average about 450 bytes.
"""

import argparse
import datetime
import json
import random
import sys
import uuid

# The TLP 1.0 marking definitions fixed by STIX 2.1 section 7.2.1.4.
TLP = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
TLP_WEIGHTS = [("white", 15), ("green", 50), ("amber", 30), ("red", 5)]

INDICATOR_TYPES = ["malicious-activity", "anomalous-activity", "compromised",
                   "anonymization", "attribution", "unknown"]
LABELS = ["phishing", "c2", "botnet", "ransomware", "scanner", "malware-drop",
          "apt", "mirai", "credential-theft", "exploit-kit", "tor-exit",
          "spam", "cryptominer", "webshell", "bruteforce", "sector:energy",
          "sector:finance", "sector:health", "sector:telecom", "sector:gov"]
KILL_CHAIN = ["reconnaissance", "delivery", "exploitation", "installation",
              "command-and-control", "actions-on-objectives",
              "initial-access", "execution", "persistence", "exfiltration"]
TLDS = ["com", "net", "org", "info", "ru", "cn", "xyz", "top", "io", "biz"]
WORDS = ["update", "secure", "login", "cdn", "mail", "portal", "cloud",
         "service", "account", "verify", "static", "api", "files", "sync",
         "office", "support", "billing", "auth", "media", "news"]
DESCRIPTIONS = [
    "Observed in a phishing campaign against {} operators.",
    "Command-and-control endpoint reported by a partner CERT; seen by {} sensors.",
    "Hosts a loader used in intrusions at {} organisations.",
    "Scanning source hitting exposed IoT devices in the {} sector.",
    "Distribution point for a credential stealer reported by {} members.",
]
SECTORS = ["energy", "finance", "health", "telecom", "government", "transport",
           "water", "manufacturing", "chemical", "logistics"]

EPOCH = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
SPAN_MS = 3 * 365 * 86400 * 1000  # three years of feed history


def uuid4(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ts(ms):
    t = EPOCH + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    r = rng.randrange(total)
    for value, w in pairs:
        if r < w:
            return value
        r -= w
    raise AssertionError("unreachable")


def domain(rng):
    return "%s-%s%d.%s" % (rng.choice(WORDS), rng.choice(WORDS),
                           rng.randrange(1000), rng.choice(TLDS))


def pattern(rng):
    kind = rng.randrange(10)
    if kind < 4:
        ip = "%d.%d.%d.%d" % (rng.randrange(1, 224), rng.randrange(256),
                              rng.randrange(256), rng.randrange(1, 255))
        return "Malicious IPv4 " + ip, "[ipv4-addr:value = '%s']" % ip
    if kind < 6:
        d = domain(rng)
        return "Malicious domain " + d, "[domain-name:value = '%s']" % d
    if kind < 8:
        d = domain(rng)
        path = "/".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4)))
        u = "http%s://%s/%s.php?id=%d" % (rng.choice(["", "s"]), d, path,
                                          rng.randrange(100000))
        return "Malicious URL on " + d, "[url:value = '%s']" % u
    algo, bits = rng.choice([("MD5", 128), ("SHA-1", 160), ("SHA-256", 256)])
    h = "%0*x" % (bits // 4, rng.getrandbits(bits))
    return ("Malicious file " + h[:12],
            "[file:hashes.'%s' = '%s']" % (algo, h))


def indicator(rng, identities):
    created = rng.randrange(SPAN_MS)
    modified = created + (0 if rng.random() < 0.6 else
                          rng.randrange(30 * 86400 * 1000))
    valid_from = created - rng.randrange(3600 * 1000)
    name, pat = pattern(rng)
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--" + uuid4(rng),
        "created_by_ref": rng.choice(identities),
        "created": ts(created),
        "modified": ts(modified),
    }
    if rng.random() < 0.5:
        obj["name"] = name
    if rng.random() < 0.15:
        obj["description"] = rng.choice(DESCRIPTIONS).format(
            rng.choice(SECTORS))
    if rng.random() < 0.5:
        obj["indicator_types"] = [rng.choice(INDICATOR_TYPES)]
    obj["pattern"] = pat
    obj["pattern_type"] = "stix"
    obj["valid_from"] = ts(valid_from)
    if rng.random() < 0.3:
        obj["valid_until"] = ts(valid_from + rng.randrange(
            86400 * 1000, 365 * 86400 * 1000))
    if rng.random() < 0.15:
        obj["kill_chain_phases"] = [{"kill_chain_name": "mitre-attack",
                                     "phase_name": rng.choice(KILL_CHAIN)}]
    obj["labels"] = rng.sample(LABELS, rng.randrange(1, 3))
    if rng.random() < 0.3:
        obj["confidence"] = rng.choice([15, 50, 85, 100])
    obj["object_marking_refs"] = [TLP[weighted(rng, TLP_WEIGHTS)]]
    return obj


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of indicators")
    ap.add_argument("out", help="output file (.ndjson), '-' for stdout")
    ap.add_argument("--seed", type=int, default=20261126)
    args = ap.parse_args()
    if args.n < 0:
        ap.error("N must be >= 0")
    rng = random.Random(args.seed)
    identities = ["identity--" + uuid4(rng) for _ in range(40)]
    seen = set()
    out = sys.stdout if args.out == "-" else open(args.out, "w",
                                                  encoding="utf-8")
    with out:
        written = 0
        while written < args.n:
            obj = indicator(rng, identities)
            if obj["id"] in seen:  # 2^-122 per pair; kept for the guarantee
                continue
            seen.add(obj["id"])
            out.write(json.dumps(obj, separators=(",", ":"),
                                 ensure_ascii=False))
            out.write("\n")
            written += 1


if __name__ == "__main__":
    main()
