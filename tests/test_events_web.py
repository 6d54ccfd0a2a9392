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
    rec = extract_text("The commission met in Minsk on 5 May 2025 to discuss tractors.", doc="e")
    assert any("Russian" in w for w in rec["warnings"])
