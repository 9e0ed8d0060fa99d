"""Demo data of the city's own operations (事務事業編, contract §8) — illustrative.

Three organisations (市長部局, 教育委員会, 水道局), about 150 facilities across
the departments (offices, community centres, incineration plants burning
plastics, parks, pumping stations, schools, water plants) with plausible floor
areas, their energy use by FY (monthly, or annual for some departments) and an
emission factor workbook by FY.  The statutory fuel factors are the real ones
(ガソリン 2.32, 灯油 2.49, 軽油 2.58, A重油 2.71 kg-CO2/L, LPG 3.00 kg-CO2/kg,
都市ガス 2.23 kg-CO2/m³); the electricity factors, suppliers and every amount are
made up.  Amounts are scaled so that FY2021 matches the published organisation
totals of domain-notes (264,519 t-CO2: 市長部局 222,911, 教育委員会 28,037).
FY2025 has no factors: its figures are provisional until HQ loads them.

Typical slips: 千kWh typed for kWh (a first version, corrected by a
resubmission), a 千kWh figure typed as kWh (kept, with its warning), a month
left blank, a supplier not in the factor workbook, a facility not listed.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from pipeline.ingest import contract as C

# --- organisations and targets ----------------------------------------------------
ORGANISATIONS = (("O1", "市長部局"), ("O2", "教育委員会"), ("O3", "水道局"))
DEPARTMENT_ORGANISATION = {"K14": "O2", "K15": "O2", "K16": "O3"}     # all others: 市長部局
DEFAULT_ORGANISATION = "O1"
# (組織コード or None, 基準年度, 基準排出量 t-CO2, 目標年度, 削減率 %): −41 % for the whole
# government, 市長部局 −26 %, 教育委員会 −37 %, 水道局 −32 % (domain-notes; bases illustrative).
TARGETS = ((None, 2013, 286900, 2030, 41), ("O1", 2013, 241000, 2030, 26),
           ("O2", 2013, 29900, 2030, 37), ("O3", 2013, 16000, 2030, 32))
FY2021_TOTALS = {"O1": 222911, "O2": 28037, "O3": 13571}              # t-CO2, sum 264,519
AUTO_INDICATOR_SERIES = "city_operations"                                # I04 → 自動算定

# --- the factor workbook --------------------------------------------------------------
ELECTRICITY, CITY_GAS, LPG, KEROSENE, DIESEL, HEAVY_OIL, PETROL, PLASTICS = (
    "電気", "都市ガス", "LPG", "灯油", "軽油", "A重油", "ガソリン", "廃プラスチック焼却")
ACTIVITIES = (
    (ELECTRICITY, "kWh", "CO2", 1), (CITY_GAS, "m3", "CO2", 1), (LPG, "kg", "CO2", 1),
    (KEROSENE, "L", "CO2", 1), (DIESEL, "L", "CO2", 1), (HEAVY_OIL, "L", "CO2", 1),
    (PETROL, "L", "CO2", 1), (PLASTICS, "t", "CO2", 1),
)
CONVERSIONS = (
    (ELECTRICITY, "千kWh", 1000), (ELECTRICITY, "MWh", 1000), (CITY_GAS, "千m3", 1000),
    (LPG, "m3", 1.992),                      # LPG billed in m³: 1 kg = 0.502 m³
    (KEROSENE, "kL", 1000), (DIESEL, "kL", 1000), (HEAVY_OIL, "kL", 1000), (PETROL, "kL", 1000),
)
# kg-CO2 per 基準単位: 施行令 (fuels); 廃プラスチック焼却 2,770 kg-CO2/t.
STATUTORY = {CITY_GAS: 2.23, LPG: 3.00, KEROSENE: 2.49, DIESEL: 2.58, HEAVY_OIL: 2.71, PETROL: 2.32,
             PLASTICS: 2770.0}
SOURCE_STATUTORY = "地球温暖化対策の推進に関する法律施行令 別表"
SOURCE_ELECTRICITY = "電気事業者別排出係数（デモ用の架空値）"

SAKITAMA, MUSASHINO, MINUMA, MIRAI = ("さきたま電力株式会社", "むさしのエナジー株式会社",
                                      "見沼グリーン電力株式会社", "みらい電力")   # MIRAI: not in the workbook
MENU_RENEWABLE, MENU_GREEN = "再エネ100プラン", "グリーン100"
# Electricity (illustrative): the 代替値 by FY; suppliers relative to it.
FALLBACK_FACTOR = {2013: 0.550, 2014: 0.545, 2015: 0.540, 2016: 0.530, 2017: 0.520, 2018: 0.510,
                   2019: 0.490, 2020: 0.470, 2021: 0.457, 2022: 0.446, 2023: 0.434, 2024: 0.423}
FACTOR_YEARS_LAST = 2024          # FY2025's factors are not published yet: provisional


def supplier_factors(year: int) -> list[tuple[str, str | None, float]]:
    """(電気事業者, メニュー, kg-CO2/kWh) of a FY (illustrative)."""
    base = FALLBACK_FACTOR[year]
    rows = [(C.SUPPLIER_FALLBACK, None, base), (SAKITAMA, None, round(base - 0.015, 3))]
    if year >= 2016:
        rows.append((MUSASHINO, None, round(base + 0.02, 3)))
    if year >= 2019:
        rows += [(SAKITAMA, MENU_RENEWABLE, 0.0), (MINUMA, None, round(base * 0.8, 3))]
    if year >= 2022:
        rows.append((MINUMA, MENU_GREEN, 0.0))
    return rows


def factor_rows(years: list[int]) -> list[tuple]:
    """排出係数 rows: (年度, 活動区分, 電気事業者, メニュー, 係数, 出典)."""
    rows = []
    for year in [2013] + [y for y in years if y != 2013 and y <= FACTOR_YEARS_LAST]:
        for supplier, menu, factor in supplier_factors(year):
            rows.append((year, ELECTRICITY, supplier, menu, factor, SOURCE_ELECTRICITY))
        for activity, factor in STATUTORY.items():
            rows.append((year, activity, None, None, factor, SOURCE_STATUTORY))
    return rows


def choose_factor(activity: str, supplier: str | None, menu: str | None, year: int) -> float | None:
    """The rule of §8.2 on the demo's own table (used to scale the amounts)."""
    for y in range(min(year, FACTOR_YEARS_LAST), 2012, -1):
        if y not in FALLBACK_FACTOR:
            continue
        if activity != ELECTRICITY:
            return STATUTORY[activity]
        table = {(s, m): f for s, m, f in supplier_factors(y)}
        for key in ((supplier, menu), (supplier, None), (C.SUPPLIER_FALLBACK, None)):
            if key in table:
                return table[key]
    return None


