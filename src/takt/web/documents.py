"""Printed documents, each a standalone page styled for paper by static/print.css and a PDF
download (``takt.web.pdf``) drawn from the same read model (``takt.app.documents``):

- the MO traveller (``/make/{number}/traveller``, ``.pdf``): item, quantity, due date, planned
  start and finish, the customer of a make-to-order MO; the ingredients with the batches to pick
  from; the operations with their workstation, planned minutes and an empty "done by / date"
  column; a QR code opening the MO's tasks on a tablet;
- the pick list (``/make/{number}/pick-list``, ``.pdf``): the ingredients still to pick and where;
- the purchase order (``/buy/{number}/print``, ``.pdf``): supplier, dates, lines (prices by the
  costs rule);
- the delivery note (``/sell/{number}/delivery-note``, ``.pdf``): customer, lines ordered, shipped
  and still to come, a line to sign.

Batches: the balances of a batch-tracked ingredient at the MO's location, in the order consumption
takes them (``takt.app.manufacturing``: the oldest batch first). Any logged-in user may print an
MO's documents, an operator only an MO with a task of theirs (``Task.is_work_of``); purchase
orders and delivery notes are for the roles that see the Buy and Sell pages.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from takt.app import api_queries, documents
from takt.app.ports import UnitOfWorkFactory
from takt.domain.errors import DomainError
from takt.web import pdf, qr
from takt.web.auth import CurrentViewer, Refused, Viewer
from takt.web.render import render, zone_of
from takt.web.stock import require_reader, sees_costs

router = APIRouter()


def _uows(request: Request) -> UnitOfWorkFactory:
    uows: UnitOfWorkFactory = request.app.state.takt.uows
    return uows


def _mo_doc(uows: UnitOfWorkFactory, viewer: Viewer, number: str) -> documents.MoDocument:
    """The MO ``number``'s documents (NotFound); refuses (403) an operator with no task on it."""
    doc = documents.mo_document(uows, number)
    if viewer.operator is not None:
        who = next((o for o in api_queries.operators(uows) if o.code == viewer.operator), None)
        if who is None or not any(t.is_work_of(who.code, who.workstations) for t in doc.mo.tasks):
            raise Refused(f"{doc.mo.number} has no task of yours ({viewer.operator})")
    return doc


def tasks_url(request: Request, number: str) -> str:
    """The absolute address of the MO's tasks, from the request's base URL (for the QR code)."""
    return f"{str(request.base_url).rstrip('/')}/tasks?mo={number}"


def _context(request: Request, viewer: Viewer, number: str) -> dict[str, Any]:
    doc = _mo_doc(_uows(request), viewer, number)
    return {
        "doc": doc,
        "mo": doc.mo,
        "item": doc.item,
        "customer": doc.customer,
        "lines": doc.lines,
        "stations": doc.stations,
        "zone": zone_of(doc.zone),
    }


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


def _traveller(request: Request, viewer: Viewer, number: str) -> dict[str, Any]:
    context = _context(request, viewer, number)
    url = tasks_url(request, context["mo"].number)
    context["tasks_url"] = url
    try:
        context["qr"] = Markup(qr.svg(url, "M", f"QR code: the tasks of {context['mo'].number}"))
    except qr.QRError:  # a very long site address: the address is printed as text below
        context["qr"] = None
    return context


@router.get("/make/{number}/traveller", name="mo_traveller")
def traveller(request: Request, number: str, viewer: CurrentViewer) -> Response:
    return render(request, "doc_traveller.html", _traveller(request, viewer, number))


MAX_TRAVELLERS = 100
"""Travellers printed at once (a Make page's worth)."""

Numbers = Annotated[list[str], Query(alias="mo", max_length=MAX_TRAVELLERS)]


def _chosen(numbers: list[str]) -> list[str]:
    chosen = list(dict.fromkeys(n.strip()[:40] for n in numbers if n.strip()))
    if not chosen:
        raise DomainError("choose at least one order to print", field="mo")
    return chosen


@router.get("/make/travellers", name="mo_travellers")
def travellers(request: Request, viewer: CurrentViewer, mo: Numbers) -> Response:
    """The travellers of the chosen MOs (the Make list's bulk print), one printed page each."""
    chosen = _chosen(mo)
    context = {
        "travellers": [_traveller(request, viewer, number) for number in chosen],
        "query": urlencode([("mo", n) for n in chosen]),
    }
    return render(request, "doc_travellers.html", context)


@router.get("/make/travellers.pdf", name="mo_travellers_pdf")
async def travellers_pdf(request: Request, viewer: CurrentViewer, mo: Numbers) -> Response:
    chosen = _chosen(mo)
    uows = _uows(request)
    docs = [await run_in_threadpool(_mo_doc, uows, viewer, n) for n in chosen]
    pages = [(doc, tasks_url(request, doc.mo.number)) for doc in docs]
    body = await run_in_threadpool(pdf.travellers, pages)
    return _pdf(body, "travellers")


@router.get("/make/{number}/traveller.pdf", name="mo_traveller_pdf")
async def traveller_pdf(request: Request, number: str, viewer: CurrentViewer) -> Response:
    doc = await run_in_threadpool(_mo_doc, _uows(request), viewer, number)
    body = await run_in_threadpool(pdf.traveller, doc, tasks_url(request, doc.mo.number))
    return _pdf(body, f"traveller-{doc.mo.number}")


@router.get("/make/{number}/pick-list", name="mo_pick_list")
def pick_list(request: Request, number: str, viewer: CurrentViewer) -> Response:
    return render(request, "doc_pick_list.html", _context(request, viewer, number))


@router.get("/make/{number}/pick-list.pdf", name="mo_pick_list_pdf")
async def pick_list_pdf(request: Request, number: str, viewer: CurrentViewer) -> Response:
    doc = await run_in_threadpool(_mo_doc, _uows(request), viewer, number)
    body = await run_in_threadpool(pdf.pick_list, doc)
    return _pdf(body, f"pick-list-{doc.mo.number}")


@router.get("/buy/{number}/print", name="po_print")
def purchase_print(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Buy")
    doc = documents.purchase_document(_uows(request), number)
    context = {"po": doc, "costs": sees_costs(request, viewer)}
    return render(request, "doc_purchase.html", context)


@router.get("/buy/{number}/print.pdf", name="po_pdf")
async def purchase_pdf(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Buy")
    doc = await run_in_threadpool(documents.purchase_document, _uows(request), number)
    costs = await run_in_threadpool(sees_costs, request, viewer)
    body = await run_in_threadpool(pdf.purchase_order, doc, costs)
    return _pdf(body, f"purchase-order-{doc.number}")


@router.get("/sell/{number}/delivery-note", name="so_delivery_note")
def delivery_note(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Sell")
    doc = documents.delivery_note(_uows(request), number)
    return render(request, "doc_delivery.html", {"note": doc})


@router.get("/sell/{number}/delivery-note.pdf", name="so_delivery_note_pdf")
async def delivery_note_pdf(request: Request, number: str, viewer: CurrentViewer) -> Response:
    require_reader(viewer, "Sell")
    doc = await run_in_threadpool(documents.delivery_note, _uows(request), number)
    body = await run_in_threadpool(pdf.delivery, doc)
    return _pdf(body, f"delivery-note-{doc.number}")
