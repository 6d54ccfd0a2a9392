"""Press-release reader: figures, dates, countries, sectors, organisations, files, CLI (issue 7)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from coopstats.errors import DataFileError, InvalidParameterError, MissingDataError
from coopstats.events import (
    country_sector_matrix,
    extract_events,
    extract_text,
    link_figures_to_facts,
    timeline,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def figs(text: str, **kw) -> list[tuple]:
    return [(f["value"], f["unit"]) for f in extract_text(text, doc="t", **kw)["figures"]]


# --- figures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Экспорт в Россию составил 192 миллиона долларов США.", (192_000_000, "USD")),
        ("Выплата составит 1 миллион 200 тысяч рублей.", (1_200_000, "RUB")),
        ("Рост составил 127,5 процентов.", (127.5, "percent")),
        ("Инвестиции оцениваются в $12 млн.", (12_000_000, "USD")),
        ("Поставки достигли 2,3 млн тонн зерна.", (2_300_000, "tonnes")),
        ("Выпуск вырос в 1,5 раза.", (1.5, "times")),
        ("Бюджет равен 3,5 млрд российских рублей.", (3_500_000_000, "RUB")),
        ("Инвестиции составят 15 млн белорусских рублей.", (15_000_000, "BYN")),
        ("Банк выдал кредит в 5 млн евро.", (5_000_000, "EUR")),
        ("Доля достигла 35%.", (35, "percent")),
        ("Рынок оценивается в 2,1 трлн руб.", (2_100_000_000_000, "RUB")),
        ("Выработка составила 22 млрд кВт·ч.", (22_000_000_000, "kWh")),
        ("В проекте участвуют 1 200 000 человек.", (1_200_000, "count")),
    ],
)
def test_figure_value_has_scale_folded_in_and_unit(text, expected):
    assert figs(text) == [expected]


def test_count_figure_names_the_noun_that_follows():
    rec = extract_text("Разработано 35 типономиналов изделий.", doc="t")
    assert rec["figures"] == [
        {"value": 35, "unit": "count", "qualifier": None, "what": "типономинал", "period": None}
    ]


def test_word_numerals_are_figures_but_one_is_not():
    rec = extract_text(
        "План включает пять основных направлений. Это одно из важных решений.", doc="t"
    )
    assert [(f["value"], f["what"]) for f in rec["figures"]] == [(5, "направление")]


def test_money_figure_gets_what_and_period_from_its_sentence():
    rec = extract_text(
        "Экспорт в Россию за 2024 год составил 192 миллиона долларов США, что на "
        "127,5 процентов больше, чем в предыдущем году.",
        doc="t",
    )
    assert rec["figures"] == [
        {"value": 192_000_000, "unit": "USD", "qualifier": None, "what": "экспорт",
         "period": "2024"},
        {"value": 127.5, "unit": "percent", "qualifier": None, "what": "прирост экспорт",
         "period": "2024"},
    ]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Товарооборот в январе–сентябре 2025 года вырос на 4,2%.", "2025-01..2025-09"),
        ("Бюджет программы на 2025–2028 годы составляет 11 млрд рублей.", "2025..2028"),
        ("В первом квартале 2024 года экспорт вырос на 3%.", "2024Q1"),
    ],
)
def test_period_forms(text, period):
    assert [f["period"] for f in extract_text(text, doc="t")["figures"]] == [period]


@pytest.mark.parametrize(
    "text",
    [
        "Соглашение подписано в 2023 году и действует до 2030 года.",
        "Заседание прошло 11 ноября 2025 года.",
        "16:00 03.10.2025 (обновлено: 16:08 03.10.2025)\nТекст новости о встрече.",
        "Выставка проходит с 8 по 11 июля 2024 года в Екатеринбурге.",
        "Форум «Иннопром-2024» и трактор МТЗ-82 представлены на стенде.",
        "Телефон для справок: +7 (495) 123-45-67",
        "Пресс-служба, тел. +998 71 238-46-00.",
        "Проект отмечает 5-й год работы, см. пункт 3 и № 12.",
        "Форум пройдет в июне 2026 года.",
        "Отмечено 10-летие соглашения и 25-летний юбилей.",
    ],
)
def test_years_dates_phones_ordinals_and_names_are_not_figures(text):
    assert figs(text) == []


def test_a_figure_restated_in_the_headline_is_listed_once():
    rec = extract_text(
        "Экспорт достиг 5 млн долларов\n\nЭкспорт достиг 5 млн долларов за год.", doc="t"
    )
    assert [(f["value"], f["unit"]) for f in rec["figures"]] == [(5_000_000, "USD")]


# --- event dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pub", "expected"),
    [
        ("11 ноября 2025 года состоялось заседание экспертной группы.", None, "2025-11-11"),
        ("03.10.2025 в Минске прошел круглый стол.", None, "2025-10-03"),
        ("6 марта встретились представители комиссий.", "2025-03-07", "2025-03-06"),
        ("Заседание прошло 28 декабря.", "2026-01-05", "2025-12-28"),
        ("6 марта встретились депутаты. Экспорт за 2024 год вырос.", None, "2025-03-06"),
        ("6 марта встретились депутаты.", None, None),
        ("Выставка проходит с 8 по 11 июля 2024 года.", None, None),
        ("В октябре прошлого года был обновлен план.", "2024-07-10", None),
        ("Льготы действуют с 1 января 2026 года.", None, None),
        ("ТАШКЕНТ, 3 окт — Sputnik. В Минске обсудили кооперацию.", "2025-10-03", "2025-10-03"),
        ("ЕРЕВАН, 15 мая. Стороны провели переговоры.", "2025-05-15", "2025-05-15"),
        ("МИНСК, 12 фев — БелТА. Вчера прошло заседание.", "2025-02-12", "2025-02-11"),
        ("Вчера в Петропавловске состоялась церемония.", None, None),
        ("Сегодня хорошая погода. 5 мая прошла встреча.", "2025-05-06", "2025-05-05"),
        ("Документ от 5 мая 2023 года обсудили 7 июня 2024 года на встрече.", None, "2024-06-07"),
    ],
)
def test_event_date(text, pub, expected):
    assert extract_text(text, doc="t", publication_date=pub)["event_date"] == expected


def test_event_date_prefers_the_sentence_about_the_meeting():
    text = (
        "Программа принята 1 февраля 2023 года правительством. "
        "Ход ее реализации рассмотрели на заседании комиссии 14 мая 2024 года."
    )
    assert extract_text(text, doc="t")["event_date"] == "2024-05-14"


def test_date_line_prefix_gives_the_publication_year():
    rec = extract_text(" date 2025-03-10 Депутаты встретились 6 марта в Солигорске.", doc="t")
    assert rec["event_date"] == "2025-03-06"


# --- countries, blocs, sectors, organisations ----------------------------------------------------


def test_countries_from_any_case_and_adjectives():
    text = (
        "Белорусские партнеры и представители российской стороны встретились с делегацией "
        "Республики Казахстан и Кыргызстана; позицию Армении изложил посол."
    )
    assert extract_text(text, doc="t")["countries"] == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def test_compound_adjectives_name_both_states():
    assert extract_text("Открыта российско-армянская лаборатория.", doc="t")["countries"] == [
        "ARM",
        "RUS",
    ]


def test_cities_and_currencies_do_not_add_states():
    text = (
        "В Минске и Ташкенте обсудили контракт на 20 млн долларов США, 3 млрд долл. США "
        "и 5 млн белорусских рублей."
    )
    assert extract_text(text, doc="t")["countries"] == []


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        (
            "Делегации Азербайджана, Молдовы и Туркменистана прибыли на встречу.",
            ["AZE", "MDA", "TKM"],
        ),
        ("Таджикистан и Узбекистан подписали соглашение.", ["TJK", "UZB"]),
        ("Киргизия и Белоруссия обсудили поставки.", ["BLR", "KGZ"]),
    ],
)
def test_every_cis_member_is_recognised(text, countries):
    assert extract_text(text, doc="t")["countries"] == countries


def test_blocs_from_names_and_organisations():
    rec = extract_text("ЕЭК и Исполком СНГ обсудили планы ОДКБ и Союзного государства.", doc="t")
    assert rec["blocs"] == ["EAEU", "CIS", "CSTO", "UNION_STATE"]


@pytest.mark.parametrize(
    ("text", "sectors"),
    [
        (
            "Обсуждено развитие станкостроения и станкоинструментальной промышленности.",
            ["machine_tools"],
        ),
        ("Стороны обсудили сотрудничество в области БПЛА.", ["uav"]),
        ("Стороны обсудили беспилотные авиационные системы.", ["uav"]),
        ("Концепция посвящена производству перспективных материалов.", ["advanced_materials"]),
        ("Обсуждено сотрудничество в области оптоэлектроники.", ["optics"]),
        ("Сотрудничество в области микроэлектронники расширится.", ["microelectronics"]),
        ("Речь шла о кооперации оборонных предприятий.", ["defence"]),
        ("Стороны обсудили развитие агропромышленного комплекса.", ["agriculture"]),
        ("Стороны обсудили кооперацию в машиностроении.", ["machinery"]),
        ("Обсуждены железнодорожные перевозки и логистика.", ["transport"]),
        ("Обсуждено сотрудничество в атомной энергетике.", ["energy"]),
        ("Обсуждена подготовка кадров в вузах.", ["science_education"]),
        ("Стороны обсудили кооперацию в фармацевтической отрасли.", ["other"]),
    ],
)
def test_every_sector_of_the_vocabulary(text, sectors):
    assert extract_text(text, doc="t")["sectors"] == sectors


def test_sector_words_inside_organisation_names_do_not_count():
    text = (
        "Состоялось заседание Комиссии Парламентского Собрания по энергетике. Депутаты обсудили "
        "перспективы станкостроения."
    )
    assert extract_text(text, doc="t")["sectors"] == ["machine_tools"]


def test_passing_mentions_and_uses_are_not_sectors():
    text = (
        "Круглый стол по микроэлектронике прошел в Минске.\n\n"
        "Эксперты напомнили об этом.\n\n"
        "Микроэлектроника важна для таких отраслей, как автомобилестроение, оборона и медицина.\n\n"
        "Это нужно для машиностроения и авиации, используемых в военной технике."
    )
    assert extract_text(text, doc="t")["sectors"] == ["microelectronics"]


def test_organisations_get_canonical_nominative_names():
    text = (
        "Министерству промышленности Республики Беларусь и Министерству промышленности и торговли "
        "Российской Федерации рекомендовано продолжить работу. "
        "Выступил заместитель министра обороны "
        "Казахстана. Круглый стол организован Департаментом промышленной политики ЕЭК."
    )
    assert extract_text(text, doc="t")["organizations"] == [
        "Министерство промышленности Республики Беларусь",
        "Министерство промышленности и торговли Российской Федерации",
        "Министерство обороны Республики Казахстан",
        "Евразийская экономическая комиссия",
    ]


def test_intergovernmental_commission_is_named_with_its_remit():
    text = (
        "В Душанбе прошло заседание межправительственной комиссии по экономическому "
        "сотрудничеству Таджикистана и России. Работает и другая межправительственная комиссия."
    )
    assert extract_text(text, doc="t")["organizations"] == [
        "Межправительственная комиссия по экономическому сотрудничеству Таджикистана и России"
    ]


def test_generic_phrases_are_not_organisations():
    text = "В Бишкеке открылся Учебный центр по подготовке операторов беспилотников."
    rec = extract_text(text, doc="t")
    assert rec["organizations"] == [] and rec["sectors"] == ["uav", "science_education"]


def test_short_form_needs_its_bloc_in_the_text():
    assert extract_text("Межгосударственная комиссия ОДКБ провела заседание.", doc="t")[
        "organizations"
    ] == ["Межгосударственная комиссия по военно-экономическому сотрудничеству ОДКБ"]
    assert (
        extract_text("Межгосударственная комиссия провела заседание.", doc="t")["organizations"]
        == []
    )


# --- records, parameters -----------------------------------------------------------------


def test_record_has_exactly_the_issue_shape():
    rec = extract_text(
        "11 ноября 2025 года в Москве прошло заседание по микроэлектронике.", doc="x"
    )
    assert list(rec) == [
        "doc",
        "event_date",
        "event_date_start",
        "event_date_end",
        "countries",
        "blocs",
        "sectors",
        "organizations",
        "organization_details",
        "figures",
        "body_found",
        "warnings",
    ]
    assert rec["doc"] == "x"
    assert rec["event_date_start"] == rec["event_date_end"] == rec["event_date"] == "2025-11-11"
    assert rec["body_found"] is True and rec["warnings"] == []


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"text": "Текст", "doc": ""}, "doc"),
        ({"text": "Текст", "doc": "a", "publication_date": "10.03.2025"}, "publication_date"),
        ({"text": "   ", "doc": "a"}, "text"),
        ({"text": "Слово " * 50, "doc": "a", "max_chars": 100}, "text"),
    ],
)
def test_extract_text_rejects_bad_parameters_by_name(kwargs, name):
    with pytest.raises(InvalidParameterError, match=repr(name)):
        extract_text(**kwargs)


def test_importing_the_module_loads_no_model():
    code = (
        "import coopstats.events, sys; "
        "print(sorted(m for m in ('natasha', 'pymorphy3', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- files: encodings, HTML, clutter, bad files ---------------------------------------------

GOOD = (
    "11 ноября 2025 года в Минске состоялось заседание по сотрудничеству России и Беларуси "
    "в станкостроении."
)


def test_one_bad_file_never_stops_the_others(tmp_path):
    (tmp_path / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "e_good.html").write_text(
        f"<html><body><p>{GOOD}</p></body></html>", encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    result = extract_events(tmp_path)
    assert [r["doc"] for r in result.records] == ["a_good", "e_good"]
    assert len(result.documents) == len(result.records) + len(result.errors) == 5
    assert result.errors["file"].str.rsplit("/", n=1).str[-1].tolist() == [
        "b_empty.txt",
        "c_blank.txt",
        "d_binary.txt",
    ]
    assert "the file is empty" in result.errors["error"][0]
    assert "NUL bytes" in result.errors["error"][2]


def test_cp1251_file_is_read_and_its_encoding_reported(tmp_path):
    (tmp_path / "legacy.txt").write_bytes(GOOD.encode("cp1251"))
    result = extract_events(tmp_path)
    assert result.documents["encoding"].tolist() == ["cp1251"]
    assert result.records[0]["countries"] == ["BLR", "RUS"]


def test_koi8r_file_is_read(tmp_path):
    (tmp_path / "koi.txt").write_bytes(GOOD.encode("koi8_r"))
    result = extract_events(tmp_path)
    assert result.documents["encoding"].tolist() == ["koi8_r"]
    assert result.records[0]["event_date"] == "2025-11-11"


def test_undecodable_file_error_names_line_and_column(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(
        "first line ok\nCaf\u00e9 cr\u00e8me br\u00fbl\u00e9e and plain English text here".encode(
            "latin-1"
        )
    )
    result = extract_events(tmp_path)
    assert result.records == []
    err = result.errors.iloc[0]
    assert err["line"] == 2
    assert "latin.txt:2" in err["error"] and "column 4" in err["error"] and "UTF-8" in err["hint"]


def test_html_markup_scripts_and_navigation_are_dropped(tmp_path):
    html = """<!DOCTYPE html><html><head>
    <meta property="article:published_time" content="2025-03-07T10:00">
    <title>Встреча депутатов</title><script>var x = 2024; var n = 500;</script>
    <style>p{margin:0}</style></head>
    <body><nav>Главная | Новости | +7 (495) 000-00-00 | 300 материалов</nav>
    <article><h1>Депутаты обсудили станкостроение</h1><p>6 марта депутаты Беларуси и России обсудили
    кооперацию. Экспорт составил 192&nbsp;миллиона долларов США.</p></article>
    <aside>Читайте также: 700 новостей про Китай</aside>
    <footer>© 2025 Вестник</footer></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    result = extract_events(tmp_path)
    rec = result.records[0]
    assert rec["event_date"] == "2025-03-06"  # year from the meta publication date
    assert [(f["value"], f["unit"]) for f in rec["figures"]] == [(192_000_000, "USD")]
    assert rec["countries"] == ["BLR", "RUS"]
    assert result.documents["format"].tolist() == ["html"]
    assert result.documents["publication_date"].tolist() == ["2025-03-07"]


