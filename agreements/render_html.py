"""An agreement version as accessible HTML: one column, real headings, the plain-language summary
first with links to each clause in full, lists as lists, and, when printed, the reference,
version number, content hash and page number on every page."""

from __future__ import annotations

from html import escape
from typing import Any

from agreements.service import Agreement
from agreements.tables import AgreementVersionRow
from agreements.template import long_date

_STYLE = """
body { font: 1.125rem/1.6 system-ui, sans-serif; max-width: 42rem; margin: 0 auto; padding: 1rem; color: #111; }
a { color: #0b4f9c; } .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; }
.source { font-size: 0.875rem; color: #444; } code { overflow-wrap: anywhere; }
.stamp { font-size: 0.75rem; color: #333; word-break: break-all; }
@page { margin: 2cm 2cm 2.5cm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; } }
@media print { .stamp { position: fixed; bottom: 0; left: 0; right: 0; } body { max-width: none; } }
"""


def _paragraphs(text: str) -> str:
    """Lines starting "- " are a list; the rest are paragraphs."""
    out, items = [], []
    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{escape(line[2:])}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            out.append(f"<p>{escape(line)}</p>")
    if items:
        out.append(f"<ul>{''.join(items)}</ul>")
    return "\n".join(out)


def _sources(clause: dict[str, Any]) -> str:
    """Each source a link a reader can open; an earlier template's note as it was written."""
    if not clause.get("sources"):
        return escape(clause["source"])
    return "; ".join(f'<a href="{escape(source["url"])}">{escape(source["title"])}</a>' for source in clause["sources"])


def render_html(agreement: Agreement, version: AgreementVersionRow) -> str:
    row = agreement.agreement
    terms = agreement.terms(version)
    clauses = version.content["clauses"]
    stamp = f"{row.reference} version {version.number}, content hash {version.content_hash}"
    summary = "\n".join(
        f'<li><a href="#{escape(c["id"])}">{escape(c["heading"])}</a>: {escape(c["summary"])}</li>' for c in clauses
    )
    full = "\n".join(
        f'<section aria-labelledby="{escape(c["id"])}"><h3 id="{escape(c["id"])}">{n}. {escape(c["heading"])}</h3>\n'
        f'{_paragraphs(c["text"])}\n<p class="source">Where this comes from: {_sources(c)}</p></section>'
        for n, c in enumerate(clauses, start=1)
    )
    signatures = agreement.signatures_of(version)
    signed = (
        "\n".join(
            f"<li>{escape(s.signer_name)}, for the {escape(s.party)} ({escape(s.capacity)}), signed on "
            f"{s.signed_at:%d %B %Y at %H:%M} UTC the words with content hash <code>{s.content_hash}</code></li>"
            for s in signatures
        )
        or "<li>Not signed yet.</li>"
    )
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Direct Payment agreement {escape(row.reference)} version {version.number}</title>
<style>{_STYLE}</style>
</head>
<body>
<a class="skip" href="#in-full">Skip to the agreement in full</a>
<header>
<h1>Direct Payment agreement</h1>
<p>{escape(terms.holder_name)} and {escape(terms.authority_name)}. Reference {escape(row.reference)}, version
{version.number} ({escape(version.status.replace("_", " "))}), from {long_date(terms.starts_on)} to
{long_date(terms.ends_on)}.</p>
</header>
<main>
<section aria-labelledby="in-short"><h2 id="in-short">This agreement in short</h2>
<ul>
{summary}
</ul></section>
<section aria-labelledby="in-full"><h2 id="in-full">The agreement in full</h2>
{full}
</section>
<section aria-labelledby="signatures"><h2 id="signatures">Signatures</h2><ul>{signed}</ul></section>
</main>
<footer class="stamp"><p>{escape(stamp)}</p></footer>
</body>
</html>
"""
