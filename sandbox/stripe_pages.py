"""The Stripe sandbox's pages for people: hosted checkout, billing portal, hosted invoice and its PDF, receipt.

Plain HTML, just enough for a person (or a browser test) to click through: the buttons are real forms posting
back to the sandbox, which does the work (stripe.py); these functions only render.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from starlette.responses import HTMLResponse

from sandbox.stripe_objects import TIMES, Obj, money


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} · Stripe sandbox</title>'
        "<style>body{font:16px system-ui;max-width:40rem;margin:3rem auto}td{padding:.2rem 1rem .2rem 0}"
        ".error{color:#b00020}button{margin:.3rem .3rem 0 0}</style></head>"
        f"<body><h1>{title}</h1><p>Stripe sandbox · test mode</p>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status)


def per(price: Obj) -> str:
    return f" / {price['recurring']['interval']}" if price["recurring"] else ""


def checkout(session: Obj, items: list[Obj], error: str | None = None) -> HTMLResponse:
    """The payment page of an open session, with the three test outcomes; a spent session says so (409 when
    someone tries to pay it again). A declined payment re-renders the form with the error (402)."""
    rows = "".join(
        f"<tr><td>{html.escape(item['description'])}</td><td>{TIMES} {item['quantity']}</td>"
        f"<td>{money(item['amount_total'], item['currency'])}{per(item['price'])}</td></tr>"
        for item in items
    )
    if session["status"] != "open":
        body = f"<table>{rows}</table><p>This checkout session is already complete.</p>"
        return page("Checkout", body, 409 if error else 200)
    total = money(session["amount_total"], session["currency"])
    alert = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    back = f'<p><a href="{html.escape(session["cancel_url"])}">Back</a></p>' if session["cancel_url"] else ""
    body = (
        f"<table>{rows}</table><p>Total due today: <b>{total}</b></p>{alert}"
        '<form method="post"><button name="action" value="pay">Pay</button> '
        '<button name="action" value="fail">Fail payment</button> '
        f'<button name="action" value="async">Pay later (async)</button></form>{back}'
    )
    return page("Checkout", body, 402 if error else 200)


def portal(session: Obj, plans: list[tuple[Obj, str]]) -> HTMLResponse:
    """The customer's live subscriptions (with their product names), each with a cancel or resume button."""
    rows = []
    for subscription, name in plans:
        item = subscription["items"]["data"][0]
        ends = datetime.fromtimestamp(item["current_period_end"], UTC).strftime("%d %b %Y")
        note, action, label = (
            (f"cancels on {ends}", "resume", "Don't cancel")
            if subscription["cancel_at_period_end"]
            else (f"renews on {ends}", "cancel", "Cancel plan")
        )
        price = f"{money(item['price']['unit_amount'], subscription['currency'])}{per(item['price'])}"
        rows.append(
            f"<li>{html.escape(name)}: {price}, {subscription['status']}, {note}"
            f'<form method="post"><input type="hidden" name="subscription" value="{subscription["id"]}">'
            f'<button name="action" value="{action}">{html.escape(label)}</button></form></li>'
        )
    listed = "".join(rows) or "<li>No subscriptions</li>"
    back = f'<p><a href="{html.escape(session["return_url"])}">Return</a></p>' if session["return_url"] else ""
    return page("Billing", f"<ul>{listed}</ul>{back}")


def invoice(invoice: Obj) -> HTMLResponse:
    lines = "".join(
        f"<li>{html.escape(line['description'])}: {money(line['amount'], line['currency'])}</li>"
        for line in invoice["lines"]["data"]
    )
    body = (
        f"<p>Invoice {invoice['number']} · {invoice['status']}</p><ul>{lines}</ul>"
        f"<p>Total {money(invoice['total'], invoice['currency'])}</p>"
        f'<p><a href="{invoice["invoice_pdf"]}">Download PDF</a></p>'
    )
    return page("Invoice", body)


def receipt(charge: Obj) -> HTMLResponse:
    refunded = f", {money(charge['amount_refunded'], charge['currency'])} refunded" if charge["amount_refunded"] else ""
    what = html.escape(charge["description"] or "Payment")
    return page("Receipt", f"<p>{what}: {money(charge['amount'], charge['currency'])}{refunded}</p>")


def pdf(text: str) -> bytes:
    """A one-page PDF showing one line of text (what a hosted invoice's "Download PDF" link needs)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 720 Td (" + escaped + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))  # the cross-reference table needs each object's byte offset
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