def test_page_clutter_after_more_news_marker_is_cut(tmp_path):
    text = (
        GOOD
        + " "
        + "Стороны обсудили планы. " * 10
        + "\nФото: пресс-служба\n\nRecent Posts\n\n"
        + "В Китае угнали трактор стоимостью 5 млн рублей\n3 часа ago\n"
    )
    (tmp_path / "news.txt").write_text(text, encoding="utf-8")
    rec = extract_events(tmp_path).records[0]
    assert rec["countries"] == ["BLR", "RUS"] and rec["figures"] == []


def test_very_long_text_gets_a_clear_error_and_a_long_one_within_the_limit_is_read(tmp_path):
    (tmp_path / "long.txt").write_text(
        GOOD + "\n" + ("Стороны обсудили планы сотрудничества. " * 3000), encoding="utf-8"
    )
    too_long = extract_events(tmp_path, max_chars=50_000)
    assert too_long.records == [] and "exceeds max_chars=50000" in too_long.errors["error"][0]
    ok = extract_events(tmp_path)
    assert ok.records[0]["event_date"] == "2025-11-11"


def test_duplicate_document_ids_are_reported(tmp_path):
    (tmp_path / "same.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "same.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    result = extract_events(tmp_path)
    assert len(result.records) == 1 and "already taken" in result.errors["error"][0]


def test_missing_folder_and_folder_without_texts_raise(tmp_path):
    with pytest.raises(MissingDataError, match="nowhere"):
        extract_events(tmp_path / "nowhere")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(MissingDataError, match=r"\.txt"):
        extract_events(tmp_path)


def test_publication_dates_per_document_and_validation(tmp_path):
    (tmp_path / "a.txt").write_text(
        "6 марта встретились депутаты России и Беларуси.", encoding="utf-8"
    )
    assert (
        extract_events(tmp_path, publication_dates={"a": "2024-03-09"}).records[0]["event_date"]
        == "2024-03-06"
    )
    with pytest.raises(InvalidParameterError, match="publication_dates"):
        extract_events(tmp_path, publication_dates="yesterday")
    with pytest.raises(InvalidParameterError, match="max_chars"):
        extract_events(tmp_path, max_chars=0)


# --- frames and views ------------------------------------------------------------------------


@pytest.fixture(name="result", scope="module")
def fixture_result(tmp_path_factory):
    """Three small own texts extracted once."""
    d = tmp_path_factory.mktemp("events")
    (d / "e1.txt").write_text(
        "11 ноября 2025 года Россия и Беларусь обсудили сотрудничество в микроэлектронике. "
        "Экспорт за 2024 год составил 192 миллиона долларов США.",
        encoding="utf-8",
    )
    (d / "e2.txt").write_text(
        "03.10.2025 в рамках ЕАЭС Казахстан и Россия обсудили станкостроение и 30 проектов.",
        encoding="utf-8",
    )
    (d / "e3.txt").write_text("Армения рассмотрит кооперацию в области оптики.", encoding="utf-8")
    return extract_events(d)


def test_events_and_figures_frames_follow_the_schemas(result):
    from coopstats.schemas import EVENTS, FIGURES

    assert list(result.events.columns) == EVENTS and list(result.figures.columns) == FIGURES
    assert result.events["event_id"].tolist() == ["e1", "e2", "e3"]
    assert result.events["source"].tolist() == ["e1.txt", "e2.txt", "e3.txt"]
    assert result.figures["value"].tolist() == [192_000_000.0, 30.0]
    assert result.figures["period"].tolist()[0] == "2024" and pd.isna(
        result.figures["period"].tolist()[1]
    )


def test_jsonl_is_deterministic_and_one_object_per_line(result, tmp_path_factory):
    lines = result.to_jsonl().splitlines()
    assert len(lines) == 3 and [json.loads(x)["doc"] for x in lines] == ["e1", "e2", "e3"]
    d = tmp_path_factory.getbasetemp() / "events0"
    assert extract_events(d).to_jsonl() == result.to_jsonl()


def test_timeline_orders_by_date_with_undated_last(result):
    tl = timeline(result.events)
    assert tl["event_id"].tolist() == ["e2", "e1", "e3"]
    assert tl["bloc"].isna().tolist() == [False, True, True]


def test_country_sector_matrix_counts_events(result):
    m = country_sector_matrix(result.events)
    assert m.loc["RUS", "microelectronics"] == 1 and m.loc["RUS", "machine_tools"] == 1
    assert m.loc["ARM", "optics"] == 1 and m.loc["ARM", "microelectronics"] == 0
    assert list(m.columns) == ["microelectronics", "machine_tools", "optics"]


def test_link_figures_to_facts_by_value_and_unit_within_tolerance(result):
    facts = pd.DataFrame(
        {
            "fact_id": ["F1", "F2", "F3", "F4"],
            "metric": ["exports", "exports", "projects", "exports"],
            "value": [191_500_000.0, 192_000_000.0, 30.0, 192_000_000.0],
            "unit": ["USD", "USD", "count", "RUB"],
            "period": ["2024", "2023", None, "2024"],
            "source_url": ["u1", "u2", "u3", "u4"],
        }
    )
    links = link_figures_to_facts(result.figures, facts)
    assert links[["event_id", "fact_id"]].values.tolist() == [
        ["e1", "F2"],
        ["e1", "F1"],
        ["e2", "F3"],
    ]
    strict = link_figures_to_facts(result.figures, facts, same_period=True)
    assert strict["fact_id"].tolist() == ["F1"]
    assert link_figures_to_facts(result.figures, facts, rtol=0.0)["fact_id"].tolist() == [
        "F2",
        "F3",
    ]
    with pytest.raises(InvalidParameterError, match="rtol"):
        link_figures_to_facts(result.figures, facts, rtol=2)


# --- command line -----------------------------------------------------------------------------


def test_cli_writes_jsonl_and_counts_failures(tmp_path, capsys):
    from coopstats.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "b.txt").write_bytes(b"")
    (tmp_path / "pub.csv").write_text("doc,publication_date\na,2025-11-12\n", encoding="utf-8")
    out = tmp_path / "out" / "events.jsonl"
    code = main(
        [
            "events",
            "extract",
            str(src),
            "-o",
            str(out),
            "--publication-date",
            str(tmp_path / "pub.csv"),
        ]
    )
    assert code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["doc"] for x in lines] == ["a"]
    err = capsys.readouterr().err
    assert "2 file(s): 1 extracted" in err and "1 failed" in err and "b.txt" in err
    assert main(["events", "extract", str(src), "-o", str(out), "--strict"]) == 1
    assert main(["events", "extract", str(src), "--publication-date", "not-a-date"]) == 2


