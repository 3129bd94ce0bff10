"""What the text says about the person a question is about: age, sex, pregnancy, measured
vital signs and the language it is written in.

These are readings, not decisions: the thresholds that make a reading matter live in
triage_modifiers.json. The text wins over the ask form's age band, since a parent asks about
a baby under their own age band ("my 6 week old has a temperature of 38.3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUM = r"(\d{1,3}(?:[.,]\d)?)"
_AGE_PATTERNS = (  # (pattern, years per unit)
    (re.compile(r"\b(\d{1,3})[- ]?(?:years?|yrs?)[- ]old\b"), 1.0),
    (re.compile(r"\b(\d{1,2})[- ]?(?:months?|mos?)[- ]old\b"), 1 / 12),
    (re.compile(r"\b(\d{1,2})[- ]?(?:weeks?|wks?)[- ]old\b"), 1 / 52),
    (re.compile(r"\b(\d{1,2})[- ]?days?[- ]old\b"), 1 / 365),
    (re.compile(r"\b(?:aged|age)\s+(\d{1,3})\b"), 1.0),
    (re.compile(r"\b(\d{1,3})\s?(?:yo|y/o|y\.o\.)\b"), 1.0),
    (re.compile(r"(\d{1,3})\s?(?:歲|岁)"), 1.0),
    (re.compile(r"(\d{1,2})\s?(?:個月|个月)大?"), 1 / 12),
)
_NEWBORN = re.compile(r"\bnew-?born\b|\bneonat\w+|新生兒|新生儿")
_SEX = re.compile(r"\b(male|female|man|woman|boy|girl)\b")
_PREGNANCY_WEEKS = re.compile(
    r"\b(\d{1,2})[- ]?weeks?'?(?:[- ]pregnant| of (?:gestation|pregnancy)|'? gestation| gestation)"
    r"|\bweek (\d{1,2}) of (?:her |my |the )?pregnancy|\b(?:is|am|she's|i'm) in week (\d{1,2})\b"
    r"|\b(?:i'?m|i am|she'?s|she is|wife is|partner is)\s+(\d{1,2})\s+weeks\b(?![- ]old)"
    r"|(?:懷孕|怀孕)\s?(\d{1,2})\s?(?:週|周)|(\d{1,2})\s?(?:週|周)(?:的)?(?:孕婦|孕妇|身孕)")
_PREGNANT = re.compile(r"\bpregnan\w*|\bgestation\w*|\bantenatal\b|\btrimester\b|\bexpecting a baby\b|\bg\d\s?p\d\b"
                       r"|懷孕|怀孕|孕婦|孕妇|有身孕")
_NOT_PREGNANT = re.compile(r"\b(?:not|isn'?t|no chance of being|never been)\s+(?:\w+\s+)?pregnant\b"
                           r"|\bpregnancy test (?:was |is |came back )?negative\b|\bnegative pregnancy test\b"
                           r"|\b(?:gave birth|postpartum|post-partum|recently delivered|recently pregnant|after (?:the|her|my) delivery)\b"
                           r"|沒有懷孕|没有怀孕|沒懷孕|没怀孕")
_POSSIBLY_PREGNANT = re.compile(r"\bpositive (?:home )?pregnancy test\b|\bmissed (?:my|her|a) period\b|\bperiod is late\b"
                                r"|\blast (?:menstrual )?(?:period|one) (?:was )?(?:about )?(\d{1,2}) weeks ago\b"
                                r"|月經沒來|月经没来|月經遲到|月经迟到|驗孕.{0,3}(?:陽性|阳性|兩條線|两条线)")
# Vital signs as people and clinicians write them. Each gives (measure, value); units decide.
_TEMPERATURE = re.compile(
    r"(?:\btemp\w*|\bfever\w*|\bpyrexi\w*|\bspik\w+ (?:a )?fevers?|體溫|体温|發燒|发烧|燒到|烧到)\D{0,25}?" + _NUM
    + r"\s?(°|º|˚|degrees?|deg|度)?\s?(c|f|celsius|fahrenheit)?\b|" + _NUM + r"\s?(?:°|º|˚)\s?([cf])\b")
_HEART_RATE = re.compile(r"(?:\bheart rate|\bpulse(?: rate)?|\bhr\b|心跳|脈搏|脉搏)\D{0,15}?(\d{2,3})\b|\b(\d{2,3})\s?(?:bpm|beats? (?:a|per|/|each|every) ?min)"
                         r"|\bheart (?:is )?(?:beating|going|racing at)\s+(\d{2,3})")
_RESP_RATE = re.compile(r"(?:\brespiratory rate|\bresp(?:iration)? rate|\brr\b|\bbreathing rate|呼吸次數|呼吸次数)\D{0,15}?(\d{1,3})\b"
                        r"|\b(\d{1,3})\s?breaths? (?:a|per|/|each|every) ?min|\bbreath(?:ing|es)\s+(\d{1,3})\s+times (?:a|per|each|every) min")
_BLOOD_PRESSURE = re.compile(r"(?:\bbp\b|\bblood pressure|血壓|血压)\D{0,25}?(\d{2,3})\s?(?:/|over)\s?(\d{2,3})|\b(\d{2,3})/(\d{2,3})\s?mm ?hg")
_OXYGEN = re.compile(r"(?:\bspo2|\bsp02|\bo2 sat\w*|\boxygen(?: saturation| level| sat\w*)?|\bsats?\b|\bsaturation|血氧)\D{0,15}?(\d{2,3})\s?%?")
_GLUCOSE = re.compile(r"(?:\bblood (?:sugar|glucose)|\bglucose|\bbg\b|\bsugar (?:level|reading)?|血糖)\D{0,20}?(\d{1,3}(?:[.,]\d)?)\s?(mmol|mg)?")
# Enough of English's commonest words that real English always has some (spaCy's stop words).
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Vital:
    measure: str
    value: float
    text: str


@dataclass(frozen=True)
class Patient:
    age_years: float | None = None
    age_from: str = "unknown"  # text, form or unknown
    sex: str | None = None
    pregnant: bool = False
    pregnancy_weeks: int | None = None
    possibly_pregnant: bool = False
    vitals: tuple[Vital, ...] = field(default_factory=tuple)

    def groups(self, age_groups: dict[str, tuple[float, float]]) -> set[str]:
        found = {name for name, (low, high) in age_groups.items()
                 if self.age_years is not None and low <= self.age_years < high}
        if self.pregnant:
            found.add("pregnant")
            if self.pregnancy_weeks is not None and self.pregnancy_weeks >= 20:
                found.add("pregnant-later")
        if self.possibly_pregnant:
            found.add("possibly-pregnant")
        if self.sex in ("female", "male"):
            found.add(self.sex)
        return found


def read_patient(lowered: str, age_band: str | None = None, sex: str | None = None) -> Patient:
    age, source = _age(lowered)
    if age is None and age_band:
        age, source = _band_age(age_band), "form"
    weeks = _pregnancy_weeks(lowered)
    pregnant = weeks is not None or (bool(_PREGNANT.search(lowered)) and not _NOT_PREGNANT.search(lowered))
    possibly = _possibly_pregnant(lowered) and not pregnant
    return Patient(age, source, _sex(lowered, sex), pregnant, weeks, possibly, tuple(read_vitals(lowered)))


def _age(lowered: str) -> tuple[float | None, str]:
    best = None
    for pattern, unit in _AGE_PATTERNS:
        match = pattern.search(lowered)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), int(match.group(1)) * unit)
    if best is not None and best[1] <= 120:
        return round(best[1], 3), "text"
    if _NEWBORN.search(lowered):
        return 0.02, "text"
    return None, "unknown"


def _band_age(band: str) -> float | None:
    """The middle of an ask-form band ("0~1", "20~29", "90+")."""
    numbers = [int(n) for n in re.findall(r"\d+", band)]
    if not numbers:
        return None
    return numbers[0] + 0.5 if len(numbers) == 1 else (numbers[0] + numbers[1]) / 2


def _sex(lowered: str, form_sex: str | None) -> str | None:
    match = _SEX.search(lowered)
    if match:
        return "female" if match.group(1) in ("female", "woman", "girl") else "male"
    return form_sex if form_sex in ("female", "male") else None


def _pregnancy_weeks(lowered: str) -> int | None:
    match = _PREGNANCY_WEEKS.search(lowered)
    if not match:
        return None
    weeks = int(next(g for g in match.groups() if g))
    return weeks if 1 <= weeks <= 45 else None


def _possibly_pregnant(lowered: str) -> bool:
    match = _POSSIBLY_PREGNANT.search(lowered)
    if not match:
        return False
    weeks = match.group(1)
    return weeks is None or int(weeks) >= 5  # a period more than a month ago: it may be missed


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def read_vitals(lowered: str) -> list[Vital]:
    vitals: list[Vital] = []
    for m in _TEMPERATURE.finditer(lowered):
        value, degrees, unit = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), "°", m.group(5))
        number = _number(value)
        if unit and unit.startswith("f") or (unit is None and 93 <= number <= 110):
            number = round((number - 32) * 5 / 9, 1)
        if re.search(r"(?:less than|lower than|below|under|<)\s*$", lowered[max(0, m.start(1 if m.group(1) else 4) - 14):m.start(1 if m.group(1) else 4)]):
            continue  # "low-grade fever (less than 38)" is not a reading of 38
        if 30 <= number <= 45 and (degrees or unit or 34 <= number <= 43):
            vitals.append(Vital("temperature_c", number, m.group(0)))
    for pattern, measure, low, high in ((_HEART_RATE, "heart_rate", 20, 300), (_RESP_RATE, "respiratory_rate", 4, 120),
                                        (_OXYGEN, "oxygen_saturation", 50, 100)):
        for m in pattern.finditer(lowered):
            number = _number(next(g for g in m.groups() if g))
            if low <= number <= high:
                vitals.append(Vital(measure, number, m.group(0)))
    for m in _BLOOD_PRESSURE.finditer(lowered):
        systolic, diastolic = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if 50 <= int(systolic) <= 300 and 20 <= int(diastolic) < int(systolic):
            vitals += [Vital("systolic_bp", float(systolic), m.group(0)), Vital("diastolic_bp", float(diastolic), m.group(0))]
    for m in _GLUCOSE.finditer(lowered):
        number = _number(m.group(1))
        if m.group(2) == "mg" or number > 35:  # mg/dL: 18 mg/dL is 1 mmol/L
            number = round(number / 18, 1)
        if 0.5 <= number <= 60:
            vitals.append(Vital("glucose_mmol", number, m.group(0)))
    return vitals


def language_of(text: str) -> str:
    """"en", "zh" or "unknown": which wording the engine can read.

    Chinese is read by its own lexicon. Text in another script, or Latin-script text with
    almost none of English's commonest words (Spanish, Vietnamese...), is "unknown".
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cjk = sum("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in letters)
    latin = sum(c.isascii() for c in letters)
    if cjk >= 0.2 * len(letters):
        return "zh"
    if latin < 0.5 * len(letters):
        return "unknown"
    from spacy.lang.en.stop_words import STOP_WORDS

    words = _WORD.findall(text.lower())
    if len(words) >= 5 and sum(w in STOP_WORDS for w in words) < 0.12 * len(words):
        return "unknown"
    return "en"
