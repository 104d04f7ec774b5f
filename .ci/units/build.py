#!/usr/bin/env python3
"""Builds vanban's file of the whole country's administrative units (static/data/
don-vi-hanh-chinh.jsonl): every unit with its official code as it stood before 1 July 2025
(63 provinces, their districts and communes) and after (34 provinces, 3,321 communes), and the
2025 successions, in vanban's JSON Lines import format (`unit` and `succession` records).

Sources (pinned; see README "Administrative units of the whole country"):
- vietnam-provinces 0.6.0 (data of 2025-01-04): official codes and names before 1 July 2025;
- vietnam-provinces 2025.10.1 (data of 2025-10-18): official codes and names from 1 July 2025;
  both from the General Statistics Office's catalogue (danhmuchanhchinh.gso.gov.vn);
- vietnam-address-converter 1.0.5 (Apache-2.0): which old commune went to which new commune
  (it has its own codes, so it is joined on names).

Run: python3 .ci/units/build.py [--out static/data/don-vi-hanh-chinh.jsonl]
It installs the pinned packages into .ci/units/.cache (pip --target), prints every row the
sources disagree on and writes them to .ci/units/disagreements.txt, and fails when a count is
off (63/34 provinces, 3,321 new communes) or a commune of 2024 has no successor.
"""

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = HERE / ".cache"
PINS = {
    "old": "vietnam-provinces==0.6.0",
    "new": "vietnam-provinces==2025.10.1",
    "conv": "vietnam-address-converter==1.0.5",
}
LAST_OLD_DAY = "2025-06-30"
FIRST_NEW_DAY = "2025-07-01"


def install() -> dict:
    """Installs each pinned package into its own folder (two versions of one package)."""
    paths = {}
    for key, pin in PINS.items():
        target = CACHE / pin.replace("==", "-")
        if not (target / ".done").exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                 "--target", str(target), pin],
                check=True,
            )
            (target / ".done").write_text(pin)
        paths[key] = target
    return paths


def nested(target: Path) -> list:
    return json.loads((target / "vietnam_provinces/data/nested-divisions.json").read_text("utf-8"))


def converter_data(target: Path) -> dict:
    sys.path.insert(0, str(target))
    from vietnam_address_converter import data  # noqa: E402 (installed above)

    sys.path.pop(0)
    return data.DEFAULT_DATA


PREFIXES = (
    "thành phố trung ương", "thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "quận",
    "huyện", "tỉnh", "xã", "tp.", "tp",
)


ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
         "viii": "8", "ix": "9", "x": "10"}


def kind(name: str) -> str:
    """The unit type a name starts with (`phường`, `xã`, `thị trấn`), or ''."""
    n = unicodedata.normalize("NFC", name).lower().strip()
    for p in PREFIXES:
        if n.startswith(p + " "):
            return p
    return ""


