"""List pages (search, sort, filters, export), the inbox page and document print views."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from pypdf import PdfReader
from tests.e2e.web.conftest import Login

from relos.web.i18n import translations


def _rows(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r">((?:RELOS|ORD)-[A-Z]{2}-\d{4}-\d{4})</a>", table)


def test_deployments_page_searches_sorts_filters_and_exports(login: Login) -> None:
    planner = login("in-planner")
    everything = _rows(planner.get("/deployments").text, "deployments")
    assert len(everything) == 5 and all(r.startswith("RELOS-") for r in everything)
    page = planner.get("/deployments", params={"q": "visakhapatnam"}).text
    assert _rows(page, "deployments") == [r for r in everything if r.startswith("RELOS-RU")][:1]
    assert ">RELOS<" in page  # the agreement column shows the agreement's short name
    ranked = _rows(planner.get("/deployments", params={"sort": "-reference"}).text, "deployments")
    assert ranked == sorted(everything, reverse=True)
    pending = planner.get("/deployments", params={"status": "pending_host_consent"}).text
    assert len(_rows(pending, "deployments")) == 1 and "second surface group" in pending
    ours = _rows(planner.get("/deployments", params={"party": "RU"}).text, "deployments")
    assert ours and all(r.startswith("RELOS-RU") for r in ours)
    at = _rows(planner.get("/deployments", params={"facility": "VOAR"}).text, "deployments")
    assert len(at) == 1
    refused = planner.get("/deployments", params={"sort": "commander"})
    assert refused.status_code == 200 and 'data-testid="list-error"' in refused.text
    assert 'value="commander"' in refused.text  # the form keeps what was asked
    assert "sort: one of" in refused.text  # the service's detail, for an English reader
    planner.cookies.set("relos_lang", "ru")
    russian = planner.get("/deployments", params={"sort": "commander"}).text
    said = translations("ru").gettext("Some of what was entered is not valid.")
    assert said in russian and "sort: one of" not in russian
    planner.cookies.set("relos_lang", "en")
    exported = planner.get("/deployments", params={"q": "INDRA", "export": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0][0] == "reference" and len(table) == 4  # header + three INDRA deployments
    workbook = planner.get("/deployments", params={"export": "xlsx"})
    assert zipfile.is_zipfile(io.BytesIO(workbook.content))


def test_orders_ledger_and_audit_pages_filter(login: Login) -> None:
    finance = login("in-finance")
    overview = finance.get("/logistics").text
    orders = _rows(overview, "orders")
    assert len(orders) == 5 and all(r.startswith("ORD-") for r in orders)
    assert "Vladivostok" in overview  # facility names, not only ids
    fuel = _rows(finance.get("/logistics", params={"q": "F-44"}).text, "orders")
    assert len(fuel) == 1
    ledger = finance.get("/logistics/ledger", params={"q": fuel[0]}).text
    assert _rows(ledger, "ledger") == []  # agreed, nothing delivered, nothing booked
    delivered = _rows(finance.get("/logistics/ledger", params={"q": orders[0]}).text, "ledger")
    assert delivered and set(delivered) == {orders[0]}
    booked = finance.get("/logistics/ledger", params={"sort": "-amount"}).text
    assert "ORD-IN-" in booked and "ORD-RU-" in booked
    export = finance.get("/logistics/ledger", params={"export": "csv", "party": "RU"})
    assert export.text.splitlines()[0].startswith("booked_on,ref,kind")
    auditor = login("in-auditor")
    audit = auditor.get("/audit", params={"q": "support_order.signed", "sort": "-id"}).text
    # five orders, two signatures each
    assert audit.count('data-action="support_order.signed"') == 10


def test_inbox_page_and_count_in_the_menu(login: Login) -> None:
    liaison = login("ru-host-liaison")
    home = liaison.get("/").text
    count = re.search(r'data-testid="inbox-count"[^>]*>(\d+)<', home)
    assert count and int(count.group(1)) >= 1
    inbox = liaison.get("/inbox").text
    assert 'data-kind="consent_requested"' in inbox and "second surface group" in inbox
    viewer = login("in-viewer")
    assert 'data-testid="inbox-count"' not in viewer.get("/").text
    assert "Nothing waits for you." in viewer.get("/inbox").text


def test_document_print_views_and_pdf(login: Login) -> None:
    logistics = login("in-logistics")
    overview = logistics.get("/logistics").text
    order_id = re.search(r'href="/logistics/orders/([0-9a-f-]{36})"', overview)
    assert order_id
    page = logistics.get(f"/logistics/orders/{order_id.group(1)}").text
    assert 'data-testid="order-pdf"' in page
    printed = logistics.get(f"/documents/support-orders/{order_id.group(1)}")
    assert printed.status_code == 200 and "Signed by" in printed.text
    pdf = logistics.get(f"/documents/support-orders/{order_id.group(1)}", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "ORD-" in text
    russian = logistics.get(
        f"/documents/support-orders/{order_id.group(1)}", params={"lang": "ru"}
    ).text
    assert "Подписал" in russian
    statement = logistics.get("/documents/statement", params={"start": "x", "end": "y"})
    assert statement.status_code == 422