# --- facilities ------------------------------------------------------------------------
# Monthly shapes, April first.
SHAPES = {
    "electric": (8.2, 7.8, 8.3, 9.6, 10.2, 8.9, 7.7, 7.6, 8.3, 8.9, 8.4, 6.1),
    "heat": (7.0, 5.0, 4.6, 5.8, 6.0, 4.8, 5.4, 8.0, 11.6, 14.2, 13.8, 13.8),
    "winter": (0, 0, 0, 0, 0, 0, 4, 14, 22, 24, 22, 14),
    "flat": (8.5, 8.3, 8.2, 8.4, 8.5, 8.1, 8.4, 8.2, 8.4, 8.3, 8.2, 8.5),
}
SHAPE_OF = {ELECTRICITY: "electric", CITY_GAS: "heat", LPG: "heat", KEROSENE: "winter",
            HEAVY_OIL: "heat"}
TREND = {ELECTRICITY: -0.015, CITY_GAS: -0.01, LPG: -0.01, KEROSENE: -0.05, DIESEL: -0.02,
         HEAVY_OIL: -0.03, PETROL: -0.03, PLASTICS: -0.02}


@dataclass(frozen=True)
class FacilityType:
    use: str
    area: tuple[int, int]                               # 延床面積 range (㎡)
    profile: tuple[tuple[str, float], ...]              # (activity, 基準単位 per ㎡ and year, FY2021)


