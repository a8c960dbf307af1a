#!/usr/bin/env python3
"""Writes the synthetic import fixtures of tests/import/ (run once; the files are committed).

Every company, person and number here is made up; SIRENs pass the Luhn check. The FEC is
written in ISO-8859-15 and the French CSV in Windows-1252, as French software writes them.
The Factur-X PDF is made separately (see factur-x.md beside this script).
"""
from pathlib import Path

HERE = Path(__file__).parent

FEC_HEADER = ("JournalCode JournalLib EcritureNum EcritureDate CompteNum CompteLib CompAuxNum "
              "CompAuxLib PieceRef PieceDate EcritureLib Debit Credit EcritureLet DateLet "
              "ValidDate Montantdevise Idevise").split()

ELOISE = ("BOULELOISE", "Boulangerie Pâtisserie Éloïse")
SGE = ("SGEAUX", "Société Générale des Eaux")
CAFE = ("CAFEPAIX", "Café de la Paix")
MOREL = ("MOREL", "Menuiserie Morel & Fils")


def sale(num, date, aux, ref, lib, ttc, ht, tva, let="", datelet=""):
    """A sales entry: the customer's debit, the sale and the VAT."""
    return [
        ("VE", "Ventes", num, date, "411000", "Clients", aux[0], aux[1], ref, date, lib, ttc, "0,00", let, datelet),
        ("VE", "Ventes", num, date, "706000", "Prestations de services", "", "", ref, date, lib, "0,00", ht, "", ""),
        ("VE", "Ventes", num, date, "445710", "TVA collectée", "", "", ref, date, lib, "0,00", tva, "", ""),
    ]


def credit_note(num, date, aux, ref, lib, ttc, ht, tva, let="", datelet=""):
    return [
        ("VE", "Ventes", num, date, "411000", "Clients", aux[0], aux[1], ref, date, lib, "0,00", ttc, let, datelet),
        ("VE", "Ventes", num, date, "706000", "Prestations de services", "", "", ref, date, lib, ht, "0,00", "", ""),
        ("VE", "Ventes", num, date, "445710", "TVA collectée", "", "", ref, date, lib, tva, "0,00", "", ""),
    ]


def receipt(num, date, aux, ref, lib, amount, let="", datelet="", compte="411000", comptelib="Clients"):
    return [
        ("BQ", "Banque", num, date, "512000", "Banque CIC", "", "", ref, date, lib, amount, "0,00", "", ""),
        ("BQ", "Banque", num, date, compte, comptelib, aux[0], aux[1], ref, date, lib, "0,00", amount, let, datelet),
    ]


