"""The press-release reader on web pages: body vs clutter, stamps, qualifiers (issue 14)."""

from __future__ import annotations

import logging

import pytest

from coopstats.events import extract_events, extract_text
from coopstats.events.body import clutter_reason, language_warning, split_body

PAGE = (
    """Главная
Новости
Экономика
Спорт
USD 3,2541 ▲ EUR 3,5120 ▼
Минск +25°C
1875 0 +2
14.05.2025 12:30
Опубликовано: 14 мая
№ 87 (25431)
Беларусь и Казахстан договорились о сборке тракторов
МИНСК, 13 мая (БелТА) – Министерство промышленности Беларуси и казахстанские партнеры \
"""
    """подписали соглашение о сборке 200 тракторов в Костанае.
ВКонтакте Одноклассники Telegram
12,5 тыс. подписчиков
Читайте также
12:40 В Гродно открылся новый завод по выпуску 300 станков
"""
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("1875 0 +2", "numbers"),
        ("USD 3,2541 ▲ EUR 3,5120 ▼", "numbers"),
        ("Курс НБРБ: 2.91 BYN", "ticker"),
        ("Минск +25°C", "numbers"),
        ("Погода в Минске: +25", "widget"),
        ("12,5 тыс. подписчиков", "widget"),
        ("14.05.2025 12:30", "stamp"),
        ("Опубликовано: 14 мая", "stamp"),
        ("Обновлено: 15.05.2025, 09:12", "stamp"),
        ("16:00 03.10.2025 (обновлено: 16:08 03.10.2025)", "stamp"),
        ("14 мая 2025 12:30 | Экономика", "stamp"),
        ("Пресс-релиз, 14 мая 2025 года", "stamp"),
        ("Дата изменения: 22.10.2025", "stamp"),
        ("Форум пройдет 14 мая 2025 года в Минске", None),
        ("№ 87 (25431)", "numbers"),
        ("Выпуск № 45 от 14 мая", "widget"),
        ("ВКонтакте Одноклассники Telegram", "share"),
        ("Главная | Новости | Экономика | Регионы", "menu"),
        ("3. Экономика и финансы", "menu"),
        ("3. Экономика", "numbers"),
        ("16+", "age"),
        ("Читайте также", "cut"),
        ("Фото: пресс-служба", "label"),
        ("В Минске прошло заседание комиссии по промышленному сотрудничеству.", None),
        ("Товарооборот вырос на 12%.", None),
    ],
)
def test_clutter_lines_are_named(line, kind):
    assert clutter_reason(line) == kind


def test_page_body_is_separated_from_clutter_and_stamp_gives_publication_date():
    body = split_body(PAGE)
    assert body.body_found
    assert body.publication_date == "2025-05-14"
    assert body.text.splitlines() == [
        "Беларусь и Казахстан договорились о сборке тракторов",
        "МИНСК, 13 мая (БелТА) – Министерство промышленности Беларуси и казахстанские "
        "партнеры подписали соглашение о сборке 200 тракторов в Костанае.",
    ]
    kinds = {k for _, k, _ in body.dropped}
    assert {"menu", "numbers", "stamp", "share", "widget", "cut"} <= kinds


def test_clutter_never_becomes_a_figure_and_the_dateline_beats_the_stamp():
    rec = extract_text(PAGE, doc="p")
    assert [(f["value"], f["unit"]) for f in rec["figures"]] == [(200, "count")]
    assert rec["event_date"] == "2025-05-13"
    assert rec["countries"] == ["BLR", "KAZ"]


