#!/usr/bin/env python3
"""Makes facturx-F-2026-0103.pdf: a one-page invoice with its CII XML embedded (Factur-X,
profile EN 16931), from cii-F-2026-0103.xml. Run once in a venv with the `factur-x`
package (pip install factur-x); the PDF is committed.
"""
from pathlib import Path

from facturx import generate_from_binary

HERE = Path(__file__).parent

LINES = [
    "Atelier Martin SARL - 12 rue des Lilas - 69003 Lyon - SIREN 732 829 320",
    "",
    "FACTURE F-2026-0103 du 3 mars 2026",
    "Client : Boulangerie Pâtisserie Éloïse SARL, 12 rue de la République, 69002 Lyon",
    "",
    "Étagères murales du fournil, chêne (HT)           1 000,00 EUR",
    "TVA 20 %                                             200,00 EUR",
    "Total TTC                                          1 200,00 EUR",
    "",
    "Échéance : 2 avril 2026. Pénalités de retard : taux BCE + 10 points ;",
    "indemnité forfaitaire pour frais de recouvrement : 40 EUR (C. com. L441-10).",
]


def pdf_string(s):
    b = s.encode("cp1252")
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def base_pdf():
    content = b"BT /F1 11 Tf 56 780 Td 15 TL\n"
    for line in LINES:
        content += pdf_string(line) + b" Tj T*\n"
    content += b"ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


if __name__ == "__main__":
    xml = (HERE / "cii-F-2026-0103.xml").read_bytes()
    pdf = generate_from_binary(base_pdf(), xml, flavor="factur-x", level="en16931", check_xsd=True)
    (HERE / "facturx-F-2026-0103.pdf").write_bytes(pdf)