def fec():
    rows = []
    # Éloïse: one invoice paid and lettered, one unlettered, one partially lettered.
    rows += sale("VE000101", "20251006", ELOISE, "F-2025-101", "Agencement boutique Éloïse", "1440,00", "1200,00", "240,00", "AA", "20251120")
    rows += sale("VE000118", "20251114", ELOISE, "F-2025-118", "Vitrine réfrigérée, pose", "2160,00", "1800,00", "360,00")
    rows += receipt("BQ000045", "20251120", ELOISE, "VIR-20251120", "VIR BOULANGERIE ELOISE F-2025-101", "1440,00", "AA", "20251120")
    rows += sale("VE000131", "20251210", ELOISE, "F-2025-131", "Étagères du fournil", "0000864,00", "720,00", "144,00", "AB", "20251222")
    rows += receipt("BQ000052", "20251222", ELOISE, "VIR-20251222", "VIR ELOISE ACOMPTE F-2025-131", " 500,00", "AB", "20251222")
    # Société Générale des Eaux: lettered after the closing date, a credit note, a closed pair.
    rows += sale("VE000095", "20250930", SGE, "F-2025-095", "Mobilier d'accueil, siège", "3600,00", "3000,00", "600,00", "AC", "20260115")
    rows += credit_note("VE000103", "20251105", SGE, "AV-2025-007", "Avoir remise F-2025-095", "240,00", "200,00", "40,00")
    rows += sale("VE000122", "20251128", SGE, "F-2025-122", "Portes de service", "1200,00", "1000,00", "200,00", "AD", "20251215")
    rows += receipt("BQ000050", "20251215", SGE, "VIR-20251215", "VIR SGE F-2025-122", "1200,00", "AD", "20251215")
    # Dupont Frères (no auxiliary account): an invoice and its payment, not yet lettered.
    dupont = ("", "")
    rows += [
        ("VE", "Ventes", "VE000140", "20251215", "411DUPONT", "Dupont Frères SARL", "", "", "F-2025-140", "20251215", "Escalier Dupont", "600,00", "0,00", "", ""),
        ("VE", "Ventes", "VE000140", "20251215", "706000", "Prestations de services", "", "", "F-2025-140", "20251215", "Escalier Dupont", "0,00", "500,00", "", ""),
        ("VE", "Ventes", "VE000140", "20251215", "445710", "TVA collectée", "", "", "F-2025-140", "20251215", "Escalier Dupont", "0,00", "100,00", "", ""),
    ]
    rows += receipt("BQ000055", "20251230", dupont, "CHQ-4471", "CHQ DUPONT FRERES", "600,00", compte="411DUPONT", comptelib="Dupont Frères SARL")
    # Café de la Paix: paid twice, in credit.
    rows += receipt("BQ000048", "20251202", CAFE, "VIR-20251202", "VIR CAFE DE LA PAIX", "150,00")
    # Morel: a claim moved to 416 (doubtful), balanced on 411.
    rows += sale("VE000050", "20250612", MOREL, "F-2025-050", "Fenêtres atelier", "480,00", "400,00", "80,00", "AE", "20250930")
    rows += [
        ("OD", "Opérations diverses", "OD000012", "20250930", "411000", "Clients", MOREL[0], MOREL[1], "OD-2025-012", "20250930", "Transfert clients douteux Morel", "0,00", "480,00", "AE", "20250930"),
        ("OD", "Opérations diverses", "OD000012", "20250930", "416000", "Clients douteux", MOREL[0], MOREL[1], "OD-2025-012", "20250930", "Transfert clients douteux Morel", "480,00", "0,00", "", ""),
    ]
    # Lines that cannot be used: an ambiguous amount, an impossible date.
    rows += [
        ("VE", "Ventes", "VE000150", "20251219", "411000", "Clients", ELOISE[0], ELOISE[1], "F-2025-150", "20251219", "Galettes des rois, présentoir", "1.234,56", "0,00", "", ""),
        ("VE", "Ventes", "VE000151", "20251220", "411000", "Clients", SGE[0], SGE[1], "F-2025-151", "20251345", "Réglage des portes", "96,00", "0,00", "", ""),
    ]
    lines = ["\t".join(FEC_HEADER)]
    for r in rows:
        valid = r[3]
        lines.append("\t".join(list(r) + [valid, "", ""]))
    (HERE / "732829320FEC20251231.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("iso-8859-15"))


def csv_fr():
    text = """client;nom;catégorie;siren;adresse;type;numéro;date;échéance;montant;facture_reglee;libellé
DUPONT;Boulangerie Dupont SAS;entreprise;381653260;3 place du Marché | 75011 Paris;facture;F-2026-001;15/01/2026;14/02/2026;1 200,00;;Comptoir de vente en chêne massif
DUPONT;Boulangerie Dupont SAS;;;;facture;F-2026-007;10/02/2026;;2 350,80;;Rayonnages du fournil
DUPONT;Boulangerie Dupont SAS;;;;règlement;VIR-0301;01/03/2026;;500,00;F-2026-001;Virement SEPA
LEROY;Mme Lucie Leroy;particulier;;8 rue Victor Hugo | 57000 Metz;facture;F-2026-010;20/02/2026;22/03/2026;480,00;;Bibliothèque sur mesure
LEROY;Mme Lucie Leroy;;;;avoir;AV-2026-002;05/03/2026;;80,00;;Remise geste commercial
VILLEURBANNE;Commune de Villeurbanne;personne-publique;216901231;Place Lazare-Goujon | 69100 Villeurbanne;facture;F-2026-015;02/03/2026;01/04/2026;5 760,00;;Bancs du parc de la Feyssine
VILLEURBANNE;Commune de Villeurbanne;;;;facture;F-2026-016;31/02/2026;;960,00;;Réparation kiosque
DUPONT;Boulangerie Dupont SAS;;;;facture;F-2026-012;05/03/2026;04/04/2026;1.864,00;;Portes de la réserve
CAFE;Café de la Paix;;;;facture;;05/03/2026;;120,00;;Chaise
CAFE;Café de la Paix;;;;règlement;VIR-0310;10/03/2026;;120,00;;Virement
"""
    (HERE / "factures.csv").write_bytes(text.replace("\n", "\r\n").encode("cp1252"))


def csv_en():
    text = """debtor,name,kind,siren,address,email,type,number,date,due,amount,invoice,description
BEAURIVAGE,Hôtel Beau Rivage SAS,company,389123456,"Quai du Mont-Blanc | 74000 Annecy",compta@beaurivage.example,invoice,F-2026-020,2026-03-02,2026-04-01,3000.00,,"Terrasse, lames en ipé"
BEAURIVAGE,Hôtel Beau Rivage SAS,,,,,payment,VIR-0402,2026-04-02,,-1000.00,,Virement
BEAURIVAGE,Hôtel Beau Rivage SAS,,,,,invoice,F-2026-021,2026-03-20,,-150.00,,Avoir retard de chantier
"""
    (HERE / "invoices.csv").write_text(text, encoding="utf-8")


def customers():
    text = """key,kind,name,siren,address,email
BOULELOISE,company,Boulangerie Pâtisserie Éloïse SARL,503214785,12 rue de la République | 69002 Lyon,contact@eloise.example
SGEAUX,company,Société Générale des Eaux SA,412345670,"Service comptabilité fournisseurs | 40 avenue Jean Jaurès | 69007 Lyon",
"""
    (HERE / "clients.csv").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    fec()
    csv_fr()
    csv_en()
    customers()