def test_a_page_of_nothing_but_clutter_is_flagged(tmp_path, caplog):
    path = tmp_path / "clutter.txt"
    path.write_text(
        "Главная\nНовости\nПолитика\n1875 0 +2\nUSD 3,25 EUR 3,51\nМинск +25°C\n"
        "14.05.2025 12:30\nВКонтакте Одноклассники Telegram\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        result = extract_events([path])
    (rec,) = result.records
    assert rec["body_found"] is False
    assert rec["figures"] == [] and rec["countries"] == [] and rec["event_date"] is None
    assert "no article body" in rec["warnings"][0]
    assert "no article body" in caplog.text


def test_html_article_is_taken_by_trafilatura(tmp_path):
    page = tmp_path / "p.html"
    related = "".join(
        f"<li><a href='/n{i}'>В Гомеле выпустили {i}00 тракторов для экспорта</a></li>"
        for i in range(1, 6)
    )
    page.write_text(
        "<html><head><title>Станки для Узбекистана</title></head><body>"
        "<div class='top'>USD 3,25 | EUR 3,51 | Минск +25°C | 1875 просмотров</div>"
        "<article><h1>Станки для Узбекистана</h1>"
        "<p>14 мая в Ташкенте состоялись переговоры о поставке 40 станков российского "
        "производства на предприятия Республики Узбекистан. Стороны обсудили также подготовку "
        "кадров для станкостроения и сервисное обслуживание оборудования.</p>"
        "<p>Объем контракта составит около 12 млн долларов.</p></article>"
        f"<aside><h3>Другие новости</h3><ul>{related}</ul></aside>"
        "<footer>Все права защищены. Тел.: 8 (017) 123-45-67</footer></body></html>",
        encoding="utf-8",
    )
    (rec,) = extract_events([page], publication_dates="2025-05-15").records
    assert [(f["value"], f["unit"], f["qualifier"]) for f in rec["figures"]] == [
        (40, "count", None),
        (12_000_000, "USD", "approx"),
    ]
    assert rec["event_date"] == "2025-05-14"


def test_non_russian_text_gets_a_warning():
    assert language_warning("The commission met in Minsk to discuss machine tools. " * 3)
    assert language_warning("Міністэрства прамысловасці Рэспублікі Беларусь і партнёры. " * 3)
    assert language_warning("В Минске прошло заседание комиссии по промышленности.") is None
    rec = extract_text(
        "News\n14.03.2025\nOn 13 March the commission met in Minsk to discuss 500 tractors.",
        doc="e",
    )
    assert any("Russian" in w for w in rec["warnings"])
    assert rec["body_found"] is True and rec["figures"] == [] and rec["countries"] == []


def test_companies_and_institutes_get_canonical_names_and_types():
    rec = extract_text(
        "14 мая в Минске холдинг «Гомсельмаш», ОАО «Гродно Азот» и АО «НИИ точной механики» "
        "подписали соглашение с представителями Минского тракторного завода. Тракторы МАЗ "
        "соберут на Бакинском судостроительном заводе.",
        doc="c",
    )
    details = {o["name"]: o["type"] for o in rec["organization_details"]}
    assert details == {
        "Гомсельмаш": "company",
        "Гродно Азот": "company",
        "Научно-исследовательский институт точной механики": "academic",
        "Минский тракторный завод": "company",
        "Минский автомобильный завод": "company",
        "Бакинский судостроительный завод": "company",
    }
    assert rec["organizations"] == list(details)


def test_each_state_gets_its_own_government_body_and_ministries_from_titles():
    rec = extract_text(
        "12 марта в Бишкеке Кабмин Узбекистана, правительство Беларуси и Правительство "
        "Казахстана обсудили план. Минсельхоз Казахстана, замминистра энергетики Армении и "
        "вице-министр промышленности Кыргызстана поддержали его.",
        doc="g",
    )
    assert rec["organizations"] == [
        "Кабинет министров Республики Узбекистан",
        "Совет Министров Республики Беларусь",
        "Правительство Республики Казахстан",
        "Министерство сельского хозяйства Республики Казахстан",
        "Министерство энергетики Республики Армения",
        "Министерство промышленности Кыргызской Республики",
    ]
    assert {o["type"] for o in rec["organization_details"]} == {"government", "ministry"}
    assert rec["organization_details"][0]["country"] == "UZB"


def test_bodies_attached_to_others_regional_ministries_and_abbreviations():
    rec = extract_text(
        "Агентство по стандартизации при Правительстве Республики Таджикистан, Министерство "
        "экономического развития Краснодарского края, Госсовет и Совмин СГ, Коллегия ВПК "
        "провели совещание 3 июня 2025 года.",
        doc="a",
    )
    assert rec["organizations"] == [
        "Агентство по стандартизации при Правительстве Республики Таджикистан",
        "Министерство экономического развития Краснодарского края",
        "Высший Государственный Совет Союзного государства",
        "Совет Министров Союзного государства",
        "Военно-промышленная комиссия Российской Федерации",
    ]
    assert rec["blocs"] == ["UNION_STATE"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Соглашение подписали представители двух стран и 12 предприятий.", [(12, "count", None)]),
        ("За последние три года и 10 лет назад выпущено 500 станков.", [(500, "count", None)]),
        ("В проекте участвуют около тысячи специалистов.", [(1000, "count", "approx")]),
        ("К работе привлекли более десятка заводов.", [(10, "count", "at_least")]),
        (
            "Контракт оценивается в 50–60 млн рублей.",
            [(50_000_000, "RUB", "range_low"), (60_000_000, "RUB", "range_high")],
        ),
        (
            "Выпуск составит от 300 до 400 тракторов.",
            [(300, "count", "range_low"), (400, "count", "range_high")],
        ),
        ("Поставки составят не более 5 тыс. тонн.", [(5000, "tonnes", "at_most")]),
        ("Товарооборот превысил 11 млрд долларов.", [(11e9, "USD", "at_least")]),
        ("Площадь цеха составит 24 тыс. кв. м.", [(24000, "m2", None)]),
        ("В проекте участвуют 40-ка предприятий.", [(40, "count", None)]),
        ("Мощность увеличится до 1 000 машин.", [(1000, "count", None)]),
    ],
)
def test_figures_have_qualifiers_and_no_party_counts_or_durations(text, expected):
    rec = extract_text(text, doc="f")
    assert [(f["value"], f["unit"], f["qualifier"]) for f in rec["figures"]] == expected