def test_cli_on_the_seed_press_releases(shared_dir, tmp_path):
    from coopstats.cli import main

    out = tmp_path / "seeds.jsonl"
    assert main(["events", "extract", str(shared_dir / "seeds"), "-o", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 5
    by_doc = {r["doc"]: r for r in recs}
    assert by_doc["003_6ea5807902e91aca"]["event_date"] == "2025-03-06"
    assert {
        "value": 192000000,
        "unit": "USD",
        "qualifier": None,
        "what": "экспорт",
        "period": "2024",
    } in by_doc[
        "003_6ea5807902e91aca"
    ]["figures"]


def test_seed_figures_link_to_the_facts_table(shared_dir):
    from coopstats.sources.facts import read_facts

    result = extract_events(shared_dir / "seeds")
    facts = read_facts(shared_dir / "data" / "facts" / "facts.csv").kept
    links = link_figures_to_facts(result.figures, facts)
    seed = links[links["source_url"] == links["event_id"] + ".txt"]
    assert {"F007", "F008", "F004", "F005", "F006", "F009"} <= set(seed["fact_id"])


def test_publication_dates_from_a_csv(tmp_path):
    text = "6 марта встретились депутаты России и Беларуси."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    csv_path = tmp_path / "pub.csv"
    csv_path.write_text("doc,publication_date\na,2024-03-09\n", encoding="utf-8")
    result = extract_events(tmp_path / "a.txt", publication_dates=csv_path)
    assert result.records[0]["event_date"] == "2024-03-06"
    csv_path.write_text("doc,publication_date\na,09.03.2024\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"pub.csv:2: column 'publication_date'"):
        extract_events(tmp_path / "a.txt", publication_dates=csv_path)
    with pytest.raises(MissingDataError, match="missing.csv"):
        extract_events(tmp_path / "a.txt", publication_dates=tmp_path / "missing.csv")


def test_utf16_and_cp1251_html_are_read(tmp_path):
    (tmp_path / "u16.txt").write_bytes(GOOD.encode("utf-16"))
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{GOOD}</p></body></html>'
    (tmp_path / "w.html").write_bytes(html.encode("cp1251"))
    result = extract_events(tmp_path)
    assert result.documents["encoding"].tolist() == ["utf-16", "cp1251"]
    assert [r["countries"] for r in result.records] == [["BLR", "RUS"], ["BLR", "RUS"]]


def test_frames_are_valid_when_every_file_failed(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"")
    result = extract_events(tmp_path)
    assert result.events.empty and result.figures.empty and len(result.errors) == 1
    assert result.to_jsonl() == ""


def test_output_is_byte_identical_across_hash_seeds(tmp_path):
    import os

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(
        "Российско-армянская лаборатория оптоэлектроники открылась 18 мая 2023 года; "
        "экспорт вырос на 12% до 5 млн долларов США.",
        encoding="utf-8",
    )
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "coopstats", "events", "extract", str(src), "-o", str(out)]
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0]
