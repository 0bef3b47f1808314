"""A small made-up knowledge base shared by the knowledge-base tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.analysis import Analyzer
from knowledge_base.loader import load_articles
from knowledge_base.search import KnowledgeBase
from tests.harness import write_articles

ARTICLES = {
    "library/library-card.md": """---
id: library-card
title: Як записатися до бібліотеки й отримати читацький квиток
category: Бібліотека
questions:
  - як записатися в бібліотеку
  - що потрібно для читацького квитка
keywords: [читацький квиток, абонемент, запис до бібліотеки]
---
Візьміть із собою паспорт або ID-картку. Запис безкоштовний, квиток видають одразу.
""",
    "housing/utility-bills.md": """---
id: utility-bills
title: Як оплатити комунальні послуги онлайн
category: Комунальні послуги
questions:
  - як оплатити рахунок за воду через інтернет
  - де сплатити за газ і світло зі смартфона
keywords: [квартплата, особовий рахунок, лічильник]
links:
  - title: Портал міської ради
    url: https://mkrada.gov.ua
updated: 2026-11-01
---
Рахунки за воду, газ і електроенергію можна сплатити в застосунку банку за номером
особового рахунку. Показники лічильника передають на сайті постачальника.
""",
    "pensions/pension-certificate.md": """---
id: pension-certificate
title: Як отримати пенсійне посвідчення в електронному вигляді
category: Пенсії
questions:
  - де взяти електронне пенсійне посвідчення
  - чи можна замість паперового посвідчення пенсіонера мати електронне
keywords: [пенсійне посвідчення, пенсіонер, ПФУ]
---
Електронне посвідчення пенсіонера формується в особистому кабінеті на порталі
Пенсійного фонду. Його можна роздрукувати або показати з телефона.
""",
    "digital/wifi.md": """---
id: library-wifi
title: Чи є в бібліотеці безкоштовний Wi-Fi
category: Бібліотека
questions:
  - чи можна в бібліотеці підключитися до інтернету
  - який пароль від вайфаю
---
У всіх читальних залах працює безкоштовний бездротовий інтернет; пароль скаже бібліотекар.
""",
}


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_articles(tmp_path_factory.mktemp("kb"), ARTICLES)


@pytest.fixture(scope="session")
def kb(kb_dir: Path, analyzer: Analyzer) -> KnowledgeBase:
    result = load_articles(kb_dir)
    assert result.errors == []
    return KnowledgeBase.build(result.articles, analyzer=analyzer)
