"""The tile-grid map of Thailand: one square per province, placed roughly
where the province lies — the north at the top, the northeast (Isan) to the
right, Bangkok and the central plain in the middle, the east coast below it
and the south running down the peninsula. Designed once, kept as data.

Each tile: province code, column, row, Thai abbreviation (as on Thai number
plates), English abbreviation.
"""

from __future__ import annotations

from typing import NamedTuple


class Tile(NamedTuple):
    code: str
    col: int
    row: int
    abbr_th: str
    abbr_en: str


TILES: tuple[Tile, ...] = (
    # North
    Tile("57", 3, 0, "ชร", "CRI"),
    Tile("58", 1, 1, "มส", "MSN"), Tile("50", 2, 1, "ชม", "CMI"), Tile("56", 3, 1, "พย", "PYO"),
    Tile("55", 4, 1, "นน", "NAN"),
    Tile("51", 2, 2, "ลพ", "LPN"), Tile("52", 3, 2, "ลป", "LPG"), Tile("54", 4, 2, "พร", "PRE"),
    Tile("63", 1, 3, "ตก", "TAK"), Tile("64", 2, 3, "สท", "STI"), Tile("53", 3, 3, "อต", "UTD"),
    Tile("62", 2, 4, "กพ", "KPT"), Tile("65", 3, 4, "พล", "PLK"), Tile("67", 4, 4, "พช", "PNB"),
    Tile("66", 3, 5, "พจ", "PCT"),
    Tile("61", 2, 6, "อน", "UTI"), Tile("60", 3, 6, "นว", "NSN"), Tile("16", 4, 6, "ลบ", "LRI"),
    # Northeast (Isan)
    Tile("42", 7, 2, "ลย", "LEI"), Tile("43", 8, 2, "นค", "NKI"), Tile("38", 9, 2, "บก", "BKN"),
    Tile("39", 7, 3, "นภ", "NBP"), Tile("41", 8, 3, "อด", "UDN"), Tile("47", 9, 3, "สน", "SNK"),
    Tile("48", 10, 3, "นพ", "NPM"),
    Tile("36", 7, 4, "ชย", "CPM"), Tile("40", 8, 4, "ขก", "KKN"), Tile("46", 9, 4, "กส", "KSN"),
    Tile("49", 10, 4, "มห", "MDH"),
    Tile("30", 7, 5, "นม", "NMA"), Tile("44", 8, 5, "มค", "MKM"), Tile("45", 9, 5, "รอ", "RET"),
    Tile("35", 10, 5, "ยส", "YST"), Tile("37", 11, 5, "อจ", "ACR"),
    Tile("31", 8, 6, "บร", "BRM"), Tile("32", 9, 6, "สร", "SRN"), Tile("33", 10, 6, "ศก", "SSK"),
    Tile("34", 11, 6, "อบ", "UBN"),
    # Centre and east
    Tile("71", 1, 7, "กจ", "KRI"), Tile("72", 2, 7, "สพ", "SPB"), Tile("18", 3, 7, "ชน", "CNT"),
    Tile("17", 4, 7, "สห", "SBR"), Tile("19", 5, 7, "สบ", "SRI"),
    Tile("15", 3, 8, "อท", "ATG"), Tile("14", 4, 8, "อย", "AYA"), Tile("26", 5, 8, "นย", "NYK"),
    Tile("25", 6, 8, "ปจ", "PRI"), Tile("27", 7, 8, "สก", "SKW"),
    Tile("70", 1, 9, "รบ", "RBR"), Tile("73", 2, 9, "นฐ", "NPT"), Tile("12", 3, 9, "นบ", "NBI"),
    Tile("13", 4, 9, "ปท", "PTE"), Tile("24", 5, 9, "ฉช", "CCO"),
    Tile("75", 1, 10, "สส", "SKM"), Tile("74", 2, 10, "สค", "SKN"),
    Tile("10", 3, 10, "กทม", "BKK"), Tile("11", 4, 10, "สป", "SPK"),
    Tile("20", 5, 10, "ชบ", "CBI"),
    Tile("76", 1, 11, "พบ", "PBI"), Tile("21", 5, 11, "รย", "RYG"), Tile("22", 6, 11, "จบ", "CTI"),
    Tile("23", 7, 11, "ตร", "TRT"),
    # South
    Tile("77", 1, 12, "ปข", "PKN"),
    Tile("86", 1, 13, "ชพ", "CPN"),
    Tile("85", 0, 14, "รน", "RNG"), Tile("84", 1, 14, "สฎ", "SNI"),
    Tile("82", 0, 15, "พง", "PNA"), Tile("81", 1, 15, "กบ", "KBI"), Tile("80", 2, 15, "นศ", "NRT"),
    Tile("83", 0, 16, "ภก", "PKT"), Tile("92", 1, 16, "ตง", "TRG"), Tile("93", 2, 16, "พท", "PLG"),
    Tile("91", 1, 17, "สต", "STN"), Tile("90", 2, 17, "สข", "SKA"), Tile("94", 3, 17, "ปน", "PTN"),
    Tile("95", 3, 18, "ยล", "YLA"), Tile("96", 4, 18, "นธ", "NWT"),
)
COLUMNS = max(t.col for t in TILES) + 1
ROWS = max(t.row for t in TILES) + 1
BY_CODE = {t.code: t for t in TILES}