def key(name: str) -> str:
    """A name as the sources can agree on it: NFC, lower case, no unit type, no leading zeros,
    Roman numerals as digits (`Phường VII` is `Phường 7`), one apostrophe, one tone placement."""
    n = unicodedata.normalize("NFC", name).lower().strip()
    n = n.replace("\u00a0", " ").replace("\u2019", "'").replace("\u02bc", "'").replace("`", "'")
    for p in PREFIXES:
        if n.startswith(p + " "):
            n = n[len(p) + 1:]
            break
    n = re.sub(r"\b0+(\d)", r"\1", n)
    n = re.sub(r"'\s+", "'", n)
    n = re.sub(r"\bn\.\s?t\.?\s", "nt ", n)
    n = n.replace("đắk", "đăk").replace("quí", "quý")
    words = n.split(" ")
    if words and words[-1] in ROMAN:
        words[-1] = ROMAN[words[-1]]
    n = " ".join(words)
    n = re.sub(r"[\s\-–]+", " ", n)
    # Old spellings of tones (hoà / hòa, thuỵ / thụy) are the same name.
    for a, b in (("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
                 ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
                 ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy")):
        n = n.replace(a, b)
    return n.strip()


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


def province_name(p: dict) -> str:
    """The new catalogue names provinces without their type (`Cà Mau`)."""
    n = nfc(p["name"])
    if n.startswith(("Tỉnh ", "Thành phố ")):
        return n
    kind = "Thành phố" if "thành phố" in p.get("division_type", "") else "Tỉnh"
    return f"{kind} {n}"


def code(n: int, width: int) -> str:
    return str(n).zfill(width)


class Report:
    """Rows the sources disagree on, printed and written next to this script."""

    def __init__(self):
        self.lines = []

    def add(self, what: str):
        self.lines.append(what)

    def write(self, path: Path):
        text = "\n".join(self.lines) + ("\n" if self.lines else "")
        path.write_text(text, "utf-8")
        for line in self.lines:
            print(line)
        print(f"{len(self.lines)} disagreement(s), written to {path.relative_to(ROOT)}")


def load(paths: dict):
    old = nested(paths["old"])
    new = nested(paths["new"])
    conv = converter_data(paths["conv"])
    return old, new, conv


def old_units(old: list):
    """Provinces, districts and communes before 1 July 2025, keyed for the name join."""
    provinces, districts, communes = {}, {}, {}
    by_names = {}
    for p in old:
        pc = code(p["code"], 2)
        provinces[pc] = {"code": pc, "name": nfc(p["name"])}
        for d in p["districts"]:
            dc = code(d["code"], 3)
            districts[dc] = {"code": dc, "name": nfc(d["name"]), "parent": pc,
                             "province_key": key(p["name"])}
            for w in d["wards"]:
                wc = code(w["code"], 5)
                communes[wc] = {"code": wc, "name": nfc(w["name"]), "parent": dc, "province": pc}
                by_names.setdefault((key(p["name"]), key(d["name"]), kind(w["name"]), key(w["name"])), []).append(wc)
    return provinces, districts, communes, by_names


def new_units(new: list):
    provinces, communes, by_names = {}, {}, {}
    for p in new:
        pc = code(p["code"], 2)
        provinces[pc] = {"code": pc, "name": province_name(p)}
        for w in p["wards"]:
            wc = code(w["code"], 5)
            communes[wc] = {"code": wc, "name": nfc(w["name"]), "parent": pc}
            by_names.setdefault((key(p["name"]), kind(w["name"]), key(w["name"])), []).append(wc)
    return provinces, communes, by_names


def spelled(n: str) -> str:
    """Names the mapping abbreviates or spells otherwise than the catalogue (`EaBar`)."""
    return n.replace("nông trường ", "nt ").replace(" ", "")


class Join:
    """Finds the official code of a name the converter gives, most precise match first."""

    def __init__(self, full: dict):
        self.full = full
        self.loose = defaultdict(set)
        for k, codes in full.items():
            *place, _kind, name = k
            self.loose[("no-kind", *place, spelled(name))].update(codes)
            self.loose[("no-district", place[0], _kind, spelled(name))].update(codes)
            self.loose[("no-district-kind", place[0], spelled(name))].update(codes)

    def find(self, k: tuple):
        """(codes, how): the exact key, then without the unit type, then without the district."""
        if k in self.full and len(self.full[k]) == 1:
            return self.full[k], "exact"
        *place, kd, name = k
        name = spelled(name)
        for how, lk in (
            ("no-kind", ("no-kind", *place, name)),
            ("no-district", ("no-district", place[0], kd, name)),
            ("no-district-kind", ("no-district-kind", place[0], name)),
        ):
            codes = self.loose.get(lk, set())
            if len(codes) == 1:
                return sorted(codes), how
        return [], "none"


def mapping(conv: dict, old_join: Join, new_join: Join, old_districts: dict, report: Report):
    """Old commune code -> new commune codes, and old district code -> new commune codes for
    districts without communes (islands that became special zones)."""
    commune_to, district_to = defaultdict(set), defaultdict(set)
    district_by_name = {}
    for dc, d in old_districts.items():
        district_by_name[(d["province_key"], key(d["name"]))] = dc
    for r in conv["mapping"]["rows"]:
        o, n = r["old"], r["new"]
        new_codes, how_new = new_join.find((key(n["province_name"]), kind(n["ward_name"]),
                                            key(n["ward_name"])))
        where = f'{o["ward_name"] or "-"}, {o["district_name"]}, {o["province_name"]}'
        if len(new_codes) != 1:
            report.add(f"mapping: new commune «{n['ward_name']}, {n['province_name']}» "
                       f"(for {where}) is not in the official list of 2025: row skipped")
            continue
        if how_new != "exact":
            report.add(f"mapping: new commune «{n['ward_name']}, {n['province_name']}» matched "
                       f"{new_codes[0]} by name only ({how_new})")
        if not o["ward_name"]:
            dc = district_by_name.get((key(o["province_name"]), key(o["district_name"])))
            if dc is None:
                report.add(f"mapping: district «{where}» is not in the official list of 2024")
            else:
                district_to[dc].add(new_codes[0])
            continue
        old_codes, how_old = old_join.find((key(o["province_name"]), key(o["district_name"]),
                                            kind(o["ward_name"]), key(o["ward_name"])))
        if len(old_codes) != 1:
            report.add(f"mapping: old commune «{where}» is not in the official list of "
                       f"2024 (converter code {o['ward_code']}): row skipped")
            continue
        if how_old != "exact":
            report.add(f"mapping: old commune «{where}» matched {old_codes[0]} by name only "
                       f"({how_old})")
        commune_to[old_codes[0]].add(new_codes[0])
    return commune_to, district_to


# Communes of 2024 that no source maps to a 2025 commune (the 2024 list is dated 2025-01-04;
# these were rearranged between then and 30 June 2025, e.g. thị xã Mộc Châu). Listed in the
# report; the build fails if their number changes, so a new source version is looked at.
EXPECTED_ORPHANS = 21


def by_code(old_communes: dict, new_communes: dict, commune_to: dict, report: Report):
    """Fills gaps of the name join by code: an old commune whose code a 2025 commune took is
    its predecessor (QĐ 19/2025/QĐ-TTg gives a new commune the code of one it was formed of)."""
    covered = set().union(*commune_to.values()) if commune_to else set()
    for c, w in sorted(old_communes.items()):
        if c not in commune_to and c in new_communes:
            commune_to[c].add(c)
            report.add(f"mapping: old commune {c} «{w['name']}» is in no row; successor by "
                       f"its code: {c} «{new_communes[c]['name']}»")
    for c, w in sorted(new_communes.items()):
        if c not in covered and c in old_communes and c not in commune_to.get(c, set()):
            commune_to[c].add(c)
            report.add(f"mapping: new commune {c} «{w['name']}» has no predecessor in any row; "
                       f"predecessor by its code: {c} «{old_communes[c]['name']}»")
    orphans = [c for c in old_communes if not commune_to.get(c)]
    for c in orphans:
        report.add(f"mapping: old commune {c} «{old_communes[c]['name']}» has no successor "
                   f"in any source: no succession written")
    return orphans


def line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def unit(code_: str, name: str, level: str, parent=None, valid_from=None, valid_to=None):
    r = {"kind": "unit", "code": code_, "name": name, "level": level}
    if parent:
        r["parent"] = parent
    if valid_from:
        r["valid_from"] = valid_from
    if valid_to:
        r["valid_to"] = valid_to
    return r


def succession(pred: str, succ: str) -> dict:
    return {"kind": "succession", "predecessor": pred, "successor": succ, "on": FIRST_NEW_DAY}


HEADER = """\
# Đơn vị hành chính Việt Nam trước và từ ngày 1/7/2025, với quan hệ kế thừa năm 2025.
# Administrative units of Viet Nam before and from 1 July 2025, with the 2025 successions.
# Built by .ci/units/build.py (vanban) from public data; do not edit by hand.
# Codes and names: General Statistics Office catalogue (danhmuchanhchinh.gso.gov.vn), as
#   packaged by vietnam-provinces 0.6.0 (data 2025-01-04) and 2025.10.1 (data 2025-10-18),
#   (c) Nguyễn Hồng Quân; official codes and names are state data (QĐ 124/2004/QĐ-TTg,
#   QĐ 19/2025/QĐ-TTg) and not subject to copyright (Luật Sở hữu trí tuệ, Điều 15).
# Old-to-new mapping: vietnam-address-converter 1.0.5, (c) trng28, Apache License 2.0.
# Identity: a unit is its code plus its first day (valid_from). A province whose code and
#   name continue across 1 July 2025 is one unit; every other unit of 2025 is new. A code in
#   a reference resolves to the unit holding it on the day in question (see README).
"""


def fail(message: str):
    print(f"build.py: {message}", file=sys.stderr)
    sys.exit(1)


def records(old_p, old_d, old_c, new_p, new_c, commune_to, district_to, report):
    """Every line of the file, in an order the importer can read (a line names only units
    of earlier lines)."""
    continuing = {c for c, p in old_p.items() if c in new_p and new_p[c]["name"] == p["name"]}
    out = []
    for c, p in sorted(old_p.items()):
        out.append(unit(c, p["name"], "tinh", valid_to=None if c in continuing else LAST_OLD_DAY))
    for c, p in sorted(new_p.items()):
        if c not in continuing:
            out.append(unit(c, p["name"], "tinh", valid_from=FIRST_NEW_DAY))
    for c, d in sorted(old_d.items()):
        out.append(unit(c, d["name"], "huyen", d["parent"], valid_to=LAST_OLD_DAY))
    for c, w in sorted(old_c.items()):
        out.append(unit(c, w["name"], "xa", w["parent"], valid_to=LAST_OLD_DAY))
    for c, w in sorted(new_c.items()):
        out.append(unit(c, w["name"], "xa", w["parent"], valid_from=FIRST_NEW_DAY))
    province_to = defaultdict(set)
    for oc, news in commune_to.items():
        for n in news:
            province_to[old_c[oc]["province"]].add(new_c[n]["parent"])
    for dc, news in district_to.items():
        for n in news:
            province_to[old_d[dc]["parent"]].add(new_c[n]["parent"])
    for pc in sorted(old_p):
        targets = sorted(province_to.get(pc, set()) - ({pc} if pc in continuing else set()))
        if len(province_to.get(pc, set())) > 1:
            report.add(f"provinces: communes of {pc} «{old_p[pc]['name']}» went to "
                       f"{len(province_to[pc])} provinces: {', '.join(sorted(province_to[pc]))}")
        out.extend(succession(pc, t) for t in targets)
    for dc in sorted(old_d):
        news = set(district_to.get(dc, set()))
        for oc, w in old_c.items():
            if w["parent"] == dc:
                news |= commune_to.get(oc, set())
        out.extend(succession(dc, n) for n in sorted(news))
    for oc in sorted(commune_to):
        out.extend(succession(oc, n) for n in sorted(commune_to[oc]))
    return out, continuing


def check_counts(old_p, new_p, new_c, orphans):
    if len(old_p) != 63:
        fail(f"{len(old_p)} provinces before 1 July 2025, expected 63")
    if len(new_p) != 34:
        fail(f"{len(new_p)} provinces from 1 July 2025, expected 34")
    if len(new_c) != 3321:
        fail(f"{len(new_c)} communes from 1 July 2025, expected 3,321")
    if len(orphans) != EXPECTED_ORPHANS:
        fail(f"{len(orphans)} communes of 2024 without a successor, expected {EXPECTED_ORPHANS}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "static/data/don-vi-hanh-chinh.jsonl"))
    args = ap.parse_args()
    old, new, conv = load(install())
    report = Report()
    old_p, old_d, old_c, old_names = old_units(old)
    new_p, new_c, new_names = new_units(new)
    commune_to, district_to = mapping(conv, Join(old_names), Join(new_names), old_d, report)
    orphans = by_code(old_c, new_c, commune_to, report)
    covered = set().union(*commune_to.values(), *district_to.values())
    for c in sorted(set(new_c) - covered):
        report.add(f"mapping: new commune {c} «{new_c[c]['name']}» has no predecessor")
    out, continuing = records(old_p, old_d, old_c, new_p, new_c, commune_to, district_to,
                              report)
    report.write(HERE / "disagreements.txt")
    check_counts(old_p, new_p, new_c, orphans)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for r in out:
            f.write(line(r) + "\n")
    units = sum(1 for r in out if r["kind"] == "unit")
    print(f"{units} units ({len(old_p)} provinces before, {len(new_p)} after, "
          f"{len(continuing)} continuing; {len(old_d)} districts; {len(old_c)} communes "
          f"before, {len(new_c)} after), {len(out) - units} successions -> {args.out}")


if __name__ == "__main__":
    main()