OFFICE = FacilityType("庁舎", (6500, 11000), ((ELECTRICITY, 110), (CITY_GAS, 9), (PETROL, 0.9), (DIESEL, 0.1)))
HALL = FacilityType("庁舎", (29000, 33000), ((ELECTRICITY, 115), (CITY_GAS, 8), (HEAVY_OIL, 0.6),
                                              (PETROL, 1.2), (DIESEL, 0.2)))
COMMUNITY = FacilityType("集会施設", (1200, 4200), ((ELECTRICITY, 95), (CITY_GAS, 7)))
COMMUNITY_LPG = FacilityType("集会施設", (900, 2000), ((ELECTRICITY, 90), (LPG, 2.5)))
CULTURE = FacilityType("文化施設", (8000, 12500), ((ELECTRICITY, 130), (CITY_GAS, 12)))
INCINERATOR = FacilityType("ごみ処理施設", (18000, 26000), ((ELECTRICITY, 150), (CITY_GAS, 10), (KEROSENE, 4),
                                                     (DIESEL, 1.5), (PLASTICS, 0.85)))
RECYCLING = FacilityType("ごみ処理施設", (6000, 9000), ((ELECTRICITY, 100), (DIESEL, 2.0)))
PARK = FacilityType("公園施設", (300, 900), ((ELECTRICITY, 60), (PETROL, 3.0)))
PUMP = FacilityType("下水道施設", (1200, 3200), ((ELECTRICITY, 600), (DIESEL, 1.0), (HEAVY_OIL, 0.5)))
ELEMENTARY = FacilityType("小学校", (6000, 9000), ((ELECTRICITY, 45), (CITY_GAS, 5), (KEROSENE, 1.5)))
JUNIOR = FacilityType("中学校", (8000, 11000), ((ELECTRICITY, 50), (CITY_GAS, 5), (KEROSENE, 1.5)))
HIGH = FacilityType("高等学校", (11000, 14000), ((ELECTRICITY, 60), (CITY_GAS, 6)))
TRAINING = FacilityType("研修施設", (1200, 2000), ((ELECTRICITY, 80), (LPG, 3)))
PURIFICATION = FacilityType("浄水場", (8000, 14000), ((ELECTRICITY, 500), (DIESEL, 0.5), (HEAVY_OIL, 0.3)))
DISTRIBUTION = FacilityType("配水場", (1000, 2200), ((ELECTRICITY, 700),))
LARGE = FacilityType("事業所", (2000, 5000), tuple((a, 1.0) for a, *_ in ACTIVITIES))   # scale test only

WARDS = ("西区", "北区", "大宮区", "見沼区", "中央区", "桜区", "浦和区", "南区", "緑区", "岩槻区")
AREAS = ("大宮", "浦和", "与野", "岩槻", "見沼", "桜", "南浦和", "北浦和", "東浦和", "西浦和", "本町", "仲町",
         "高砂", "常盤", "岸町", "別所", "大谷場", "善前", "三室", "尾間木", "大門", "野田", "七里", "春野",
         "片柳", "大砂土", "日進", "宮原", "植竹", "指扇", "馬宮", "三橋", "上小", "大成", "大久保", "土合",
         "田島", "文蔵", "辻", "沼影", "六辻", "谷田", "道祖土", "美園", "大里", "栄和", "芝原", "原山",
         "領家", "針ヶ谷", "上木崎", "下落合", "円阿弥", "鈴谷", "神田", "宿", "加茂宮", "東宮下", "中川",
         "蓮沼")


@dataclass(frozen=True)
class FacilitySpec:
    code: str
    name: str
    department: str            # base department code
    kind: FacilityType
    start: int | None = None
    end: int | None = None
    meters: int = 1            # electricity meters (本庁舎: two, two suppliers)