def test_a_fact_repeated_in_a_quote_is_listed_once_and_period_carries_over():
    rec = extract_text(
        "В 2024 году товарооборот вырос на 12%. Экспорт составил 185 млн долларов. К работам "
        "привлекут около 40 инженеров.\n— Мы привлечем около 40 инженеров, — сказал он.",
        doc="q",
    )
    assert [(f["value"], f["unit"], f["period"]) for f in rec["figures"]] == [
        (12, "percent", "2024"),
        (185_000_000, "USD", "2024"),
        (40, "count", None),
    ]


def test_date_span_is_kept_as_a_span_and_stamps_do_not_win():
    rec = extract_text(
        "22.07.2025\nВыставка вооружения прошла с 8 по 11 июля 2025 года в Минске.", doc="s"
    )
    assert (rec["event_date"], rec["event_date_start"], rec["event_date_end"]) == (
        None,
        "2025-07-08",
        "2025-07-11",
    )


def test_sectors_lists_count_and_titles_and_names_do_not():
    rec = extract_text(
        "14 мая министр сельского хозяйства встретился с руководством холдинга «Гомсельмаш». "
        "Дорожная карта охватывает такие отрасли, как станкостроение, микроэлектроника и "
        "фармацевтика, а также поставки сельхозтехники и СВЧ-электроники.",
        doc="s",
    )
    assert rec["sectors"] == [
        "microelectronics",
        "machine_tools",
        "agriculture",
        "machinery",
        "other",
    ]


def test_every_un_member_state_has_a_russian_name_and_one_string_resolves():
    import country_converter as coco

    from coopstats import geo

    data = coco.CountryConverter().data
    members = set(data.loc[data["UNmember"].notna(), "ISO3"])
    assert len(members) == 193
    lex = geo.russian_country_lexicon()
    assert members <= set(lex["iso3"])
    official = lex[lex["kind"] == "official"]
    assert members <= set(official["iso3"])
    assert geo.to_iso3("Беларусь") == "BLR"
    assert geo.to_iso3(112) == "BLR"
    assert geo.to_iso3(["РБ", "РК", "КР", "РУз", "РА"]) == ["BLR", "KAZ", "KGZ", "UZB", "ARM"]
    assert geo.to_iso3(["Республики Беларусь"]) == ["BLR"]
    assert geo.to_iso3(["Эсватини", "ДРК", "Конго", "Северной Македонии", "Того"]) == [
        "SWZ",
        "COD",
        "COG",
        "MKD",
        "TGO",
    ]


