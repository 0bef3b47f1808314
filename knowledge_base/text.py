"""Character-level clean-up of citizens' text: case, look-alike letters, Latin transliteration.

Everything here is pure string work with no dictionaries, so it is cheap and
the same for articles and questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

CYRILLIC = set("абвгґдеєёжзиіїйклмнопрстуфхцчшщъыьэюя")
LATIN = set("abcdefghijklmnopqrstuvwxyz")
APOSTROPHES = ("’", "ʼ", "`", "‘", "´")
LETTERS = "0-9a-zа-яёґєії"
SENTENCE_END = re.compile(r"[.!?\n]+")
TOKEN = re.compile(rf"[{LETTERS}]+(?:'[{LETTERS}]+)*")
CASED_TOKEN = re.compile(TOKEN.pattern, re.IGNORECASE)
ANY_LATIN = re.compile("[a-z]")
# A word with at least one Latin letter (checked for Cyrillic ones in the callback).
WITH_LATIN = re.compile(rf"(?<![{LETTERS}'])[{LETTERS}']*[a-z][{LETTERS}']*")
# A run of Latin letters, digits and apostrophes starting with a letter: where a
# Latin letter sits in a word, found by a fast scan for its first character.
LATIN_RUN = re.compile("[a-z][0-9a-z']*")

# Latin letters that look like Cyrillic ones; used only inside words that mix
# both alphabets, such as «бiблiотека» typed with a Latin i.
LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "i": "і",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "h": "н",
        "b": "в",
        "t": "т",
    }
)

# Reverse transliteration, longest Latin group first. The two tables differ
# where Ukrainian and Russian romanisations disagree (i, y, h, ye).
_COMMON = [
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("tz", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("iu", "ю"),
    ("ju", "ю"),
    ("ya", "я"),
    ("ia", "я"),
    ("ja", "я"),
    ("yo", "йо"),
    ("jo", "йо"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("j", "й"),
    ("k", "к"),
    ("q", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("c", "ц"),
    ("x", "кс"),
    ("'", "'"),
]
UKRAINIAN_LATIN = [("ye", "є"), ("ie", "є"), ("yi", "ї"), ("ji", "ї"), ("h", "г"), ("i", "і")]
RUSSIAN_LATIN = [("ye", "е"), ("h", "х"), ("i", "и")]
VOWELS = set("aeiouy")
# Joins texts normalised together (see `token_lists`): not a letter, digit or apostrophe.
_SEPARATOR = "\x00"


def normalise(text: str) -> str:
    """Lower case, one apostrophe, ё as е, and look-alike Latin letters fixed inside words."""
    # Chained replace is several times faster than str.translate on long texts.
    text = text.lower().replace("ё", "е")
    for apostrophe in APOSTROPHES:
        text = text.replace(apostrophe, "'")
    if not ANY_LATIN.search(text) or not _mixes_alphabets(text):
        return text
    return WITH_LATIN.sub(lambda match: fix_lookalikes(match.group()), text)


def _mixes_alphabets(text: str) -> bool:
    """Whether a word of `text` has both Latin and Cyrillic letters.

    Such a word has a Latin and a Cyrillic letter with only digits or
    apostrophes between them. A text without one (a body whose only Latin is a
    web address) is left as it is by the look-alike fixing, which only changes
    words that are not pure ASCII.
    """
    for match in LATIN_RUN.finditer(text):
        end = match.end()
        if end < len(text) and text[end] in CYRILLIC:
            return True
        before = match.start() - 1
        while before >= 0 and text[before] in "0123456789'":
            before -= 1
        if before >= 0 and text[before] in CYRILLIC:
            return True
    return False


def fix_lookalikes(word: str) -> str:
    if word.isascii():
        return word
    return word.translate(LOOKALIKES)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(normalise(text))


def token_lists(texts: Sequence[str]) -> list[list[str]]:
    """`[tokens(text) for text in texts]`, normalising all the texts in one go.

    Normalising only ever changes a word by itself, so the texts are joined
    with a character no word contains and split again afterwards.
    """
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        return [tokens(text) for text in texts]
    findall = TOKEN.findall
    return [findall(part) for part in normalise(joined).split(_SEPARATOR)]


def capitalised_words(text: str) -> frozenset[str]:
    """Words written with a capital inside a sentence, normalised: usually names.

    «квиток з Кишинева», «на Соборній»: a place or a person, not what the
    question is about. Abbreviations in capitals (ЦНАП, ФОП) are not included,
    nor is a sentence's first word.
    """
    found = set()
    for sentence in SENTENCE_END.split(text):
        for word in CASED_TOKEN.findall(sentence)[1:]:
            if word[0].isupper() and not word.isupper():
                found.add(normalise(word))
    return frozenset(found)


def is_latin(word: str) -> bool:
    return bool(word) and set(word) <= LATIN | {"'"}


def transliterations(word: str) -> tuple[str, ...]:
    """Cyrillic readings of a Latin word, Ukrainian-style first, then Russian-style."""
    ukrainian = _reverse(word, UKRAINIAN_LATIN, y_vowel="и")
    russian = _reverse(word, RUSSIAN_LATIN, y_vowel="ы")
    return (ukrainian,) if ukrainian == russian else (ukrainian, russian)


def _reverse(word: str, specific: list[tuple[str, str]], y_vowel: str) -> str:
    table = sorted(specific + _COMMON, key=lambda pair: -len(pair[0]))
    out: list[str] = []
    index = 0
    while index < len(word):
        group = next((pair for pair in table if word.startswith(pair[0], index)), None)
        if word[index] == "y" and (group is None or len(group[0]) == 1):
            out.append(_y_reading(word, index, y_vowel))
            index += 1
        elif group is None:
            index += 1
        else:
            out.append(group[1])
            index += len(group[0])
    return "".join(out)


def _y_reading(word: str, index: int, y_vowel: str) -> str:
    """A lone y is a vowel between consonants and «й» after a vowel («onlayn», «kyiv»)."""
    after_vowel = index > 0 and word[index - 1] in VOWELS
    return "й" if after_vowel else y_vowel


_FOLD = str.maketrans({"і": "и", "ї": "и", "ы": "и", "й": "и", "є": "е", "э": "е", "ґ": "г"})
_DROP = re.compile(r"[ьъ']")
_ENDINGS = (
    ("ться", "т"),
    ("тися", "т"),
    ("тись", "т"),
    ("ть", "т"),
    ("ти", "т"),
)


def skeleton(word: str) -> str:
    """A spelling-blind key shared by Ukrainian, Russian and surzhyk spellings of one root.

    «пенсионный» and «пенсійний», «оформить» and «оформити» come out close or
    equal, so a Russian word can find its Ukrainian twin in the index.
    """
    folded = _DROP.sub("", word.translate(_FOLD))
    for ending, replacement in _ENDINGS:
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            folded = folded[: -len(ending)] + replacement
            break
    return re.sub(r"(.)\1+", r"\1", folded)


# Infinitive endings, longest first, with the vowel that marks the aspect:
# «оформлювати»/«оформити», «отримувати»/«отримати», «подавати»/«подати»,
# «перевіряти»/«перевірити», Russian «оформлять», «записываться».
_VERB_ENDINGS = re.compile(
    r"(?:овува|ьова|юва|ува|ива|ыва|ава|ова|я|а|и|і|е|ы|у)(?:ти|ть)(?:ся|сь)?$"
)
# «л» that only joins the stem to the ending after a lip consonant: «оформл-ювати».
_JOINING_L = re.compile(r"(?<=[бпвмф])л$")
MIN_VERB_STEM = 4


def verb_stem(lemma: str) -> str | None:
    """The stem a verb's two aspects share, in either language, or None for other words.

    «оформлювати», «оформити» and «оформлять» all give «оформ», so a question in
    one aspect finds an article written in the other.
    """
    stem, found = _VERB_ENDINGS.subn("", lemma)
    if not found:
        return None
    stem = _JOINING_L.sub("", stem)
    return stem if len(stem) >= MIN_VERB_STEM else None