def facilities() -> list[FacilitySpec]:
    """About 150 facilities of the base departments (codes F + use + number)."""
    out: list[FacilitySpec] = [FacilitySpec("F0101", "本庁舎", "K17", HALL, meters=2)]
    out += [FacilitySpec(f"F01{i + 2:02d}", f"{ward}役所", "K17", OFFICE) for i, ward in enumerate(WARDS)]
    for i in range(18):
        kind = COMMUNITY_LPG if i % 6 == 5 else COMMUNITY
        start = 2024 if i == 17 else None                    # a new centre opens in FY2024
        out.append(FacilitySpec(f"F02{i + 1:02d}", f"{AREAS[i * 3 % len(AREAS)]}コミュニティセンター", "K18",
                                kind, start=start))
    out += [FacilitySpec("F0219", "市民会館おおみや", "K18", CULTURE),
            FacilitySpec("F0220", "市民会館うらわ", "K18", CULTURE)]
    out += [FacilitySpec("F0301", "西部環境センター", "K03", INCINERATOR),
            FacilitySpec("F0302", "東部環境センター", "K03", INCINERATOR),
            FacilitySpec("F0303", "桜環境センター", "K03", INCINERATOR),
            FacilitySpec("F0304", "資源化センター", "K03", RECYCLING)]
    out += [FacilitySpec(f"F04{i + 1:02d}", f"{a}公園管理事務所", "K07", PARK)
            for i, a in enumerate(("大宮", "与野", "見沼", "岩槻"))]
    out += [FacilitySpec(f"F05{i + 1:02d}", f"{AREAS[i * 5 + 2]}ポンプ場", "K10", PUMP) for i in range(8)]
    for i in range(60):
        end = 2022 if i == 59 else None                      # merged into a neighbour after FY2022
        name = f"{AREAS[i]}小学校" if i < 59 else f"旧{AREAS[i]}小学校"
        out.append(FacilitySpec(f"F1{i + 1:03d}", name, "K14", ELEMENTARY, end=end))
    out += [FacilitySpec(f"F12{i + 1:02d}", f"{AREAS[(i * 2 + 1) % len(AREAS)]}中学校", "K14", JUNIOR)
            for i in range(28)]
    out += [FacilitySpec("F1301", "市立浦和高等学校", "K14", HIGH), FacilitySpec("F1302", "市立大宮北高等学校", "K14", HIGH)]
    out.append(FacilitySpec("F1401", "教育研究所", "K15", TRAINING))
    out += [FacilitySpec(f"F20{i + 1:02d}", f"{a}浄水場", "K16", PURIFICATION)
            for i, a in enumerate(("大久保", "見沼", "岩槻"))]
    out += [FacilitySpec(f"F21{i + 1:02d}", f"{AREAS[i * 7 % len(AREAS)]}配水場", "K16", DISTRIBUTION)
            for i in range(8)]
    out.append(FacilitySpec("F2201", "水道局庁舎", "K16", OFFICE))
    return out


LARGE_DEPARTMENT_FACILITIES = 50       # at scale ≥ 10, one department reports 50 × 8 activities


def large_department_facilities(department: str) -> list[FacilitySpec]:
    return [FacilitySpec(f"FX{i + 1:03d}", f"規模検証用事業所{i + 1}", department, LARGE)
            for i in range(LARGE_DEPARTMENT_FACILITIES)]


# --- how departments type the sheet -----------------------------------------------------
ANNUAL_LAYOUT = ("K07", "K15")                         # no month columns, 年間使用量 only
LARGE_UNITS = ("K16",)                                 # 千kWh, 千m3, kL (as on 省エネ法 forms)
LPG_IN_M3 = ("K18",)                                   # LPG billed in m³


def supplier_of(spec: FacilitySpec, meter: int, year: int) -> tuple[str | None, str | None]:
    """(電気事業者, メニュー) of a meter in a FY (procurement changes over the years)."""
    n = int(spec.code[-2:]) if spec.code[-2:].isdigit() else 0
    use = spec.kind.use
    if spec.code == "F0101":
        if meter == 0:
            return SAKITAMA, None
        return (MUSASHINO, None) if year <= 2022 else (SAKITAMA, MENU_RENEWABLE)
    if use in ("小学校", "中学校", "高等学校", "研修施設"):
        return (MUSASHINO, None) if year <= 2022 else (MINUMA, None)
    if use == "集会施設":
        return ((MIRAI, None), (None, None), (SAKITAMA, None), (SAKITAMA, None))[n % 4]
    if use == "公園施設":
        return None, None
    if use == "下水道施設":
        return MUSASHINO, None
    if use == "浄水場" and n == 1 and year >= 2024:
        return MINUMA, MENU_GREEN
    if use == "庁舎" and n in (3, 7) and year >= 2024:
        return MINUMA, None
    return SAKITAMA, None


