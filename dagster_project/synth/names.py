"""Vietnamese names: family names with their real national frequencies, middle and given
names by sex. Text is NFC; the defect injector decomposes some names on purpose."""

import numpy as np

# Approximate national shares (per cent) of the most common family names; the rest share
# what is left. Nguyễn ~38 %, Trần ~11 %, Lê ~9.5 %, Phạm ~7 %, ...
FAMILY_NAMES = (
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.1),
    ("Huỳnh", 2.0), ("Phan", 4.5), ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8),
    ("Đoàn", 0.7), ("Trịnh", 0.6), ("Lương", 0.5), ("Mai", 0.5), ("Cao", 0.5), ("Tạ", 0.4),
    ("Hà", 0.5), ("Lâm", 0.4), ("Trương", 0.8), ("Chu", 0.3), ("Tô", 0.3), ("Kiều", 0.2),
    ("Quách", 0.2), ("Vương", 0.2), ("Triệu", 0.3), ("Thái", 0.2), ("La", 0.2),
)
# Tày, Nùng and other northern-upland family names, mixed in for mountain provinces.
UPLAND_FAMILY_NAMES = ("Nông", "Hoàng", "Lục", "Bế", "Đàm", "Lương", "Triệu", "Ma", "Hà",
                       "Lò", "Sầm", "Vi", "Lăng", "Hứa", "Mông")

MIDDLE_MALE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân",
               "Ngọc", "Anh", "Tuấn", "Mạnh", "Trọng", "Đình", "Bá", "Quốc", "Hoàng", "Tiến")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng", "Kim",
                 "Phương", "Thùy", "Mai", "Bích", "Diệu", "Hải")
GIVEN_MALE = ("Anh", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng",
              "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong",
              "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn",
              "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Lộc", "Hòa", "Tiến", "Đạt",
              "Chiến")
GIVEN_FEMALE = ("Anh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh", "Hiền",
                "Hoa", "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My",
                "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm",
                "Thảo", "Thu", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Hồng", "Lệ",
                "Nhàn")


def _pick(rng: np.random.Generator, values: tuple, n: int) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]


def family_names(rng: np.random.Generator, n: int, upland: bool = False) -> np.ndarray:
    names = np.asarray([f for f, _ in FAMILY_NAMES], dtype=object)
    weights = np.asarray([w for _, w in FAMILY_NAMES], dtype=float)
    out = names[rng.choice(len(names), size=n, p=weights / weights.sum())]
    if upland:
        mask = rng.random(n) < 0.4
        out[mask] = _pick(rng, UPLAND_FAMILY_NAMES, int(mask.sum()))
    return out


def full_names(rng: np.random.Generator, female: np.ndarray, upland: bool = False) -> list[str]:
    """Family + middle (sometimes two) + given name, by sex."""
    n = len(female)
    fam = family_names(rng, n, upland)
    mid = np.where(female, _pick(rng, MIDDLE_FEMALE, n), _pick(rng, MIDDLE_MALE, n))
    mid2 = np.where(female, _pick(rng, MIDDLE_FEMALE[4:], n), _pick(rng, MIDDLE_MALE[3:], n))
    two = rng.random(n) < 0.12
    given = np.where(female, _pick(rng, GIVEN_FEMALE, n), _pick(rng, GIVEN_MALE, n))
    return [
        f"{f} {m} {m2} {g}" if t and m2 != m else f"{f} {m} {g}"
        for f, m, m2, g, t in zip(fam, mid, mid2, given, two, strict=True)
    ]
