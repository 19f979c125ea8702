"""Agencies on the real map, before and after 1 July 2025, their staffing quotas, lineage
edges, and the posts (slots) each pre-merger agency holds on 30 June 2025.

Unit codes (see the package docstring): pre `T35-SNV`, `H351-PNV`, `X13351-UBND`;
post `TM37-SNV`, `XM13351-VP`.
"""

from dataclasses import dataclass, field

import numpy as np

from dagster_project.synth import config
from dagster_project.synth.territory import Territory, lower_first

G, P, M, S = "government", "party", "mass_org", "public_service"

# suffix, name template, kind, staff weight within its kind
PROVINCE_AGENCIES = (
    ("VPUBND", "Văn phòng Ủy ban nhân dân {p}", G, 8), ("VPHDND", "Văn phòng Đoàn ĐBQH và HĐND {p}", G, 4),
    ("SNV", "Sở Nội vụ {p}", G, 7), ("STC", "Sở Tài chính {p}", G, 8), ("SXD", "Sở Xây dựng {p}", G, 7),
    ("SNNMT", "Sở Nông nghiệp và Môi trường {p}", G, 10), ("SCT", "Sở Công Thương {p}", G, 5),
    ("SKHCN", "Sở Khoa học và Công nghệ {p}", G, 4), ("STP", "Sở Tư pháp {p}", G, 3),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch {p}", G, 5), ("SGDDT", "Sở Giáo dục và Đào tạo {p}", G, 5),
    ("SYT", "Sở Y tế {p}", G, 5), ("TTRA", "Thanh tra {p}", G, 4),
    ("TU", "{party} {pn}", P, 1), ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {p}", M, 1),
    ("DPTTH", "Đài Phát thanh và Truyền hình {p}", S, 4), ("TCT", "Trường Chính trị {p}", S, 2),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng {p}", S, 3),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công {p}", S, 1),
)
# suffix, name, kind, weight, commune agency it feeds, province agency it feeds
DISTRICT_AGENCIES = (
    ("VP", "Văn phòng HĐND và UBND {d}", G, 5, "VP", "VPUBND"),
    ("PNV", "Phòng Nội vụ {d}", G, 3, "VP", "SNV"),
    ("PTCKH", "Phòng Tài chính - Kế hoạch {d}", G, 4, "PKT", "STC"),
    ("PKTHT", "Phòng Kinh tế và Hạ tầng {d}", G, 4, "PKT", "SXD"),
    ("PNNMT", "Phòng Nông nghiệp và Môi trường {d}", G, 4, "PKT", "SNNMT"),
    ("PTP", "Phòng Tư pháp {d}", G, 2, "VP", "STP"),
    ("PVHKHTT", "Phòng Văn hóa, Khoa học và Thông tin {d}", G, 2, "PVHXH", "SVHTTDL"),
    ("PGDDT", "Phòng Giáo dục và Đào tạo {d}", G, 3, "PVHXH", "SGDDT"),
    ("PYT", "Phòng Y tế {d}", G, 2, "PVHXH", "SYT"),
    ("TTRA", "Thanh tra {d}", G, 2, "VP", "TTRA"),
    ("HU", "{party} {dn}", P, 1, "DU", "TU"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {d}", M, 1, "MTTQ", "MTTQ"),
    ("TTVHTT", "Trung tâm Văn hóa, Thể thao và Truyền thanh {d}", S, 3, "TTHCC", "DPTTH"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng {d}", S, 2, "TTHCC", "BQLDA"),
)
DISTRICT_TO_COMMUNE_SHARE = 0.75  # of a district agency's staff, to the new communes
COMMUNE_PRE_AGENCIES = (
    ("UBND", "Ủy ban nhân dân {c}", G), ("HDND", "Hội đồng nhân dân {c}", G),
    ("DU", "Đảng ủy {c}", P), ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {c}", M),
)
# post commune agencies: suffix, name, kind, base quota (government units sum to 32)
COMMUNE_POST_AGENCIES = (
    ("HDND", "Hội đồng nhân dân {c}", G, 4), ("UBND", "Ủy ban nhân dân {c}", G, 3),
    ("VP", "Văn phòng HĐND và UBND {c}", G, 9), ("PKT", "Phòng Kinh tế {c}", G, 8),
    ("PVHXH", "Phòng Văn hóa - Xã hội {c}", G, 8),
    ("TTHCC", "Trung tâm Phục vụ hành chính công {c}", S, 0),
    ("DU", "Đảng ủy {c}", P, 0), ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {c}", M, 0),
)
COMMUNE_LINEAGE = {  # pre commune agency -> post agencies of each successor, with shares
    "UBND": (("UBND", 0.15), ("VP", 0.25), ("PKT", 0.2), ("PVHXH", 0.2), ("TTHCC", 0.2)),
    "HDND": (("HDND", 1.0),), "DU": (("DU", 1.0),), "MTTQ": (("MTTQ", 1.0),),
}
EXTRA_QUOTA_ORDER = ("VP", "PKT", "PVHXH")

# Commune cadres hold elected posts: (position, agency, leadership allowance coefficient).
COMMUNE_CADRE_POSTS = (
    ("Bí thư Đảng ủy", "DU", 0.30), ("Chủ tịch UBND", "UBND", 0.25),
    ("Chủ tịch HĐND", "HDND", 0.25), ("Phó Bí thư Đảng ủy", "DU", 0.25),
    ("Phó Chủ tịch UBND", "UBND", 0.20), ("Phó Chủ tịch HĐND", "HDND", 0.20),
    ("Chủ tịch Ủy ban MTTQ", "MTTQ", 0.20), ("Chủ tịch Hội Liên hiệp Phụ nữ", "MTTQ", 0.15),
    ("Chủ tịch Hội Nông dân", "MTTQ", 0.15), ("Bí thư Đoàn TNCS Hồ Chí Minh", "MTTQ", 0.15),
    ("Chủ tịch Hội Cựu chiến binh", "MTTQ", 0.15), ("Phó Chủ tịch UBND", "UBND", 0.20),
)
# Leaders at the head of district / provincial agencies: (category, position, coefficient).
PROVINCE_HEADS = {
    "VPUBND": (("cadre", "Chủ tịch UBND tỉnh", 1.05), ("cadre", "Phó Chủ tịch UBND tỉnh", 0.9),
               ("cadre", "Phó Chủ tịch UBND tỉnh", 0.9), ("civil_servant", "Chánh Văn phòng", 0.8)),
    "VPHDND": (("cadre", "Chủ tịch HĐND tỉnh", 1.05), ("cadre", "Phó Chủ tịch HĐND tỉnh", 0.9),
               ("civil_servant", "Chánh Văn phòng", 0.8)),
    "TU": (("cadre", "Bí thư Tỉnh ủy", 1.3), ("cadre", "Phó Bí thư Tỉnh ủy", 1.05),
           ("cadre", "Phó Bí thư Tỉnh ủy", 1.05), ("civil_servant", "Chánh Văn phòng Tỉnh ủy", 0.8)),
    "MTTQ": (("cadre", "Chủ tịch Ủy ban MTTQ tỉnh", 0.9), ("cadre", "Phó Chủ tịch Ủy ban MTTQ tỉnh", 0.7)),
    G: (("civil_servant", "Giám đốc Sở", 0.9), ("civil_servant", "Phó Giám đốc Sở", 0.7),
        ("civil_servant", "Phó Giám đốc Sở", 0.7), ("civil_servant", "Trưởng phòng", 0.6),
        ("civil_servant", "Trưởng phòng", 0.6), ("civil_servant", "Phó Trưởng phòng", 0.4)),
    S: (("public_employee", "Giám đốc", 0.6), ("public_employee", "Phó Giám đốc", 0.4)),
}
DISTRICT_HEADS = {
    "VP": (("cadre", "Chủ tịch UBND huyện", 0.7), ("cadre", "Phó Chủ tịch UBND huyện", 0.6),
           ("cadre", "Phó Chủ tịch UBND huyện", 0.6), ("cadre", "Chủ tịch HĐND huyện", 0.7),
           ("civil_servant", "Chánh Văn phòng", 0.4)),
    "HU": (("cadre", "Bí thư Huyện ủy", 0.9), ("cadre", "Phó Bí thư Huyện ủy", 0.7),
           ("cadre", "Phó Bí thư Huyện ủy", 0.7)),
    "MTTQ": (("cadre", "Chủ tịch Ủy ban MTTQ huyện", 0.5), ("cadre", "Phó Chủ tịch Ủy ban MTTQ huyện", 0.4)),
    G: (("civil_servant", "Trưởng phòng", 0.4), ("civil_servant", "Phó Trưởng phòng", 0.25),
        ("civil_servant", "Phó Trưởng phòng", 0.25)),
    S: (("public_employee", "Giám đốc", 0.4), ("public_employee", "Phó Giám đốc", 0.25)),
}
COMMUNE_CIVIL_FIELDS = ("Văn phòng - Thống kê", "Địa chính - Xây dựng - Đô thị và Môi trường",
                        "Tài chính - Kế toán", "Tư pháp - Hộ tịch", "Văn hóa - Xã hội",
                        "Chỉ huy trưởng Quân sự")
PART_TIME_FIELDS = ("Văn thư - Lưu trữ", "Thủ quỹ", "Phó Chỉ huy trưởng Quân sự",
                    "Phó Chủ tịch Hội Nông dân", "Phó Chủ tịch Hội Phụ nữ", "Phó Bí thư Đoàn",
                    "Truyền thanh", "Chủ tịch Hội Người cao tuổi", "Văn phòng Đảng ủy")
UNIT_FIELDS = {"SNV": "Hành chính", "STC": "Kế toán", "SXD": "Xây dựng", "SNNMT": "Nông nghiệp",
               "SCT": "Kinh tế", "SKHCN": "Công nghệ thông tin", "STP": "Luật",
               "SVHTTDL": "Văn hóa", "SGDDT": "Sư phạm", "SYT": "Y tế", "TTRA": "Luật",
               "PNV": "Hành chính", "PTCKH": "Kế toán", "PKTHT": "Xây dựng",
               "PNNMT": "Quản lý đất đai", "PTP": "Luật", "PVHKHTT": "Văn hóa",
               "PGDDT": "Sư phạm", "PYT": "Y tế"}
PARTY_WORD = {"huyện": "Huyện ủy", "quận": "Quận ủy", "thị xã": "Thị ủy", "thành phố": "Thành ủy",
              "tỉnh": "Tỉnh ủy", "thành phố trực thuộc trung ương": "Thành ủy"}
EARLY_ARRANGEMENT_DATES = ("2024-06-01", "2024-09-01", "2024-11-01", "2025-01-01")


def commune_quota_norm(population: int, commune_type: str) -> int:
    """docs/rules.md S2: 32 posts, +1 per full 2,000 residents above 16,000, capped at 50 for a
    commune (xã) and 70 for a ward (phường) or special zone (đặc khu)."""
    extra = max(0, (int(population) - 16_000) // 2_000)
    cap = 50 if commune_type == "xã" else 70
    return min(32 + extra, cap)


def _bare(name: str) -> str:
    """`Huyện Kim Sơn` -> `Kim Sơn`."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass
class Slot:
    unit_code: str
    old_province: str
    level: str  # province / district / commune
    category: str
    position: str
    lead_coef: float
    field: str


@dataclass
class Units:
    rows: list[dict] = field(default_factory=list)  # contract columns + _old (file placement)
    edges: list[dict] = field(default_factory=list)  # lineage rows + _old
    successors: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    slots: list[Slot] = field(default_factory=list)
    arrangement: dict[str, str] = field(default_factory=dict)  # pre unit -> date (if not default)
    post_by_new_province: dict[str, list[str]] = field(default_factory=dict)
    post_commune_units: dict[str, dict[str, str]] = field(default_factory=dict)  # commune -> suffix -> code
    quota_deviates: dict[str, int] = field(default_factory=dict)  # commune -> quota - norm


def _unit(code, name, period, level, prov, kind, old, dist="", comm="", quota=None, arr=""):
    return {"unit_code": code, "unit_name": name, "period": period, "level": level,
            "province_code": prov, "district_code": dist, "commune_code": comm,
            "unit_kind": kind, "staffing_quota": quota, "arrangement_date": arr, "_old": old}


def _split_shares(n: int) -> list[float]:
    """n shares of 1/n rounded to 4 places that add up to exactly 1."""
    base = round(1.0 / n, 4)
    return [base] * (n - 1) + [round(1.0 - base * (n - 1), 4)]


def build(t: Territory, seed: int, scale: float = 1.0) -> Units:  # noqa: C901 - one pass per level
    u = Units()
    succ_commune: dict[str, list[str]] = {}
    dist_to_new: dict[str, list[str]] = {}
    for r in t.lineage:
        if r["old_level"] == "commune":
            succ_commune.setdefault(r["old_code"], []).append(r["new_code"])
            dist_to_new.setdefault(r["old_district_code"], []).append(r["new_code"])
        elif r["old_level"] == "district":
            dist_to_new.setdefault(r["old_district_code"], []).append(r["new_code"])
    resolution = {c: r["resolution"] for c, r in t.communes_post.items()}

    # ---- post units: new provinces and communes ------------------------------------------
    for new in t.new_provinces:
        rng = np.random.default_rng([seed, int(new), 11])
        prow = t.provinces_post[new]
        keeper = new  # the old province that kept the code holds the post files
        pname = lower_first(prow["name"])
        codes = []
        for suffix, name, kind, _w in PROVINCE_AGENCIES:
            code = f"TM{new}-{suffix}"
            uname = name.format(p=pname, party=PARTY_WORD[prow["type"]], pn=_bare(prow["name"]))
            u.rows.append(_unit(code, uname, "post", "province", new, kind, keeper,
                                quota=None, arr=""))
            codes.append(code)
        for ccode in sorted(c for c, r in t.communes_post.items() if r["province_code"] == new):
            crow = t.communes_post[ccode]
            cname = lower_first(crow["name"])
            norm = commune_quota_norm(int(crow["population"] or 0), crow["type"])
            quota = norm
            if rng.random() < config.QUOTA_DEVIATION_SHARE:
                quota = max(28, norm + int(rng.choice([-2, -1, 1, 2])))
                u.quota_deviates[ccode] = quota - norm
            per = {s: q for s, _n, k, q in COMMUNE_POST_AGENCIES if k == G}
            for i in range(quota - 32):
                per[EXTRA_QUOTA_ORDER[i % 3]] += 1
            for i in range(32 - quota):  # a quota under the norm trims the departments
                per[EXTRA_QUOTA_ORDER[i % 3]] -= 1
            u.post_commune_units[ccode] = {}
            for suffix, name, kind, _q in COMMUNE_POST_AGENCIES:
                code = f"XM{ccode}-{suffix}"
                if suffix == "PKT" and (crow["type"] == "phường" or ccode == "30874"):
                    name = "Phòng Kinh tế, Hạ tầng và Đô thị {c}"
                arr = "2025-07-01" if rng.random() < 0.3 else ""
                u.rows.append(_unit(code, name.format(c=cname), "post", "commune", new, kind,
                                    keeper, comm=ccode, quota=per.get(suffix), arr=arr))
                codes.append(code)
                u.post_commune_units[ccode][suffix] = code
        u.post_by_new_province[new] = codes

    # ---- pre units, slots and lineage per old province -----------------------------------
    for old in t.old_provinces:
        rng = np.random.default_rng([seed, int(old), 1])
        new = t.new_of_old[old]
        prow = t.provinces_pre[old]
        pname = lower_first(prow["name"])
        n_old_in_new = len(t.old_of_new[new])
        p_event = "merge" if n_old_in_new > 1 else "rename"
        basis = "Nghị quyết 202/2025/QH15" if n_old_in_new > 1 else ""
        communes = sorted(c for c, r in t.communes_pre.items() if r["province_code"] == old)
        districts = sorted(d for d, r in t.districts.items() if r["province_code"] == old)

        def add_slots(code, level, kind, heads, n, rng=rng, old=old):
            default = "public_employee" if kind == S else "civil_servant"
            for i in range(n):
                if i < len(heads):
                    cat, pos, lc = heads[i]
                elif kind != S and rng.random() < config.CONTRACT_WORKER_SHARE:
                    cat, pos, lc = "contract_worker", "", 0.0
                else:
                    cat, pos, lc = default, "", 0.0
                u.slots.append(Slot(code, old, level, cat, pos, lc, code.split("-", 1)[1]))

        # province agencies
        n_prov = rng.poisson((config.PROVINCE_STAFF_BASE
                              + config.PROVINCE_STAFF_PER_COMMUNE * len(communes)) * scale)
        by_kind = rng.multinomial(n_prov, list(config.PROVINCE_KIND_SHARE.values()))
        kind_n = dict(zip(config.PROVINCE_KIND_SHARE, by_kind, strict=True))
        for kind in config.PROVINCE_KIND_SHARE:
            agencies = [a for a in PROVINCE_AGENCIES if a[2] == kind]
            w = np.array([a[3] for a in agencies], float)
            counts = rng.multinomial(kind_n[kind], w / w.sum())
            for (suffix, name, _k, _w), n in zip(agencies, counts, strict=True):
                code = f"T{old}-{suffix}"
                arr = "2025-03-01" if suffix in ("SNV", "SNNMT", "SXD", "STC") else ""
                quota = int(round(n * rng.uniform(0.92, 1.05))) if kind == G else None
                uname = name.format(p=pname, party=PARTY_WORD[prow["type"]], pn=_bare(prow["name"]))
                u.rows.append(_unit(code, uname, "pre", "province", old, kind, old,
                                    quota=quota, arr=arr))
                if arr:
                    u.arrangement[code] = arr
                heads = PROVINCE_HEADS.get(suffix, PROVINCE_HEADS.get(kind, ()))
                add_slots(code, "province", kind, heads, int(n))
                target = f"TM{new}-{suffix}"
                u.edges.append({"old_unit_code": code, "new_unit_code": target, "share": 1.0,
                                "event": p_event, "legal_basis": basis, "_old": old})
                u.successors[code] = [(target, 1.0)]

        # district agencies
        for d in districts:
            drow = t.districts[d]
            dname = lower_first(drow["name"])
            n_comm = int(drow["n_communes"] or 0)
            arr = rng.choice(EARLY_ARRANGEMENT_DATES) if rng.random() < config.ARRANGED_EARLY_SHARE else ""
            n_dist = rng.poisson((config.DISTRICT_STAFF_BASE
                                  + config.DISTRICT_STAFF_PER_COMMUNE * n_comm) * scale)
            by_kind = dict(zip(config.DISTRICT_KIND_SHARE,
                               rng.multinomial(n_dist, list(config.DISTRICT_KIND_SHARE.values())),
                               strict=True))
            new_communes = sorted(set(dist_to_new.get(d, [])))
            for kind in config.DISTRICT_KIND_SHARE:
                agencies = [a for a in DISTRICT_AGENCIES if a[2] == kind]
                w = np.array([a[3] for a in agencies], float)
                counts = rng.multinomial(by_kind[kind], w / w.sum())
                for (suffix, name, _k, _w, csuf, psuf), n in zip(agencies, counts, strict=True):
                    code = f"H{d}-{suffix}"
                    quota = int(round(n * rng.uniform(0.92, 1.05))) if kind == G else None
                    party = PARTY_WORD.get(drow["type"], "Huyện ủy")
                    u.rows.append(_unit(code, name.format(d=dname, party=party, dn=_bare(drow["name"])),
                                        "pre", "district", old, kind, old, dist=d,
                                        quota=quota, arr=arr))
                    if arr:
                        u.arrangement[code] = arr
                    heads = DISTRICT_HEADS.get(suffix, DISTRICT_HEADS.get(kind, ()))
                    add_slots(code, "district", kind, heads, int(n))
                    targets: list[tuple[str, float, str]] = []
                    if new_communes:
                        shares = _split_shares(len(new_communes))
                        for nc, s in zip(new_communes, shares, strict=True):
                            targets.append((f"XM{nc}-{csuf}",
                                            round(s * DISTRICT_TO_COMMUNE_SHARE, 6), resolution[nc]))
                        ptarget_share = round(1.0 - sum(x[1] for x in targets), 6)
                    else:
                        ptarget_share = 1.0
                    targets.append((f"TM{new}-{psuf}", ptarget_share, "Nghị quyết 202/2025/QH15"))
                    u.successors[code] = [(c, s) for c, s, _b in targets]
                    for c, s, b in targets:
                        u.edges.append({"old_unit_code": code, "new_unit_code": c, "share": s,
                                        "event": "transfer", "legal_basis": b, "_old": old})

        # commune agencies and their staff
        for c in communes:
            crow = t.communes_pre[c]
            cname = lower_first(crow["name"])
            ctype = crow["type"]
            arr = rng.choice(EARLY_ARRANGEMENT_DATES) if rng.random() < config.ARRANGED_EARLY_SHARE else ""
            total_q = {"phường": 21, "xã": 20, "thị trấn": 21}.get(ctype, 20) + int(rng.integers(0, 3))
            succ = sorted(set(succ_commune.get(c, [])))
            for suffix, name, kind in COMMUNE_PRE_AGENCIES:
                code = f"X{c}-{suffix}"
                quota = {"UBND": total_q - 2, "HDND": 2}.get(suffix)
                u.rows.append(_unit(code, name.format(c=cname), "pre", "commune", old, kind, old,
                                    dist=crow["district_code"], comm=c, quota=quota, arr=arr))
                if arr:
                    u.arrangement[code] = arr
                targets = []
                shares = _split_shares(len(succ))
                for nc, s in zip(succ, shares, strict=True):
                    for tsuf, ts in COMMUNE_LINEAGE[suffix]:
                        targets.append((f"XM{nc}-{tsuf}", round(s * ts, 6), resolution[nc]))
                if targets:  # make the shares of this old unit add up to exactly 1
                    drift = round(1.0 - sum(x[1] for x in targets), 6)
                    last = targets[-1]
                    targets[-1] = (last[0], round(last[1] + drift, 6), last[2])
                event = "split" if len(succ) > 1 else None
                for c2, s, b in targets:
                    ev = event or ("merge" if len(t.communes_post[c2[2:7]]["predecessor_codes"].split(";")) > 1
                                   else "rename")
                    u.edges.append({"old_unit_code": code, "new_unit_code": c2, "share": s,
                                    "event": ev, "legal_basis": b, "_old": old})
                u.successors[code] = [(c2, s) for c2, s, _b in targets]
            # staff on 30 June 2025
            n_staff = rng.poisson(config.COMMUNE_STAFF_MEAN.get(ctype, 20.6) * scale)
            n_cadre = min(rng.binomial(n_staff, config.COMMUNE_CADRE_SHARE), len(COMMUNE_CADRE_POSTS))
            for pos, agency, lc in COMMUNE_CADRE_POSTS[:n_cadre]:
                u.slots.append(Slot(f"X{c}-{agency}", old, "commune", "cadre", pos, lc, ""))
            for i in range(n_staff - n_cadre):
                u.slots.append(Slot(f"X{c}-UBND", old, "commune", "civil_servant", "", 0.0,
                                    COMMUNE_CIVIL_FIELDS[i % len(COMMUNE_CIVIL_FIELDS)]))
            for _ in range(rng.poisson(config.COMMUNE_CONTRACT_MEAN * scale)):
                u.slots.append(Slot(f"X{c}-UBND", old, "commune", "contract_worker", "", 0.0, ""))
            for i in range(rng.poisson(config.COMMUNE_PART_TIME_MEAN * scale)):
                agency = ("UBND", "UBND", "UBND", "MTTQ", "DU")[i % 5]
                u.slots.append(Slot(f"X{c}-{agency}", old, "commune", "commune_part_time", "", 0.0,
                                    PART_TIME_FIELDS[i % len(PART_TIME_FIELDS)]))
    # post provincial quotas: the old provinces' quotas for the same agency, cut by 10-20 %
    pre_quota: dict[str, int] = {}
    for r in u.rows:
        if r["period"] == "pre" and r["level"] == "province" and r["staffing_quota"] is not None:
            key = f"{t.new_of_old[r['province_code']]}-{r['unit_code'].split('-', 1)[1]}"
            pre_quota[key] = pre_quota.get(key, 0) + r["staffing_quota"]
    rng = np.random.default_rng([seed, 12])
    for r in u.rows:
        if r["period"] == "post" and r["level"] == "province" and r["unit_kind"] == G:
            key = r["unit_code"][2:]
            r["staffing_quota"] = int(round(pre_quota.get(key, 0) * rng.uniform(0.8, 0.9)))
    return u