@dataclass
class EnergyLine:
    """One row of a department's エネルギー使用量 sheet (amounts in 基準単位, before formatting)."""
    facility: FacilitySpec
    activity: str
    supplier: str | None
    menu: str | None
    amount: float                                     # 基準単位
    months: list[float] = field(default_factory=list)


def _rng(*parts) -> random.Random:
    return random.Random("|".join(map(str, ("ops",) + parts)))


def area_of(spec: FacilitySpec) -> int:
    lo, hi = spec.kind.area
    return int(round(_rng("area", spec.code).uniform(lo, hi), -1))


def raw_lines(spec: FacilitySpec, year: int) -> list[EnergyLine]:
    """A facility's usage in a FY, before the organisation's scaling."""
    if (spec.start and year < spec.start) or (spec.end and year > spec.end):
        return []
    area = area_of(spec)
    lines = []
    for activity, per_m2 in spec.kind.profile:
        if activity == KEROSENE and _rng("kerosene", spec.code).random() < 0.35:
            continue                                   # not every school still heats with kerosene
        level = per_m2 * area * _rng("level", spec.code, activity).uniform(0.8, 1.2)
        drift = (1 + TREND[activity]) ** (year - 2021)
        noise = _rng("noise", spec.code, activity, year).uniform(-0.03, 0.03)
        amount = level * drift * (1 + noise)
        shape = SHAPES[SHAPE_OF.get(activity, "flat")]
        meters = spec.meters if activity == ELECTRICITY else 1
        for m in range(meters):
            share = (0.7, 0.3)[m] if meters == 2 else 1.0
            supplier, menu = supplier_of(spec, m, year) if activity == ELECTRICITY else (None, None)
            wobble = [1 + _rng("m", spec.code, activity, year, m, k).uniform(-0.04, 0.04) for k in range(12)]
            weights = [s * w for s, w in zip(shape, wobble)]
            total = sum(weights)
            months = [amount * share * w / total for w in weights]
            lines.append(EnergyLine(spec, activity, supplier, menu, amount * share, months))
    return lines


def organisation_of(department: str) -> str:
    return DEPARTMENT_ORGANISATION.get(department, DEFAULT_ORGANISATION)


def scaling(specs: list[FacilitySpec]) -> dict[str, float]:
    """Per organisation: the factor that makes FY2021 equal FY2021_TOTALS (illustrative amounts,
    published totals)."""
    raw: dict[str, float] = {}
    for spec in specs:
        for line in raw_lines(spec, 2021):
            factor = choose_factor(line.activity, line.supplier, line.menu, 2021) or 0.0
            org = organisation_of(spec.department)
            raw[org] = raw.get(org, 0.0) + line.amount * factor / 1000
    return {org: FY2021_TOTALS[org] / t for org, t in raw.items() if t}


# --- rendering helpers ------------------------------------------------------------------

def typed_unit(department: str, activity: str) -> tuple[str, float]:
    """The unit a department types for an activity and how many 基準単位 it is."""
    if department in LARGE_UNITS:
        if activity == ELECTRICITY:
            return "千kWh", 1000
        if activity == CITY_GAS:
            return "千m3", 1000
        if activity in (KEROSENE, DIESEL, HEAVY_OIL, PETROL):
            return "kL", 1000
    if department in LPG_IN_M3 and activity == LPG:
        return "m3", 1.992
    base = {a: u for a, u, *_ in ACTIVITIES}[activity]
    return base, 1


def rounded(value: float, ratio: float) -> float:
    """An amount as typed in its unit: whole numbers, three decimals for 千 units and kL, one for t."""
    if ratio >= 1000:
        return round(value / ratio, 3)
    if ratio != 1:
        return round(value / ratio, 1)
    return float(round(value)) if value >= 100 else round(value, 1)


def isclose(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9)