def test_a_country_name_that_is_a_common_word_is_not_read_from_the_word():
    rec = extract_text("Кроме того, 5 мая делегации Того и Эфиопии посетили Минск.", doc="t")
    assert rec["countries"] == ["ETH", "TGO"]
    rec = extract_text("Кроме того, 5 мая делегация Эфиопии посетила Минск.", doc="t")
    assert rec["countries"] == ["ETH"]


def test_cli_caps_thread_pools_before_loading_models():
    import subprocess
    import sys

    pytest.importorskip("threadpoolctl")

    code = (
        "import os; [os.environ.pop(v, None) for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')]; "
        "from coopstats.events.cli import limit_threads; limit_threads(1); "
        "assert os.environ['OMP_NUM_THREADS'] == '1' and os.environ['MKL_NUM_THREADS'] == '1'; "
        "import numpy, threadpoolctl; limit_threads(1); "
        "assert all(p['num_threads'] == 1 for p in threadpoolctl.threadpool_info())"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_governments_named_by_adjective_and_local_executive_bodies():
    rec = extract_text(
        "14 мая председатель Могилевского облисполкома встретился с послом. Сербское "
        "правительство и белорусский кабмин одобрили план. Иссык-Кульская областная "
        "администрация сообщила об этом.",
        doc="l",
    )
    assert rec["organizations"] == [
        "Могилевский областной исполнительный комитет",
        "Правительство Республики Сербия",
        "Совет Министров Республики Беларусь",
        "Иссык-Кульская областная администрация",
    ]


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Во вторник в Минске прошли переговоры", "2025-05-13"),
        ("Вчера в Минске прошли переговоры", "2025-05-13"),
        ("На прошлой неделе в Минске прошли переговоры", None),
        ("В Минске прошли переговоры", "2025-05-14"),
    ],
)
def test_weekdays_and_vague_times_count_from_the_dateline(lead, expected):
    rec = extract_text(
        f"МИНСК, 14 мая (БелТА) – {lead} о поставках тракторов.",
        doc="w",
        publication_date="2025-05-14",
    )
    assert rec["event_date"] == expected


def test_headlines_after_the_last_sentence_are_related_links():
    body = split_body(
        "В Минске прошла встреча министров промышленности по вопросам кооперации.\n"
        "Стороны подписали соглашение.\n"
        "В Гомеле выпустили 500 тракторов для экспорта\n"
        "Курс рубля укрепился на торгах биржи\n"
    )
    assert [k for _, k, _ in body.dropped] == ["related", "related"]
    assert "500" not in body.text


def test_records_written_before_issue_14_read_back(tmp_path):
    from coopstats.events import read_events_jsonl

    path = tmp_path / "old.jsonl"
    path.write_text(
        '{"doc": "a", "event_date": "2025-03-06", "countries": ["BLR"], "blocs": [], '
        '"sectors": [], "organizations": ["Интеграл"], "figures": [{"value": 5, "unit": '
        '"count", "what": "тип", "period": null}]}\n',
        encoding="utf-8",
    )
    (rec,) = read_events_jsonl(path).records
    assert rec["event_date_start"] == rec["event_date_end"] == "2025-03-06"
    assert rec["organization_details"] == [{"name": "Интеграл", "type": None, "country": None}]
    assert rec["figures"][0]["qualifier"] is None and rec["body_found"] is True


def test_background_dates_do_not_beat_the_event():
    rec = extract_text(
        "Напомним, 3 марта в Москве прошла встреча министров. 12 мая стороны подписали соглашение.",
        doc="b",
        publication_date="2025-05-13",
    )
    assert rec["event_date"] == "2025-05-12"


def test_formation_is_not_education():
    rec = extract_text(
        "12 мая обсудили торговлю. С момента образования СНГ прошло 30 лет.", doc="e"
    )
    assert "science_education" not in rec["sectors"]


def test_extract_text_takes_an_html_page_too():
    rec = extract_text(
        '<html><head><meta name="date" content="2025-05-15"></head><body><nav>Главная | '
        "Новости | USD 3,25</nav><article><p>Вчера в Минске прошли переговоры о поставках 40 "
        "станков в Узбекистан.</p></article></body></html>",
        doc="h",
    )
    assert rec["event_date"] == "2025-05-14"
    assert [(f["value"], f["unit"]) for f in rec["figures"]] == [(40, "count")]
