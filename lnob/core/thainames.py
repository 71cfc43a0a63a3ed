"""Thai names and place-name parts for synthetic data (the demo province, the
dedup engine's synthetic pairs, the benchmarks): pure, no Django.

Person names come from the corpora that ship inside the pythainlp wheel
(``person_names_male_th.txt``, ``person_names_female_th.txt``,
``family_names_th.txt``): read from the installed package, never downloaded.
They are returned sorted, because the corpus functions give frozensets whose
order changes from one process to the next and the generator must be
deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class NamePools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


def _clean(names: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({" ".join(n.split()) for n in names if n.strip()}))


@lru_cache(maxsize=1)
def name_pools() -> NamePools:
    """Thai given names by sex and family names (≈ 7 k male, 5 k female, 10 k family)."""
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    pools = NamePools(male=_clean(thai_male_names()), female=_clean(thai_female_names()),
                      family=_clean(thai_family_names()))
    if not (pools.male and pools.female and pools.family):  # pragma: no cover
        raise RuntimeError("pythainlp's name corpora are missing from the installed package")
    return pools


# Parts of village names: บ้าน + a landform + a qualifier (บ้านหนองบัว, บ้านดอนใหม่).
VILLAGE_HEADS = (
    "หนอง", "ดอน", "โคก", "นา", "ห้วย", "ทุ่ง", "ป่า", "บึง", "คลอง", "ท่า", "วัง", "บาง",
    "โนน", "สวน", "เขา", "หาด", "ควน", "แม่", "ปาก", "หัว", "ไร่", "สระ", "บ่อ", "โป่ง",
    "ดง", "เนิน", "คุ้ง", "เกาะ", "ลำ", "ม่วง",
)
VILLAGE_TAILS = (
    "ใหญ่", "น้อย", "ใหม่", "เก่า", "แดง", "ขาม", "บัว", "ยาง", "ไผ่", "กลาง", "ทอง", "งาม",
    "โพธิ์", "มะม่วง", "สะแก", "ตะเคียน", "พัฒนา", "สามัคคี", "เจริญ", "สวรรค์", "ทราย",
    "หิน", "จันทร์", "ลุง", "ไทร", "มะพร้าว", "ยาว", "หลวง", "ตะวันออก", "ตะวันตก", "เหนือ",
    "ใต้", "สำราญ", "ศรี", "แก้ว", "เตย", "ข่า", "ชุมแสง", "ประดู่", "นกยูง",
)
